import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LakehouseCatalog, MemoryMetastore, openMetastore } from '../../src/catalog/index.js';
import type { Metastore, ObjectName, ObjectUpdate, TablePlan } from '../../src/catalog/index.js';
import { FixedClock } from '../../src/core/clock.js';
import { utf8Decode, utf8Encode } from '../../src/core/bytes.js';
import { SequentialIds } from '../../src/core/ids.js';
import { field, primitive } from '../../src/expr/types.js';
import { Loch } from '../../src/sql/loch.js';
import { namedMemoryStore } from '../../src/storage/open-store.js';
import { tempDir } from '../support/delta-fixture.js';

const START = Date.UTC(2024, 0, 1);
const DAY = 24 * 60 * 60 * 1000;
const SCHEMA = { kind: 'struct' as const, fields: [field('id', primitive('integer')), field('s', primitive('string'))] };

let root: string;
let loch: Loch;
let clock: FixedClock;
let metastore: MemoryMetastore;
let catalog: LakehouseCatalog;
let warehouse: string;
let run = 0;

beforeAll(async () => {
  root = await tempDir('loch-catalog-');
  loch = await Loch.open({ warehouse: join(root, 'loch-state'), threads: 1 });
});
afterAll(async () => loch?.close());

beforeEach(async () => {
  run += 1;
  warehouse = join(root, `wh-${run}`);
  clock = new FixedClock(START, 1000);
  metastore = new MemoryMetastore({ clock, ids: new SequentialIds(run) });
  catalog = newCatalog('alice');
  await catalog.bootstrap();
});

function newCatalog(principal: string): LakehouseCatalog {
  return new LakehouseCatalog({ metastore, warehouseRoot: warehouse, storeOptions: { cwd: root }, clock, ids: new SequentialIds(100 + run), principal });
}

const name = (n: string, schema = 'default', cat = 'main'): ObjectName => ({ catalog: cat, schema, name: n });

/** Creates a Delta table (one row) at a location, as CREATE TABLE does before registering it. */
async function createDelta(location: string): Promise<void> {
  const table = await loch.deltaTable(location);
  await table.create({ mode: 'create', schema: SCHEMA });
  await table.write({ rows: [{ id: 1, s: 'a' }] });
}

async function managedTable(n: ObjectName): Promise<TablePlan> {
  const plan = await catalog.planTable(n);
  await createDelta(plan.location);
  expect(await catalog.registerTable(plan)).toBe('created');
  return plan;
}

async function versionAt(location: string): Promise<number> {
  return (await (await loch.deltaTable(location)).snapshot()).version;
}

async function failure(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (error === undefined) throw new Error('expected a failure');
  return error as { code: string; message: string };
}

