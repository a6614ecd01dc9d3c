import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FixedClock, SequentialIds } from '../../src/core/index.js';
import type { Clock, IdSource } from '../../src/core/index.js';
import type { Metastore, ObjectKind, StoredObject } from '../../src/catalog/metastore.js';

export interface MetastoreFixture {
  readonly metastore: Metastore;
  /** A second instance on the same storage (own connection / file handle), when the backend has one. */
  readonly peer?: Metastore;
  cleanup(): Promise<void>;
}

/** Must return an empty metastore using exactly the clock and ids given. */
export type MetastoreFactory = (options: { clock: Clock; ids: IdSource }) => Promise<MetastoreFixture>;

const T0 = 1_700_000_000_000;

interface Ctx {
  ms: Metastore;
  peer: Metastore;
  clock: FixedClock;
}

/** Creates an object that must be 'created' and returns it. */
async function make(ms: Metastore, kind: ObjectKind, parentId: string | null, name: string, data: Record<string, unknown> = {}): Promise<StoredObject> {
  const outcome = await ms.create({ kind, parentId, name, data });
  if (outcome.status !== 'created') throw new Error(`expected created for ${kind} ${name}, got ${outcome.status}`);
  return outcome.object;
}

/** A catalog with one schema: the usual parent of tables in these tests. */
async function schemaOf(ms: Metastore): Promise<{ catalog: StoredObject; schema: StoredObject }> {
  const catalog = await make(ms, 'catalog', null, 'main');
  const schema = await make(ms, 'schema', catalog.id, 'default');
  return { catalog, schema };
}

const names = (objects: readonly StoredObject[]): string[] => objects.map((o) => o.name);

/** The Metastore contract (src/catalog/metastore.ts) as tests; every test gets an empty metastore. */
export function metastoreContract(name: string, factory: MetastoreFactory): void {
  describe(`Metastore contract: ${name}`, () => {
    let fixture: MetastoreFixture | undefined;
    const ctx = {} as Ctx;
    beforeEach(async () => {
      ctx.clock = new FixedClock(T0, 1);
      fixture = await factory({ clock: ctx.clock, ids: new SequentialIds(7) });
      ctx.ms = fixture.metastore;
      ctx.peer = fixture.peer ?? fixture.metastore;
    });
    afterEach(async () => {
      await fixture?.cleanup();
      fixture = undefined;
    });
    createClauses(ctx);
    namespaceClauses(ctx);
    updateClauses(ctx);
    softDeleteClauses(ctx);
    removeTreeClauses(ctx);
    listClauses(ctx);
    documentClauses(ctx);
    concurrencyClauses(ctx);
  });
}

