import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEvent } from '../../../src/catalog/governance/governance-types.js';
import { systemClock } from '../../../src/core/clock.js';
import { randomIds } from '../../../src/core/ids.js';
import { startPgWire } from '../../../src/server/pgwire/pg-server.js';
import { Loch } from '../../../src/sql/loch.js';

/**
 * The PostgreSQL wire protocol with a real driver (node-postgres): token authentication,
 * simple and extended queries with bound parameters, DDL/DML, SQLSTATEs, grants, binary
 * results, paged portals, cancellation and disconnects that release their sessions.
 */
let dir: string;
let loch: Loch;
let server: { readonly port: number; close(): Promise<void> };
let adminToken: string;
let aliceToken: string;
let bobToken: string;
const audit: AuditEvent[] = [];
const clients: pg.Client[] = [];

const openSessions = (): number => (loch as unknown as { ctx: { engine: { openSessions: number } } }).ctx.engine.openSessions;

async function client(password: string, options: { user?: string; database?: string } = {}): Promise<pg.Client> {
  const c = new pg.Client({ host: '127.0.0.1', port: server.port, user: options.user ?? 'token', password, database: options.database ?? 'main' });
  c.on('error', () => {});
  await c.connect();
  clients.push(c);
  return c;
}

async function connectError(password: string, options: { user?: string; database?: string } = {}): Promise<{ code?: string; message: string }> {
  const c = new pg.Client({ host: '127.0.0.1', port: server.port, user: options.user ?? 'token', password, database: options.database ?? 'main' });
  c.on('error', () => {});
  return c.connect().then(
    async () => {
      await c.end();
      throw new Error('connected');
    },
    (error: { code?: string; message: string }) => error,
  );
}

async function failure(c: pg.Client, text: string, values?: unknown[]): Promise<{ code?: string; message: string }> {
  return c.query(text, values).then(
    () => ({ code: 'none', message: 'succeeded' }),
    (error: { code?: string; message: string }) => error,
  );
}

async function until(condition: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'loch-pgwire-'));
  loch = await Loch.open({ warehouse: join(dir, 'warehouse'), metastore: 'memory:' });
  loch.audit = { record: (e) => void audit.push(e), flush: async () => {} };
  await loch.identity.createUser('alice');
  await loch.identity.createUser('bob');
  adminToken = (await loch.identity.createToken(loch.catalog.principal)).token;
  aliceToken = (await loch.identity.createToken('alice')).token;
  bobToken = (await loch.identity.createToken('bob')).token;
  server = await startPgWire({ loch, clock: systemClock, ids: randomIds, maxBodyBytes: 1 << 24 }, { host: '127.0.0.1', port: 0 });
  const admin = await client(adminToken);
  await admin.query('CREATE TABLE people (id INT, name STRING, born DATE)');
  await admin.query(`INSERT INTO people VALUES (1, 'Ada', DATE '1815-12-10'), (2, 'Grace', DATE '1906-12-09')`);
  await loch.catalog.updateGrants({ type: 'CATALOG', catalog: 'main' }, [
    { principal: 'alice', add: ['USE CATALOG'] },
    { principal: 'bob', add: ['USE CATALOG'] },
  ]);
  await loch.catalog.updateGrants({ type: 'SCHEMA', catalog: 'main', schema: 'default' }, [
    { principal: 'alice', add: ['USE SCHEMA'] },
    { principal: 'bob', add: ['USE SCHEMA'] },
  ]);
  await loch.catalog.updateGrants({ type: 'TABLE', name: { catalog: 'main', schema: 'default', name: 'people' } }, [{ principal: 'alice', add: ['SELECT'] }]);
});

