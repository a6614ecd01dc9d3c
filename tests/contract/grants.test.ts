import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LakehouseCatalog } from '../../src/catalog/catalog-service.js';
import type { Principal } from '../../src/catalog/governance/governance-types.js';
import { MetastoreIdentityStore } from '../../src/catalog/governance/metastore-identity-store.js';
import { MemoryMetastore } from '../../src/catalog/memory/memory-metastore.js';
import type { Metastore } from '../../src/catalog/metastore.js';
import { PostgresMetastore } from '../../src/catalog/postgres/postgres-metastore.js';
import { SqliteMetastore } from '../../src/catalog/sqlite/sqlite-metastore.js';
import { FixedClock, SequentialIds } from '../../src/core/index.js';
import type { Clock, IdSource } from '../../src/core/index.js';
import { seededBytes } from '../../src/core/random.js';
import { describePostgres } from '../support/local-postgres.js';

interface Fixture {
  readonly metastore: Metastore;
  /** Another instance on the same storage (another process), when the backend has one. */
  readonly peer: Metastore;
  /** A fresh instance on the same storage, opened after the others (reopen). */
  reopen(): Promise<Metastore>;
  cleanup(): Promise<void>;
}
type Factory = (options: { clock: Clock; ids: IdSource }) => Promise<Fixture>;

const name = (n: string) => ({ catalog: 'main', schema: 'default', name: n });
const USERS = ['u0', 'u1', 'u2', 'u3', 'u4', 'u5', 'u6', 'u7'];

