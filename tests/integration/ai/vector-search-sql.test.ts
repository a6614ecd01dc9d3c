import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aiRuntime } from '../../../src/ai/ai-extension.js';
import type { Principal } from '../../../src/catalog/governance/governance-types.js';
import { Loch } from '../../../src/index.js';
import { MemoryVectors } from '../../../src/ai/vector/search-sql/test-support/memory-vectors.js';
import { rejection } from '../../../src/test-support/errors.js';
import { openAiHarness } from './ai-functions-harness.js';
import type { AiHarness } from './ai-functions-harness.js';

/**
 * vector_search(…) as a table function in SQL, against an in-memory VectorIndexService put in
 * the ai runtime's place (exact search over the source read as the caller): argument forms,
 * columns and search_score, filters, CTEs and joins, parameters, ai_query over the results,
 * views (described without searching) and argument errors; then against the real service with
 * the local (hashing) embedding provider: text, vector and hybrid indexes following their table.
 */

let h: AiHarness;
let vectors: MemoryVectors;
const IDX = { catalog: 'main', schema: 'default', name: 'docs_idx' };
const TEXT_IDX = { catalog: 'main', schema: 'default', name: 'docs_text_idx' };

beforeAll(async () => {
  h = await openAiHarness();
  const runtime = aiRuntime(h.loch);
  vectors = new MemoryVectors(runtime.host);
  Object.defineProperty(runtime, 'vectors', { value: vectors });
  await (await h.loch.sql(`CREATE TABLE main.default.docs (id INT, category STRING, body STRING, emb ARRAY<FLOAT>)`)).all();
  await (await h.loch.sql(`INSERT INTO main.default.docs VALUES
    (1, 'a', 'red shoes for running', array(1.0, 0.0, 0.0)),
    (2, 'a', 'blue shoes for walking', array(0.9, 0.1, 0.0)),
    (3, 'b', 'green hat', array(0.0, 1.0, 0.0)),
    (4, 'b', 'red hat', array(0.5, 0.5, 0.0))`)).all();
  vectors.define(IDX, { source: { catalog: 'main', schema: 'default', name: 'docs' }, vectorColumn: 'emb', textColumn: 'body', primaryKey: 'id' });
  vectors.define(TEXT_IDX, { source: { catalog: 'main', schema: 'default', name: 'docs' }, textColumn: 'body', primaryKey: 'id' });
}, 60_000);

afterAll(async () => {
  await h?.close();
});