function createClauses(ctx: Ctx): void {
  describe('create / get', () => {
    it('creates with revision 1, clock times and a generated id', async () => {
      const outcome = await ctx.ms.create({ kind: 'catalog', parentId: null, name: 'main', data: { comment: 'c' } });
      expect(outcome).toEqual({
        status: 'created',
        object: { id: '00000000-0000-4000-8000-0000006acfc1', kind: 'catalog', parentId: null, name: 'main', data: { comment: 'c' }, revision: 1, createdAt: T0, updatedAt: T0, deletedAt: null },
      });
      expect(await ctx.ms.getById('00000000-0000-4000-8000-0000006acfc1')).toEqual(outcome.status === 'created' ? outcome.object : undefined);
      expect(await ctx.ms.get('catalog', null, 'main')).toEqual(outcome.status === 'created' ? outcome.object : undefined);
    });

    it('uses an id the caller supplies', async () => {
      const outcome = await ctx.ms.create({ kind: 'catalog', parentId: null, name: 'c', data: {}, id: 'my-id' });
      expect(outcome.status === 'created' && outcome.object.id).toBe('my-id');
      expect((await ctx.ms.getById('my-id'))?.name).toBe('c');
    });

    it("returns 'exists' with the live sibling, for catalogs (no parent) too", async () => {
      const first = await make(ctx.ms, 'catalog', null, 'main', { n: 1 });
      const again = await ctx.ms.create({ kind: 'catalog', parentId: null, name: 'main', data: { n: 2 } });
      expect(again).toEqual({ status: 'exists', object: first });
      const schema = await make(ctx.ms, 'schema', first.id, 's');
      expect(await ctx.ms.create({ kind: 'schema', parentId: first.id, name: 's', data: {} })).toEqual({ status: 'exists', object: schema });
      expect(await ctx.ms.list(['catalog'], null)).toHaveLength(1);
    });

    it("returns 'parent_missing' for an unknown or soft-deleted parent", async () => {
      expect(await ctx.ms.create({ kind: 'schema', parentId: 'nope', name: 's', data: {} })).toEqual({ status: 'parent_missing' });
      const { schema } = await schemaOf(ctx.ms);
      await ctx.ms.softDelete(schema.id, T0 + 5);
      expect(await ctx.ms.create({ kind: 'table', parentId: schema.id, name: 't', data: {} })).toEqual({ status: 'parent_missing' });
      expect(await ctx.ms.list(['table'], schema.id, { deleted: true })).toEqual([]);
    });

    it('allows one name under different parents and compares names exactly', async () => {
      const a = await make(ctx.ms, 'catalog', null, 'a');
      const b = await make(ctx.ms, 'catalog', null, 'b');
      await make(ctx.ms, 'schema', a.id, 's');
      await make(ctx.ms, 'schema', b.id, 's');
      await make(ctx.ms, 'schema', a.id, 'S');
      expect(names(await ctx.ms.list(['schema'], a.id))).toEqual(['S', 's']);
      expect(await ctx.ms.get('schema', b.id, 'S')).toBeUndefined();
      expect(await ctx.ms.get('schema', null, 's')).toBeUndefined();
    });

    it('answers undefined for unknown ids and names', async () => {
      expect(await ctx.ms.getById('unknown')).toBeUndefined();
      expect(await ctx.ms.get('catalog', null, 'unknown')).toBeUndefined();
    });
  });
}

function namespaceClauses(ctx: Ctx): void {
  describe('namespaces and soft-deleted names', () => {
    it('tables and views share names; volumes have their own', async () => {
      const { schema } = await schemaOf(ctx.ms);
      const table = await make(ctx.ms, 'table', schema.id, 'x');
      expect(await ctx.ms.create({ kind: 'view', parentId: schema.id, name: 'x', data: {} })).toEqual({ status: 'exists', object: table });
      const volume = await make(ctx.ms, 'volume', schema.id, 'x');
      expect(await ctx.ms.get('view', schema.id, 'x')).toBeUndefined();
      expect(await ctx.ms.get('table', schema.id, 'x')).toEqual(table);
      expect(await ctx.ms.get('volume', schema.id, 'x')).toEqual(volume);
      const view = await make(ctx.ms, 'view', schema.id, 'v');
      expect(await ctx.ms.create({ kind: 'table', parentId: schema.id, name: 'v', data: {} })).toEqual({ status: 'exists', object: view });
    });

    it('never lets a soft-deleted object block its name', async () => {
      const { schema } = await schemaOf(ctx.ms);
      const old = await make(ctx.ms, 'table', schema.id, 't', { v: 'old' });
      await ctx.ms.softDelete(old.id, T0 + 100);
      const fresh = await make(ctx.ms, 'view', schema.id, 't', { v: 'new' });
      expect(fresh.id).not.toBe(old.id);
      expect((await ctx.ms.get('view', schema.id, 't'))?.id).toBe(fresh.id);
      expect(await ctx.ms.get('table', schema.id, 't')).toBeUndefined();
      await ctx.ms.softDelete(fresh.id, T0 + 200);
      await make(ctx.ms, 'table', schema.id, 't');
      expect((await ctx.ms.list(['table', 'view'], schema.id, { deleted: true })).map((o) => o.id).sort()).toEqual([old.id, fresh.id].sort());
    });

    it('restores under the old name and parent, or says why not', async () => {
      const { catalog, schema } = await schemaOf(ctx.ms);
      const old = await make(ctx.ms, 'table', schema.id, 't', { v: 1 });
      const deleted = await ctx.ms.softDelete(old.id, T0 + 100);
      const blocker = await make(ctx.ms, 'view', schema.id, 't');
      expect(await ctx.ms.restore(old.id)).toEqual({ status: 'name_taken' });
      await ctx.ms.removeTree(blocker.id);
      const restored = await ctx.ms.restore(old.id);
      expect(restored).toEqual({ status: 'restored', object: { ...(deleted as StoredObject), deletedAt: null } });
      expect(await ctx.ms.get('table', schema.id, 't')).toEqual({ ...old, deletedAt: null });
      expect(await ctx.ms.restore(old.id)).toEqual({ status: 'missing' });
      expect(await ctx.ms.restore('unknown')).toEqual({ status: 'missing' });
      await ctx.ms.softDelete(old.id, T0 + 300);
      await ctx.ms.softDelete(schema.id, T0 + 301);
      expect(await ctx.ms.restore(old.id)).toEqual({ status: 'parent_missing' });
      expect(await ctx.ms.restore(schema.id)).toMatchObject({ status: 'restored', object: { id: schema.id, parentId: catalog.id } });
      expect(await ctx.ms.restore(old.id)).toMatchObject({ status: 'restored' });
    });
  });
}