/** Grants, functions and policies as stored by every metastore backend (new kinds, CAS updates). */
function grantsContract(label: string, factory: Factory): void {
  describe(`catalog grants on ${label}`, () => {
    let fixture: Fixture;
    let dir: string;
    let admin: LakehouseCatalog;
    let peerAdmin: LakehouseCatalog;
    const opened: Metastore[] = [];

    const catalogOn = async (metastore: Metastore, clock: Clock, ids: IdSource): Promise<LakehouseCatalog> => {
      const identity = new MetastoreIdentityStore({ metastore, clock, ids, random: seededBytes(1) });
      await identity.createUser('root', { admin: true });
      return new LakehouseCatalog({ metastore, warehouseRoot: join(dir, 'wh'), storeOptions: {}, clock, ids, principal: 'root', actor: (await identity.resolve('root')) as Principal, identity });
    };

    beforeEach(async () => {
      dir = await mkdtemp(join(tmpdir(), 'loch-grants-'));
      const clock = new FixedClock(1_700_000_000_000, 1);
      fixture = await factory({ clock, ids: new SequentialIds(Math.floor(Math.random() * 1000)) });
      admin = await catalogOn(fixture.metastore, clock, new SequentialIds(2000 + Math.floor(Math.random() * 1000)));
      peerAdmin = await catalogOn(fixture.peer, clock, new SequentialIds(4000 + Math.floor(Math.random() * 1000)));
      await admin.bootstrap();
      for (const user of USERS) await admin.identity.createUser(user);
      await admin.registerTable(await admin.planTable(name('t')));
    });
    afterEach(async () => {
      for (const m of opened.splice(0)) await m.close();
      await fixture.cleanup();
      await rm(dir, { recursive: true, force: true });
    });

    it('applies concurrent grants from two processes to one securable without losing any', async () => {
      await Promise.all(USERS.map((u, i) => (i % 2 === 0 ? admin : peerAdmin).updateGrants({ type: 'TABLE', name: name('t') }, [{ principal: u, add: ['SELECT', 'MODIFY'] }])));
      const grants = await peerAdmin.getGrants({ type: 'TABLE', name: name('t') });
      expect(grants.map((g) => g.principal)).toEqual(USERS);
      expect(grants.every((g) => g.privileges.join() === 'SELECT,MODIFY')).toBe(true);
      await Promise.all(USERS.map((u, i) => (i % 2 === 0 ? peerAdmin : admin).updateGrants({ type: 'TABLE', name: name('t') }, [{ principal: u, remove: ['MODIFY'] }])));
      expect((await admin.getGrants({ type: 'TABLE', name: name('t') })).every((g) => g.privileges.join() === 'SELECT')).toBe(true);
    });

    it('keeps grants with the table across an ALTER of other fields, and across a reopen', async () => {
      await admin.updateGrants({ type: 'TABLE', name: name('t') }, [{ principal: 'u1', add: ['SELECT'] }]);
      await peerAdmin.alterTable(name('t'), { newName: 't2', owner: 'u2' });
      const reopened = await fixture.reopen();
      opened.push(reopened);
      const again = await catalogOn(reopened, new FixedClock(1_800_000_000_000), new SequentialIds(9000));
      expect(await again.getGrants({ type: 'TABLE', name: name('t2') })).toEqual([{ principal: 'u1', privileges: ['SELECT'] }]);
      const u2 = again.withActor((await again.identity.resolve('u2')) as Principal);
      await again.updateGrants({ type: 'CATALOG', catalog: 'main' }, [{ principal: 'u2', add: ['USE CATALOG'] }]);
      await again.updateGrants({ type: 'SCHEMA', catalog: 'main', schema: 'default' }, [{ principal: 'u2', add: ['USE SCHEMA'] }]);
      // u2 owns the table now: it may grant on it.
      expect(await u2.updateGrants({ type: 'TABLE', name: name('t2') }, [{ principal: 'u3', add: ['MODIFY'] }])).toEqual([
        { principal: 'u1', privileges: ['SELECT'] },
        { principal: 'u3', privileges: ['MODIFY'] },
      ]);
    });

    it('creates the metastore grants singleton once under concurrency', async () => {
      await Promise.all(USERS.map((u, i) => (i % 2 === 0 ? admin : peerAdmin).updateGrants({ type: 'METASTORE' }, [{ principal: u, add: ['CREATE CATALOG'] }])));
      expect(await fixture.metastore.list(['metastore'], null)).toHaveLength(1);
      expect((await peerAdmin.getGrants({ type: 'METASTORE' })).map((g) => g.principal)).toEqual(USERS);
      const u0 = admin.withActor((await admin.identity.resolve('u0')) as Principal);
      expect(await u0.createCatalog('u0s')).toBe('created');
    });

    it('stores functions and table policies', async () => {
      const definition = { parameters: [{ name: 'r', type: 'STRING' }], returnType: 'BOOLEAN', body: "r = 'US'" };
      expect(await admin.createFunction(name('f'), definition)).toBe('created');
      expect(await peerAdmin.createFunction(name('f'), definition, { ifNotExists: true })).toBe('exists');
      expect((await peerAdmin.listFunctions('main', 'default')).map((f) => f.name)).toEqual(['f']);
      // Functions live in their own namespace: a table may share the name.
      expect(await peerAdmin.createFunction(name('t'), definition)).toBe('created');
      expect((await admin.getFunction(name('t'))).definition).toEqual(definition);
      await admin.setRowFilter(name('t'), { function: 'f', columns: ['region'] });
      await peerAdmin.setColumnMask(name('t'), 'ssn', { function: 'main.default.t', usingColumns: [] });
      expect(await admin.getTable(name('t'))).toMatchObject({
        rowFilter: { function: 'main.default.f', columns: ['region'] },
        columnMasks: { ssn: { function: 'main.default.t', usingColumns: [] } },
      });
      expect(await admin.dropFunction(name('t'))).toBe('dropped');
      expect((await admin.getTable(name('t'))).name).toBe('t');
    });
  });
}

grantsContract('MemoryMetastore', async (options) => {
  const metastore = new MemoryMetastore(options);
  return { metastore, peer: metastore, reopen: async () => metastore, cleanup: async () => undefined };
});

grantsContract('SqliteMetastore (two instances on one file)', async (options) => {
  const dir = await mkdtemp(join(tmpdir(), 'loch-grants-db-'));
  const path = join(dir, 'metastore.db');
  const metastore = new SqliteMetastore({ path, ...options });
  const peer = new SqliteMetastore({ path, ...options });
  return {
    metastore,
    peer,
    reopen: async () => new SqliteMetastore({ path, ...options }),
    cleanup: async () => {
      await metastore.close();
      await peer.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});

describePostgres('grants suite', (freshSchema) => {
  grantsContract('PostgresMetastore (two pools on one schema)', async (options) => {
    const schemaUrl = freshSchema('loch_grants');
    const metastore = await PostgresMetastore.open({ url: schemaUrl, ...options });
    const peer = await PostgresMetastore.open({ url: schemaUrl, ...options });
    return {
      metastore,
      peer,
      reopen: () => PostgresMetastore.open({ url: schemaUrl, ...options }),
      cleanup: async () => {
        await metastore.close();
        await peer.close();
      },
    };
  });
});
