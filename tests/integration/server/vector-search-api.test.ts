import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aiRuntime } from '../../../src/ai/ai-extension.js';
import { MemoryVectors } from '../../../src/ai/vector/search-sql/test-support/memory-vectors.js';
import type { AuditEvent } from '../../../src/catalog/governance/governance-types.js';
import { Loch } from '../../../src/index.js';
import { startServer } from '../../../src/server/server.js';
import type { RunningServer } from '../../../src/server/server.js';

/**
 * The Vector Search API (/api/2.0/vector-search, Databricks' shape) over real HTTP, against an
 * in-memory VectorIndexService put in the ai runtime's place (exact search over the source read
 * as the caller, so SELECT on the source decides): request and answer shapes, governance
 * through the caller's catalog, errors and auditing.
 */

let dir: string;
let loch: Loch;
let server: RunningServer;
let vectors: MemoryVectors;
const tokens: Record<string, string> = {};
const audit: AuditEvent[] = [];
const DOCS = { catalog: 'main', schema: 'default', name: 'docs' };

interface Reply {
  readonly status: number;
  readonly json: Record<string, any>;
}

async function api(who: string | undefined, method: string, path: string, body?: unknown): Promise<Reply> {
  const token = who === undefined ? undefined : tokens[who];
  const response = await fetch(`${server.url}/api/2.0/vector-search${path}`, {
    method,
    headers: { ...(token === undefined ? {} : { authorization: `Bearer ${token}` }), 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, json: text === '' ? {} : (JSON.parse(text) as Record<string, any>) };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'loch-vector-api-'));
  loch = await Loch.open({ warehouse: dir, metastore: 'memory:', secretKey: randomBytes(32) });
  loch.audit = { record: (event) => audit.push(event), flush: async () => {} };
  for (const user of ['alice', 'bob']) {
    await loch.identity.createUser(user);
    tokens[user] = (await loch.identity.createToken(user)).token;
  }
  await (await loch.sql(`CREATE TABLE main.default.docs (id BIGINT, category STRING, body STRING, emb ARRAY<FLOAT>);
    INSERT INTO main.default.docs VALUES (1, 'a', 'red shoes', array(1.0, 0.0, 0.0)), (2, 'a', 'blue shoes', array(0.8, 0.2, 0.0)), (3, 'b', 'green hat', array(0.0, 1.0, 0.0));
    GRANT USE CATALOG ON CATALOG main TO \`account users\`;
    GRANT USE SCHEMA ON SCHEMA main.default TO \`account users\`;
    GRANT SELECT ON TABLE main.default.docs TO alice`)).all();
  vectors = new MemoryVectors(aiRuntime(loch).host);
  Object.defineProperty(aiRuntime(loch), 'vectors', { value: vectors });
  vectors.define({ ...DOCS, name: 'docs_idx' }, { source: DOCS, vectorColumn: 'emb', textColumn: 'body', primaryKey: 'id' });
  server = await startServer({ loch, port: 0, pgPort: null, log: () => {} });
}, 60_000);