describe('catalog service: catalogs and schemas', () => {
  it('bootstraps main.default idempotently, also from a second process sharing the metastore', async () => {
    await Promise.all([catalog.bootstrap(), newCatalog('bob').bootstrap(), catalog.bootstrap()]);
    expect((await catalog.listCatalogs()).map((c) => c.name)).toEqual(['main']);
    expect((await catalog.listSchemas('MAIN')).map((s) => s.name)).toEqual(['default']);
    const main = await catalog.getCatalog('main');
    expect(main).toMatchObject({ owner: 'alice', createdBy: 'alice', updatedBy: 'alice', createdAt: START, properties: {} });
  });

  it('creates, lists sorted, alters and drops catalogs and schemas', async () => {
    expect(await catalog.createCatalog('Zeta', { comment: 'z', properties: { k: 'v' } })).toBe('created');
    expect(await catalog.createCatalog('alpha')).toBe('created');
    expect(await catalog.createCatalog('ZETA', { ifNotExists: true })).toBe('exists');
    expect(await failure(catalog.createCatalog('zeta'))).toMatchObject({ code: 'ALREADY_EXISTS', message: 'catalog: catalog zeta already exists (CATALOG_ALREADY_EXISTS)' });
    expect((await catalog.listCatalogs()).map((c) => c.name)).toEqual(['alpha', 'main', 'zeta']);
    // Like Databricks, a new catalog has a `default` schema; RESTRICT still drops it while it is empty.
    expect((await catalog.listSchemas('alpha')).map((s) => s.name)).toEqual(['default']);
    expect(await catalog.getCatalog('zeta')).toMatchObject({ comment: 'z', properties: { k: 'v' } });

    await catalog.createSchema('zeta', 's1');
    const renamed = await catalog.alterCatalog('zeta', { newName: 'Omega', owner: 'bob', comment: null, setProperties: { k2: 'v2' }, unsetProperties: ['k'] });
    expect(renamed).toMatchObject({ name: 'omega', owner: 'bob', properties: { k2: 'v2' }, updatedBy: 'alice' });
    expect(renamed).not.toHaveProperty('comment');
    expect(await catalog.getSchema('omega', 's1')).toMatchObject({ catalog: 'omega', name: 's1' });
    expect(await failure(catalog.getCatalog('zeta'))).toMatchObject({ code: 'NOT_FOUND', message: 'catalog: catalog zeta does not exist (NO_SUCH_CATALOG_EXCEPTION)' });
    expect(await failure(catalog.alterCatalog('omega', { newName: 'alpha' }))).toMatchObject({ code: 'ALREADY_EXISTS' });

    const schema = await catalog.alterSchema('omega', 's1', { newName: 's2', comment: 'c', setProperties: { a: 'b' } });
    expect(schema).toMatchObject({ catalog: 'omega', name: 's2', comment: 'c', properties: { a: 'b' } });
    expect(await failure(catalog.getSchema('omega', 's1'))).toMatchObject({ code: 'NOT_FOUND', message: 'catalog: schema omega.s1 does not exist (SCHEMA_NOT_FOUND)' });
    expect(await failure(catalog.dropCatalog('omega'))).toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('(SCHEMA_NOT_EMPTY)') });
    expect(await catalog.dropSchema('omega', 's2')).toBe('dropped');
    expect(await catalog.dropCatalog('omega')).toBe('dropped');
    expect(await catalog.dropCatalog('omega', { ifExists: true })).toBe('missing');
    expect(await catalog.dropSchema('nocat', 's', { ifExists: true })).toBe('missing');
    expect(await failure(catalog.dropSchema('main', 'nope'))).toMatchObject({ code: 'NOT_FOUND' });
    expect(await failure(catalog.createSchema('nocat', 's'))).toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('NO_SUCH_CATALOG_EXCEPTION') });
  });

  it('handles names with quotes and Unicode, and refuses invalid names', async () => {
    const cat = `Ünï'cödé"`;
    expect(await catalog.createCatalog(cat)).toBe('created');
    expect(await catalog.createSchema(cat, 'Sch`ema')).toBe('created');
    const n = { catalog: `ünï'cödé"`, schema: 'SCH`EMA', name: '表-😀' };
    const plan = await managedTable(n);
    expect(plan.name).toEqual({ catalog: `ünï'cödé"`, schema: 'sch`ema', name: '表-😀' });
    expect((await catalog.listTables(`ÜNÏ'CÖDÉ"`, 'sch`ema')).map((t) => t.name)).toEqual(['表-😀']);
    const missing = await failure(catalog.getTable({ ...n, name: 'nope' }));
    expect(missing.message).toBe("catalog: table `ünï'cödé\"`.`sch``ema`.nope does not exist (TABLE_OR_VIEW_NOT_FOUND)");

    for (const bad of ['', 'a.b', 'a b', 'a/b', 'a\u0001b', 'x'.repeat(256)]) {
      expect(await failure(catalog.createCatalog(bad))).toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/^catalog: invalid catalog name .*\(INVALID_IDENTIFIER\)$/s) });
      expect(await failure(catalog.createVolume(name(bad)))).toMatchObject({ code: 'INVALID_ARGUMENT' });
    }
    expect(await catalog.findTable(name('a b'))).toBeUndefined();
  });

  it('inherits managed locations: schema, else catalog, else warehouse', async () => {
    await catalog.createCatalog('c', { managedLocation: 'cat-root/' });
    await catalog.createSchema('c', 'inherits');
    await catalog.createSchema('c', 'own', { managedLocation: 's3://bucket/schema-root/' });
    expect((await catalog.getCatalog('c')).storageRoot).toBe(join(root, 'cat-root'));
    expect((await catalog.getSchema('c', 'own')).storageRoot).toBe('s3://bucket/schema-root');
    const inherits = await catalog.planTable(name('t', 'inherits', 'c'));
    expect(inherits.location).toBe(join(root, 'cat-root', 'tables', inherits.id));
    const own = await catalog.planTable(name('t', 'own', 'c'));
    expect(own.location).toBe(`s3://bucket/schema-root/tables/${own.id}`);
    const plain = await catalog.planTable(name('t'));
    expect(plain).toEqual({ id: plain.id, name: name('t'), tableType: 'MANAGED', location: join(warehouse, 'tables', plain.id) });
    expect(existsSync(plain.location)).toBe(false);
  });
});

