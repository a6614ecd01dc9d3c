import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LakehouseCatalog, MemoryMetastore } from '../../src/catalog/index.js';
import type { Catalog, ObjectName } from '../../src/catalog/index.js';
import type { AuditEvent, AuditSink, FunctionDefinition, Principal, SecurableRef } from '../../src/catalog/governance/governance-types.js';
import { MetastoreIdentityStore } from '../../src/catalog/governance/metastore-identity-store.js';
import { FixedClock, SequentialIds, isLochError } from '../../src/core/index.js';
import type { ErrorCode, LochError } from '../../src/core/index.js';
import { seededBytes } from '../../src/core/random.js';

const T0 = Date.UTC(2025, 0, 1);

class Recorder implements AuditSink {
  readonly events: AuditEvent[] = [];
  record(event: AuditEvent): void {
    this.events.push(event);
  }
  async flush(): Promise<void> {}
}

async function expectCode(promise: Promise<unknown>, code: ErrorCode): Promise<LochError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!isLochError(error, code)) throw new Error(`expected LochError ${code}, got ${String(error)}`, { cause: error });
  return error;
}

async function denied(promise: Promise<unknown>, message: string): Promise<void> {
  const error = await expectCode(promise, 'PERMISSION_DENIED');
  expect(error.message).toBe(message);
}

const t = (n: string, schema = 'sales', cat = 'shop'): ObjectName => ({ catalog: cat, schema, name: n });
const TABLE = (n: string, schema = 'sales', cat = 'shop'): SecurableRef => ({ type: 'TABLE', name: t(n, schema, cat) });
const CATALOG = (catalog: string): SecurableRef => ({ type: 'CATALOG', catalog });
const SCHEMA = (catalog: string, schema: string): SecurableRef => ({ type: 'SCHEMA', catalog, schema });
const FN: FunctionDefinition = { parameters: [{ name: 'region', type: 'STRING' }], returnType: 'BOOLEAN', body: "region = 'US'" };

let dir: string;
let clock: FixedClock;
let metastore: MemoryMetastore;
let identity: MetastoreIdentityStore;
let audit: Recorder;
let admin: LakehouseCatalog;
let run = 0;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'loch-governance-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

beforeEach(async () => {
  run += 1;
  clock = new FixedClock(T0, 1);
  const ids = new SequentialIds(run);
  metastore = new MemoryMetastore({ clock, ids });
  identity = new MetastoreIdentityStore({ metastore, clock, ids, random: seededBytes(run) });
  audit = new Recorder();
  await identity.createUser('root', { admin: true });
  for (const user of ['alice', 'bob', 'carol', 'dave']) await identity.createUser(user);
  await identity.createGroup('analysts');
  await identity.createGroup('staff');
  await identity.addMember('analysts', 'bob');
  await identity.addMember('staff', 'analysts');
  admin = new LakehouseCatalog({
    metastore,
    warehouseRoot: join(dir, `wh-${run}`),
    storeOptions: {},
    clock,
    ids,
    principal: 'root',
    actor: (await identity.resolve('root')) as Principal,
    identity,
    audit,
    request: { requestId: 'r-1', service: 'unity-catalog', sourceIp: '10.0.0.1' },
  });
  await admin.bootstrap();
  await admin.createCatalog('shop');
  await admin.createSchema('shop', 'sales');
  for (const n of ['orders', 'secret']) await admin.registerTable(await admin.planTable(t(n)));
  await admin.createVolume(t('files'));
  await admin.createFunction(t('us_only'), FN);
});

async function as(name: string): Promise<LakehouseCatalog> {
  return admin.withActor((await identity.resolve(name)) as Principal);
}