describe('vector_search in FROM', () => {
  it('returns the source columns then search_score DOUBLE, best first, searched as the caller', async () => {
    const before = vectors.searches.length;
    const result = await h.loch.sql("SELECT * FROM vector_search(index => 'main.default.docs_idx', query_vector => array(1.0, 0.0, 0.0), num_results => 2)");
    expect(result.columns.map((c) => [c.name, c.type])).toEqual([['id', 'INTEGER'], ['category', 'VARCHAR'], ['body', 'VARCHAR'], ['emb', 'FLOAT[]'], ['search_score', 'DOUBLE']]);
    const rows = await result.all();
    expect(rows.map((r) => r[0])).toEqual([1, 2]);
    expect(rows[0]?.[4]).toBeCloseTo(1, 6);
    expect(rows[0]?.[3]).toEqual([1, 0, 0]);
    expect(vectors.searches.slice(before)).toEqual([{ name: IDX, principal: h.loch.catalog.actor.name, query: { numResults: 2, queryVector: [1, 0, 0] } }]);
  });

  it('takes positional arguments, resolves the index against the session, selects columns and filters', async () => {
    const rows = await h.rows("SELECT id, search_score > 0 AS hit FROM vector_search('docs_text_idx', 'red', 10) ORDER BY id");
    expect(rows).toEqual([{ id: 1, hit: true }, { id: 2, hit: false }, { id: 3, hit: false }, { id: 4, hit: true }]);
    const filtered = await h.rows(`SELECT * FROM vector_search(index => 'main.default.docs_text_idx', query_text => 'red hat', columns => array('id', 'body'), filters => '{"category": "b"}', num_results => 5)`);
    expect(filtered).toEqual([{ id: 4, body: 'red hat', search_score: 1 }, { id: 3, body: 'green hat', search_score: 0.5 }]);
    expect(vectors.searches.at(-1)?.query).toEqual({ numResults: 5, queryText: 'red hat', columns: ['id', 'body'], filters: { category: 'b' } });
  });

  it('works in CTEs, joins, subqueries and with parameters; two calls in one statement', async () => {
    const rows = await h.rows(`WITH hits AS (SELECT id, search_score FROM vector_search(index => 'docs_idx', query_vector => array(0.0, 1.0, 0.0), num_results => 2))
      SELECT d.body, h.search_score > 0.7 AS close FROM hits h JOIN main.default.docs d ON d.id = h.id ORDER BY h.search_score DESC`);
    expect(rows).toEqual([{ body: 'green hat', close: true }, { body: 'red hat', close: true }]);
    const both = await h.rows(`SELECT a.id AS a, b.id AS b FROM vector_search('docs_text_idx', 'walking', 1) a, vector_search('docs_text_idx', 'green', 1) b`);
    expect(both).toEqual([{ a: 2, b: 3 }]);
    const result = await h.loch.sql('SELECT count(*) AS n FROM (SELECT * FROM vector_search(index => :idx, query => :q, num_results => :k))', { params: { idx: 'docs_text_idx', q: 'shoes', k: 3 } });
    expect(await result.all()).toEqual([[3n]]);
    expect(vectors.searches.at(-1)?.query).toEqual({ numResults: 3, queryText: 'shoes' });
  });

  it('gives an empty typed table for num_results => 0', async () => {
    const result = await h.loch.sql("SELECT id, search_score FROM vector_search(index => 'docs_idx', query_vector => array(1.0, 0.0, 0.0), num_results => 0)");
    expect(result.columns.map((c) => c.type)).toEqual(['INTEGER', 'DOUBLE']);
    expect(await result.all()).toEqual([]);
  });

  it('lets ai_query run over its results (the ai rewrite follows)', async () => {
    const calls = h.fake.requests.length;
    const rows = await h.rows(`SELECT id, ai_query('main.default.chat', body) AS answer FROM vector_search(index => 'docs_text_idx', query => 'hat', num_results => 2) ORDER BY id`);
    expect(rows).toEqual([{ id: 3, answer: 'echo: green hat' }, { id: 4, answer: 'echo: red hat' }]);
    expect(h.fake.requests.length - calls).toBe(2);
  });

  it('keeps the call in a view, describing it without searching, and searches when the view is read', async () => {
    const before = vectors.searches.length;
    await (await h.loch.sql("CREATE VIEW main.default.red_things AS SELECT id, body, search_score FROM vector_search(index => 'docs_text_idx', query => 'red', num_results => 2)")).all();
    expect(vectors.searches.length).toBe(before);
    const described = await h.rows('DESCRIBE TABLE main.default.red_things');
    expect(described.map((r) => [r['col_name'], r['data_type']])).toEqual([['id', 'int'], ['body', 'string'], ['search_score', 'double']]);
    expect((await h.rows('SELECT id FROM main.default.red_things ORDER BY id')).map((r) => r['id'])).toEqual([1, 4]);
    expect(vectors.searches.length).toBe(before + 1);
  });

  it('works inside a statement condition (DELETE … WHERE id IN (SELECT … FROM vector_search(…)))', async () => {
    await (await h.loch.sql('CREATE TABLE main.default.docs_copy AS SELECT * FROM main.default.docs')).all();
    await (await h.loch.sql("DELETE FROM main.default.docs_copy WHERE id IN (SELECT id FROM vector_search(index => 'docs_text_idx', query => 'hat', num_results => 2))")).all();
    expect((await h.rows('SELECT id FROM main.default.docs_copy ORDER BY id')).map((r) => r['id'])).toEqual([1, 2]);
  });
});

