import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../../../src/server/server.js';
import type { RunningServer } from '../../../src/server/server.js';
import { Loch } from '../../../src/sql/loch.js';

/**
 * Hostile requests against every door of one server: bad credentials, oversized and malformed
 * bodies, traversal and injection through names and parameters, raw DuckDB escapes, clients that
 * vanish mid-result. Each gets a clear 4xx (or a wire-protocol error), the server keeps serving,
 * and afterwards nothing was written: table versions, the catalog's objects and the warehouse's
 * files are as before.
 */
let dir: string;
let loch: Loch;
let server: RunningServer;
let good: string;
let revoked: string;
let expired: string;
let plain: string;

const UC = '/api/2.1/unity-catalog';
const IRC = '/api/2.1/unity-catalog/iceberg-rest/v1';
const ST = '/api/2.0/sql/statements';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'loch-hostile-'));
  let now = Date.UTC(2026, 0, 1);
  loch = await Loch.open({ warehouse: join(dir, 'wh'), metastore: 'memory:', clock: { now: () => now } });
  await loch.sql(`CREATE SCHEMA sales; CREATE TABLE sales.t (id INT, s STRING); INSERT INTO sales.t VALUES (1, 'a');
    CREATE TABLE sales.ice (id INT) USING ICEBERG; CREATE VOLUME sales.v`);
  await loch.identity.createUser('ops', { admin: true });
  await loch.identity.createUser('eve');
  await loch.catalog.updateGrants({ type: 'CATALOG', catalog: 'main' }, [{ principal: 'eve', add: ['USE CATALOG'] }]);
  await loch.catalog.updateGrants({ type: 'SCHEMA', catalog: 'main', schema: 'sales' }, [{ principal: 'eve', add: ['USE SCHEMA', 'SELECT', 'READ VOLUME'] }]);
  good = (await loch.identity.createToken('ops')).token;
  plain = (await loch.identity.createToken('eve')).token;
  const gone = await loch.identity.createToken('ops');
  revoked = gone.token;
  await loch.identity.revokeToken(gone.info.id);
  expired = (await loch.identity.createToken('ops', { lifetimeSeconds: 60 })).token;
  now += 120_000;
  server = await startServer({ loch, port: 0, pgPort: 0, log: () => {}, maxBodyBytes: 64 * 1024 });
}, 60_000);

