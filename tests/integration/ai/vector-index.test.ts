import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Loch, aiRuntime } from '../../../src/index.js';
import type { Principal } from '../../../src/catalog/governance/governance-types.js';
import type { LochSession } from '../../../src/index.js';
import type { AiRuntime } from '../../../src/ai/ai-runtime.js';
import { startFakeOpenAi } from '../../support/fake-openai.js';
import type { FakeModelServer } from '../../support/fake-openai.js';

/** A lexical embedding: each word adds 1 to a hashed dimension of 64, L2-normalised. */
function bagOfWords(text: string): number[] {
  const v = new Array<number>(64).fill(0);
  for (const word of text.toLowerCase().match(/[a-z]+/g) ?? []) {
    const h = createHash('sha1').update(word).digest().readUInt16BE(0) % 64;
    v[h] = (v[h] ?? 0) + 1;
  }
  const norm = Math.hypot(...v) || 1;
  return v.map((x) => x / norm);
}

const DOCS: [number, string, string][] = [
  [1, 'the cat sat on the warm mat', 'pets'],
  [2, 'dogs chase cats in the park', 'pets'],
  [3, 'stock markets fell sharply today', 'finance'],
  [4, 'interest rates rise as inflation grows', 'finance'],
  [5, 'a recipe for tomato soup with basil', 'food'],
  [6, 'fresh bread baked with flour and yeast', 'food'],
];

let dir: string;
let fake: FakeModelServer;
let loch: Loch;
let runtime: AiRuntime;
let embedded: string[];

const ix = { catalog: 'main', schema: 'default', name: 'docs_idx' };
const rows = async (sql: string, s?: LochSession): Promise<unknown[][]> => (await (s ?? loch).sql(sql)).all();
const session = async (name: string): Promise<LochSession> => loch.session({ principal: (await loch.identity.resolve(name)) as Principal });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'loch-vector-index-'));
  embedded = [];
  fake = await startFakeOpenAi({
    embed: (inputs) => {
      embedded.push(...inputs);
      return inputs.map(bagOfWords);
    },
  });
  loch = await Loch.open({ warehouse: join(dir, 'wh'), threads: 2, principal: 'root', secretKeyFile: join(dir, 'keys', 'secret.key') });
  runtime = aiRuntime(loch);
  const limits = { timeoutMs: 10_000, maxRetries: 0, backoffMs: 1, maxBackoffMs: 5, maxConcurrency: 4 };
  await loch.catalog.createModelEndpoint({ catalog: 'main', schema: 'default', name: 'embed' }, { provider: 'openai', url: fake.url, limits, task: 'embeddings', model: 'fake-embedding' });
  await loch.catalog.createModelEndpoint({ catalog: 'main', schema: 'default', name: 'chat' }, { provider: 'openai', url: fake.url, limits, task: 'chat', model: 'fake-model' });
  await rows(`CREATE TABLE main.default.docs (id BIGINT, body STRING, category STRING) TBLPROPERTIES (delta.enableChangeDataFeed = true)`);
  await rows(`INSERT INTO main.default.docs VALUES ${DOCS.map(([id, body, c]) => `(${id}, '${body}', '${c}')`).join(', ')}`);
}, 60_000);