function updateClauses(ctx: Ctx): void {
  describe('update', () => {
    it('applies a compare-and-swap and bumps revision and updatedAt', async () => {
      const c = await make(ctx.ms, 'catalog', null, 'c', { a: 1, keep: 'x' });
      ctx.clock.advance(1000);
      const first = await ctx.ms.update(c.id, { expectedRevision: 1, data: { b: 2 } });
      expect(first).toEqual({ status: 'updated', object: { ...c, data: { b: 2 }, revision: 2, updatedAt: T0 + 1001 } });
      const stale = await ctx.ms.update(c.id, { expectedRevision: 1, data: { c: 3 } });
      expect(stale).toEqual({ status: 'conflict', object: first.status === 'updated' ? first.object : undefined });
      const free = await ctx.ms.update(c.id, { name: 'd' });
      expect(free).toMatchObject({ status: 'updated', object: { name: 'd', data: { b: 2 }, revision: 3, createdAt: T0 } });
      expect(await ctx.ms.getById(c.id)).toEqual(free.status === 'updated' ? free.object : undefined);
      expect(await ctx.ms.get('catalog', null, 'c')).toBeUndefined();
    });

    it("returns 'missing' for unknown and soft-deleted objects", async () => {
      const { schema } = await schemaOf(ctx.ms);
      const t = await make(ctx.ms, 'table', schema.id, 't');
      await ctx.ms.softDelete(t.id, T0 + 10);
      expect(await ctx.ms.update(t.id, { data: {} })).toEqual({ status: 'missing' });
      expect(await ctx.ms.update('unknown', { data: {} })).toEqual({ status: 'missing' });
    });

    it("renames only to a name no live sibling of the namespace holds", async () => {
      const { schema } = await schemaOf(ctx.ms);
      const t = await make(ctx.ms, 'table', schema.id, 't');
      await make(ctx.ms, 'view', schema.id, 'v');
      await make(ctx.ms, 'volume', schema.id, 'vol');
      const gone = await make(ctx.ms, 'table', schema.id, 'gone');
      await ctx.ms.softDelete(gone.id, T0 + 10);
      expect(await ctx.ms.update(t.id, { name: 'v' })).toEqual({ status: 'name_taken' });
      expect(await ctx.ms.update(t.id, { name: 't', expectedRevision: 1 })).toMatchObject({ status: 'updated', object: { name: 't', revision: 2 } });
      expect(await ctx.ms.update(t.id, { name: 'vol' })).toMatchObject({ status: 'updated', object: { name: 'vol' } });
      expect(await ctx.ms.update(t.id, { name: 'gone' })).toMatchObject({ status: 'updated', object: { name: 'gone', revision: 4 } });
      expect(names(await ctx.ms.list(['table', 'view', 'volume'], schema.id))).toEqual(['gone', 'v', 'vol']);
    });
  });
}

