import { rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ObjectName } from '../../src/catalog/catalog-types.js';
import type { Principal } from '../../src/catalog/governance/governance-types.js';
import { Loch } from '../../src/sql/loch.js';
import type { LochSession } from '../../src/sql/loch.js';
import { tempDir } from '../support/delta-fixture.js';
import { rejection } from '../../src/test-support/errors.js';

/**
 * Model endpoints as governed catalog objects, through the SQL layer's Loch (no ai extension):
 * endpoints are created with catalog methods, privileges granted with SQL. EXECUTE (or its
 * synonym USE ENDPOINT) makes an endpoint visible and callable, inherited from the schema and
 * catalog; CREATE MODEL ENDPOINT on the schema allows creating; ownership or MANAGE dropping.
 */

let loch: Loch;
let root: string;
let alice: LochSession;
let bob: LochSession;
let carol: LochSession;

const ep = (name: string, schema = 'ai'): ObjectName => ({ catalog: 'main', schema, name });
const DEFINITION = { provider: 'openai', task: 'chat', url: 'http://127.0.0.1:9/v1', model: 'gpt-test', apiKey: { scope: 'openai', key: 'api_key' } };
const admin = async (sql: string): Promise<unknown[][]> => (await loch.sql(sql)).all();
const as = async (s: LochSession, sql: string): Promise<unknown[][]> => (await s.sql(sql)).all();
const session = async (name: string): Promise<LochSession> => loch.session({ principal: (await loch.identity.resolve(name)) as Principal });
const names = async (s: LochSession, schema = 'ai'): Promise<string[]> => (await s.catalog.listModelEndpoints('main', schema)).map((e) => e.name);

const failure = rejection;

beforeAll(async () => {
  root = await tempDir('loch-governance-endpoints-');
  // The default (SQLite) metastore, so endpoints and their grants go through a real backend.
  loch = await Loch.open({ warehouse: join(root, 'wh'), threads: 1, principal: 'root', secretKeyFile: join(root, 'keys', 'secret.key') });
  for (const user of ['alice', 'bob', 'carol']) await loch.identity.createUser(user);
  await admin('CREATE GROUP analysts WITH USER bob');
  await admin('CREATE SCHEMA main.ai');
  await admin('CREATE SCHEMA main.other');
  await admin('GRANT USE CATALOG ON CATALOG main TO `account users`');
  await admin('GRANT USE SCHEMA ON SCHEMA main.ai TO `account users`');
  await admin('GRANT USE SCHEMA ON SCHEMA main.other TO `account users`');
  for (const name of ['chat', 'embed', 'secret_model']) expect(await loch.catalog.createModelEndpoint(ep(name), DEFINITION, { comment: `${name} endpoint` })).toBe('created');
  expect(await loch.catalog.createModelEndpoint(ep('chat', 'other'), DEFINITION)).toBe('created');
  alice = await session('alice');
  bob = await session('bob');
  carol = await session('carol');
}, 30_000);

afterAll(async () => {
  await loch?.close();
  await rm(root, { recursive: true, force: true });
});

