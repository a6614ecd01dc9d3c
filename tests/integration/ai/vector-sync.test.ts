import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Loch, aiRuntime } from '../../../src/index.js';
import type { VectorQuery } from '../../../src/ai/vector/vector-types.js';
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

let dir: string;
let fake: FakeModelServer;
let loch: Loch;
let embedded: string[];
let batches: number[];

const warehouse = (): string => join(dir, 'wh');
const name = (n: string) => ({ catalog: 'main', schema: 'default', name: n });
const rows = async (sql: string): Promise<unknown[][]> => (await loch.sql(sql)).all();
const search = (index: string, query: VectorQuery) => aiRuntime(loch).vectors.search(loch.catalog, name(index), query);
const ids = async (index: string, text: string, k = 10): Promise<unknown[]> => (await search(index, { queryText: text, numResults: k, columns: ['id'] })).rows.map((r) => r[0]);

async function open(): Promise<void> {
  loch = await Loch.open({ warehouse: warehouse(), threads: 2, principal: 'root', secretKeyFile: join(dir, 'keys', 'secret.key') });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'loch-vector-sync-'));
  embedded = [];
  batches = [];
  fake = await startFakeOpenAi({
    embed: (inputs) => {
      embedded.push(...inputs);
      batches.push(inputs.length);
      return inputs.map(bagOfWords);
    },
  });
  await open();
  const limits = { timeoutMs: 10_000, maxRetries: 0, backoffMs: 1, maxBackoffMs: 5, maxConcurrency: 4 };
  await loch.catalog.createModelEndpoint(name('embed'), { provider: 'openai', url: fake.url, limits, task: 'embeddings', model: 'fake-embedding' });
  await rows('CREATE TABLE main.default.notes (id INT, body STRING) TBLPROPERTIES (delta.enableChangeDataFeed = true)');
  await rows(`INSERT INTO main.default.notes VALUES (1, 'apples and pears'), (2, 'green apples'), (3, 'ripe bananas'), (4, 'orange juice')`);
  await rows(`CREATE VECTOR INDEX main.default.notes_idx ON main.default.notes (body) USING ENDPOINT 'main.default.embed' WITH (primary_key => 'id')`);
}, 60_000);

