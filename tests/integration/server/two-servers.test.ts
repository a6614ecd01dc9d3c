import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Loch } from '../../../src/sql/loch.js';
import { tempDir } from '../../support/delta-fixture.js';
import { postgresNotRunBanner, postgresUrl, randomSchemaName, withSchema } from '../../support/local-postgres.js';
import { localS3 } from '../../support/local-s3.js';
import { lochArgv } from '../../support/pty.js';

/**
 * Two `loch serve` processes on one warehouse: tables on the S3 server (conditional writes are
 * the commit point), the catalog, identities and tokens in one PostgreSQL metastore. Each sees
 * the other's commits at once; concurrent appends through both lose nothing; a token revoked
 * through one stops working on the other.
 */
const pgUrl = postgresUrl();
if (pgUrl === undefined) process.stderr.write(postgresNotRunBanner('TWO SERVERS SUITE'));
const s3 = await localS3('TWO SERVERS SUITE');
const runnable = pgUrl !== undefined && s3.available;

interface Served {
  readonly proc: ChildProcess;
  readonly url: string;
  readonly exited: Promise<number | null>;
  output(): string;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
}

async function serve(env: Record<string, string>, stateDir: string): Promise<Served> {
  const port = await freePort();
  const pgPort = await freePort();
  const proc = spawn(process.execPath, [...lochArgv(), 'serve', '--port', String(port), '--pg-port', String(pgPort)], {
    cwd: stateDir,
    env: { ...process.env, HOME: stateDir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 45_000;
  for (;;) {
    const ok = await fetch(`${url}/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (proc.exitCode !== null || Date.now() > deadline) throw new Error(`loch serve did not start:\n${out}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return { proc, url, exited, output: () => out };
}

describe.skipIf(!runnable)('two servers on one warehouse (S3 + PostgreSQL metastore)', () => {
  const bucket = `loch-two-${Date.now().toString(36)}`;
  let env: Record<string, string>;
  let a: Served;
  let b: Served;
  let token: string;
  let admin: Loch;

  const statement = async (server: Served, sql: string, bearer = token) => {
    const response = await fetch(`${server.url}/api/2.0/sql/statements`, {
      method: 'POST',
      headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
      body: JSON.stringify({ statement: sql, warehouse_id: 'loch', wait_timeout: '50s' }),
    });
    const body = (await response.json()) as { status?: { state: string; error?: { message: string } }; result?: { data_array?: (string | null)[][] } };
    return { http: response.status, state: body.status?.state, error: body.status?.error?.message, rows: body.result?.data_array ?? [] };
  };

  beforeAll(async () => {
    const client = new S3Client({ endpoint: s3.endpoint, region: 'us-east-1', credentials: s3.credentials, forcePathStyle: true });
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
    const metastore = withSchema(pgUrl as string, randomSchemaName('loch_two'));
    env = {
      LOCH_WAREHOUSE: `s3://${bucket}/lake`,
      LOCH_METASTORE: metastore,
      LOCH_S3_ENDPOINT: s3.endpoint,
      AWS_ACCESS_KEY_ID: s3.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
    };
    const stateA = await tempDir('loch-two-a-');
    const stateB = await tempDir('loch-two-b-');
    // An administrator with direct access to the warehouse makes the token (as `loch token create` does).
    admin = await Loch.open({ warehouse: env['LOCH_WAREHOUSE'], metastore, stateDir: await tempDir('loch-two-admin-'), storage: { s3: { endpoint: s3.endpoint, credentials: s3.credentials } }, threads: 1 });
    await admin.identity.createUser('ops', { admin: true });
    token = (await admin.identity.createToken('ops')).token;
    [a, b] = await Promise.all([serve(env, stateA), serve(env, stateB)]);
  }, 120_000);

  afterAll(async () => {
    for (const s of [a, b]) s?.proc.kill('SIGKILL');
    await admin?.close();
  });

  it('a table created through one server is read and written through the other', async () => {
    expect((await statement(a, 'CREATE SCHEMA shared')).state).toBe('SUCCEEDED');
    expect((await statement(a, 'CREATE TABLE shared.events (id INT, origin STRING)')).state).toBe('SUCCEEDED');
    expect((await statement(b, "INSERT INTO shared.events VALUES (0, 'b')")).state).toBe('SUCCEEDED');
    expect((await statement(a, 'SELECT count(*) FROM shared.events')).rows).toEqual([['1']]);
  }, 60_000);

  it('concurrent appends through both servers lose nothing: one commit per INSERT', async () => {
    const per = 12;
    const inserts = [a, b].flatMap((server, s) =>
      Array.from({ length: per }, (_, i) => statement(server, `INSERT INTO shared.events VALUES (${s * 100 + i + 1}, '${s === 0 ? 'a' : 'b'}')`)),
    );
    const results = await Promise.all(inserts);
    expect(results.map((r) => r.state).filter((s) => s !== 'SUCCEEDED')).toEqual([]);
    expect((await statement(b, 'SELECT origin, count(*) FROM shared.events GROUP BY origin ORDER BY origin')).rows).toEqual([
      ['a', String(per)],
      ['b', String(per + 1)],
    ]);
    const history = await statement(a, 'DESCRIBE HISTORY shared.events');
    // CREATE + 1 + 2×per inserts.
    expect(history.rows.length).toBe(2 + 2 * per);
  }, 90_000);

  it('an Iceberg table created through one server and committed through the other', async () => {
    const base = (s: Served) => `${s.url}/api/2.1/unity-catalog/iceberg-rest/v1/main/namespaces/shared/tables`;
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const created = await fetch(base(a), {
      method: 'POST',
      headers,
      body: JSON.stringify({ name: 'ice', schema: { type: 'struct', 'schema-id': 0, fields: [{ id: 1, name: 'x', required: false, type: 'int' }] } }),
    });
    expect(created.status).toBe(200);
    const commit = await fetch(`${base(b)}/ice`, { method: 'POST', headers, body: JSON.stringify({ requirements: [], updates: [{ action: 'set-properties', updates: { from: 'b' } }] }) });
    expect(commit.status).toBe(200);
    const loaded = (await (await fetch(`${base(a)}/ice`, { headers })).json()) as { metadata: { properties: Record<string, string> } };
    expect(loaded.metadata.properties['from']).toBe('b');
    expect((await statement(b, 'INSERT INTO shared.ice VALUES (1), (2)')).state).toBe('SUCCEEDED');
    expect((await statement(a, 'SELECT sum(x) FROM shared.ice')).rows).toEqual([['3']]);
  }, 60_000);

  it('a token revoked through one server stops working on the other', async () => {
    const second = await fetch(`${a.url}/api/2.0/token/create`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ comment: 'temp' }) });
    const { token_value, token_info } = (await second.json()) as { token_value: string; token_info: { token_id: string } };
    expect((await statement(b, 'SELECT 1', token_value)).state).toBe('SUCCEEDED');
    const revoked = await fetch(`${a.url}/api/2.0/token/delete`, { method: 'POST', headers: { authorization: `Bearer ${token_value}`, 'content-type': 'application/json' }, body: JSON.stringify({ token_id: token_info.token_id }) });
    expect(revoked.status).toBe(200);
    expect((await statement(b, 'SELECT 1', token_value)).http).toBe(401);
  }, 30_000);

  it('both servers shut down cleanly on SIGTERM', async () => {
    a.proc.kill('SIGTERM');
    b.proc.kill('SIGTERM');
    expect(await a.exited).toBe(0);
    expect(await b.exited).toBe(0);
  }, 30_000);
});