describe('vector_search errors', () => {
  it('names the argument of a misused call and the missing index', async () => {
    const cases: [string, RegExp][] = [
      ["SELECT * FROM vector_search(index => 'docs_idx')", /argument query is missing/],
      ["SELECT * FROM vector_search(index => 'docs_idx', query => 'x', k => 3)", /argument k is not an argument of vector_search/],
      ["SELECT * FROM vector_search(index => 'docs_idx', query => 'x', num_results => -1)", /num_results must be an integer/],
      ["SELECT * FROM vector_search(index => 'docs_idx', query => 'x', filters => '{oops')", /filters is not valid JSON/],
      ["SELECT * FROM main.default.docs d, vector_search(index => 'docs_idx', query => d.body)", /must be a constant expression/],
    ];
    for (const [sql, message] of cases) {
      const error = await rejection(h.loch.sql(sql).then((r) => r.all()));
      expect(error, sql).toMatchObject({ code: 'INVALID_ARGUMENT' });
      expect((error as Error).message, sql).toMatch(message);
    }
    expect(await rejection(h.loch.sql("SELECT * FROM vector_search(index => 'nope', query => 'x')"))).toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('main.default.nope') });
  });
});

describe('vector_search against the real index service (local embeddings)', () => {
  let dir: string;
  let loch: Loch;
  const q = async (sql: string): Promise<Record<string, unknown>[]> => {
    const result = await loch.sql(sql);
    const names = result.columns.map((c) => c.name);
    return (await result.all()).map((row) => Object.fromEntries(names.map((n, i) => [n, row[i]])));
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'loch-vector-search-sql-'));
    loch = await Loch.open({ warehouse: join(dir, 'wh'), threads: 2 });
    await loch.catalog.createModelEndpoint({ catalog: 'main', schema: 'default', name: 'local_embed' }, { provider: 'local', task: 'embeddings', model: 'hash-256' });
    await q(`CREATE TABLE main.default.notes (id BIGINT, topic STRING, body STRING, emb ARRAY<FLOAT>) TBLPROPERTIES (delta.enableChangeDataFeed = true)`);
    await q(`INSERT INTO main.default.notes VALUES
      (1, 'sport', 'running shoes for the marathon', array(1.0, 0.0, 0.0)),
      (2, 'sport', 'a tennis racket and tennis balls', array(0.0, 1.0, 0.0)),
      (3, 'food', 'fresh bread from the bakery', array(0.0, 0.0, 1.0)),
      (4, 'food', 'marathon pasta party before the race', array(0.7, 0.0, 0.7))`);
    await q(`CREATE VECTOR INDEX main.default.notes_idx ON main.default.notes (body) USING ENDPOINT main.default.local_embed WITH (primary_key => 'id')`);
    await q(`CREATE VECTOR INDEX main.default.notes_vec ON main.default.notes (emb) WITH (primary_key => 'id', text_column => 'body')`);
  }, 60_000);

  afterAll(async () => {
    await loch?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('searches a text index by query text, with columns, filters and search_score', async () => {
    const top = await q(`SELECT id, search_score FROM vector_search(index => 'main.default.notes_idx', query => 'tennis balls', num_results => 1)`);
    expect(top.map((r) => r['id'])).toEqual([2n]);
    expect(typeof top[0]?.['search_score']).toBe('number');
    const food = await q(`SELECT * FROM vector_search(index => 'notes_idx', query => 'marathon', columns => array('id', 'body'), filters => '{"topic": "food"}', num_results => 3)`);
    // Only the two food notes pass the filter; the one sharing the word comes first.
    expect(food.map((r) => [r['id'], r['body']])).toEqual([[4n, 'marathon pasta party before the race'], [3n, 'fresh bread from the bakery']]);
    expect(Object.keys(food[0] ?? {})).toEqual(['id', 'body', 'search_score']);
    const ordered = await q(`SELECT id, search_score FROM vector_search('notes_idx', 'marathon running shoes', 4)`);
    expect(ordered[0]?.['id']).toBe(1n);
    const scores = ordered.map((r) => r['search_score'] as number);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
  });

  it('searches an embedding index by query_vector and HYBRID with its text column', async () => {
    expect((await q(`SELECT id FROM vector_search(index => 'notes_vec', query_vector => array(0.0, 0.0, 1.0), num_results => 2)`)).map((r) => r['id'])).toEqual([3n, 4n]);
    const hybrid = await q(`SELECT id FROM vector_search(index => 'notes_vec', query => 'pasta party', query_vector => array(0.0, 0.0, 1.0), query_type => 'HYBRID', num_results => 1)`);
    expect(hybrid.map((r) => r['id'])).toEqual([4n]);
  });

  it('follows the table after REFRESH VECTOR INDEX, and joins back to the source', async () => {
    await q(`INSERT INTO main.default.notes VALUES (5, 'food', 'sourdough bread starter', array(0.0, 0.0, 1.0))`);
    await q(`DELETE FROM main.default.notes WHERE id = 3`);
    await q('REFRESH VECTOR INDEX main.default.notes_idx');
    const rows = await q(`WITH hits AS (SELECT id, search_score FROM vector_search(index => 'notes_idx', query => 'bread', num_results => 2))
      SELECT n.id, n.topic FROM hits JOIN main.default.notes n USING (id) ORDER BY hits.search_score DESC`);
    expect(rows[0]).toEqual({ id: 5n, topic: 'food' });
    expect(rows.map((r) => r['id'])).not.toContain(3n);
  });

  it('traces a searching statement: a CHAIN root with the RETRIEVER span of the service under it', async () => {
    await q(`SELECT id FROM vector_search(index => 'notes_idx', query => 'tennis', num_results => 1)`);
    await aiRuntime(loch).tracer.flush();
    const spans = await q(`SELECT name, span_type, parent_span_id IS NULL AS root FROM system.ai.trace_spans
      WHERE trace_id IN (SELECT trace_id FROM system.ai.trace_spans WHERE span_type = 'RETRIEVER') ORDER BY start_time_unix_nano`);
    expect(spans).toContainEqual({ name: 'vector_search', span_type: 'CHAIN', root: true });
    expect(spans).toContainEqual({ name: 'vector_search main.default.notes_idx', span_type: 'RETRIEVER', root: false });
  });

  it('describes a view over vector_search with the source column types', async () => {
    await q(`CREATE VIEW main.default.bread_notes AS SELECT * FROM vector_search(index => 'notes_idx', query => 'bread', columns => array('id', 'body'), num_results => 1)`);
    expect((await q('DESCRIBE TABLE main.default.bread_notes')).map((r) => [r['col_name'], r['data_type']])).toEqual([['id', 'bigint'], ['body', 'string'], ['search_score', 'double']]);
    expect((await q('SELECT id FROM main.default.bread_notes')).map((r) => r['id'])).toEqual([5n]);
  });

  it('searches as the reader of such a view: without SELECT on the source nothing comes back', async () => {
    for (const user of ['reader', 'viewer']) await loch.identity.createUser(user);
    await q(`GRANT USE CATALOG ON CATALOG main TO \`account users\`; GRANT USE SCHEMA ON SCHEMA main.default TO \`account users\`;
      GRANT SELECT ON TABLE main.default.bread_notes TO \`account users\`; GRANT SELECT ON TABLE main.default.notes TO reader;
      GRANT EXECUTE ON MODEL ENDPOINT main.default.local_embed TO \`account users\``);
    const as = async (user: string) => loch.session({ principal: (await loch.identity.resolve(user)) as Principal });
    const reader = await as('reader');
    expect(await (await reader.sql('SELECT id FROM main.default.bread_notes')).all()).toEqual([[5n]]);
    const viewer = await as('viewer');
    const refused = await rejection(viewer.sql('SELECT id FROM main.default.bread_notes').then((r) => r.all()));
    expect(['PERMISSION_DENIED', 'NOT_FOUND']).toContain((refused as { code: string }).code);
    expect((refused as Error).message).not.toContain('sourdough');
    // Called directly (not through a view): the same rule, the function is open to confined principals.
    const direct = "SELECT id FROM vector_search(index => 'main.default.notes_idx', query => 'bread', num_results => 1)";
    expect(await (await reader.sql(direct)).all()).toEqual([[5n]]);
    const denied = await rejection(viewer.sql(direct).then((r) => r.all()));
    expect(['PERMISSION_DENIED', 'NOT_FOUND']).toContain((denied as { code: string }).code);
  });
});