describe('catalog service: tables', () => {
  it('registers, lists, renames (keeping id and location) and reads a managed table', async () => {
    const plan = await managedTable(name('Orders'));
    expect(plan.location).toBe(join(warehouse, 'tables', plan.id));
    const info = await catalog.getTable(name('ORDERS'));
    expect(info).toMatchObject({ id: plan.id, catalog: 'main', schema: 'default', name: 'orders', tableType: 'MANAGED', format: 'DELTA', location: plan.location, owner: 'alice' });
    await managedTable(name('b_table'));
    expect((await catalog.listTables('main', 'default')).map((t) => t.name)).toEqual(['b_table', 'orders']);

    const renamed = await catalog.alterTable(name('orders'), { newName: 'Sales', owner: 'bob' });
    expect(renamed).toMatchObject({ id: plan.id, name: 'sales', location: plan.location, owner: 'bob' });
    expect(await catalog.findTable(name('orders'))).toBeUndefined();
    expect(await versionAt(renamed.location as string)).toBe(1);
    expect(await failure(catalog.alterTable(name('sales'), { newName: 'b_table' }))).toMatchObject({ code: 'ALREADY_EXISTS', message: expect.stringContaining('main.default.b_table already exists') });
  });

  it('leaves a Delta table comment and properties to its log', async () => {
    await managedTable(name('t'));
    for (const change of [{ comment: 'x' }, { setProperties: { a: 'b' } }, { unsetProperties: ['a'] }]) {
      expect(await failure(catalog.alterTable(name('t'), change))).toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('Delta log') });
    }
    expect((await catalog.getTable(name('t'))).owner).toBe('alice');
  });

  it('reports a lost register race as exists, and discards only the loser folder', async () => {
    const first = await catalog.planTable(name('race'));
    const second = await catalog.planTable(name('race'));
    await createDelta(first.location);
    await createDelta(second.location);
    expect(await catalog.registerTable(first, { comment: 'winner' })).toBe('created');
    expect(await catalog.registerTable(second)).toBe('exists');
    await catalog.discardPlan(second);
    await catalog.discardPlan(first);
    expect(existsSync(second.location)).toBe(false);
    expect(await versionAt(first.location)).toBe(1);
    expect(await catalog.getTable(name('race'))).toMatchObject({ id: first.id, comment: 'winner' });
  });

  it('plans external tables and refuses locations inside managed storage', async () => {
    const location = join(root, `external-${run}`);
    const plan = await catalog.planTable(name('ext'), location);
    expect(plan).toMatchObject({ tableType: 'EXTERNAL', location });
    expect((await catalog.planTable(name('rel'), `rel-${run}/t`)).location).toBe(join(root, `rel-${run}`, 't'));
    for (const bad of [join(warehouse, 'tables', 'x'), join(warehouse, 'volumes'), warehouse, '']) {
      expect(await failure(catalog.planTable(name('ext'), bad))).toMatchObject({ code: 'INVALID_ARGUMENT' });
    }
    expect(await failure(catalog.planTable(name('t', 'nope')))).toMatchObject({ code: 'NOT_FOUND', message: 'catalog: schema main.nope does not exist (SCHEMA_NOT_FOUND)' });
  });

  it('drops (soft), undrops the newest drop, and refuses an undrop onto a taken name', async () => {
    const old = await managedTable(name('t'));
    expect(await catalog.dropTable(name('t'), 'table')).toBe('dropped');
    expect(await failure(catalog.getTable(name('t')))).toMatchObject({ code: 'NOT_FOUND', message: 'catalog: table main.default.t does not exist (TABLE_OR_VIEW_NOT_FOUND)' });
    expect(existsSync(old.location)).toBe(true);
    const newer = await managedTable(name('t'));
    expect(await failure(catalog.undropTable(name('t')))).toMatchObject({ code: 'ALREADY_EXISTS', message: expect.stringContaining('(TABLE_OR_VIEW_ALREADY_EXISTS)') });
    clock.advance(60_000);
    expect(await catalog.dropTable(name('t'), 'table')).toBe('dropped');
    const dropped = await catalog.listDroppedTables('main', 'default');
    expect(dropped.map((t) => t.id)).toEqual([newer.id, old.id]);
    expect(dropped[0]?.deletedAt).toBeGreaterThan(dropped[1]?.deletedAt as number);

    const back = await catalog.undropTable(name('T'));
    expect(back).toMatchObject({ id: newer.id, name: 't', location: newer.location });
    expect(back).not.toHaveProperty('deletedAt');
    expect(await versionAt(back.location as string)).toBe(1);
    expect((await catalog.listDroppedTables('main', 'default')).map((t) => t.id)).toEqual([old.id]);
    expect(await failure(catalog.undropTable(name('never')))).toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('within the last 7 days') });
    expect(await catalog.dropTable(name('never'), 'table', { ifExists: true })).toBe('missing');
    expect(await failure(catalog.dropTable(name('never'), 'table'))).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('purges tables dropped longer ago than the retention, deleting managed data only', async () => {
    const managed = await managedTable(name('m'));
    const extLocation = join(root, `ext-purge-${run}`);
    const external = await catalog.planTable(name('e'), extLocation);
    await createDelta(external.location);
    await catalog.registerTable(external);
    await catalog.dropTable(name('m'), 'table');
    await catalog.dropTable(name('e'), 'table');
    clock.advance(7 * DAY - 10_000);
    expect(await catalog.purgeDropped()).toBe(0);
    expect(existsSync(managed.location)).toBe(true);
    clock.advance(DAY);
    expect(await failure(catalog.undropTable(name('m')))).toMatchObject({ code: 'NOT_FOUND' });
    expect(await catalog.listDroppedTables('main', 'default')).toEqual([]);
    expect(await catalog.purgeDropped()).toBe(2);
    expect(existsSync(managed.location)).toBe(false);
    expect(await versionAt(extLocation)).toBe(1);
    expect(await metastore.getById(managed.id)).toBeUndefined();
    expect(await catalog.purgeDropped()).toBe(0);
  });

  it('keeps views and tables apart: creation, replacement, wrong drop commands, alter', async () => {
    await managedTable(name('t'));
    const view = { text: 'SELECT 1 AS x', context: { catalog: 'main', schema: 'default' }, columns: [{ name: 'x', type: 'INTEGER' }] };
    expect(await catalog.createView(name('v'), view, { comment: 'first', properties: { p: '1' } })).toBe('created');
    expect(await catalog.createView(name('V'), view, { ifNotExists: true })).toBe('exists');
    expect(await failure(catalog.createView(name('v'), view))).toMatchObject({ code: 'ALREADY_EXISTS', message: 'catalog: view main.default.v already exists (TABLE_OR_VIEW_ALREADY_EXISTS)' });
    expect(await failure(catalog.createView(name('t'), view, { orReplace: true }))).toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('EXPECT_VIEW_NOT_TABLE') });
    const before = await catalog.getTable(name('v'));
    const other = newCatalog('bob');
    expect(await other.createView(name('v'), { ...view, text: 'SELECT 2 AS x' }, { orReplace: true })).toBe('replaced');
    const after = await catalog.getTable(name('v'));
    expect(after).toMatchObject({ id: before.id, tableType: 'VIEW', viewText: 'SELECT 2 AS x', owner: 'alice', createdBy: 'alice', updatedBy: 'bob' });
    expect(after).not.toHaveProperty('comment');

    const altered = await catalog.alterTable(name('v'), { comment: 'c', setProperties: { a: '1' }, newName: 'w' });
    expect(altered).toMatchObject({ name: 'w', comment: 'c', properties: { a: '1' }, viewColumns: [{ name: 'x', type: 'INTEGER' }] });
    expect(await failure(catalog.dropTable(name('w'), 'table'))).toMatchObject({ code: 'INVALID_ARGUMENT', message: 'catalog: main.default.w is a view; use DROP VIEW (WRONG_COMMAND_FOR_OBJECT_TYPE)' });
    expect(await failure(catalog.dropTable(name('t'), 'view'))).toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('is a table; use DROP TABLE') });
    expect(await catalog.dropTable(name('w'), 'view')).toBe('dropped');
    expect(await catalog.listDroppedTables('main', 'default')).toEqual([]);
    expect((await catalog.listTables('main', 'default')).map((t) => t.name)).toEqual(['t']);
  });
});