afterAll(async () => {
  await server?.close();
  await loch?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function snapshot(): Promise<string> {
  const history = await (await loch.sql('DESCRIBE HISTORY sales.t')).all();
  const objects = await (await loch.sql('SHOW TABLES IN sales')).all();
  const schemas = await (await loch.sql('SHOW SCHEMAS')).all();
  const files = (await readdir(join(dir, 'wh'), { recursive: true })).filter((f) => !f.includes('.cache') && !f.startsWith('metastore')).sort();
  return JSON.stringify({ versions: history.length, objects, schemas, files }, (_, v: unknown) => (typeof v === 'bigint' ? String(v) : v));
}

const call = (path: string, init: RequestInit & { token?: string | null } = {}) =>
  fetch(`${server.url}${path}`, {
    ...init,
    headers: {
      ...(init.token === null ? {} : { authorization: `Bearer ${init.token ?? good}` }),
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(init.headers as Record<string, string> | undefined),
    },
  });

describe('hostile requests', () => {
  let before: string;
  beforeAll(async () => {
    before = await snapshot();
  });

  const endpoints: [string, string, string | undefined][] = [
    ['statement API', ST, JSON.stringify({ statement: 'SELECT 1', warehouse_id: 'x' })],
    ['Unity Catalog', `${UC}/catalogs`, undefined],
    ['Iceberg REST', `${IRC}/namespaces`, undefined],
    ['token API', '/api/2.0/token/list', undefined],
  ];

  for (const [name, path, body] of endpoints) {
    it(`${name}: missing, forged, revoked and expired tokens are 401`, async () => {
      const method = body === undefined ? 'GET' : 'POST';
      for (const token of [null, 'dapi0000000000000000000000000000000', revoked, expired, `${good}x`, 'Bearer', '']) {
        const response = await call(path, { method, token, ...(body === undefined ? {} : { body }) });
        expect(response.status, `${name} with token ${String(token).slice(0, 8)}`).toBe(401);
        const text = await response.text();
        expect(text).not.toContain(good);
      }
      expect((await call(path, { method, ...(body === undefined ? {} : { body }) })).status).toBe(200);
    });
  }

  it('oversized bodies are 413 and malformed JSON is 400 on every JSON API', async () => {
    const big = JSON.stringify({ statement: `SELECT '${'x'.repeat(200_000)}'`, warehouse_id: 'x' });
    for (const [path, method] of [
      [ST, 'POST'],
      [`${UC}/schemas`, 'POST'],
      [`${IRC}/namespaces`, 'POST'],
      ['/api/2.0/token/create', 'POST'],
    ] as const) {
      expect((await call(path, { method, body: big })).status, `${path} big`).toBe(413);
      expect((await call(path, { method, body: '{"name": ' })).status, `${path} malformed`).toBe(400);
      expect((await call(path, { method, body: '[1,2,3]' })).status, `${path} not an object`).toBe(400);
    }
  });

  it('traversal in names and volume paths is refused, never a path', async () => {
    for (const path of [
      `${UC}/tables/main.sales..%2F..%2Fetc`,
      `${UC}/tables/main.sales.%2e%2e`,
      `${UC}/schemas/main.%00`,
      `${UC}/volumes/main.sales.v%2F..%2F..`,
      `${IRC}/namespaces/..%2F..%2Fetc/tables/t`,
      `${IRC}/namespaces/sales%1Fx/tables/t`,
      `${IRC}/namespaces/sales/tables/..%2F..%2Ft`,
    ]) {
      const response = await call(path);
      expect([400, 403, 404], path).toContain(response.status);
    }
    const escape = await call(ST, { method: 'POST', body: JSON.stringify({ statement: "SELECT * FROM read_text('/Volumes/main/sales/v/../../../etc/passwd')", warehouse_id: 'x', wait_timeout: '30s' }) });
    const status = ((await escape.json()) as { status: { state: string } }).status;
    expect(status.state).toBe('FAILED');
  });

  it('injection through identifiers and parameters has no effect', async () => {
    for (const name of ["main.sales.t'; DROP TABLE sales.t; --", 'main.sales.`t`;DROP', 'main.sales.t"); DELETE FROM sales.t; --']) {
      const response = await call(`${UC}/tables/${encodeURIComponent(name)}`);
      expect([400, 403, 404]).toContain(response.status);
    }
    const response = await call(ST, {
      method: 'POST',
      body: JSON.stringify({
        statement: 'SELECT count(*) FROM sales.t WHERE s = :s',
        warehouse_id: 'x',
        parameters: [{ name: 's', value: "a'; DROP TABLE sales.t; --" }],
      }),
    });
    expect(((await response.json()) as { result: { data_array: string[][] } }).result.data_array).toEqual([['0']]);
    const client = new pg.Client({ host: '127.0.0.1', port: server.pgPort!, user: 'token', password: good, database: 'main' });
    await client.connect();
    try {
      const rows = await client.query('SELECT count(*) AS n FROM sales.t WHERE s = $1', ["a'; DROP TABLE sales.t; --"]);
      expect(rows.rows).toEqual([{ n: '0' }]);
    } finally {
      await client.end();
    }
  });

  it('raw DuckDB escapes are refused for a non-admin on the SQL doors', async () => {
    const client = new pg.Client({ host: '127.0.0.1', port: server.pgPort!, user: 'eve', password: plain, database: 'main' });
    await client.connect();
    try {
      for (const sql of [
        "SELECT * FROM read_text('/etc/passwd')",
        "SELECT * FROM '/etc/passwd'",
        `ATTACH '${join(dir, 'x.db')}' AS x`,
        `COPY (SELECT 1) TO '${join(dir, 'wh', 'leak.csv')}'`,
        'INSTALL httpfs',
        `SELECT * FROM delta.\`${join(dir, 'wh')}\``,
      ]) {
        const failed = await client.query(sql).then(
          () => 'ran',
          (e: { code?: string }) => e.code,
        );
        expect(failed, sql).toBe('42501');
        const st = await call(ST, { method: 'POST', token: plain, body: JSON.stringify({ statement: sql, warehouse_id: 'x', wait_timeout: '30s' }) });
        const body = (await st.json()) as { status: { state: string; error?: { error_code: string } } };
        expect(body.status.state, sql).toBe('FAILED');
        expect(body.status.error?.error_code, sql).toBe('PERMISSION_DENIED');
      }
    } finally {
      await client.end();
    }
  });

  it('clients that disconnect mid-result leave the server serving', async () => {
    const controller = new AbortController();
    const started = await call(ST, {
      method: 'POST',
      body: JSON.stringify({ statement: 'SELECT range AS i, repeat(\'x\', 100) AS s FROM range(2000000)', warehouse_id: 'x', wait_timeout: '0s', disposition: 'EXTERNAL_LINKS', format: 'CSV' }),
      signal: controller.signal,
    });
    const { statement_id } = (await started.json()) as { statement_id: string };
    controller.abort();
    const socketClient = new pg.Client({ host: '127.0.0.1', port: server.pgPort!, user: 'token', password: good, database: 'main' });
    // The socket is destroyed on purpose below: the client's own complaint about it is expected.
    socketClient.on('error', () => {});
    await socketClient.connect();
    const query = socketClient.query('SELECT range AS i, repeat(\'y\', 200) AS s FROM range(3000000)').catch(() => undefined);
    await new Promise((r) => setTimeout(r, 300));
    (socketClient as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
    await query;
    await call(`${ST}/${statement_id}/cancel`, { method: 'POST' });
    expect((await call('/health', { token: null })).status).toBe(200);
    const again = await call(ST, { method: 'POST', body: JSON.stringify({ statement: 'SELECT 42', warehouse_id: 'x' }) });
    expect(((await again.json()) as { result: { data_array: string[][] } }).result.data_array).toEqual([['42']]);
  });

  it('after all of it, nothing was written', async () => {
    expect(await snapshot()).toBe(before);
  });
});