function softDeleteClauses(ctx: Ctx): void {
  describe('softDelete', () => {
    it('keeps id and document, sets deletedAt, and only for live leaves', async () => {
      const { catalog, schema } = await schemaOf(ctx.ms);
      const t = await make(ctx.ms, 'table', schema.id, 't', { location: '/x' });
      expect(await ctx.ms.softDelete(schema.id, T0 + 50)).toBe('has_children');
      expect((await ctx.ms.getById(schema.id))?.deletedAt).toBeNull();
      const deleted = await ctx.ms.softDelete(t.id, T0 + 60);
      expect(deleted).toEqual({ ...t, deletedAt: T0 + 60 });
      expect(await ctx.ms.getById(t.id)).toEqual(deleted);
      expect(await ctx.ms.get('table', schema.id, 't')).toBeUndefined();
      expect(await ctx.ms.softDelete(t.id, T0 + 70)).toBeUndefined();
      expect(await ctx.ms.softDelete('unknown', T0 + 70)).toBeUndefined();
      expect(await ctx.ms.softDelete(schema.id, T0 + 80)).toMatchObject({ id: schema.id, deletedAt: T0 + 80 });
      // A dropped parent hides nothing: its soft-deleted children stay listed and readable.
      expect(await ctx.ms.list(['table'], schema.id, { deleted: true })).toEqual([deleted]);
      expect(await ctx.ms.softDelete(catalog.id, T0 + 90)).toMatchObject({ deletedAt: T0 + 90 });
    });
  });
}

function removeTreeClauses(ctx: Ctx): void {
  describe('removeTree', () => {
    it('removes the object and all descendants, live or soft-deleted, object first', async () => {
      const { catalog, schema } = await schemaOf(ctx.ms);
      const other = await make(ctx.ms, 'schema', catalog.id, 'another');
      const b = await make(ctx.ms, 'table', schema.id, 'b');
      const a = await make(ctx.ms, 'view', schema.id, 'a');
      const vol = await make(ctx.ms, 'volume', other.id, 'vol');
      await ctx.ms.softDelete(b.id, T0 + 10);
      const keep = await make(ctx.ms, 'catalog', null, 'keep');
      const removed = await ctx.ms.removeTree(catalog.id);
      if (removed === 'has_children') throw new Error('unexpected has_children');
      expect(removed[0]).toEqual(catalog);
      expect(removed.map((o) => o.id).sort()).toEqual([catalog.id, schema.id, other.id, a.id, b.id, vol.id].sort());
      expect(removed.find((o) => o.id === b.id)?.deletedAt).toBe(T0 + 10);
      for (const o of removed) expect(await ctx.ms.getById(o.id)).toBeUndefined();
      expect(await ctx.ms.list(['catalog'], null)).toEqual([keep]);
      expect(await ctx.ms.removeTree(catalog.id)).toEqual([]);
      expect(await ctx.ms.create({ kind: 'catalog', parentId: null, name: 'main', data: {} })).toMatchObject({ status: 'created' });
    });

    it("with onlyIfLeaf refuses while a live child exists and ignores soft-deleted ones", async () => {
      const { schema } = await schemaOf(ctx.ms);
      const t = await make(ctx.ms, 'table', schema.id, 't');
      expect(await ctx.ms.removeTree(schema.id, { onlyIfLeaf: true })).toBe('has_children');
      expect(await ctx.ms.getById(t.id)).toEqual(t);
      await ctx.ms.softDelete(t.id, T0 + 5);
      const removed = await ctx.ms.removeTree(schema.id, { onlyIfLeaf: true });
      expect(removed !== 'has_children' && removed.map((o) => o.id)).toEqual([schema.id, t.id]);
      expect(await ctx.ms.removeTree('unknown', { onlyIfLeaf: true })).toEqual([]);
    });

    it('removes a soft-deleted object for good', async () => {
      const { schema } = await schemaOf(ctx.ms);
      const t = await make(ctx.ms, 'table', schema.id, 't');
      const deleted = await ctx.ms.softDelete(t.id, T0 + 5);
      expect(await ctx.ms.removeTree(t.id)).toEqual([deleted]);
      expect(await ctx.ms.list(['table'], schema.id, { deleted: true })).toEqual([]);
    });
  });
}

/** Names whose code-point order differs from UTF-16 order, case order and locale order. */
const ORDER_NAMES = ['b', 'a', 'B', 'a b', 'é', 'e', 'z', '\u{1F600}', '\uE000', '\uFFFD', '10', '9', '_x', "it's", '"q"', '`t`'];

