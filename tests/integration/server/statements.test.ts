import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEvent } from '../../../src/catalog/governance/governance-types.js';
import { startServer } from '../../../src/server/server.js';
import type { RunningServer } from '../../../src/server/server.js';
import { Loch } from '../../../src/sql/loch.js';

/**
 * The SQL Statement Execution API through plain fetch against a real server: sync and async
 * execution, cancel, chunked results, the three formats, parameters, limits and hostile requests.
 */

const PATH = '/api/2.0/sql/statements';
let dir: string;
let loch: Loch;
let server: RunningServer;
let alice: string;
let bob: string;
let carol: string;
const logs: Record<string, unknown>[] = [];
const audit: AuditEvent[] = [];
const LONG_QUERY = 'SELECT sum(a.range * b.range) AS s FROM range(200000000) a, range(100000) b';

interface Response<T = Record<string, any>> {
  status: number;
  json: T;
}

async function call(token: string | undefined, method: string, path: string, body?: unknown): Promise<Response> {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: { ...(token === undefined ? {} : { authorization: `Bearer ${token}` }), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  return { status: response.status, json: (await response.json()) as Record<string, any> };
}

const execute = (token: string, body: Record<string, unknown>) => call(token, 'POST', PATH, { warehouse_id: 'loch', ...body });

async function pollUntil(token: string, id: string, done: (state: string) => boolean): Promise<Response> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const r = await call(token, 'GET', `${PATH}/${id}`);
    if (done(r.json['status']?.state) || Date.now() > deadline) return r;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function waitForSessions(expected: number): Promise<number> {
  const deadline = Date.now() + 10_000;
  while (loch.openSessions !== expected && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  return loch.openSessions;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'loch-statements-'));
  loch = await Loch.open({ warehouse: dir, metastore: 'memory:' });
  loch.audit = { record: (event) => audit.push(event), flush: async () => {} };
  await loch.identity.createUser('alice', { admin: true });
  await loch.identity.createUser('bob');
  await loch.identity.createUser('carol');
  alice = (await loch.identity.createToken('alice')).token;
  bob = (await loch.identity.createToken('bob')).token;
  carol = (await loch.identity.createToken('carol')).token;
  await (await loch.sql("CREATE TABLE main.default.people (id INT, name STRING); INSERT INTO main.default.people VALUES (1, 'ann'), (2, 'bo')")).all();
  server = await startServer({
    loch,
    port: 0,
    pgPort: null,
    log: (entry) => logs.push(entry),
    maxBodyBytes: 64 * 1024,
    statements: { chunkRows: 20_000, chunkBytes: 16 * 1024 * 1024, openPerPrincipal: 3 },
  });
}, 60_000);