afterAll(async () => {
  for (const c of clients) await c.end().catch(() => {});
  await server?.close();
  await loch?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('pgwire: authentication', () => {
  it('accepts a token as password with user "token" or the principal name, and audits the login', async () => {
    const asToken = await client(aliceToken);
    expect((await asToken.query('SELECT current_user() AS u')).rows).toEqual([{ u: 'alice' }]);
    const asName = await client(aliceToken, { user: 'alice' });
    expect((await asName.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    expect(audit.some((e) => e.action === 'login' && e.allowed && e.principal === 'alice' && e.request.service === 'pgwire' && e.request.sessionId !== undefined)).toBe(true);
  });

  it('refuses a bad token, another user name and an unknown database with FATAL codes', async () => {
    expect((await connectError('dapi00000000000000000000000000000000')).code).toBe('28P01');
    expect((await connectError(aliceToken, { user: 'bob' })).code).toBe('28P01');
    expect((await connectError(adminToken, { database: 'nope' })).code).toBe('3D000');
    const denied = audit.filter((e) => e.action === 'login' && !e.allowed);
    expect(denied.map((e) => e.statusCode)).toEqual(expect.arrayContaining([401, 404]));
    expect(JSON.stringify(denied)).not.toContain(aliceToken);
  });
});

describe('pgwire: queries', () => {
  it('starts a session in a catalog the principal may not see, whose statements are then refused (no disclosure)', async () => {
    const c = await client(aliceToken, { database: 'nope' });
    expect((await failure(c, 'SELECT * FROM people')).code).toBe('42501');
    expect((await c.query('SELECT name FROM main.default.people WHERE id = 1')).rows).toEqual([{ name: 'Ada' }]);
  });

  it('runs simple queries, several statements in one message, and no-op transaction commands', async () => {
    const c = await client(adminToken);
    const results = (await c.query('SELECT 1 AS a; SELECT 2 AS b')) as unknown as pg.QueryResult[];
    expect(results.map((r) => r.rows)).toEqual([[{ a: 1 }], [{ b: 2 }]]);
    expect((await c.query('BEGIN')).command).toBe('BEGIN');
    expect((await c.query('SET search_path TO x')).command).toBe('SET');
    expect((await c.query('SHOW search_path')).rows).toEqual([{ search_path: 'x' }]);
    expect((await c.query('COMMIT')).command).toBe('COMMIT');
    expect((await c.query('DISCARD ALL')).command).toBe('DISCARD');
  });

  it('binds $n parameters of several types and never splices them', async () => {
    const c = await client(adminToken);
    const r = await c.query('SELECT $1::int + 1 AS n, $2 AS s, $3::date AS d, $4::varchar AS nul, \'$1\' AS lit', [41, "x'; DROP TABLE people; --", '2024-02-03', null]);
    expect(r.rows).toEqual([{ n: 42, s: "x'; DROP TABLE people; --", d: new Date('2024-02-03T00:00:00Z'), nul: null, lit: '$1' }]);
    expect((await c.query('SELECT name FROM people WHERE id = $1 OR name = $2 ORDER BY id', [2, "' OR 1=1 --"])).rows).toEqual([{ name: 'Grace' }]);
    expect((await c.query('SELECT name FROM people WHERE born < $1 ORDER BY id', [new Date('1900-01-01T00:00:00Z')])).rows).toEqual([{ name: 'Ada' }]);
    expect((await c.query('SELECT count(*) AS n FROM people')).rows).toEqual([{ n: '2' }]);
    // The same named statement twice: parsed once, bound twice.
    const q = { name: 'by-id', text: 'SELECT name FROM people WHERE id = $1' };
    expect((await c.query({ ...q, values: [1] })).rows).toEqual([{ name: 'Ada' }]);
    expect((await c.query({ ...q, values: [2] })).rows).toEqual([{ name: 'Grace' }]);
  });

  it('runs DDL and DML with PostgreSQL command tags and row counts', async () => {
    const c = await client(adminToken);
    const created = await c.query('CREATE TABLE scores (id BIGINT, score DOUBLE)');
    expect(created.command).toBe('CREATE');
    // pg sends untyped parameters as text: Loch writes need them cast to the column types.
    const inserted = await c.query('INSERT INTO scores VALUES ($1::bigint, $2::double), ($3::bigint, $4::double), (3, 0.5)', [1, 1.5, 2, 2.5]);
    expect([inserted.command, inserted.rowCount]).toEqual(['INSERT', 3]);
    const updated = await c.query('UPDATE scores SET score = score * 2 WHERE id >= $1', [2]);
    expect([updated.command, updated.rowCount]).toEqual(['UPDATE', 2]);
    const deleted = await c.query('DELETE FROM scores WHERE id = 1');
    expect([deleted.command, deleted.rowCount]).toEqual(['DELETE', 1]);
    const rows = await c.query('SELECT id, score FROM scores ORDER BY id');
    expect([rows.command, rows.rowCount, rows.rows]).toEqual(['SELECT', 2, [{ id: '2', score: 5 }, { id: '3', score: 1 }]]);
    expect((await c.query('DROP TABLE scores')).command).toBe('DROP');
  });

  it('gives untyped ($n without a type) parameters the type of the column they are written to', async () => {
    const c = await client(adminToken);
    await c.query('CREATE TABLE typed_by_column (id BIGINT, name STRING, day DATE)');
    expect((await c.query('INSERT INTO typed_by_column VALUES ($1, $2, $3)', [7, 'x', '2024-01-02'])).rowCount).toBe(1);
    expect((await c.query('UPDATE typed_by_column SET day = $1 WHERE id = $2', ['2024-03-04', 7])).rowCount).toBe(1);
    await expect(c.query('INSERT INTO typed_by_column (id) VALUES ($1)', ['seven'])).rejects.toThrow(/column id of type long/);
    expect((await c.query('SELECT id, name, day FROM typed_by_column')).rows).toEqual([{ id: '7', name: 'x', day: new Date('2024-03-04T00:00:00Z') }]);
    await c.query('DROP TABLE typed_by_column');
  });

  it('sends PostgreSQL types: text by default, binary for int/float/bool/bytea when asked', async () => {
    const c = await client(adminToken);
    const sql = `SELECT true AS b, 7::SMALLINT AS i2, 8 AS i4, 9::BIGINT AS i8, 1.5::FLOAT AS f4, 2.25::DOUBLE AS f8, 12.50::DECIMAL(10,2) AS dec,
      'x y'::VARCHAR AS s, '\\x01\\xFF'::BLOB AS bytes, DATE '2020-02-29' AS d, TIMESTAMP '2020-01-02 03:04:05.5' AS ts, [1, NULL, 3] AS list,
      ['a b', 'c'] AS words, {'k': 1} AS st, NULL::INT AS nothing`;
    const text = await c.query(sql);
    expect(text.fields.map((f) => f.dataTypeID)).toEqual([16, 21, 23, 20, 700, 701, 1700, 25, 17, 1082, 1114, 1007, 1009, 114, 23]);
    expect(text.rows[0]).toEqual({
      b: true, i2: 7, i4: 8, i8: '9', f4: 1.5, f8: 2.25, dec: '12.50', s: 'x y', bytes: Buffer.from([1, 255]),
      d: new Date('2020-02-29T00:00:00Z'), ts: new Date('2020-01-02T03:04:05.500Z'), list: [1, null, 3], words: ['a b', 'c'], st: { k: 1 }, nothing: null,
    });
    // pg decodes binary fields through UTF-8 text, so only values whose bytes are all < 0x80 survive
    // it; the byte-exact binary encoders are covered by src/server/pgwire/types.test.ts.
    const binary = await c.query({
      text: 'SELECT true AS b, 7::SMALLINT AS i2, 8 AS i4, 9::BIGINT AS i8, 2.0::FLOAT AS f4, 2.25::DOUBLE AS f8',
      binary: true,
      queryMode: 'extended',
    } as pg.QueryConfig);
    expect(binary.fields.map((f) => f.format)).toEqual(Array(6).fill('binary'));
    expect(binary.rows[0]).toEqual({ b: true, i2: 7, i4: 8, i8: '9', f4: 2, f8: 2.25 });
  });

  it('pages a portal with a row limit (Execute maxRows → PortalSuspended)', async () => {
    const c = await client(adminToken);
    const r = await c.query({ text: 'SELECT i FROM range(5) t(i) ORDER BY i', rows: 2 } as pg.QueryConfig);
    expect(r.rows.map((row) => Number(row.i))).toEqual([0, 1, 2, 3, 4]);
  });
});

describe('pgwire: errors', () => {
  it('reports SQLSTATEs and keeps the connection usable', async () => {
    const c = await client(adminToken);
    expect((await failure(c, 'SELECT * FROM missing_table')).code).toBe('42P01');
    expect((await failure(c, 'SELEC 1')).code).toBe('42601');
    expect((await failure(c, 'SELECT $1::int', ['not a number'])).code).toMatch(/^22/);
    expect((await failure(c, 'SELECT 1; SELECT 2', [1])).code).toBe('42601');
    expect((await c.query('SELECT 3 AS three')).rows).toEqual([{ three: 3 }]);
  });

  it('governs every statement as the token principal (42501 without a grant)', async () => {
    const alice = await client(aliceToken);
    const bob = await client(bobToken);
    expect((await alice.query('SELECT name FROM people WHERE id = $1', [1])).rows).toEqual([{ name: 'Ada' }]);
    expect((await failure(alice, 'INSERT INTO people VALUES (3, $1, NULL)', ['Eve'])).code).toBe('42501');
    expect((await failure(bob, 'SELECT * FROM people')).code).toBe('42501');
    await loch.catalog.updateGrants({ type: 'TABLE', name: { catalog: 'main', schema: 'default', name: 'people' } }, [{ principal: 'bob', add: ['SELECT'] }]);
    expect((await bob.query('SELECT count(*) AS n FROM people')).rows).toEqual([{ n: '2' }]);
    await loch.catalog.updateGrants({ type: 'TABLE', name: { catalog: 'main', schema: 'default', name: 'people' } }, [{ principal: 'bob', remove: ['SELECT'] }]);
    expect((await failure(bob, 'SELECT * FROM people')).code).toBe('42501');
  });

  it('ends a connection whose message exceeds the limit, and refuses clients beyond the connection limit', async () => {
    const small = await startPgWire({ loch, clock: systemClock, ids: randomIds, maxBodyBytes: 1 << 24 }, { host: '127.0.0.1', port: 0, maxMessageBytes: 4096, maxConnections: 1 });
    try {
      const first = new pg.Client({ host: '127.0.0.1', port: small.port, user: 'token', password: adminToken, database: 'main' });
      first.on('error', () => {});
      await first.connect();
      const second = new pg.Client({ host: '127.0.0.1', port: small.port, user: 'token', password: adminToken, database: 'main' });
      second.on('error', () => {});
      expect(await second.connect().then(() => 'connected', (e: { code?: string }) => e.code)).toBe('53300');
      expect((await failure(first, `SELECT '${'x'.repeat(10_000)}' AS big`)).code).toBe('08P01');
      await first.end().catch(() => {});
    } finally {
      await small.close();
    }
  });
});

describe('pgwire: cancellation and disconnects', () => {
  const LONG = 'SELECT count(*) AS n FROM range(100000) a(i), range(100000) b(j) WHERE (i * j) % 7 = 3';

  it('cancels a running statement with a CancelRequest carrying the backend key (57014)', async () => {
    const c = await client(adminToken);
    const { processID, secretKey } = c as unknown as { processID: number; secretKey: number };
    const started = Date.now();
    const running = failure(c, LONG);
    await new Promise((r) => setTimeout(r, 300));
    await new Promise<void>((resolve, reject) => {
      const socket = connect(server.port, '127.0.0.1', () => {
        const packet = Buffer.alloc(16);
        packet.writeInt32BE(16, 0);
        packet.writeInt32BE(80877102, 4);
        packet.writeInt32BE(processID, 8);
        packet.writeInt32BE(secretKey, 12);
        socket.end(packet);
      });
      socket.on('close', () => resolve());
      socket.on('error', reject);
    });
    const error = await running;
    expect(error.code).toBe('57014');
    expect(Date.now() - started).toBeLessThan(15_000);
    expect((await c.query('SELECT 1 AS ok')).rows).toEqual([{ ok: 1 }]);
  });

  it('releases the session of a client that disconnects mid-result', async () => {
    const baseline = openSessions();
    const c = new pg.Client({ host: '127.0.0.1', port: server.port, user: 'token', password: adminToken, database: 'main' });
    c.on('error', () => {});
    await c.connect();
    const query = new pg.Query('SELECT i, repeat(\'x\', 200) AS pad FROM range(20000000) t(i)');
    let rows = 0;
    const gotRows = new Promise<void>((resolve) => {
      query.on('row', () => {
        rows += 1;
        if (rows === 1000) resolve();
      });
    });
    query.on('error', () => {});
    void c.query(query);
    await gotRows;
    expect(openSessions()).toBeGreaterThan(baseline);
    (c as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
    await until(() => openSessions() === baseline);
    const after = await client(adminToken);
    expect((await after.query('SELECT 1 AS ok')).rows).toEqual([{ ok: 1 }]);
  });
});