describe('EXECUTE on model endpoints', () => {
  it('hides an endpoint from a user without EXECUTE, naming EXECUTE, and says NOT_FOUND only of missing ones', async () => {
    const denied = await failure(alice.catalog.getModelEndpoint(ep('chat')));
    expect(denied).toMatchObject({ code: 'PERMISSION_DENIED', message: 'catalog: alice lacks EXECUTE on MODEL_ENDPOINT main.ai.chat (PERMISSION_DENIED)' });
    expect(await failure(alice.catalog.findModelEndpoint(ep('chat')))).toMatchObject({ code: 'PERMISSION_DENIED' });
    expect(await failure(alice.catalog.authorize('EXECUTE', { type: 'MODEL_ENDPOINT', name: ep('chat') }))).toMatchObject({ code: 'PERMISSION_DENIED', message: expect.stringContaining('lacks EXECUTE') });
    expect(await alice.catalog.mayAccess('EXECUTE', { type: 'MODEL_ENDPOINT', name: ep('chat') })).toBe(false);
    expect(await names(alice)).toEqual([]);
    expect(await alice.catalog.findModelEndpoint(ep('nope'))).toBeUndefined();
    expect(await failure(alice.catalog.getModelEndpoint(ep('nope')))).toMatchObject({ code: 'NOT_FOUND', message: 'catalog: model endpoint main.ai.nope does not exist (RESOURCE_DOES_NOT_EXIST)' });
    // Without USE SCHEMA nothing is said about what the schema holds.
    await admin('CREATE SCHEMA main.locked');
    for (const name of ['chat', 'nope']) {
      expect(await failure(alice.catalog.getModelEndpoint(ep(name, 'locked')))).toMatchObject({ code: 'PERMISSION_DENIED', message: 'catalog: alice lacks USE SCHEMA on SCHEMA main.locked (PERMISSION_DENIED)' });
    }
  });

  it('grants, shows and revokes EXECUTE on one endpoint with SQL', async () => {
    await admin('GRANT EXECUTE ON MODEL ENDPOINT main.ai.chat TO alice');
    const info = await alice.catalog.getModelEndpoint(ep('chat'));
    expect(info).toMatchObject({ catalog: 'main', schema: 'ai', name: 'chat', owner: 'root', comment: 'chat endpoint', definition: DEFINITION });
    await alice.catalog.authorize('EXECUTE', { type: 'MODEL_ENDPOINT', name: ep('chat') });
    expect(await names(alice)).toEqual(['chat']);
    expect(await as(alice, 'SHOW GRANTS ON MODEL ENDPOINT main.ai.chat')).toContainEqual(['alice', 'EXECUTE', 'MODEL_ENDPOINT', 'main.ai.chat']);
    expect(await as(alice, 'SHOW GRANTS TO alice')).toContainEqual(['alice', 'EXECUTE', 'MODEL_ENDPOINT', 'main.ai.chat']);
    expect(await loch.catalog.getGrants({ type: 'MODEL_ENDPOINT', name: ep('chat') })).toEqual([{ principal: 'alice', privileges: ['EXECUTE'] }]);
    // EXECUTE lets alice use the endpoint, not manage it.
    expect(await failure(as(alice, 'GRANT EXECUTE ON MODEL ENDPOINT main.ai.chat TO carol'))).toMatchObject({ code: 'PERMISSION_DENIED', message: expect.stringContaining('alice lacks MANAGE on MODEL_ENDPOINT main.ai.chat') });
    await admin('REVOKE EXECUTE ON MODEL ENDPOINT main.ai.chat FROM alice');
    expect(await failure(alice.catalog.getModelEndpoint(ep('chat')))).toMatchObject({ code: 'PERMISSION_DENIED' });
  });

  it('accepts USE ENDPOINT as EXECUTE on endpoints, and refuses privileges that do not apply', async () => {
    await admin('GRANT USE ENDPOINT ON MODEL ENDPOINT main.ai.embed TO carol');
    expect(await loch.catalog.getGrants({ type: 'MODEL_ENDPOINT', name: ep('embed') })).toEqual([{ principal: 'carol', privileges: ['EXECUTE'] }]);
    expect(await admin('SHOW GRANTS carol ON MODEL ENDPOINT main.ai.embed')).toEqual([['carol', 'EXECUTE', 'MODEL_ENDPOINT', 'main.ai.embed']]);
    await carol.catalog.authorize('EXECUTE', { type: 'MODEL_ENDPOINT', name: ep('embed') });
    expect(await failure(admin('GRANT USE ENDPOINT ON SCHEMA main.ai TO carol'))).toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('USE ENDPOINT applies only ON MODEL ENDPOINT') });
    expect(await failure(admin('GRANT SELECT ON MODEL ENDPOINT main.ai.embed TO carol'))).toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('privilege SELECT does not apply to MODEL_ENDPOINT main.ai.embed') });
    expect(await failure(admin('GRANT EXECUTE ON MODEL ENDPOINT main.ai.embed TO nobody'))).toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('PRINCIPAL_DOES_NOT_EXIST') });
    await admin('REVOKE USE ENDPOINT ON MODEL ENDPOINT main.ai.embed FROM carol');
    expect(await loch.catalog.getGrants({ type: 'MODEL_ENDPOINT', name: ep('embed') })).toEqual([]);
  });

  it('inherits EXECUTE granted on the schema or the catalog, through groups too', async () => {
    await admin('GRANT EXECUTE ON SCHEMA main.ai TO analysts');
    expect(await names(bob)).toEqual(['chat', 'embed', 'secret_model']);
    await bob.catalog.authorize('EXECUTE', { type: 'MODEL_ENDPOINT', name: ep('secret_model') });
    expect(await names(bob, 'other')).toEqual([]);
    const effective = await loch.catalog.getEffectiveGrants({ type: 'MODEL_ENDPOINT', name: ep('embed') }, 'analysts');
    expect(effective).toEqual([{ principal: 'analysts', privilege: 'EXECUTE', on: { type: 'SCHEMA', catalog: 'main', schema: 'ai' }, inherited: true }]);
    expect(await as(bob, 'SHOW GRANTS ON MODEL ENDPOINT main.ai.embed')).toContainEqual(['analysts', 'EXECUTE', 'SCHEMA', 'main.ai']);
    // USE SCHEMA granted on the schema shows on the schema, not on the endpoint.
    expect(effective.some((g) => g.privilege === 'USE SCHEMA')).toBe(false);
    await admin('GRANT EXECUTE ON CATALOG main TO carol');
    expect(await names(carol, 'other')).toEqual(['chat']);
    await admin('REVOKE EXECUTE ON CATALOG main FROM carol');
    await admin('REVOKE EXECUTE ON SCHEMA main.ai FROM analysts');
    expect(await names(bob)).toEqual([]);
    // ALL PRIVILEGES on the schema includes EXECUTE and CREATE MODEL ENDPOINT, never MANAGE.
    await admin('GRANT ALL PRIVILEGES ON SCHEMA main.other TO bob');
    expect(await names(bob, 'other')).toEqual(['chat']);
    expect(await bob.catalog.createModelEndpoint(ep('bobs', 'other'), DEFINITION)).toBe('created');
    expect(await failure(bob.catalog.dropModelEndpoint(ep('chat', 'other')))).toMatchObject({ code: 'PERMISSION_DENIED', message: expect.stringContaining('lacks MANAGE') });
    expect(await bob.catalog.dropModelEndpoint(ep('bobs', 'other'))).toBe('dropped');
    await admin('REVOKE ALL PRIVILEGES ON SCHEMA main.other FROM bob');
  });
});