afterAll(async () => {
  await server?.close();
  await loch?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('executing statements', () => {
  it('runs a statement synchronously: JSON_ARRAY strings, manifest with Databricks types', async () => {
    const r = await execute(alice, {
      statement: "SELECT 1 AS i, 9007199254740993::BIGINT AS big, 2.50::DECIMAL(10,2) AS d, true AS b, DATE '2024-01-02' AS day, TIMESTAMP '2024-01-02 03:04:05.123456' AS ts, NULL::STRING AS n, [1, 2] AS arr, {'k': 'v'} AS st",
    });
    expect(r.status).toBe(200);
    expect(r.json['status']).toEqual({ state: 'SUCCEEDED' });
    expect(typeof r.json['statement_id']).toBe('string');
    const manifest = r.json['manifest'];
    expect(manifest).toMatchObject({ format: 'JSON_ARRAY', total_chunk_count: 1, total_row_count: 1, truncated: false });
    expect(manifest.schema.columns.map((c: any) => [c.name, c.type_name, c.type_text])).toEqual([
      ['i', 'INT', 'INT'],
      ['big', 'LONG', 'BIGINT'],
      ['d', 'DECIMAL', 'DECIMAL(10,2)'],
      ['b', 'BOOLEAN', 'BOOLEAN'],
      ['day', 'DATE', 'DATE'],
      ['ts', 'TIMESTAMP', 'TIMESTAMP_NTZ'],
      ['n', 'STRING', 'STRING'],
      ['arr', 'ARRAY', 'ARRAY<INT>'],
      ['st', 'STRUCT', 'STRUCT<k: STRING>'],
    ]);
    expect(r.json['result'].data_array).toEqual([['1', '9007199254740993', '2.50', 'true', '2024-01-02', '2024-01-02T03:04:05.123456', null, '[1,2]', '{"k":"v"}']]);
    expect(r.json['result'].next_chunk_index).toBeUndefined();
    // The only chunk went out with the response: the result is closed.
    expect((await call(alice, 'GET', `${PATH}/${r.json['statement_id']}`)).json['status'].state).toBe('CLOSED');
    expect(await waitForSessions(0)).toBe(0);
  });

  it('runs asynchronously with wait_timeout 0s and is polled to SUCCEEDED', async () => {
    const r = await execute(alice, { statement: 'SELECT count(*) AS n FROM range(3000000)', wait_timeout: '0s' });
    expect(r.status).toBe(200);
    expect(['PENDING', 'RUNNING', 'SUCCEEDED']).toContain(r.json['status'].state);
    const done = await pollUntil(alice, r.json['statement_id'], (s) => s !== 'PENDING' && s !== 'RUNNING');
    expect(done.json['status'].state).toBe('SUCCEEDED');
    expect(done.json['result'].data_array).toEqual([['3000000']]);
  });

  it('cancels a long query: state CANCELED, its session released', async () => {
    const baseline = loch.openSessions;
    const r = await execute(alice, { statement: LONG_QUERY, wait_timeout: '0s' });
    const id = r.json['statement_id'] as string;
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await call(alice, 'POST', `${PATH}/${id}/cancel`)).toEqual({ status: 200, json: {} });
    const done = await pollUntil(alice, id, (s) => s !== 'PENDING' && s !== 'RUNNING');
    expect(done.json['status'].state).toBe('CANCELED');
    expect(await waitForSessions(baseline)).toBe(baseline);
    const audited = audit.find((e) => e.objectName === id);
    expect(audited).toMatchObject({ action: 'executeStatement', principal: 'alice', objectType: 'STATEMENT' });
  });

  it('cancels on wait timeout with on_wait_timeout CANCEL', async () => {
    const r = await execute(alice, { statement: LONG_QUERY, wait_timeout: '5s', on_wait_timeout: 'CANCEL' });
    expect(r.json['status'].state).toBe('CANCELED');
  });

  it('streams a 100k-row result in chunks, then closes it', async () => {
    const baseline = loch.openSessions;
    const r = await execute(alice, { statement: 'SELECT range AS i, range * 2 AS j FROM range(100000) ORDER BY i' });
    const id = r.json['statement_id'] as string;
    expect(r.json['manifest'].total_row_count).toBeUndefined();
    let result = r.json['result'];
    const seen: string[][] = [...result.data_array];
    const offsets = [result.row_offset];
    while (result.next_chunk_internal_link !== undefined) {
      const next = await call(alice, 'GET', result.next_chunk_internal_link);
      expect(next.status).toBe(200);
      result = next.json;
      offsets.push(result.row_offset);
      seen.push(...result.data_array);
    }
    expect(offsets).toEqual([0, 20000, 40000, 60000, 80000]);
    expect(seen.length).toBe(100000);
    expect(seen[99999]).toEqual(['99999', '199998']);
    expect(seen.every((row, i) => row[0] === String(i))).toBe(true);
    const final = await call(alice, 'GET', `${PATH}/${id}`);
    expect(final.json['status'].state).toBe('CLOSED');
    expect(final.json['manifest']).toMatchObject({ total_chunk_count: 5, total_row_count: 100000, truncated: false });
    expect(await waitForSessions(baseline)).toBe(baseline);
    // Chunks are served in order; a released one is gone.
    expect((await call(alice, 'GET', `${PATH}/${id}/result/chunks/0`)).status).toBe(404);
  });

  it('serves ARROW_STREAM through an external link without Authorization', async () => {
    const r = await execute(alice, {
      statement: "SELECT range AS i, (range / 4)::DECIMAL(10,2) AS d, 'r' || range AS s, TIMESTAMP '2024-01-02 03:04:05.123456' AS ts, DATE '2024-03-04' AS day, CASE WHEN range = 1 THEN NULL ELSE range % 2 = 0 END AS b FROM range(3)",
      disposition: 'EXTERNAL_LINKS',
      format: 'ARROW_STREAM',
    });
    expect(r.json['status'].state).toBe('SUCCEEDED');
    const link = r.json['result'].external_links[0];
    expect(link).toMatchObject({ chunk_index: 0, row_offset: 0, row_count: 3 });
    expect(Date.parse(link.expiration)).toBeGreaterThan(Date.now());
    const response = await fetch(link.external_link);
    expect(response.headers.get('content-type')).toBe('application/vnd.apache.arrow.stream');
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect(bytes.byteLength).toBe(link.byte_count);
    const table = tableFromIPC(bytes);
    expect(table.numRows).toBe(3);
    const rows = table.toArray().map((row) => row.toJSON());
    expect(rows[2]).toMatchObject({ i: 2n, s: 'r2', b: true });
    expect(rows[1]?.['b']).toBeNull();
    expect(String(table.getChild('d')?.get(2))).toBe('50');
    expect(table.schema.fields.map((f) => String(f.type))).toEqual(['Int64', 'Decimal[10e+2]', 'Utf8', 'Timestamp<MICROSECOND>', 'Date32<DAY>', 'Bool']);
    expect(table.schema.fields[1]?.type).toMatchObject({ precision: 10, scale: 2 });
    expect(table.getChild('ts')?.data[0]?.values[0]).toBe(1704164645123456n);
    // A link serves one download.
    expect((await fetch(link.external_link)).status).toBe(403);
  });

  it('serves CSV with a header, quoting and null', async () => {
    const r = await execute(alice, {
      statement: "SELECT * FROM (VALUES (1, 'a,b', NULL), (2, 'say \"hi\"', 'null')) t(id, text, other) ORDER BY id",
      disposition: 'EXTERNAL_LINKS',
      format: 'CSV',
    });
    const link = r.json['result'].external_links[0];
    const text = await (await fetch(link.external_link)).text();
    expect(text).toBe('id,text,other\r\n1,"a,b",null\r\n2,"say ""hi""","null"\r\n');
  });

  it('binds parameters as values, never as SQL text', async () => {
    const r = await execute(alice, {
      statement: 'SELECT :id + 1 AS next, :day AS day, :amount AS amount, :flag AS flag, :name AS name, :missing AS missing',
      parameters: [
        { name: 'id', value: '41', type: 'INT' },
        { name: 'day', value: '2024-02-29', type: 'DATE' },
        { name: 'amount', value: '12.345', type: 'DECIMAL(10,3)' },
        { name: 'flag', value: 'true', type: 'BOOLEAN' },
        { name: 'name', value: "x'); DROP TABLE main.default.people; --" },
        { name: 'missing', type: 'INT' },
      ],
    });
    expect(r.json['status'].state).toBe('SUCCEEDED');
    expect(r.json['result'].data_array).toEqual([['42', '2024-02-29', '12.345', 'true', "x'); DROP TABLE main.default.people; --", null]]);
    expect(r.json['manifest'].schema.columns.map((c: any) => c.type_text)).toEqual(['INT', 'DATE', 'DECIMAL(10,3)', 'BOOLEAN', 'STRING', 'INT']);

    const lookup = await execute(alice, { statement: 'SELECT count(*) FROM main.default.people WHERE name = :name', parameters: [{ name: 'name', value: "ann' OR '1'='1" }] });
    expect(lookup.json['result'].data_array).toEqual([['0']]);
    const typed = await execute(alice, { statement: 'SELECT * FROM main.default.people WHERE id = :id', parameters: [{ name: 'id', value: '1 OR 1=1', type: 'INT' }] });
    expect(typed.json['status'].state).toBe('FAILED');
    expect(typed.json['status'].error.message).toMatch(/1 OR 1=1/);
    const positional = await execute(alice, { statement: 'SELECT ? * 2 AS x, ? AS y', parameters: [{ value: '21', type: 'BIGINT' }, { value: 'z' }] });
    expect(positional.json['result'].data_array).toEqual([['42', 'z']]);

    const badType = await execute(alice, { statement: 'SELECT :x', parameters: [{ name: 'x', value: '1', type: 'INT); DROP TABLE t; --' }] });
    expect(badType.status).toBe(400);
    expect(badType.json['error_code']).toBe('INVALID_PARAMETER_VALUE');
    const badName = await execute(alice, { statement: 'SELECT 1', parameters: [{ name: 'x; DROP', value: '1' }] });
    expect(badName.status).toBe(400);
    const unbound = await execute(alice, { statement: 'SELECT :nothing', parameters: [{ name: 'other', value: '1' }] });
    expect(unbound.json['status'].state).toBe('FAILED');
    expect(unbound.json['status'].error.message).toMatch(/UNBOUND_SQL_PARAMETER/);
    expect(await (await loch.sql('SELECT count(*) AS n FROM main.default.people')).all()).toEqual([[2n]]);
  });

  it('truncates at row_limit and byte_limit', async () => {
    const r = await execute(alice, { statement: 'SELECT range FROM range(100)', row_limit: 10 });
    expect(r.json['result'].data_array.length).toBe(10);
    expect(r.json['manifest']).toMatchObject({ total_row_count: 10, truncated: true });
    const exact = await execute(alice, { statement: 'SELECT range FROM range(10)', row_limit: 10 });
    expect(exact.json['manifest']).toMatchObject({ total_row_count: 10, truncated: false });
    const bytes = await execute(alice, { statement: "SELECT repeat('x', 100) FROM range(100)", byte_limit: 1000 });
    expect(bytes.json['manifest'].truncated).toBe(true);
    expect(bytes.json['manifest'].total_row_count).toBeLessThan(10);
    expect(await waitForSessions(0)).toBe(0);
  });

  it('reports SQL failures as FAILED with error_code and sql_state', async () => {
    const missing = await execute(alice, { statement: 'SELECT * FROM main.default.nope' });
    expect(missing.status).toBe(200);
    expect(missing.json['status']).toMatchObject({ state: 'FAILED', sql_state: '42P01', error: { error_code: 'RESOURCE_DOES_NOT_EXIST' } });
    const syntax = await execute(alice, { statement: 'SELEC 1' });
    expect(syntax.json['status']).toMatchObject({ state: 'FAILED', sql_state: '42601' });
    expect(syntax.json['manifest']).toBeUndefined();
  });

  it('runs catalog statements as the caller with catalog and schema', async () => {
    const created = await execute(alice, { statement: 'CREATE TABLE t2 (x INT)', catalog: 'main', schema: 'default' });
    expect(created.json['status'].state).toBe('SUCCEEDED');
    const inserted = await execute(alice, { statement: 'INSERT INTO t2 VALUES (1), (2)', catalog: 'main', schema: 'default' });
    expect(inserted.json['status'].state).toBe('SUCCEEDED');
    const denied = await execute(bob, { statement: 'SELECT * FROM main.default.t2' });
    expect(denied.json['status']).toMatchObject({ state: 'FAILED', error: { error_code: 'PERMISSION_DENIED' }, sql_state: '42501' });
  });
});

describe('hostile and invalid requests', () => {
  it('refuses missing and bad tokens with 401', async () => {
    const none = await call(undefined, 'POST', PATH, { statement: 'SELECT 1' });
    expect(none.status).toBe(401);
    expect(none.json).toMatchObject({ error_code: 'UNAUTHENTICATED' });
    const bad = await call('dapi0000000000000000000000000000000', 'GET', `${PATH}/x`);
    expect(bad.status).toBe(401);
  });

  it("hides another principal's statement (404) and unknown ids", async () => {
    const r = await execute(alice, { statement: 'SELECT 1', wait_timeout: '0s' });
    const id = r.json['statement_id'] as string;
    for (const path of [`${PATH}/${id}`, `${PATH}/${id}/result/chunks/0`]) {
      const other = await call(bob, 'GET', path);
      expect(other.status).toBe(404);
      expect(other.json['error_code']).toBe('RESOURCE_DOES_NOT_EXIST');
    }
    expect((await call(bob, 'POST', `${PATH}/${id}/cancel`)).status).toBe(404);
    expect((await call(alice, 'GET', `${PATH}/00000000-0000-0000-0000-000000000000`)).status).toBe(404);
  });

  it('answers 413 to an oversized body, 400 to malformed JSON and bad fields, 404 JSON to unknown routes', async () => {
    const big = await call(alice, 'POST', PATH, { statement: `SELECT '${'x'.repeat(70 * 1024)}'` });
    expect(big.status).toBe(413);
    expect(big.json['error_code']).toBe('RESOURCE_EXHAUSTED');
    const malformed = await call(alice, 'POST', PATH, '{"statement": ');
    expect(malformed).toMatchObject({ status: 400, json: { error_code: 'MALFORMED_REQUEST' } });
    expect((await execute(alice, { statement: 'SELECT 1; SELECT 2' })).status).toBe(400);
    expect((await execute(alice, { statement: 'SELECT 1', wait_timeout: '3s' })).status).toBe(400);
    expect((await execute(alice, { statement: 'SELECT 1', format: 'CSV' })).status).toBe(400);
    expect((await call(alice, 'GET', `${PATH}/x/result/chunks/-1`)).status).toBe(400);
    const unknown = await call(alice, 'GET', '/api/2.0/nothing/here?token=secret');
    expect(unknown).toMatchObject({ status: 404, json: { error_code: 'ENDPOINT_NOT_FOUND' } });
  });

  it('limits open statements per principal (429)', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i += 1) ids.push((await execute(carol, { statement: LONG_QUERY, wait_timeout: '0s' })).json['statement_id']);
    const refused = await execute(carol, { statement: 'SELECT 1' });
    expect(refused.status).toBe(429);
    expect(refused.json['error_code']).toBe('RESOURCE_EXHAUSTED');
    expect((await execute(alice, { statement: 'SELECT 1' })).json['status'].state).toBe('SUCCEEDED');
    for (const id of ids) await call(carol, 'POST', `${PATH}/${id}/cancel`);
    for (const id of ids) expect((await pollUntil(carol, id, (s) => s === 'CANCELED')).json['status'].state).toBe('CANCELED');
  });

  it('releases the session when a client drops mid-download, and keeps serving', async () => {
    const baseline = await waitForSessions(0);
    const r = await execute(alice, {
      // Chunk 0 is ~16 MiB: far more than the connection buffers while the client reads one piece.
      statement: "SELECT range AS i, repeat('x', 2000) AS pad FROM range(12000)",
      disposition: 'EXTERNAL_LINKS',
      format: 'JSON_ARRAY',
    });
    expect(r.json['status'].state).toBe('SUCCEEDED');
    expect(r.json['result'].next_chunk_index).toBe(1);
    expect(loch.openSessions).toBe(baseline + 1);
    const controller = new AbortController();
    const response = await fetch(r.json['result'].external_links[0].external_link, { signal: controller.signal });
    const reader = response.body!.getReader();
    await reader.read();
    controller.abort();
    await reader.cancel().catch(() => {});
    expect(await waitForSessions(baseline)).toBe(baseline);
    expect((await call(alice, 'GET', `${PATH}/${r.json['statement_id']}`)).json['status'].state).toBe('CLOSED');
    expect(await (await fetch(`${server.url}/health`)).json()).toEqual({ status: 'ok' });
  });

  it('logs one structured entry per request, without tokens or query strings', async () => {
    await new Promise((resolve) => setTimeout(resolve, 50));
    const text = JSON.stringify(logs);
    for (const token of [alice, bob, carol]) expect(text).not.toContain(token);
    expect(text).not.toContain('token=');
    const entry = logs.find((e) => e['route'] === '/api/2.0/sql/statements/:id/result/chunks/:n/data');
    expect(entry).toMatchObject({ method: 'GET', principal: null });
    const post = logs.find((e) => e['route'] === PATH && e['status'] === 200);
    expect(post).toMatchObject({ principal: 'alice', method: 'POST' });
    expect(typeof post?.['request_id']).toBe('string');
    expect(post?.['bytes']).toBeGreaterThan(0);
  });
});