afterAll(async () => {
  await loch?.close();
  await fake?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('CREATE VECTOR INDEX and search', () => {
  it('creates a text index with a first full sync and answers nearest rows first', async () => {
    const created = await rows(`CREATE VECTOR INDEX main.default.docs_idx ON main.default.docs (body) USING ENDPOINT main.default.embed WITH (primary_key => 'id', pipeline_type => 'TRIGGERED') COMMENT 'docs'`);
    expect(created).toEqual([[0n, 1n, 6n, 0n, true]]);
    expect(embedded).toHaveLength(6);
    const result = await runtime.vectors.search(loch.catalog, ix, { queryText: 'cat on a mat', numResults: 2, columns: ['id', 'body'] });
    expect(result.columns.map((c) => c.name)).toEqual(['id', 'body', 'search_score']);
    expect(result.rows[0]?.[0]).toBe(1n);
    expect(result.rows).toHaveLength(2);
    expect(Number(result.rows[0]?.[2])).toBeGreaterThan(Number(result.rows[1]?.[2]));
  });

  it('applies filters_json conditions and keeps k rows by over-fetching', async () => {
    const result = await runtime.vectors.search(loch.catalog, ix, { queryText: 'cat on a mat', numResults: 2, columns: ['id', 'category'], filters: { category: 'food' } });
    expect(result.rows.map((r) => r[1])).toEqual(['food', 'food']);
    const notPets = await runtime.vectors.search(loch.catalog, ix, { queryText: 'cats', numResults: 10, columns: ['id'], filters: { 'category NOT': ['pets', 'food'], 'id >=': 4 } });
    expect(notPets.rows.map((r) => r[0])).toEqual([4n]);
    await expect(runtime.vectors.search(loch.catalog, ix, { queryText: 'x', numResults: 1, filters: { nope: 1 } })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('fuses keyword and vector ranks for HYBRID and records a RETRIEVER span under the given trace', async () => {
    const hybrid = await runtime.vectors.search(loch.catalog, ix, { queryText: 'fresh bread', numResults: 3, columns: ['id'], queryType: 'HYBRID' });
    expect(hybrid.rows[0]?.[0]).toBe(6n);
    const ends: unknown[] = [];
    const span = { context: { traceId: 'tr-1', spanId: 'child' }, setInputs: () => {}, setOutputs: (o: unknown) => ends.push(o), setAttribute: () => {}, end: () => ends.push('end') };
    const spy = vi.spyOn(runtime.tracer, 'startSpan').mockReturnValue(span);
    try {
      await runtime.vectors.search(loch.catalog, ix, { queryText: 'warm cat', numResults: 1, columns: ['id'] }, { trace: { traceId: 'tr-1', spanId: 'root' } });
      expect(spy).toHaveBeenCalledWith({ traceId: 'tr-1', spanId: 'root' }, 'vector_search main.default.docs_idx', 'RETRIEVER', expect.objectContaining({ query_text: 'warm cat', num_results: 1 }));
      expect(ends).toEqual([[{ score: expect.any(Number), row: [1n] }], 'end']);
    } finally {
      spy.mockRestore();
    }
  });

  it('describes, lists and refuses a second CREATE unless IF NOT EXISTS', async () => {
    const info = await rows('DESCRIBE VECTOR INDEX main.default.docs_idx');
    const map = Object.fromEntries(info.map((r) => [r[0], r[1]]));
    expect(map).toMatchObject({ name: 'main.default.docs_idx', source: 'main.default.docs', column: 'body', primary_key: 'id', kind: 'text', endpoint: 'main.default.embed', dimensions: '64', state: 'ONLINE', synced_version: '1', rows: '6', comment: 'docs' });
    const shown = await rows('SHOW VECTOR INDEXES IN main.default');
    expect(shown.map((r) => r[0])).toEqual(['main.default.docs_idx']);
    await expect(rows(`CREATE VECTOR INDEX main.default.docs_idx ON main.default.docs (body) USING ENDPOINT 'main.default.embed'`)).rejects.toMatchObject({ code: 'ALREADY_EXISTS' });
    expect(await rows(`CREATE VECTOR INDEX IF NOT EXISTS main.default.docs_idx ON main.default.docs (body) USING ENDPOINT 'main.default.embed'`)).toEqual([]);
  });

  it('validates the source and the options', async () => {
    await rows('CREATE TABLE main.default.plain (id BIGINT, body STRING)');
    const noFeed = rows(`CREATE VECTOR INDEX main.default.p_idx ON main.default.plain (body) USING ENDPOINT 'main.default.embed'`);
    await expect(noFeed).rejects.toThrow(/ALTER TABLE main\.default\.plain SET TBLPROPERTIES \(delta\.enableChangeDataFeed = true\)/);
    await expect(rows(`CREATE VECTOR INDEX main.default.p2 ON main.default.docs (body) USING ENDPOINT 'main.default.chat'`)).rejects.toThrow(/not 'embeddings'/);
    await expect(rows(`CREATE VECTOR INDEX main.default.p3 ON main.default.docs (nope) USING ENDPOINT 'main.default.embed'`)).rejects.toThrow(/no column nope/);
    await expect(rows(`CREATE VECTOR INDEX main.default.p4 ON main.default.docs (body) USING ENDPOINT 'main.default.embed' WITH (metric => 'manhattan')`)).rejects.toThrow(/metric must be one of/);
    await expect(rows(`CREATE VECTOR INDEX main.default.p5 ON main.default.docs (body) WITH (primary_key => 'id')`)).rejects.toThrow(/USING ENDPOINT/);
    expect((await rows('SHOW VECTOR INDEXES')).map((r) => r[0])).toEqual(['main.default.docs_idx']);
  });

  it('indexes an embedding column without an endpoint and searches it by vector', async () => {
    await rows('CREATE TABLE main.default.vecs (k STRING, v ARRAY<FLOAT>) TBLPROPERTIES (delta.enableChangeDataFeed = true)');
    await rows(`INSERT INTO main.default.vecs VALUES ('a', [1.0, 0.0, 0.0]), ('b', [0.0, 1.0, 0.0]), ('c', [0.7, 0.7, 0.0])`);
    await rows(`CREATE VECTOR INDEX main.default.vecs_idx ON main.default.vecs (v) WITH (primary_key => 'k', metric => 'cosine')`);
    const result = await runtime.vectors.search(loch.catalog, { ...ix, name: 'vecs_idx' }, { queryVector: [0.9, 0.1, 0], numResults: 3, columns: ['k'] });
    expect(result.rows.map((r) => r[0])).toEqual(['a', 'c', 'b']);
    await expect(runtime.vectors.search(loch.catalog, { ...ix, name: 'vecs_idx' }, { queryText: 'a', numResults: 1 })).rejects.toThrow(/query_vector/);
    await rows('DROP VECTOR INDEX main.default.vecs_idx');
    await expect(runtime.vectors.describe(loch.catalog, { ...ix, name: 'vecs_idx' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await rows('DROP VECTOR INDEX IF EXISTS main.default.vecs_idx')).toEqual([]);
  });
});

describe('governance', () => {
  let alice: LochSession;
  let bob: LochSession;

  beforeAll(async () => {
    for (const user of ['alice', 'bob']) await loch.identity.createUser(user);
    await rows('GRANT USE CATALOG ON CATALOG main TO `account users`');
    await rows('GRANT USE SCHEMA ON SCHEMA main.default TO `account users`');
    await rows('GRANT EXECUTE ON MODEL ENDPOINT main.default.embed TO alice');
    await rows('GRANT SELECT ON TABLE main.default.docs TO alice');
    await rows('GRANT SELECT ON TABLE main.default.docs TO bob');
    await rows('REVOKE SELECT ON TABLE main.default.docs FROM bob');
    alice = await session('alice');
    bob = await session('bob');
  });

  it('hides the index from a principal without SELECT on the source, without embedding anything', async () => {
    const before = embedded.length;
    await expect(runtime.vectors.search(bob.catalog, ix, { queryText: 'cat', numResults: 3 })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(rows('DESCRIBE VECTOR INDEX main.default.docs_idx', bob)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await rows('SHOW VECTOR INDEXES IN main.default', bob)).toEqual([]);
    await expect(rows('DROP VECTOR INDEX main.default.docs_idx', bob)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(rows('DROP VECTOR INDEX main.default.docs_idx', alice)).rejects.toMatchObject({ code: 'PERMISSION_DENIED' });
    await expect(rows(`CREATE VECTOR INDEX main.default.bob_idx ON main.default.docs (body) USING ENDPOINT 'main.default.embed'`, bob)).rejects.toMatchObject({ code: 'PERMISSION_DENIED' });
    expect(embedded.length).toBe(before);
  });

  it('embeds the query as the caller: SELECT without EXECUTE on the endpoint is refused for text, fine for a vector', async () => {
    await loch.identity.createUser('carol');
    await rows('GRANT SELECT ON TABLE main.default.docs TO carol');
    const carol = await session('carol');
    await expect(runtime.vectors.search(carol.catalog, ix, { queryText: 'cat', numResults: 1 })).rejects.toMatchObject({ code: 'PERMISSION_DENIED' });
    const byVector = await runtime.vectors.search(carol.catalog, ix, { queryVector: bagOfWords('cat mat'), numResults: 1, columns: ['id'] });
    expect(byVector.rows).toEqual([[1n, expect.any(Number)]]);
    await expect(rows(`CREATE OR REPLACE VECTOR INDEX main.default.docs_idx ON main.default.docs (body) USING ENDPOINT 'main.default.embed'`, alice)).rejects.toMatchObject({ code: 'PERMISSION_DENIED' });
  });

  it('reads result rows through the caller: row filters apply', async () => {
    await rows(`CREATE FUNCTION main.default.not_food(c STRING) RETURNS BOOLEAN RETURN c <> 'food' OR current_user() = 'root'`);
    await rows('ALTER TABLE main.default.docs SET ROW FILTER main.default.not_food ON (category)');
    try {
      const seen = await runtime.vectors.search(alice.catalog, ix, { queryText: 'tomato soup recipe bread', numResults: 6, columns: ['id', 'category'] });
      expect(seen.rows.length).toBe(4);
      expect(seen.rows.map((r) => r[1])).not.toContain('food');
      const admin = await runtime.vectors.search(loch.catalog, ix, { queryText: 'tomato soup recipe bread', numResults: 6, columns: ['id', 'category'] });
      expect(admin.rows[0]?.[1]).toBe('food');
    } finally {
      await rows('ALTER TABLE main.default.docs DROP ROW FILTER');
    }
  });
});