describe('creating, altering and dropping endpoints', () => {
  it('needs CREATE MODEL ENDPOINT on the schema to create; the creator owns the endpoint', async () => {
    expect(await failure(carol.catalog.createModelEndpoint(ep('mine'), DEFINITION))).toMatchObject({
      code: 'PERMISSION_DENIED',
      message: 'catalog: carol lacks CREATE MODEL ENDPOINT on SCHEMA main.ai (PERMISSION_DENIED)',
    });
    await admin('GRANT CREATE MODEL ENDPOINT ON SCHEMA main.ai TO carol');
    expect(await admin('SHOW GRANTS carol ON SCHEMA main.ai')).toEqual([['carol', 'CREATE MODEL ENDPOINT', 'SCHEMA', 'main.ai']]);
    expect(await carol.catalog.createModelEndpoint(ep('Mine'), DEFINITION)).toBe('created');
    expect(await carol.catalog.createModelEndpoint(ep('mine'), DEFINITION, { ifNotExists: true })).toBe('exists');
    expect(await failure(carol.catalog.createModelEndpoint(ep('mine'), DEFINITION))).toMatchObject({ code: 'ALREADY_EXISTS', message: 'catalog: model endpoint main.ai.mine already exists (RESOURCE_ALREADY_EXISTS)' });
    expect(await carol.catalog.getModelEndpoint(ep('mine'))).toMatchObject({ owner: 'carol', createdBy: 'carol' });
    expect(await names(carol)).toEqual(['mine']);
    // OR REPLACE of someone else's endpoint needs MANAGE on it; of one's own it keeps id and grants.
    expect(await failure(carol.catalog.createModelEndpoint(ep('chat'), DEFINITION, { orReplace: true }))).toMatchObject({ code: 'PERMISSION_DENIED' });
    await carol.sql('GRANT EXECUTE ON MODEL ENDPOINT main.ai.mine TO alice');
    const before = await carol.catalog.getModelEndpoint(ep('mine'));
    expect(await carol.catalog.createModelEndpoint(ep('mine'), { ...DEFINITION, model: 'v2' }, { orReplace: true })).toBe('replaced');
    const after = await alice.catalog.getModelEndpoint(ep('mine'));
    expect(after).toMatchObject({ id: before.id, owner: 'carol', definition: { model: 'v2' } });
  });

  it('alters and drops with ownership or MANAGE only', async () => {
    await loch.catalog.createModelEndpoint(ep('managed'), DEFINITION);
    await admin('GRANT EXECUTE ON MODEL ENDPOINT main.ai.managed TO alice');
    expect(await failure(alice.catalog.alterModelEndpoint(ep('managed'), { comment: 'x' }))).toMatchObject({ code: 'PERMISSION_DENIED', message: 'catalog: alice lacks MANAGE on MODEL_ENDPOINT main.ai.managed (PERMISSION_DENIED)' });
    expect(await failure(alice.catalog.dropModelEndpoint(ep('managed')))).toMatchObject({ code: 'PERMISSION_DENIED', message: 'catalog: alice lacks MANAGE on MODEL_ENDPOINT main.ai.managed (PERMISSION_DENIED)' });
    expect(await failure(carol.catalog.dropModelEndpoint(ep('managed'), { ifExists: true }))).toMatchObject({ code: 'PERMISSION_DENIED', message: expect.stringContaining('EXECUTE') });
    expect(await carol.catalog.dropModelEndpoint(ep('never'), { ifExists: true })).toBe('missing');
    await admin('GRANT MANAGE ON MODEL ENDPOINT main.ai.managed TO alice');
    const altered = await alice.catalog.alterModelEndpoint(ep('managed'), { comment: 'tuned', definition: { ...DEFINITION, model: 'm2' } });
    expect(altered).toMatchObject({ comment: 'tuned', updatedBy: 'alice', owner: 'root', definition: { model: 'm2' } });
    expect(await failure(alice.catalog.alterModelEndpoint(ep('managed'), { owner: 'ghost' }))).toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('PRINCIPAL_DOES_NOT_EXIST') });
    expect(await alice.catalog.alterModelEndpoint(ep('managed'), { owner: 'bob', comment: '' })).toMatchObject({ owner: 'bob' });
    expect((await loch.catalog.getModelEndpoint(ep('managed'))).comment).toBeUndefined();
    // The new owner sees and manages it without any grant.
    expect(await names(bob)).toContain('managed');
    expect(await bob.catalog.dropModelEndpoint(ep('managed'))).toBe('dropped');
    expect(await failure(bob.catalog.dropModelEndpoint(ep('managed')))).toMatchObject({ code: 'NOT_FOUND' });
    expect(await loch.catalog.findModelEndpoint(ep('managed'))).toBeUndefined();
  });

  it('keeps endpoints in their own namespace and drops them with their schema', async () => {
    await admin('CREATE SCHEMA main.tmp');
    await admin('CREATE TABLE main.tmp.shared (id INT)');
    expect(await loch.catalog.createModelEndpoint(ep('shared', 'tmp'), DEFINITION)).toBe('created');
    expect((await loch.catalog.getTable(ep('shared', 'tmp'))).name).toBe('shared');
    expect((await admin('SHOW TABLES IN main.tmp')).map((r) => r[1])).toEqual(['shared']);
    expect(await admin('DESCRIBE SCHEMA main.tmp')).not.toEqual([]);
    await admin('DROP TABLE main.tmp.shared');
    // The endpoint alone keeps the schema non-empty.
    expect(await failure(admin('DROP SCHEMA main.tmp'))).toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('SCHEMA_NOT_EMPTY') });
    await admin('DROP SCHEMA main.tmp CASCADE');
    await admin('CREATE SCHEMA main.tmp');
    expect(await loch.catalog.listModelEndpoints('main', 'tmp')).toEqual([]);
    await admin('CREATE CATALOG gone');
    await loch.catalog.createModelEndpoint({ catalog: 'gone', schema: 'default', name: 'e' }, DEFINITION);
    await admin('DROP CATALOG gone CASCADE');
    expect(await failure(loch.catalog.getModelEndpoint({ catalog: 'gone', schema: 'default', name: 'e' }))).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('refuses a definition that is not a JSON object', async () => {
    expect(await failure(loch.catalog.createModelEndpoint(ep('bad'), [] as never))).toMatchObject({ code: 'INVALID_ARGUMENT', message: 'catalog: the definition of model endpoint main.ai.bad must be a JSON object' });
    expect(await failure(loch.catalog.createModelEndpoint(ep('bad'), { n: 1n } as never))).toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});

describe('the secret store of a Loch', () => {
  it('keeps secrets in the same metastore, sealed with the key file it was given', async () => {
    const bobPrincipal = (await loch.identity.resolve('bob')) as Principal;
    expect(await loch.secrets.putSecret(bobPrincipal, 'openai', 'api_key', 'sk-governed-123')).toBe('created');
    if (process.env['LOCH_SECRET_KEY'] === undefined) expect((await stat(join(root, 'keys', 'secret.key'))).mode & 0o777).toBe(0o600);
    expect(await loch.secrets.reveal(bobPrincipal, 'openai', 'api_key')).toBe('sk-governed-123');
    const alicePrincipal = (await loch.identity.resolve('alice')) as Principal;
    expect(await failure(loch.secrets.check(alicePrincipal, 'openai', 'READ'))).toMatchObject({ code: 'PERMISSION_DENIED', message: 'secrets: alice lacks READ on secret scope openai (PERMISSION_DENIED)' });
    // Scopes are not catalog securables: SQL listings and grants walks never show them.
    expect(JSON.stringify(await admin('SHOW GRANTS TO bob'))).not.toContain('openai');
  });
});