describe('the governed catalog', () => {
  it('runs an admin unchecked and owns what it creates', async () => {
    expect((await admin.getTable(t('orders'))).owner).toBe('root');
    expect(await admin.mayAccess('MODIFY', TABLE('nope'))).toBe(true);
    await expectCode(admin.getCatalog('nope'), 'NOT_FOUND');
    const boss = await as('dave');
    await denied(boss.getCatalog('shop'), 'catalog: dave lacks USE CATALOG on CATALOG shop (PERMISSION_DENIED)');
    await identity.createGroup('admins');
    await identity.addMember('admins', 'dave');
    const promoted = await as('dave');
    expect(promoted.actor.admin).toBe(true);
    expect((await promoted.listTables('shop', 'sales')).map((x) => x.name)).toEqual(['orders', 'secret']);
  });

  it('applies the disclosure rule: hidden is PERMISSION_DENIED whether or not it exists, NOT_FOUND only inside what is visible', async () => {
    const carol = await as('carol');
    const hidden = 'catalog: carol lacks USE CATALOG on CATALOG shop (PERMISSION_DENIED)';
    await denied(carol.getCatalog('shop'), hidden);
    await denied(carol.getCatalog('shoq'), 'catalog: carol lacks USE CATALOG on CATALOG shoq (PERMISSION_DENIED)');
    await denied(carol.getSchema('shop', 'sales'), hidden);
    await denied(carol.getSchema('shop', 'nope'), hidden);
    await denied(carol.getTable(t('orders')), hidden);
    await denied(carol.findTable(t('nope')), hidden);
    await denied(carol.listSchemas('shop'), hidden);
    await denied(carol.listTables('shop', 'sales'), hidden);
    expect(await carol.listCatalogs()).toEqual([]);

    await admin.updateGrants(CATALOG('shop'), [{ principal: 'carol', add: ['USE CATALOG'] }]);
    expect((await carol.listCatalogs()).map((c) => c.name)).toEqual(['shop']);
    expect(await carol.listSchemas('shop')).toEqual([]);
    await denied(carol.getSchema('shop', 'sales'), 'catalog: carol lacks USE SCHEMA on SCHEMA shop.sales (PERMISSION_DENIED)');
    await denied(carol.getSchema('shop', 'nope'), 'catalog: carol lacks USE SCHEMA on SCHEMA shop.nope (PERMISSION_DENIED)');

    await admin.updateGrants(SCHEMA('shop', 'sales'), [{ principal: 'carol', add: ['USE SCHEMA'] }]);
    expect((await carol.listSchemas('shop')).map((s) => s.name)).toEqual(['sales']);
    expect(await carol.listTables('shop', 'sales')).toEqual([]);
    const secret = await expectCode(carol.getTable(t('secret')), 'PERMISSION_DENIED');
    expect(secret.message).toBe('catalog: carol lacks SELECT on TABLE shop.sales.secret (PERMISSION_DENIED)');
    expect(secret.message).not.toContain(dir);
    await expectCode(carol.getTable(t('nope')), 'NOT_FOUND');
    expect(await carol.findTable(t('nope'))).toBeUndefined();
    await denied(carol.findTable(t('secret')), 'catalog: carol lacks SELECT on TABLE shop.sales.secret (PERMISSION_DENIED)');
  });

  it('needs the whole USE path, and grants to groups (nested) count', async () => {
    const bob = await as('bob');
    expect(bob.actor.groups).toEqual(['account users', 'analysts', 'staff']);
    await admin.updateGrants(TABLE('orders'), [{ principal: 'bob', add: ['SELECT'] }]);
    await denied(bob.authorize('SELECT', TABLE('orders')), 'catalog: bob lacks USE CATALOG on CATALOG shop (PERMISSION_DENIED)');
    await admin.updateGrants(CATALOG('shop'), [{ principal: 'analysts', add: ['USE CATALOG'] }]);
    await denied(bob.authorize('SELECT', TABLE('orders')), 'catalog: bob lacks USE SCHEMA on SCHEMA shop.sales (PERMISSION_DENIED)');
    await admin.updateGrants(SCHEMA('shop', 'sales'), [{ principal: 'staff', add: ['USE SCHEMA'] }]);
    await bob.authorize('SELECT', TABLE('orders'));
    expect(await bob.mayAccess('SELECT', TABLE('orders'))).toBe(true);
    expect(await bob.mayAccess('MODIFY', TABLE('orders'))).toBe(false);
    expect(await bob.mayAccess('SELECT', TABLE('secret'))).toBe(false);
    expect(await bob.mayAccess('SELECT', TABLE('nope'))).toBe(false);
    await denied(bob.authorize('MODIFY', TABLE('orders')), 'catalog: bob lacks MODIFY on TABLE shop.sales.orders (PERMISSION_DENIED)');
    expect((await bob.listTables('shop', 'sales')).map((x) => x.name)).toEqual(['orders']);
    // Removing bob from analysts takes USE CATALOG away (through the group).
    await identity.removeMember('analysts', 'bob');
    await denied((await as('bob')).getTable(t('orders')), 'catalog: bob lacks USE CATALOG on CATALOG shop (PERMISSION_DENIED)');
  });

  it('inherits privileges granted on a schema or catalog, for current and future children', async () => {
    const bob = await as('bob');
    await admin.updateGrants(CATALOG('shop'), [{ principal: 'staff', add: ['USE CATALOG', 'USE SCHEMA', 'SELECT'] }]);
    expect((await bob.listTables('shop', 'sales')).map((x) => x.name)).toEqual(['orders', 'secret']);
    await admin.registerTable(await admin.planTable(t('later')));
    await bob.authorize('SELECT', TABLE('later'));
    await denied(bob.authorize('MODIFY', TABLE('later')), 'catalog: bob lacks MODIFY on TABLE shop.sales.later (PERMISSION_DENIED)');
    expect(await bob.mayAccess('READ VOLUME', { type: 'VOLUME', name: t('files') })).toBe(false);
    await admin.updateGrants(CATALOG('shop'), [{ principal: 'staff', remove: ['SELECT'], add: ['ALL PRIVILEGES'] }]);
    await bob.authorize('MODIFY', TABLE('later'));
    await bob.authorize('READ VOLUME', { type: 'VOLUME', name: t('files') });
    // ALL PRIVILEGES is not MANAGE.
    await denied(bob.dropTable(t('later'), 'table'), 'catalog: bob lacks MANAGE on TABLE shop.sales.later (PERMISSION_DENIED)');

    const effective = await admin.getEffectiveGrants(TABLE('orders'));
    expect(effective).toEqual([{ principal: 'staff', privilege: 'ALL PRIVILEGES', on: CATALOG('shop'), inherited: true }]);
    await admin.updateGrants(TABLE('orders'), [{ principal: 'carol', add: ['MODIFY'] }]);
    expect(await admin.getEffectiveGrants(TABLE('orders'), 'carol')).toEqual([{ principal: 'carol', privilege: 'MODIFY', on: TABLE('orders'), inherited: false }]);
    await admin.updateGrants(CATALOG('shop'), [{ principal: 'carol', add: ['USE CATALOG', 'CREATE SCHEMA'] }]);
    // USE CATALOG and CREATE SCHEMA are no table's privileges: not shown as effective on a table.
    expect((await admin.getEffectiveGrants(TABLE('orders'), 'carol')).map((g) => g.privilege)).toEqual(['MODIFY']);
    expect((await admin.getEffectiveGrants(SCHEMA('shop', 'sales'), 'carol')).map((g) => g.privilege)).toEqual([]);
  });

  it('stores grants in the securable documents and validates grantees and privileges', async () => {
    expect(await admin.updateGrants(TABLE('orders'), [{ principal: 'bob', add: ['SELECT', 'MODIFY'] }, { principal: 'staff', add: ['SELECT'] }])).toEqual([
      { principal: 'bob', privileges: ['SELECT', 'MODIFY'] },
      { principal: 'staff', privileges: ['SELECT'] },
    ]);
    expect(await admin.updateGrants(TABLE('orders'), [{ principal: 'bob', remove: ['SELECT'] }, { principal: 'staff', remove: ['SELECT'] }])).toEqual([
      { principal: 'bob', privileges: ['MODIFY'] },
    ]);
    const stored = await metastore.getById((await admin.getTable(t('orders'))).id);
    expect(stored?.data['grants']).toEqual({ bob: ['MODIFY'] });
    const ghost = await expectCode(admin.updateGrants(TABLE('orders'), [{ principal: 'ghost', add: ['SELECT'] }]), 'INVALID_ARGUMENT');
    expect(ghost.message).toMatch(/ghost.*\(PRINCIPAL_DOES_NOT_EXIST\)$/);
    await expectCode(admin.updateGrants(TABLE('orders'), [{ principal: 'bob', add: ['READ VOLUME'] }]), 'INVALID_ARGUMENT');
    await expectCode(admin.updateGrants(CATALOG('shop'), [{ principal: 'bob', add: ['CREATE CATALOG'] }]), 'INVALID_ARGUMENT');
    // account users is a grantee although never stored.
    await admin.updateGrants(CATALOG('main'), [{ principal: 'account users', add: ['USE CATALOG'] }]);
    expect((await (await as('carol')).listCatalogs()).map((c) => c.name)).toEqual(['main']);
    expect(await admin.getGrants(TABLE('secret'))).toEqual([]);
    // Concurrent grants on one securable all land (compare-and-swap, retried).
    await Promise.all(['alice', 'bob', 'carol', 'dave', 'staff', 'analysts'].map((p) => admin.updateGrants(TABLE('secret'), [{ principal: p, add: ['SELECT'] }])));
    expect((await admin.getGrants(TABLE('secret'))).map((g) => g.principal)).toEqual(['alice', 'analysts', 'bob', 'carol', 'dave', 'staff']);
  });

  it('keeps metastore grants in a singleton: CREATE CATALOG', async () => {
    const alice = await as('alice');
    await denied(alice.createCatalog('alpha'), 'catalog: alice lacks CREATE CATALOG on METASTORE (PERMISSION_DENIED)');
    expect(await admin.getGrants({ type: 'METASTORE' })).toEqual([]);
    await admin.updateGrants({ type: 'METASTORE' }, [{ principal: 'alice', add: ['CREATE CATALOG'] }]);
    expect(await admin.getGrants({ type: 'METASTORE' })).toEqual([{ principal: 'alice', privileges: ['CREATE CATALOG'] }]);
    expect(await metastore.list(['metastore'], null)).toHaveLength(1);
    expect(await alice.createCatalog('alpha')).toBe('created');
    const info = await alice.getCatalog('alpha');
    expect(info.owner).toBe('alice');
    expect((await alice.getSchema('alpha', 'default')).owner).toBe('alice');
    expect((await alice.listCatalogs()).map((c) => c.name)).toEqual(['alpha']);
    await denied(alice.updateGrants({ type: 'METASTORE' }, [{ principal: 'bob', add: ['CREATE CATALOG'] }]), 'catalog: alice lacks MANAGE on METASTORE (PERMISSION_DENIED)');
    await denied(alice.purgeDropped(), 'catalog: alice lacks MANAGE on METASTORE (PERMISSION_DENIED)');
    // A system catalog made by an admin is as hidden as any other.
    await admin.createCatalog('system');
    expect((await alice.listCatalogs()).map((c) => c.name)).toEqual(['alpha']);
    await denied(alice.listSchemas('system'), 'catalog: alice lacks USE CATALOG on CATALOG system (PERMISSION_DENIED)');
  });

  it('lets owners and MANAGE holders alter, drop and grant; others are refused', async () => {
    await admin.updateGrants({ type: 'METASTORE' }, [{ principal: 'alice', add: ['CREATE CATALOG'] }]);
    const alice = await as('alice');
    const bob = await as('bob');
    await alice.createCatalog('alpha');
    await admin.createSchema('alpha', 'ops');
    await admin.registerTable(await admin.planTable(t('rootish', 'ops', 'alpha')));
    // The catalog owner holds everything below, whoever created it.
    expect((await alice.getTable(t('rootish', 'ops', 'alpha'))).owner).toBe('root');
    await alice.updateGrants(CATALOG('alpha'), [{ principal: 'bob', add: ['USE CATALOG', 'USE SCHEMA', 'SELECT'] }]);
    await denied(bob.updateGrants(TABLE('rootish', 'ops', 'alpha'), [{ principal: 'carol', add: ['SELECT'] }]), 'catalog: bob lacks MANAGE on TABLE alpha.ops.rootish (PERMISSION_DENIED)');
    await denied(bob.alterTable(t('rootish', 'ops', 'alpha'), { newName: 'mine' }), 'catalog: bob lacks MANAGE on TABLE alpha.ops.rootish (PERMISSION_DENIED)');
    await denied(bob.alterSchema('alpha', 'ops', { owner: 'bob' }), 'catalog: bob lacks MANAGE on SCHEMA alpha.ops (PERMISSION_DENIED)');
    await denied(bob.dropCatalog('alpha', { cascade: true }), 'catalog: bob lacks MANAGE on CATALOG alpha (PERMISSION_DENIED)');
    await alice.updateGrants(TABLE('rootish', 'ops', 'alpha'), [{ principal: 'bob', add: ['MANAGE'] }]);
    expect((await bob.alterTable(t('rootish', 'ops', 'alpha'), { owner: 'carol' })).owner).toBe('carol');
    const ghost = await expectCode(bob.alterTable(t('rootish', 'ops', 'alpha'), { owner: 'ghost' }), 'INVALID_ARGUMENT');
    expect(ghost.message).toMatch(/\(PRINCIPAL_DOES_NOT_EXIST\)$/);
    expect((await bob.alterTable(t('rootish', 'ops', 'alpha'), { newName: 'renamed' })).name).toBe('renamed');
    await bob.updateGrants(TABLE('renamed', 'ops', 'alpha'), [{ principal: 'dave', add: ['SELECT'] }]);
    expect(await bob.dropTable(t('renamed', 'ops', 'alpha'), 'table')).toBe('dropped');
    expect(await bob.dropTable(t('renamed', 'ops', 'alpha'), 'table', { ifExists: true })).toBe('missing');
    await expectCode(bob.dropTable(t('renamed', 'ops', 'alpha'), 'table'), 'NOT_FOUND');
    // UNDROP: only who may manage the dropped table; the listing of dropped tables is filtered alike.
    expect(await bob.listDroppedTables('alpha', 'ops')).toHaveLength(1);
    await admin.registerTable(await admin.planTable(t('other', 'ops', 'alpha')));
    await admin.dropTable(t('other', 'ops', 'alpha'), 'table');
    await alice.updateGrants(CATALOG('alpha'), [{ principal: 'carol', add: ['USE CATALOG', 'USE SCHEMA'] }]);
    const carol = await as('carol');
    expect((await carol.listDroppedTables('alpha', 'ops')).map((x) => x.name)).toEqual(['renamed']);
    expect((await bob.listDroppedTables('alpha', 'ops')).map((x) => x.name)).toEqual(['renamed']);
    expect((await alice.listDroppedTables('alpha', 'ops')).map((x) => x.name).sort()).toEqual(['other', 'renamed']);
    await denied(bob.undropTable(t('other', 'ops', 'alpha')), 'catalog: bob lacks MANAGE on TABLE alpha.ops.other (PERMISSION_DENIED)');
    expect((await carol.undropTable(t('renamed', 'ops', 'alpha'))).name).toBe('renamed');
    expect(await alice.dropCatalog('alpha', { cascade: true })).toBe('dropped');
  });

  it('requires CREATE privileges on the schema to create, and makes the creator the owner', async () => {
    const bob = await as('bob');
    await admin.updateGrants(CATALOG('shop'), [{ principal: 'bob', add: ['USE CATALOG'] }]);
    await admin.updateGrants(SCHEMA('shop', 'sales'), [{ principal: 'bob', add: ['USE SCHEMA'] }]);
    await denied(bob.planTable(t('mine')), 'catalog: bob lacks CREATE TABLE on SCHEMA shop.sales (PERMISSION_DENIED)');
    await denied(bob.createView(t('v'), { text: 'SELECT 1', context: { catalog: 'shop', schema: 'sales' }, columns: [] }), 'catalog: bob lacks CREATE TABLE on SCHEMA shop.sales (PERMISSION_DENIED)');
    await denied(bob.createVolume(t('vol')), 'catalog: bob lacks CREATE VOLUME on SCHEMA shop.sales (PERMISSION_DENIED)');
    await denied(bob.createFunction(t('f'), FN), 'catalog: bob lacks CREATE FUNCTION on SCHEMA shop.sales (PERMISSION_DENIED)');
    await denied(bob.createSchema('shop', 'mine'), 'catalog: bob lacks CREATE SCHEMA on CATALOG shop (PERMISSION_DENIED)');
    await admin.updateGrants(SCHEMA('shop', 'sales'), [{ principal: 'bob', add: ['CREATE TABLE', 'CREATE VOLUME', 'CREATE FUNCTION'] }]);
    await admin.updateGrants(CATALOG('shop'), [{ principal: 'bob', add: ['CREATE SCHEMA'] }]);
    // CREATE TABLE does not disclose a name that is free: findTable answers undefined, as CREATE TABLE needs.
    expect(await bob.findTable(t('mine'))).toBeUndefined();
    const plan = await bob.planTable(t('mine'));
    expect(await bob.registerTable(plan)).toBe('created');
    expect(await bob.createView(t('v'), { text: 'SELECT 1', context: { catalog: 'shop', schema: 'sales' }, columns: [] })).toBe('created');
    expect(await bob.createVolume(t('vol'))).toBe('created');
    expect(await bob.createFunction(t('f'), FN)).toBe('created');
    expect(await bob.createSchema('shop', 'mine')).toBe('created');
    expect((await bob.listTables('shop', 'sales')).map((x) => [x.name, x.owner])).toEqual([
      ['mine', 'bob'],
      ['v', 'bob'],
    ]);
    expect((await bob.listVolumes('shop', 'sales')).map((x) => x.name)).toEqual(['vol']);
    expect((await bob.listFunctions('shop', 'sales')).map((x) => x.name)).toEqual(['f']);
    expect((await bob.listSchemas('shop')).map((x) => x.name)).toEqual(['mine', 'sales']);
    // OR REPLACE of someone else's view takes MANAGE on it.
    await admin.createView(t('theirs'), { text: 'SELECT 2', context: { catalog: 'shop', schema: 'sales' }, columns: [] });
    await admin.updateGrants(TABLE('theirs'), [{ principal: 'bob', add: ['SELECT'] }]);
    await denied(bob.createView(t('theirs'), { text: 'SELECT 3', context: { catalog: 'shop', schema: 'sales' }, columns: [] }, { orReplace: true }), 'catalog: bob lacks MANAGE on TABLE shop.sales.theirs (PERMISSION_DENIED)');
    await bob.updateGrants(TABLE('v'), [{ principal: 'carol', add: ['SELECT'] }]);
    expect(await bob.createView(t('v'), { text: 'SELECT 4', context: { catalog: 'shop', schema: 'sales' }, columns: [] }, { orReplace: true })).toBe('replaced');
    // Replacing a view keeps its owner and grants.
    expect(await bob.getGrants(TABLE('v'))).toEqual([{ principal: 'carol', privileges: ['SELECT'] }]);
    expect((await bob.getTable(t('v'))).viewText).toBe('SELECT 4');
    expect(await bob.dropFunction(t('f'))).toBe('dropped');
    await denied(bob.dropFunction(t('us_only')), 'catalog: bob lacks EXECUTE on FUNCTION shop.sales.us_only (PERMISSION_DENIED)');
    expect(await bob.dropVolume(t('vol'))).toBe('dropped');
    expect(await bob.dropSchema('shop', 'mine')).toBe('dropped');
  });

  it('checks READ VOLUME and WRITE VOLUME on volume paths', async () => {
    const bob = await as('bob');
    await denied(bob.resolveVolumePath('/Volumes/shop/sales/files/a.csv'), 'catalog: bob lacks USE CATALOG on CATALOG shop (PERMISSION_DENIED)');
    await admin.updateGrants(CATALOG('shop'), [{ principal: 'staff', add: ['USE CATALOG', 'USE SCHEMA'] }]);
    await denied(bob.resolveVolumePath('/Volumes/shop/sales/files/a.csv'), 'catalog: bob lacks READ VOLUME on VOLUME shop.sales.files (PERMISSION_DENIED)');
    await expectCode(bob.resolveVolumePath('/Volumes/shop/sales/nope/a.csv'), 'NOT_FOUND');
    await admin.updateGrants({ type: 'VOLUME', name: t('files') }, [{ principal: 'bob', add: ['READ VOLUME'] }]);
    const file = await bob.resolveVolumePath('/Volumes/Shop/Sales/Files/A.csv');
    expect(file).toMatchObject({ key: 'A.csv', path: '/Volumes/shop/sales/files/A.csv' });
    await denied(bob.resolveVolumePath('/Volumes/shop/sales/files/a.csv', 'write'), 'catalog: bob lacks WRITE VOLUME on VOLUME shop.sales.files (PERMISSION_DENIED)');
    await admin.updateGrants(SCHEMA('shop', 'sales'), [{ principal: 'analysts', add: ['WRITE VOLUME'] }]);
    await bob.resolveVolumePath('/Volumes/shop/sales/files/a.csv', 'write');
    await expectCode(bob.resolveVolumePath('/Volumes/shop/sales/files/../x'), 'PATH_ESCAPE');
    expect((await bob.getVolume(t('files'))).name).toBe('files');
  });

  it('governs functions, row filters and column masks', async () => {
    const bob = await as('bob');
    await admin.updateGrants(CATALOG('shop'), [{ principal: 'bob', add: ['USE CATALOG', 'USE SCHEMA'] }]);
    expect(await bob.listFunctions('shop', 'sales')).toEqual([]);
    await denied(bob.getFunction(t('us_only')), 'catalog: bob lacks EXECUTE on FUNCTION shop.sales.us_only (PERMISSION_DENIED)');
    expect(await bob.findFunction(t('nope'))).toBeUndefined();
    await admin.updateGrants({ type: 'FUNCTION', name: t('us_only') }, [{ principal: 'bob', add: ['EXECUTE'] }]);
    expect((await bob.getFunction(t('us_only'))).definition).toEqual(FN);
    expect((await bob.findFunction(t('US_ONLY')))?.owner).toBe('root');
    await bob.authorize('EXECUTE', { type: 'FUNCTION', name: t('us_only') });

    await denied(bob.setRowFilter(t('orders'), { function: 'shop.sales.us_only', columns: ['region'] }), 'catalog: bob lacks SELECT on TABLE shop.sales.orders (PERMISSION_DENIED)');
    await admin.updateGrants(TABLE('orders'), [{ principal: 'bob', add: ['SELECT'] }]);
    await denied(bob.setColumnMask(t('orders'), 'ssn', { function: 'shop.sales.us_only', usingColumns: [] }), 'catalog: bob lacks MANAGE on TABLE shop.sales.orders (PERMISSION_DENIED)');
    // The table's owner sets policies only with functions it may EXECUTE.
    await admin.registerTable(await admin.planTable(t('bobs')));
    await admin.alterTable(t('bobs'), { owner: 'bob' });
    await admin.createFunction(t('hidden_fn'), FN);
    await denied(bob.setRowFilter(t('bobs'), { function: 'hidden_fn', columns: ['region'] }), 'catalog: bob lacks EXECUTE on FUNCTION shop.sales.hidden_fn (PERMISSION_DENIED)');
    expect((await bob.setRowFilter(t('bobs'), { function: 'us_only', columns: ['region'] })).rowFilter).toEqual({ function: 'shop.sales.us_only', columns: ['region'] });
    expect((await bob.setRowFilter(t('bobs'), null)).rowFilter).toBeUndefined();
    const filtered = await admin.setRowFilter(t('orders'), { function: 'Shop.Sales.US_ONLY', columns: ['Region'] });
    expect(filtered.rowFilter).toEqual({ function: 'shop.sales.us_only', columns: ['region'] });
    const masked = await admin.setColumnMask(t('orders'), 'SSN', { function: 'us_only', usingColumns: ['region'] });
    expect(masked.columnMasks).toEqual({ ssn: { function: 'shop.sales.us_only', usingColumns: ['region'] } });
    expect(await bob.getTable(t('orders'))).toMatchObject({ rowFilter: filtered.rowFilter, columnMasks: masked.columnMasks });
    await expectCode(admin.setRowFilter(t('orders'), { function: 'shop.sales.nope', columns: [] }), 'NOT_FOUND');
    await expectCode(admin.setColumnMask(t('orders'), 'a.b', { function: 'us_only', usingColumns: [] }), 'INVALID_ARGUMENT');
    await expectCode(admin.setRowFilter(t('orders'), { function: 'us_only', columns: ['x.y'] }), 'INVALID_ARGUMENT');
    expect((await admin.setRowFilter(t('orders'), null)).rowFilter).toBeUndefined();
    expect((await admin.setColumnMask(t('orders'), 'ssn', null)).columnMasks).toBeUndefined();
    expect(await admin.createFunction(t('us_only'), { ...FN, body: 'TRUE' }, { orReplace: true })).toBe('replaced');
    expect((await admin.getFunction(t('us_only'))).definition.body).toBe('TRUE');
    expect(await admin.getGrants({ type: 'FUNCTION', name: t('us_only') })).toEqual([{ principal: 'bob', privileges: ['EXECUTE'] }]);
    await expectCode(admin.createFunction(t('us_only'), FN), 'ALREADY_EXISTS');
  });

  it('checks Iceberg pointers by table id: SELECT to read, MODIFY to commit', async () => {
    const plan = await admin.planTable(t('ice'));
    await admin.registerTable(plan, { format: 'ICEBERG', metadataLocation: `${plan.location}/metadata/v1.metadata.json` });
    const bob = await as('bob');
    await denied(bob.icebergMetadataLocation(plan.id), 'catalog: bob lacks USE CATALOG on CATALOG shop (PERMISSION_DENIED)');
    await admin.updateGrants(CATALOG('shop'), [{ principal: 'bob', add: ['USE CATALOG', 'USE SCHEMA'] }]);
    await admin.updateGrants(TABLE('ice'), [{ principal: 'bob', add: ['SELECT'] }]);
    expect(await bob.icebergMetadataLocation(plan.id)).toBe(`${plan.location}/metadata/v1.metadata.json`);
    expect(await bob.icebergMetadataLocation('no-such-id')).toBeUndefined();
    await denied(bob.commitIcebergMetadata(plan.id, `${plan.location}/metadata/v1.metadata.json`, 'x2'), 'catalog: bob lacks MODIFY on TABLE shop.sales.ice (PERMISSION_DENIED)');
    await admin.updateGrants(TABLE('ice'), [{ principal: 'bob', add: ['MODIFY'] }]);
    expect(await bob.commitIcebergMetadata(plan.id, `${plan.location}/metadata/v1.metadata.json`, `${plan.location}/metadata/v2.metadata.json`)).toBe('committed');
    await expectCode(bob.commitIcebergMetadata('no-such-id', undefined, 'x'), 'NOT_FOUND');
  });

  it('records every authorize decision and every refusal in the audit sink with the request context', async () => {
    const bob = (await as('bob')).withActor((await identity.resolve('bob')) as Principal, { request: { requestId: 'r-2', service: 'statements' } });
    audit.events.length = 0;
    await admin.authorize('SELECT', TABLE('orders'));
    await expectCode(bob.authorize('SELECT', TABLE('orders')), 'PERMISSION_DENIED');
    await expectCode(bob.getTable(t('secret')), 'PERMISSION_DENIED');
    expect(await bob.mayAccess('SELECT', TABLE('orders'))).toBe(false);
    expect(audit.events).toEqual([
      { time: expect.any(Number), request: { requestId: 'r-1', service: 'unity-catalog', sourceIp: '10.0.0.1' }, principal: 'root', action: 'SELECT', objectType: 'TABLE', objectName: 'shop.sales.orders', allowed: true, statusCode: 200 },
      {
        time: expect.any(Number),
        request: { requestId: 'r-2', service: 'statements' },
        principal: 'bob',
        action: 'SELECT',
        objectType: 'CATALOG',
        objectName: 'shop',
        allowed: false,
        statusCode: 403,
        errorMessage: 'catalog: bob lacks USE CATALOG on CATALOG shop (PERMISSION_DENIED)',
      },
      expect.objectContaining({ principal: 'bob', action: 'getTable', allowed: false, statusCode: 403, request: { requestId: 'r-2', service: 'statements' } }),
    ]);
    await admin.updateGrants(CATALOG('shop'), [{ principal: 'bob', add: ['USE CATALOG', 'USE SCHEMA', 'SELECT'] }]);
    audit.events.length = 0;
    await bob.authorize('SELECT', TABLE('orders'));
    expect(audit.events).toEqual([expect.objectContaining({ principal: 'bob', action: 'SELECT', objectType: 'TABLE', objectName: 'shop.sales.orders', allowed: true })]);
  });

  it('gives definer catalogs acting as a view owner', async () => {
    await admin.updateGrants(CATALOG('shop'), [{ principal: 'alice', add: ['USE CATALOG', 'USE SCHEMA', 'SELECT'] }]);
    const bob = await as('bob');
    const definer: Catalog = await bob.definer('alice');
    expect(definer.actor).toEqual({ name: 'alice', kind: 'user', admin: false, groups: ['account users'] });
    expect(definer.principal).toBe('alice');
    await definer.authorize('SELECT', TABLE('orders'));
    expect(await bob.definer('alice')).toBe(definer);
    expect(await bob.definer('bob')).toBe(bob);
    const gone = await bob.definer('ghost');
    expect(gone.actor).toEqual({ name: 'ghost', kind: 'user', admin: false, groups: [] });
    await expectCode(gone.getTable(t('orders')), 'PERMISSION_DENIED');
    expect((await admin.definer('root')).actor.admin).toBe(true);
  });
});
