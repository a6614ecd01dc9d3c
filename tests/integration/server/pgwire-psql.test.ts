import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../../src/core/clock.js';
import { randomIds } from '../../../src/core/ids.js';
import { startPgWire } from '../../../src/server/pgwire/pg-server.js';
import { Loch } from '../../../src/sql/loch.js';

/**
 * psql (libpq) against the wire protocol: SSLRequest declined, cleartext token password,
 * simple queries, and the backslash commands answered by the pg_catalog emulation, which shows
 * only what the connected principal may see.
 */
const PSQL = '/usr/bin/psql';
const available = existsSync(PSQL);
if (!available) console.warn(`\n*** SKIPPED: pgwire psql tests: ${PSQL} is not installed (apt-get install postgresql-client) ***\n`);

let dir: string;
let loch: Loch;
let server: { readonly port: number; close(): Promise<void> };
let adminToken: string;
let aliceToken: string;

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function psql(token: string, args: readonly string[], user = 'token'): Promise<Run> {
  const env = { PATH: process.env['PATH'] ?? '/usr/bin:/bin', PGPASSWORD: token, PGCONNECT_TIMEOUT: '10', PSQLRC: '/dev/null', PGTZ: 'UTC' };
  const argv = ['-h', '127.0.0.1', '-p', String(server.port), '-U', user, '-d', 'main', '-X', '-v', 'ON_ERROR_STOP=1', ...args];
  return new Promise((resolve) => {
    execFile(PSQL, argv, { env, timeout: 20_000 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
      resolve({ code, stdout, stderr });
    });
  });
}

beforeAll(async () => {
  if (!available) return;
  dir = await mkdtemp(join(tmpdir(), 'loch-psql-'));
  loch = await Loch.open({ warehouse: join(dir, 'warehouse'), metastore: 'memory:' });
  await loch.identity.createUser('alice');
  adminToken = (await loch.identity.createToken(loch.catalog.principal)).token;
  aliceToken = (await loch.identity.createToken('alice')).token;
  await (await loch.sql(`CREATE TABLE t (id BIGINT NOT NULL, name STRING COMMENT 'who', price DECIMAL(10,2), tags ARRAY<STRING>) COMMENT 'things'`)).all();
  await (await loch.sql(`INSERT INTO t VALUES (1, 'a', 9.99, array('x'))`)).all();
  await (await loch.sql('CREATE TABLE secret (x INT)')).all();
  await (await loch.sql('CREATE SCHEMA sales')).all();
  await loch.catalog.updateGrants({ type: 'CATALOG', catalog: 'main' }, [{ principal: 'alice', add: ['USE CATALOG'] }]);
  await loch.catalog.updateGrants({ type: 'SCHEMA', catalog: 'main', schema: 'default' }, [{ principal: 'alice', add: ['USE SCHEMA'] }]);
  await loch.catalog.updateGrants({ type: 'TABLE', name: { catalog: 'main', schema: 'default', name: 't' } }, [{ principal: 'alice', add: ['SELECT'] }]);
  server = await startPgWire({ loch, clock: systemClock, ids: randomIds, maxBodyBytes: 1 << 24 }, { host: '127.0.0.1', port: 0 });
});

afterAll(async () => {
  await server?.close();
  await loch?.close();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

describe('pgwire with psql', () => {
  it('runs a query, \\dt and \\d t', async () => {
    if (!available) return;
    const run = await psql(adminToken, ['-c', 'select 1 as one', '-c', '\\dt', '-c', '\\d t']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/one\s*\n-+\n\s*1\n\(1 row\)/);
    expect(run.stdout).toMatch(/default\s*\|\s*secret\s*\|\s*table/);
    expect(run.stdout).toMatch(/default\s*\|\s*t\s*\|\s*table/);
    expect(run.stdout).toContain('Table "default.t"');
    expect(run.stdout).toMatch(/id\s*\|\s*bigint\s*\|\s*\|\s*not null/);
    expect(run.stdout).toMatch(/price\s*\|\s*numeric\(10,2\)/);
    expect(run.stdout).toMatch(/tags\s*\|\s*text\[\]/);
  });

  it('shows comments in \\dt+ and \\d+', async () => {
    if (!available) return;
    const run = await psql(adminToken, ['-c', '\\dt+', '-c', '\\d+ t']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/\|\s*t\s*\|\s*table\s*\|.*\|\s*things\s*\n/);
    expect(run.stdout).toMatch(/name\s*\|\s*text\s*\|.*\|\s*who\s*\n/);
  });

  it('lists schemas and databases (\\dn, \\l)', async () => {
    if (!available) return;
    const run = await psql(adminToken, ['-c', '\\dn', '-c', '\\l']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/ default\s*\|/);
    expect(run.stdout).toMatch(/ sales\s*\|/);
    expect(run.stdout).not.toContain('pg_catalog');
    expect(run.stdout).toMatch(/ main\s*\|.*UTF8/);
  });

  it('shows a principal only what it may see', async () => {
    if (!available) return;
    const run = await psql(aliceToken, ['-c', '\\dt', '-c', 'select count(*) as n from t'], 'alice');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/default\s*\|\s*t\s*\|\s*table/);
    expect(run.stdout).not.toContain('secret');
    expect(run.stdout).toMatch(/n\s*\n-+\n\s*1\n/);
  });

  it('exits 1 with ERROR: on stderr when a statement fails', async () => {
    if (!available) return;
    const run = await psql(adminToken, ['-c', 'select * from no_such_table', '-c', 'select 2']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^ERROR: {2}.*no_such_table/m);
    expect(run.stdout).toBe('');
    const denied = await psql(aliceToken, ['-c', 'select * from secret']);
    expect(denied.code).toBe(1);
    expect(denied.stderr).toMatch(/^ERROR: /m);
  });

  it('fails to connect with a bad token', async () => {
    if (!available) return;
    const run = await psql('dapi-not-a-token', ['-c', 'select 1']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('password authentication failed for user "token"');
  });
});