function codePointSort(values: readonly string[]): string[] {
  return [...values].sort((x, y) => Buffer.compare(Buffer.from(x, 'utf8'), Buffer.from(y, 'utf8')));
}

function listClauses(ctx: Ctx): void {
  describe('list', () => {
    it('orders by name in code-point order, then id, and filters by kind', async () => {
      const { schema } = await schemaOf(ctx.ms);
      for (const [i, name] of ORDER_NAMES.entries()) await make(ctx.ms, i % 2 === 0 ? 'table' : 'view', schema.id, name);
      await make(ctx.ms, 'volume', schema.id, 'a');
      const all = await ctx.ms.list(['table', 'view', 'volume'], schema.id);
      expect(names(all)).toEqual(codePointSort([...ORDER_NAMES, 'a']));
      const twoA = all.filter((o) => o.name === 'a');
      expect(twoA.map((o) => o.id)).toEqual(twoA.map((o) => o.id).sort());
      expect(names(await ctx.ms.list(['table'], schema.id))).toEqual(codePointSort(ORDER_NAMES.filter((_, i) => i % 2 === 0)));
      expect(await ctx.ms.list([], schema.id)).toEqual([]);
      expect(await ctx.ms.list(['schema'], null)).toEqual([]);
    });

    it('lists soft-deleted objects only when asked', async () => {
      const { schema } = await schemaOf(ctx.ms);
      await make(ctx.ms, 'table', schema.id, 'live');
      const gone = await make(ctx.ms, 'table', schema.id, 'gone');
      await ctx.ms.softDelete(gone.id, T0 + 9);
      expect(names(await ctx.ms.list(['table'], schema.id))).toEqual(['live']);
      expect(await ctx.ms.list(['table'], schema.id, { deleted: true })).toEqual([{ ...gone, deletedAt: T0 + 9 }]);
    });
  });
}

const DOCUMENT = {
  comment: 'it\'s a "quoted" \\ back\\slash; DROP TABLE objects; --',
  owner: 'zoë@例え.jp',
  properties: { 'delta.appendOnly': 'true', "k'ey": 'v"al', empty: '' },
  nested: { list: [1, 2.5, -3, null, true, false, 'x', { deep: ['y'] }], zero: 0, big: 2 ** 53 - 1 },
  nothing: null,
  emoji: '\u{1F600}\u0000\u001f',
};

function documentClauses(ctx: Ctx): void {
  describe('names and documents', () => {
    it('keeps Unicode and quotes in names exactly', async () => {
      const odd = ["it's", '"dq"', '`bt`', 'a.b', 'ä ö', '名前', '\u{1F600}', "x'; DROP TABLE objects; --"];
      const c = await make(ctx.ms, 'catalog', null, "o'neil");
      for (const name of odd) await make(ctx.ms, 'schema', c.id, name);
      expect(names(await ctx.ms.list(['schema'], c.id))).toEqual(codePointSort(odd));
      for (const name of odd) expect((await ctx.ms.get('schema', c.id, name))?.name).toBe(name);
      expect((await ctx.ms.get('catalog', null, "o'neil"))?.id).toBe(c.id);
    });

    it('round-trips nested JSON documents', async () => {
      const c = await make(ctx.ms, 'catalog', null, 'c', DOCUMENT);
      expect(c.data).toEqual(DOCUMENT);
      expect((await ctx.ms.getById(c.id))?.data).toEqual(DOCUMENT);
      expect((await ctx.ms.list(['catalog'], null))[0]?.data).toEqual(DOCUMENT);
      const updated = await ctx.ms.update(c.id, { data: { ...DOCUMENT, comment: 'new "one"' } });
      expect(updated.status === 'updated' && updated.object.data).toEqual({ ...DOCUMENT, comment: 'new "one"' });
      expect((await ctx.peer.getById(c.id))?.data).toEqual({ ...DOCUMENT, comment: 'new "one"' });
    });

    it('never shares document objects with callers', async () => {
      const input = { props: { a: '1' } };
      const c = await make(ctx.ms, 'catalog', null, 'c', input);
      input.props.a = 'changed by caller';
      (c.data['props'] as Record<string, string>)['a'] = 'changed via result';
      const read = await ctx.ms.getById(c.id);
      expect(read?.data).toEqual({ props: { a: '1' } });
      (read?.data['props'] as Record<string, string>)['a'] = 'changed via read';
      expect((await ctx.ms.get('catalog', null, 'c'))?.data).toEqual({ props: { a: '1' } });
    });
  });
}