afterAll(async () => {
  await loch?.close();
  await fake?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('incremental sync from the change data feed', () => {
  it('follows inserts, updates and deletes in one REFRESH, embedding only changed texts', async () => {
    await rows(`INSERT INTO main.default.notes VALUES (5, 'banana bread'), (6, 'apple pie')`);
    await rows(`UPDATE main.default.notes SET body = 'sour lemons' WHERE id = 2`);
    await rows('DELETE FROM main.default.notes WHERE id = 3');
    // Not synced yet: the new rows are not found; the deleted one is gone already (rows are read back from the source).
    expect([...(await ids('notes_idx', 'bananas'))].sort()).toEqual([1, 2, 4]);
    embedded.length = 0;
    const summary = await rows('REFRESH VECTOR INDEX main.default.notes_idx');
    expect(summary).toEqual([[2n, 4n, 3n, 1n, false]]);
    expect([...embedded].sort()).toEqual(['apple pie', 'banana bread', 'sour lemons']);
    const found = await ids('notes_idx', 'bananas');
    expect(found).not.toContain(3);
    expect(found).toHaveLength(5);
    expect((await ids('notes_idx', 'sour lemons', 1))[0]).toBe(2);
    expect(await rows('SYNC VECTOR INDEX main.default.notes_idx')).toEqual([[5n, 4n, 0n, 0n, false]]);
  });

  it('serialises concurrent syncs of one index: the second finds nothing left to do', async () => {
    await rows(`INSERT INTO main.default.notes VALUES (8, 'cherry tart')`);
    const runtime = aiRuntime(loch);
    const [a, b] = await Promise.all([runtime.vectors.sync(loch.catalog, name('notes_idx')), runtime.vectors.sync(loch.catalog, name('notes_idx'))]);
    expect([a.upserted, b.upserted].sort()).toEqual([0, 1]);
    await rows('DELETE FROM main.default.notes WHERE id = 8');
    expect(await rows('REFRESH VECTOR INDEX main.default.notes_idx')).toEqual([[6n, 6n, 0n, 1n, false]]);
  });

  it('a FULL rebuild gives the same results as the incremental state', async () => {
    const query: VectorQuery = { queryText: 'apples bananas bread', numResults: 5, columns: ['id', 'body'] };
    const before = await search('notes_idx', query);
    const summary = await rows('REFRESH VECTOR INDEX main.default.notes_idx FULL');
    expect(summary).toEqual([[0n, 6n, 5n, 0n, true]]);
    const after = await search('notes_idx', query);
    // Same rows with the same scores (rows of equal score may come in either order).
    const scored = (result: typeof before): string[] => result.rows.map((r) => `${Number(r[2]).toFixed(5)} ${String(r[0])} ${String(r[1])}`).sort();
    expect(scored(after)).toEqual(scored(before));
    expect(after.rows[0]?.[0]).toBe(before.rows[0]?.[0]);
  });

  it('rebuilds in full when the change data feed was turned off in between', async () => {
    await rows('ALTER TABLE main.default.notes SET TBLPROPERTIES (delta.enableChangeDataFeed = false)');
    await rows(`INSERT INTO main.default.notes VALUES (7, 'plum jam')`);
    const [summary] = await rows('REFRESH VECTOR INDEX main.default.notes_idx');
    expect(summary?.[4]).toBe(true);
    expect((await ids('notes_idx', 'plum jam', 1))[0]).toBe(7);
    await rows('ALTER TABLE main.default.notes SET TBLPROPERTIES (delta.enableChangeDataFeed = true)');
  });

  it('a CONTINUOUS index syncs before a search when the source moved', async () => {
    await rows('CREATE TABLE main.default.live (id BIGINT, body STRING) TBLPROPERTIES (delta.enableChangeDataFeed = true)');
    await rows(`CREATE VECTOR INDEX main.default.live_idx ON main.default.live (body) USING ENDPOINT 'main.default.embed' WITH (primary_key => 'id', pipeline_type => 'continuous')`);
    expect(await ids('live_idx', 'anything')).toEqual([]);
    await rows(`INSERT INTO main.default.live VALUES (10, 'kiwi smoothie'), (11, 'mango lassi')`);
    expect((await ids('live_idx', 'mango lassi'))[0]).toBe(11n);
    await rows('DELETE FROM main.default.live WHERE id = 11');
    expect(await ids('live_idx', 'mango lassi')).toEqual([10n]);
  });

  it('embeds in batches of 32', async () => {
    await rows('CREATE TABLE main.default.big (id BIGINT, body STRING) TBLPROPERTIES (delta.enableChangeDataFeed = true)');
    await rows(`INSERT INTO main.default.big SELECT i, 'row ' || i FROM range(70) AS t(i)`);
    batches.length = 0;
    await rows(`CREATE VECTOR INDEX main.default.big_idx ON main.default.big (body) USING ENDPOINT 'main.default.embed' WITH (primary_key => 'id')`);
    expect(batches.sort((a, b) => a - b)).toEqual([6, 32, 32]);
    expect((await aiRuntime(loch).vectors.describe(loch.catalog, name('big_idx'))).status.rows).toBe(70);
  });

  it('compacts segments into a new base and removes the old files', async () => {
    await rows('CREATE TABLE main.default.many (id BIGINT, body STRING) TBLPROPERTIES (delta.enableChangeDataFeed = true)');
    await rows(`CREATE VECTOR INDEX main.default.many_idx ON main.default.many (body) USING ENDPOINT 'main.default.embed' WITH (primary_key => 'id')`);
    for (let i = 0; i < 18; i++) {
      await rows(`INSERT INTO main.default.many VALUES (${i}, 'item number ${i} word${i}')`);
      await rows('REFRESH VECTOR INDEX main.default.many_idx');
    }
    const record = await loch.catalog.findVectorIndex(name('many_idx'));
    const files = await readdir(record?.location ?? '');
    expect(files.filter((f) => f.startsWith('base-'))).toHaveLength(1);
    expect(files.filter((f) => f.startsWith('seg-')).length).toBeLessThanOrEqual(16);
    expect(await ids('many_idx', 'item number', 20)).toHaveLength(18);
    await rows('DROP VECTOR INDEX main.default.many_idx');
    expect(await readdir(record?.location ?? '').catch(() => [])).toEqual([]);
  }, 60_000);

  it('removes the files of the indexes of a schema dropped with CASCADE', async () => {
    await rows(`CREATE SCHEMA main.gone; CREATE TABLE main.gone.t (id BIGINT, body STRING) TBLPROPERTIES (delta.enableChangeDataFeed = true);
      INSERT INTO main.gone.t VALUES (1, 'pears')`);
    await rows(`CREATE VECTOR INDEX main.gone.t_idx ON main.gone.t (body) USING ENDPOINT 'main.default.embed' WITH (primary_key => 'id')`);
    const record = await loch.catalog.findVectorIndex({ catalog: 'main', schema: 'gone', name: 't_idx' });
    expect((await readdir(record?.location ?? '')).length).toBeGreaterThan(0);
    await rows('DROP SCHEMA main.gone CASCADE');
    expect(await readdir(record?.location ?? '').catch(() => [])).toEqual([]);
  });
});

describe('restart', () => {
  it('loads the index from its files after close and reopen, embedding only the query', async () => {
    const query: VectorQuery = { queryText: 'apples', numResults: 3, columns: ['id', 'body'] };
    const before = await search('notes_idx', query);
    await loch.close();
    await open();
    embedded.length = 0;
    const after = await search('notes_idx', query);
    expect(embedded).toEqual(['apples']);
    expect(after.rows).toEqual(before.rows);
    const info = await aiRuntime(loch).vectors.describe(loch.catalog, name('notes_idx'));
    expect(info.status).toMatchObject({ state: 'ONLINE', rows: 6 });
  });
});