describe('catalog service: volumes', () => {
  it('creates, resolves paths, and deletes a managed volume with its files', async () => {
    expect(await catalog.createVolume(name('Files'), { comment: 'raw' })).toBe('created');
    expect(await catalog.createVolume(name('files'), { ifNotExists: true })).toBe('exists');
    expect(await failure(catalog.createVolume(name('files')))).toMatchObject({ code: 'ALREADY_EXISTS', message: expect.stringContaining('(VOLUME_ALREADY_EXISTS)') });
    const info = await catalog.getVolume(name('FILES'));
    expect(info).toMatchObject({ name: 'files', volumeType: 'MANAGED', location: join(warehouse, 'volumes', info.id), comment: 'raw', owner: 'alice' });

    const file = await catalog.resolveVolumePath('dbfs:/Volumes/MAIN/Default/Files//Dir/Data.CSV');
    expect(file).toMatchObject({ key: 'Dir/Data.CSV', path: '/Volumes/main/default/files/Dir/Data.CSV' });
    await file.store.put(file.key, utf8Encode('a,b\n'));
    expect(await readFile(join(info.location, 'Dir', 'Data.CSV'), 'utf8')).toBe('a,b\n');
    const rootFile = await catalog.resolveVolumePath('/Volumes/main/default/files');
    expect(rootFile.key).toBe('');
    expect([...(await collect(rootFile.store.list('')))]).toEqual(['Dir/Data.CSV']);

    for (const bad of ['/Volumes/main/default/files/../x', '/Volumes/main/default/files/%2e%2e/x', '/Volumes/main/default/files/a\\b']) {
      expect(await failure(catalog.resolveVolumePath(bad))).toMatchObject({ code: 'PATH_ESCAPE' });
    }
    expect(await failure(catalog.resolveVolumePath('/Volumes/main/default/nope/x'))).toMatchObject({ code: 'NOT_FOUND', message: 'catalog: volume main.default.nope does not exist (VOLUME_NOT_FOUND)' });
    expect(await failure(catalog.resolveVolumePath('/Volumes/main/default'))).toMatchObject({ code: 'INVALID_ARGUMENT' });

    expect(await catalog.alterVolume(name('files'), { newName: 'renamed', owner: 'bob' })).toMatchObject({ name: 'renamed', location: info.location, owner: 'bob' });
    expect((await catalog.listVolumes('main', 'default')).map((v) => v.name)).toEqual(['renamed']);
    expect(await catalog.dropVolume(name('renamed'))).toBe('dropped');
    expect(existsSync(info.location)).toBe(false);
    expect(await catalog.dropVolume(name('renamed'), { ifExists: true })).toBe('missing');
    expect(await failure(catalog.dropVolume(name('renamed')))).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('keeps an external volume files on drop and refuses managed-storage locations', async () => {
    const location = join(root, `ext-volume-${run}`);
    await mkdir(location, { recursive: true });
    await writeFile(join(location, 'keep.txt'), 'keep');
    expect(await catalog.createVolume(name('ext'), { location })).toBe('created');
    expect(await catalog.getVolume(name('ext'))).toMatchObject({ volumeType: 'EXTERNAL', location });
    const file = await catalog.resolveVolumePath('/Volumes/main/default/ext/keep.txt');
    expect(utf8Decode((await file.store.get(file.key)) as Uint8Array)).toBe('keep');
    expect(await catalog.dropVolume(name('ext'))).toBe('dropped');
    expect(await readFile(join(location, 'keep.txt'), 'utf8')).toBe('keep');
    expect(await failure(catalog.createVolume(name('bad'), { location: join(warehouse, 'tables', 'x') }))).toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('LOCATION_OVERLAP') });
  });

  it('deletes managed volume files in a memory:// warehouse through the ObjectStore', async () => {
    const memoryName = `catalog-wh-${run}`;
    const memoryCatalog = new LakehouseCatalog({ metastore, warehouseRoot: `memory://${memoryName}/`, storeOptions: {}, clock, ids: new SequentialIds(900 + run), principal: 'alice' });
    await memoryCatalog.createVolume(name('mem'));
    const info = await memoryCatalog.getVolume(name('mem'));
    expect(info.location).toBe(`memory://${memoryName}/volumes/${info.id}`);
    const file = await memoryCatalog.resolveVolumePath('/Volumes/main/default/mem/a/b.txt');
    await file.store.put(file.key, utf8Encode('x'));
    const store = namedMemoryStore(`${memoryName}/volumes/${info.id}`);
    expect(store.size).toBe(1);
    await memoryCatalog.dropVolume(name('mem'));
    expect(store.size).toBe(0);
  });
});