function concurrencyClauses(ctx: Ctx): void {
  describe('concurrency', () => {
    it("gives exactly one 'created' among 20 parallel creates of one name", async () => {
      const { schema } = await schemaOf(ctx.ms);
      const outcomes = await Promise.all(
        Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? ctx.ms : ctx.peer).create({ kind: i % 3 === 0 ? 'view' : 'table', parentId: schema.id, name: 'race', data: { i } })),
      );
      const created = outcomes.filter((o) => o.status === 'created');
      expect(created).toHaveLength(1);
      const winner = created[0]?.status === 'created' ? created[0].object : undefined;
      for (const o of outcomes) expect(o.status === 'created' || (o.status === 'exists' && o.object.id === winner?.id)).toBe(true);
      expect(await ctx.peer.list(['table', 'view'], schema.id)).toEqual([winner]);
    });

    it('serialises parallel compare-and-swap updates: one winner per revision', async () => {
      const c = await make(ctx.ms, 'catalog', null, 'c', { n: 0 });
      const outcomes = await Promise.all(
        Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? ctx.ms : ctx.peer).update(c.id, { expectedRevision: 1, data: { n: i } })),
      );
      expect(outcomes.filter((o) => o.status === 'updated')).toHaveLength(1);
      expect(outcomes.filter((o) => o.status === 'conflict')).toHaveLength(9);
      expect((await ctx.ms.getById(c.id))?.revision).toBe(2);
    });

    it('removeTree racing creates under the tree leaves no orphan and reports every child', async () => {
      const { catalog, schema } = await schemaOf(ctx.ms);
      const creates = Array.from({ length: 16 }, (_, i) => (i % 2 === 0 ? ctx.ms : ctx.peer).create({ kind: 'table', parentId: schema.id, name: `t${i}`, data: {} }));
      const removal = ctx.peer.removeTree(catalog.id);
      const outcomes = await Promise.all(creates);
      const removed = await removal;
      if (removed === 'has_children') throw new Error('unexpected has_children');
      const removedIds = new Set(removed.map((o) => o.id));
      for (const o of outcomes) {
        if (o.status === 'created') expect(removedIds.has(o.object.id)).toBe(true);
        else expect(o.status).toBe('parent_missing');
      }
      expect(removed).toHaveLength(2 + outcomes.filter((o) => o.status === 'created').length);
      expect(await ctx.ms.list(['catalog'], null)).toEqual([]);
      expect(await ctx.ms.list(['table'], schema.id)).toEqual([]);
    });

    it('softDelete racing creates never leaves a live child under a dropped parent', async () => {
      const { schema } = await schemaOf(ctx.ms);
      const creates = Array.from({ length: 16 }, (_, i) => (i % 2 === 0 ? ctx.ms : ctx.peer).create({ kind: 'table', parentId: schema.id, name: `t${i}`, data: {} }));
      const dropping = ctx.peer.softDelete(schema.id, T0 + 99);
      const outcomes = await Promise.all(creates);
      const dropped = await dropping;
      const live = await ctx.ms.list(['table'], schema.id);
      expect(live).toHaveLength(outcomes.filter((o) => o.status === 'created').length);
      if (dropped === 'has_children') expect(live.length).toBeGreaterThan(0);
      else expect(live).toEqual([]);
    });

    it('creates many distinct names in parallel without loss', async () => {
      const { schema } = await schemaOf(ctx.ms);
      const want = Array.from({ length: 30 }, (_, i) => `t${String(i).padStart(2, '0')}`);
      const outcomes = await Promise.all(want.map((n, i) => (i % 2 === 0 ? ctx.ms : ctx.peer).create({ kind: 'table', parentId: schema.id, name: n, data: {} })));
      expect(outcomes.every((o) => o.status === 'created')).toBe(true);
      expect(names(await ctx.ms.list(['table'], schema.id))).toEqual(want);
    });
  });
}
