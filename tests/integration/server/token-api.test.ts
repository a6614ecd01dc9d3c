import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEvent } from '../../../src/catalog/governance/governance-types.js';
import { startServer } from '../../../src/server/server.js';
import type { RunningServer } from '../../../src/server/server.js';
import { Loch } from '../../../src/sql/loch.js';

/** The token API (`/api/2.0/token`, Databricks' shape) through fetch against a real server. */

let dir: string;
let loch: Loch;
let server: RunningServer;
let alice: string;
let bob: string;
let admin: string;
const audit: AuditEvent[] = [];

async function call(token: string | undefined, method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, any> }> {
  const response = await fetch(`${server.url}/api/2.0/token${path}`, {
    method,
    headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  return { status: response.status, json: (await response.json()) as Record<string, any> };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'loch-token-api-'));
  loch = await Loch.open({ warehouse: dir, metastore: 'memory:' });
  loch.audit = { record: (event) => audit.push(event), flush: async () => {} };
  await loch.identity.createUser('alice');
  await loch.identity.createUser('bob');
  await loch.identity.createUser('root', { admin: true });
  alice = (await loch.identity.createToken('alice')).token;
  bob = (await loch.identity.createToken('bob')).token;
  admin = (await loch.identity.createToken('root')).token;
  server = await startServer({ loch, port: 0, pgPort: null, log: () => {} });
}, 60_000);

afterAll(async () => {
  await server?.close();
  await loch?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('the token API', () => {
  it('creates a token that authenticates, with its info in Databricks shape', async () => {
    const before = Date.now();
    const created = await call(alice, 'POST', '/create', { comment: 'ci job', lifetime_seconds: 3600 });
    expect(created.status).toBe(200);
    expect(created.json['token_value']).toMatch(/^dapi[0-9a-f]{32}$/);
    const info = created.json['token_info'];
    expect(info).toMatchObject({ comment: 'ci job' });
    expect(typeof info.token_id).toBe('string');
    expect(info.creation_time).toBeGreaterThanOrEqual(before - 1000);
    expect(info.expiry_time).toBe(info.creation_time + 3_600_000);
    const listed = await call(created.json['token_value'], 'GET', '/list');
    expect(listed.status).toBe(200);
    expect(listed.json['token_infos'].map((t: any) => t.token_id)).toContain(info.token_id);
    const forever = await call(alice, 'POST', '/create', {});
    expect(forever.json['token_info'].expiry_time).toBe(-1);
    expect(audit.some((e) => e.action === 'createToken' && e.principal === 'alice' && e.objectName === info.token_id)).toBe(true);
    expect(JSON.stringify(audit)).not.toContain(created.json['token_value']);
  });

  it("lists only the caller's own tokens", async () => {
    const mine = (await call(bob, 'GET', '/list')).json['token_infos'] as { token_id: string }[];
    const alices = (await call(alice, 'GET', '/list')).json['token_infos'] as { token_id: string }[];
    expect(mine.length).toBe(1);
    expect(alices.some((t) => mine.some((m) => m.token_id === t.token_id))).toBe(false);
  });

  it('deletes own tokens (which stop working at once), not others’ unless admin', async () => {
    const created = await call(bob, 'POST', '/create', { comment: 'temp' });
    const id = created.json['token_info'].token_id as string;
    const value = created.json['token_value'] as string;
    const foreign = await call(alice, 'POST', '/delete', { token_id: id });
    expect(foreign).toMatchObject({ status: 404, json: { error_code: 'RESOURCE_DOES_NOT_EXIST' } });
    expect((await call(value, 'GET', '/list')).status).toBe(200);
    expect(await call(bob, 'POST', '/delete', { token_id: id })).toEqual({ status: 200, json: {} });
    expect((await call(value, 'GET', '/list')).status).toBe(401);
    expect((await call(bob, 'POST', '/delete', { token_id: id })).status).toBe(404);

    const other = await call(bob, 'POST', '/create', {});
    expect((await call(admin, 'POST', '/delete', { token_id: other.json['token_info'].token_id })).status).toBe(200);
    expect((await call(other.json['token_value'], 'GET', '/list')).status).toBe(401);
  });

  it('refuses bad requests and missing tokens', async () => {
    expect((await call(undefined, 'GET', '/list')).status).toBe(401);
    expect((await call('dapi00000000000000000000000000000000', 'POST', '/create', {})).status).toBe(401);
    expect(await call(alice, 'POST', '/create', { lifetime_seconds: 'soon' })).toMatchObject({ status: 400, json: { error_code: 'INVALID_PARAMETER_VALUE' } });
    expect(await call(alice, 'POST', '/create', { comment: 5 })).toMatchObject({ status: 400 });
    expect(await call(alice, 'POST', '/delete', {})).toMatchObject({ status: 400 });
    expect(await call(alice, 'POST', '/create', '{oops')).toMatchObject({ status: 400, json: { error_code: 'MALFORMED_REQUEST' } });
    expect(await call(alice, 'GET', '/nothing')).toMatchObject({ status: 404, json: { error_code: 'ENDPOINT_NOT_FOUND' } });
  });
});