afterAll(async () => {
  await server?.close();
  await loch?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('vector search API: query', () => {
  it('answers manifest and data_array with the score last, as Databricks does', async () => {
    const reply = await api('alice', 'POST', '/indexes/main.default.docs_idx/query', { columns: ['id', 'body'], query_vector: [1, 0, 0], num_results: 2 });
    expect(reply.status, JSON.stringify(reply.json)).toBe(200);
    expect(reply.json['manifest']).toEqual({ column_count: 3, columns: [{ name: 'id', type: 'BIGINT' }, { name: 'body', type: 'VARCHAR' }, { name: 'score', type: 'DOUBLE' }] });
    expect(reply.json['result'].row_count).toBe(2);
    const data = reply.json['result'].data_array as unknown[][];
    expect(data.map((r) => r.slice(0, 2))).toEqual([[1, 'red shoes'], [2, 'blue shoes']]);
    expect(data[0]?.[2]).toBeCloseTo(1, 6);
    expect(vectors.searches.at(-1)).toMatchObject({ principal: 'alice', query: { numResults: 2, queryVector: [1, 0, 0], columns: ['id', 'body'] } });
  });

  it('passes query_text, filters_json and query_type, applies score_threshold, and defaults columns to all', async () => {
    const reply = await api('alice', 'POST', '/indexes/docs_idx/query', { query_text: 'red shoes', filters_json: '{"category": "a"}', query_type: 'hybrid', score_threshold: 0.75 });
    expect(reply.status, JSON.stringify(reply.json)).toBe(200);
    expect(reply.json['manifest'].columns.map((c: { name: string }) => c.name)).toEqual(['id', 'category', 'body', 'emb', 'score']);
    expect(reply.json['result']).toEqual({ row_count: 1, data_array: [[1, 'a', 'red shoes', [1, 0, 0], 1]] });
    expect(vectors.searches.at(-1)?.query).toEqual({ numResults: 10, queryText: 'red shoes', queryType: 'HYBRID', filters: { category: 'a' } });
  });

  it('refuses malformed queries with 400 naming the field', async () => {
    const cases: [unknown, RegExp][] = [
      [{}, /query_text or query_vector is required/],
      [{ query_vector: ['x'] }, /query_vector must be a non-empty list/],
      [{ query_text: 'x', num_results: 100_001 }, /num_results must be an integer/],
      [{ query_text: 'x', filters_json: '{nope' }, /filters_json is not valid JSON/],
      [{ query_vector: [1], query_type: 'HYBRID' }, /HYBRID needs query_text/],
      ['not json', /not valid JSON/],
    ];
    for (const [body, message] of cases) {
      const reply = await api('alice', 'POST', '/indexes/docs_idx/query', body);
      expect(reply.status, JSON.stringify(body)).toBe(400);
      expect(reply.json['error_code']).toMatch(/INVALID_PARAMETER_VALUE|MALFORMED_REQUEST/);
      expect(reply.json['message']).toMatch(message);
    }
  });

  it('governs through the caller: without SELECT on the source nothing comes back', async () => {
    const before = vectors.searches.length;
    const denied = await api('bob', 'POST', '/indexes/docs_idx/query', { query_vector: [1, 0, 0] });
    expect(denied.status).toBe(403);
    expect(denied.json).toMatchObject({ error_code: 'PERMISSION_DENIED', message: expect.stringContaining('bob') });
    expect(JSON.stringify(denied.json)).not.toContain('red shoes');
    expect(vectors.searches.slice(before).map((s) => s.principal)).toEqual(['bob']);
    expect((await api('bob', 'GET', '/indexes/docs_idx')).status).toBe(404);
    expect((await api('bob', 'GET', '/indexes')).json).toEqual({ vector_indexes: [] });
    expect((await api(undefined, 'POST', '/indexes/docs_idx/query', { query_text: 'x' })).status).toBe(401);
    expect(audit.some((e) => e.action === 'queryIndex' && e.principal === 'bob' && e.statusCode === 403 && e.allowed === false)).toBe(true);
  });
});

describe('vector search API: management', () => {
  it('lists and gets indexes in Databricks shape under the implicit endpoint loch', async () => {
    const listed = await api('alice', 'GET', '/indexes?endpoint_name=anything');
    expect(listed.json).toEqual({ vector_indexes: [{ name: 'main.default.docs_idx', endpoint_name: 'loch', primary_key: 'id', index_type: 'DELTA_SYNC', creator: 'test' }] });
    const got = await api('alice', 'GET', '/indexes/main.default.docs_idx');
    expect(got.status).toBe(200);
    expect(got.json).toMatchObject({
      name: 'main.default.docs_idx',
      endpoint_name: 'loch',
      delta_sync_index_spec: { source_table: 'main.default.docs', pipeline_type: 'TRIGGERED', embedding_vector_columns: [{ name: 'emb', embedding_dimension: 3 }] },
      status: { ready: true, detailed_state: 'ONLINE_NO_PENDING_UPDATE', indexed_row_count: 0 },
      loch: { metric: 'cosine', synced_version: 0 },
    });
    expect((await api('alice', 'GET', '/indexes/a.b.c.d')).status).toBe(400);
  });

  it('creates from a Databricks body, refuses a second create with 409, syncs and deletes', async () => {
    const body = {
      name: 'main.default.text_idx',
      endpoint_name: 'my-endpoint',
      primary_key: 'id',
      index_type: 'DELTA_SYNC',
      delta_sync_index_spec: { source_table: 'main.default.docs', pipeline_type: 'continuous', embedding_source_columns: [{ name: 'body', embedding_model_endpoint_name: 'main.default.embed' }] },
      loch: { metric: 'l2', connectivity: 8 },
    };
    const created = await api('alice', 'POST', '/indexes', body);
    expect(created.status, JSON.stringify(created.json)).toBe(200);
    expect(created.json).toMatchObject({ name: 'main.default.text_idx', delta_sync_index_spec: { embedding_source_columns: [{ name: 'body' }] } });
    expect(vectors.created.at(-1)?.spec).toEqual({ source: DOCS, column: 'body', endpoint: 'main.default.embed', primaryKey: 'id', pipeline: 'CONTINUOUS', metric: 'l2', connectivity: 8 });
    expect(await api('alice', 'POST', '/indexes', body)).toMatchObject({ status: 409, json: { error_code: 'RESOURCE_ALREADY_EXISTS' } });
    expect(await api('alice', 'POST', '/indexes/text_idx/sync')).toEqual({ status: 200, json: { loch: { from_version: 0, to_version: 0, upserted: 0, deleted: 0, full: false } } });
    expect(await api('alice', 'DELETE', '/indexes/main.default.text_idx')).toEqual({ status: 200, json: {} });
    expect(await api('alice', 'DELETE', '/indexes/main.default.text_idx')).toMatchObject({ status: 404, json: { error_code: 'RESOURCE_DOES_NOT_EXIST' } });
    const actions = audit.filter((e) => e.principal === 'alice' && e.params?.['index'] === 'main.default.text_idx').map((e) => [e.action, e.statusCode]);
    expect(actions).toEqual([['createIndex', 200], ['createIndex', 409], ['syncIndex', 200], ['deleteIndex', 200], ['deleteIndex', 404]]);
  });

  it('refuses malformed create bodies naming the field', async () => {
    const spec = { source_table: 'main.default.docs', embedding_vector_columns: [{ name: 'emb', embedding_dimension: 3 }] };
    const cases: [unknown, number, RegExp][] = [
      [{ primary_key: 'id', delta_sync_index_spec: spec }, 400, /name must be a non-empty string/],
      [{ name: 'x', index_type: 'DIRECT_ACCESS' }, 400, /DIRECT_ACCESS is not supported/],
      [{ name: 'x' }, 400, /delta_sync_index_spec is required/],
      [{ name: 'x', delta_sync_index_spec: { source_table: 'main.default.docs' } }, 400, /exactly one of embedding_source_columns or embedding_vector_columns/],
      [{ name: 'x', delta_sync_index_spec: { ...spec, embedding_source_columns: [{ name: 'body' }] } }, 400, /exactly one of/],
      [{ name: 'x', delta_sync_index_spec: { source_table: 'main.default.docs', embedding_source_columns: [{ name: 'body' }] } }, 400, /embedding_model_endpoint_name is required/],
      [{ name: 'x', delta_sync_index_spec: { ...spec, pipeline_type: 'SOMETIMES' } }, 400, /pipeline_type must be/],
      [{ name: 'x', delta_sync_index_spec: spec, loch: { metric: 'manhattan' } }, 400, /loch.metric/],
    ];
    for (const [body, status, message] of cases) {
      const reply = await api('alice', 'POST', '/indexes', body);
      expect(reply.status, JSON.stringify(body)).toBe(status);
      expect(reply.json['message'], JSON.stringify(body)).toMatch(message);
    }
  });
});

describe('vector search API against the real index service (local embeddings)', () => {
  let realDir: string;
  let real: Loch;
  let realServer: RunningServer;
  const realTokens: Record<string, string> = {};
  const call = async (who: string, method: string, path: string, body?: unknown): Promise<Reply> => {
    const response = await fetch(`${realServer.url}/api/2.0/vector-search${path}`, {
      method,
      headers: { authorization: `Bearer ${realTokens[who] ?? ''}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, json: text === '' ? {} : (JSON.parse(text) as Record<string, any>) };
  };
  const ids = (reply: Reply): unknown[] => (reply.json['result']?.data_array as unknown[][]).map((r) => r[0]);

  beforeAll(async () => {
    realDir = await mkdtemp(join(tmpdir(), 'loch-vector-api-real-'));
    real = await Loch.open({ warehouse: realDir, metastore: 'memory:', secretKey: randomBytes(32) });
    for (const user of ['alice', 'bob']) {
      await real.identity.createUser(user);
      realTokens[user] = (await real.identity.createToken(user)).token;
    }
    await real.catalog.createModelEndpoint({ catalog: 'main', schema: 'default', name: 'local_embed' }, { provider: 'local', task: 'embeddings', model: 'hash-128' });
    await (await real.sql(`CREATE TABLE main.default.notes (id BIGINT, body STRING) TBLPROPERTIES (delta.enableChangeDataFeed = true);
      INSERT INTO main.default.notes VALUES (1, 'running shoes for the marathon'), (2, 'tennis racket and balls'), (3, 'fresh bread from the bakery');
      GRANT USE CATALOG ON CATALOG main TO \`account users\`;
      GRANT USE SCHEMA ON SCHEMA main.default TO \`account users\`;
      GRANT CREATE TABLE ON SCHEMA main.default TO alice;
      GRANT SELECT ON TABLE main.default.notes TO alice;
      GRANT EXECUTE ON MODEL ENDPOINT main.default.local_embed TO alice`)).all();
    realServer = await startServer({ loch: real, port: 0, pgPort: null, log: () => {} });
  }, 60_000);

  afterAll(async () => {
    await realServer?.close();
    await real?.close();
    if (realDir) await rm(realDir, { recursive: true, force: true });
  });

  it('creates, queries, syncs and deletes an index as its user; another user gets nothing', async () => {
    const created = await call('alice', 'POST', '/indexes', {
      name: 'main.default.notes_idx',
      primary_key: 'id',
      index_type: 'DELTA_SYNC',
      delta_sync_index_spec: { source_table: 'main.default.notes', pipeline_type: 'TRIGGERED', embedding_source_columns: [{ name: 'body', embedding_model_endpoint_name: 'main.default.local_embed' }] },
    });
    expect(created.status, JSON.stringify(created.json)).toBe(200);
    expect(created.json).toMatchObject({ name: 'main.default.notes_idx', endpoint_name: 'loch', primary_key: 'id', creator: 'alice', status: { ready: true, indexed_row_count: 3 } });
    const hit = await call('alice', 'POST', '/indexes/main.default.notes_idx/query', { columns: ['id', 'body'], query_text: 'tennis balls', num_results: 1 });
    expect(hit.status, JSON.stringify(hit.json)).toBe(200);
    expect(hit.json['manifest'].columns.map((c: { name: string }) => c.name)).toEqual(['id', 'body', 'score']);
    expect(hit.json['result'].data_array[0].slice(0, 2)).toEqual([2, 'tennis racket and balls']);
    await aiRuntime(real).tracer.flush();
    const spans = await (await real.sql(`SELECT s.span_type, element_at(t.trace_metadata, 'mlflow.trace.user')
      FROM system.ai.trace_spans s JOIN system.ai.traces t USING (trace_id) WHERE s.name LIKE 'vector_search%' ORDER BY s.span_type`)).all();
    expect(spans).toEqual([['CHAIN', 'alice'], ['RETRIEVER', 'alice']]);

    const denied = await call('bob', 'POST', '/indexes/main.default.notes_idx/query', { query_text: 'tennis', num_results: 3 });
    expect([403, 404]).toContain(denied.status);
    expect(JSON.stringify(denied.json)).not.toContain('tennis racket');
    expect((await call('bob', 'GET', '/indexes')).json).toEqual({ vector_indexes: [] });
    expect((await call('alice', 'GET', '/indexes')).json['vector_indexes'].map((i: { name: string }) => i.name)).toEqual(['main.default.notes_idx']);

    await (await real.sql(`INSERT INTO main.default.notes VALUES (4, 'sourdough bread starter')`)).all();
    const synced = await call('alice', 'POST', '/indexes/main.default.notes_idx/sync');
    expect(synced).toMatchObject({ status: 200, json: { loch: { upserted: 1, deleted: 0, full: false } } });
    expect(ids(await call('alice', 'POST', '/indexes/main.default.notes_idx/query', { query_text: 'sourdough starter', num_results: 1 }))).toEqual([4]);
    expect((await call('alice', 'GET', '/indexes/main.default.notes_idx')).json['status']).toMatchObject({ ready: true, indexed_row_count: 4 });

    expect(await call('alice', 'DELETE', '/indexes/main.default.notes_idx')).toEqual({ status: 200, json: {} });
    expect((await call('alice', 'GET', '/indexes/main.default.notes_idx')).status).toBe(404);
  });
});