describe('catalog service: cascading drops', () => {
  async function populate(cat: string, schema: string): Promise<{ live: TablePlan; dropped: TablePlan; volume: string; external: string }> {
    const live = await managedTable(name('live', schema, cat));
    const dropped = await managedTable(name('gone', schema, cat));
    await catalog.dropTable(name('gone', schema, cat), 'table');
    await catalog.createVolume(name('vol', schema, cat));
    const volume = (await catalog.getVolume(name('vol', schema, cat))).location;
    await mkdir(volume, { recursive: true });
    await writeFile(join(volume, 'f.txt'), 'v');
    const external = join(root, `cascade-ext-${run}-${schema}`);
    await mkdir(external, { recursive: true });
    await writeFile(join(external, 'keep.txt'), 'k');
    await catalog.createVolume(name('extvol', schema, cat), { location: external });
    await catalog.createView(name('view', schema, cat), { text: 'SELECT 1', context: { catalog: cat, schema }, columns: [] });
    return { live, dropped, volume, external };
  }

  it('refuses a non-empty schema without CASCADE, and with it removes everything and managed data', async () => {
    await catalog.createSchema('main', 'sales');
    const made = await populate('main', 'sales');
    expect(await failure(catalog.dropSchema('main', 'sales'))).toMatchObject({ code: 'INVALID_ARGUMENT', message: 'catalog: schema main.sales is not empty: it holds tables, views or volumes; drop them first or use CASCADE (SCHEMA_NOT_EMPTY)' });
    expect(await catalog.dropSchema('main', 'sales', { cascade: true })).toBe('dropped');
    for (const gone of [made.live.location, made.dropped.location, made.volume]) expect(existsSync(gone)).toBe(false);
    expect(await readFile(join(made.external, 'keep.txt'), 'utf8')).toBe('k');
    expect(await metastore.getById(made.dropped.id)).toBeUndefined();
    expect(await failure(catalog.listTables('main', 'sales'))).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('drops a schema holding only dropped tables without CASCADE, deleting their data', async () => {
    await catalog.createSchema('main', 'old');
    const plan = await managedTable(name('t', 'old'));
    await catalog.dropTable(name('t', 'old'), 'table');
    expect(await catalog.dropSchema('main', 'old')).toBe('dropped');
    expect(existsSync(plan.location)).toBe(false);
  });

  it('drops a catalog with CASCADE: schemas, tables, volumes and their managed data', async () => {
    await catalog.createCatalog('lake');
    await catalog.createSchema('lake', 's1');
    await catalog.createSchema('lake', 's2');
    const one = await populate('lake', 's1');
    const two = await populate('lake', 's2');
    expect(await failure(catalog.dropCatalog('lake'))).toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('catalog lake is not empty') });
    expect(await catalog.dropCatalog('LAKE', { cascade: true })).toBe('dropped');
    for (const made of [one, two]) {
      for (const gone of [made.live.location, made.dropped.location, made.volume]) expect(existsSync(gone)).toBe(false);
      expect(existsSync(join(made.external, 'keep.txt'))).toBe(true);
    }
    expect((await catalog.listCatalogs()).map((c) => c.name)).toEqual(['main']);
    expect(await catalog.purgeDropped()).toBe(0);
  });
});

describe('catalog service: concurrency and backends', () => {
  it('retries an ALTER that lost a compare-and-swap to another writer', async () => {
    await catalog.createCatalog('c', { properties: { a: '1' } });
    const other = newCatalog('bob');
    let interfered = false;
    const racing: Metastore = Object.create(metastore) as Metastore;
    racing.update = async (id: string, update: ObjectUpdate) => {
      if (!interfered) {
        interfered = true;
        await other.alterCatalog('c', { setProperties: { b: '2' } });
      }
      return metastore.update(id, update);
    };
    const racer = new LakehouseCatalog({ metastore: racing, warehouseRoot: warehouse, storeOptions: {}, clock, ids: new SequentialIds(500 + run), principal: 'alice' });
    const altered = await racer.alterCatalog('c', { setProperties: { c: '3' } });
    expect(interfered).toBe(true);
    expect(altered.properties).toEqual({ a: '1', b: '2', c: '3' });
    expect(altered.updatedBy).toBe('alice');
  });

  it('runs the table lifecycle on the SQLite metastore', async () => {
    const sqlite = await openMetastore({ localDir: warehouse, clock, ids: new SequentialIds(700 + run) });
    try {
      const service = new LakehouseCatalog({ metastore: sqlite, warehouseRoot: warehouse, storeOptions: {}, clock, ids: new SequentialIds(800 + run), principal: 'carol' });
      await service.bootstrap();
      await service.bootstrap();
      const plan = await service.planTable(name(`Ta'b"le`));
      await createDelta(plan.location);
      expect(await service.registerTable(plan, { comment: 'c' })).toBe('created');
      expect(await service.getTable(name(`ta'b"le`))).toMatchObject({ id: plan.id, location: plan.location, owner: 'carol', comment: 'c' });
      await service.dropTable(name(`ta'b"le`), 'table');
      expect((await service.undropTable(name(`ta'b"le`))).id).toBe(plan.id);
      await service.dropTable(name(`ta'b"le`), 'table');
      clock.advance(8 * DAY);
      expect(await service.purgeDropped()).toBe(1);
      expect(existsSync(plan.location)).toBe(false);
      await service.createVolume(name('v'));
      const file = await service.resolveVolumePath('/Volumes/main/default/v/x.txt');
      await file.store.put(file.key, utf8Encode('x'));
      await service.dropSchema('main', 'default', { cascade: true });
      expect(existsSync(file.volume.location)).toBe(false);
    } finally {
      await sqlite.close();
    }
  });
});

async function collect(items: AsyncIterable<{ key: string }>): Promise<string[]> {
  const keys: string[] = [];
  for await (const item of items) keys.push(item.key);
  return keys;
}
