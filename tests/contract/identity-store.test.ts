import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MetastoreIdentityStore } from '../../src/catalog/governance/metastore-identity-store.js';
import { MemoryMetastore } from '../../src/catalog/memory/memory-metastore.js';
import type { Metastore, ObjectKind } from '../../src/catalog/metastore.js';
import { PostgresMetastore } from '../../src/catalog/postgres/postgres-metastore.js';
import { SqliteMetastore } from '../../src/catalog/sqlite/sqlite-metastore.js';
import { FixedClock, SequentialIds, isLochError } from '../../src/core/index.js';
import type { Clock, ErrorCode, IdSource, LochError } from '../../src/core/index.js';
import { seededBytes, systemRandom } from '../../src/core/random.js';
import { describePostgres } from '../support/local-postgres.js';

interface Fixture {
  readonly metastore: Metastore;
  /** A second instance on the same storage (another "process"), when the backend has one. */
  readonly peer?: Metastore;
  /** Every byte the backend stores, for the hash-only check; undefined where not reachable. */
  rawBytes?(): Promise<string>;
  cleanup(): Promise<void>;
}
type Factory = (options: { clock: Clock; ids: IdSource }) => Promise<Fixture>;

const T0 = 1_700_000_000_000;
const ALL_KINDS: ObjectKind[] = ['catalog', 'schema', 'table', 'view', 'volume', 'function', 'principal', 'token', 'metastore'];

async function expectCode(promise: Promise<unknown>, code: ErrorCode): Promise<LochError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!isLochError(error, code)) throw new Error(`expected LochError ${code}, got ${String(error)}`, { cause: error });
  return error;
}

function identityContract(label: string, factory: Factory): void {
  describe(`IdentityStore contract: ${label}`, () => {
    let fixture: Fixture;
    let clock: FixedClock;
    let store: MetastoreIdentityStore;
    let peer: MetastoreIdentityStore;

    beforeEach(async () => {
      clock = new FixedClock(T0, 1);
      const ids = new SequentialIds(Math.floor(Math.random() * 1000));
      fixture = await factory({ clock, ids });
      store = new MetastoreIdentityStore({ metastore: fixture.metastore, clock, ids, random: seededBytes(7) });
      peer = new MetastoreIdentityStore({ metastore: fixture.peer ?? fixture.metastore, clock, ids, random: systemRandom });
    });
    afterEach(async () => {
      await fixture.cleanup();
    });

    it('creates users and groups once; names are case-sensitive and shared by users and groups', async () => {
      expect(await store.createUser('alice@example.com')).toBe('created');
      expect(await store.createUser('alice@example.com')).toBe('exists');
      expect(await store.createUser('Alice@example.com')).toBe('created');
      expect(await store.createGroup('data team')).toBe('created');
      expect(await peer.createGroup('data team')).toBe('exists');
      await expectCode(store.createUser('data team'), 'ALREADY_EXISTS');
      await expectCode(store.createGroup('alice@example.com'), 'ALREADY_EXISTS');
      const users = await store.listPrincipals('user');
      expect(users.map((u) => u.name)).toEqual(['Alice@example.com', 'alice@example.com']);
      expect((await store.listPrincipals()).map((p) => [p.name, p.kind])).toEqual([
        ['Alice@example.com', 'user'],
        ['alice@example.com', 'user'],
        ['data team', 'group'],
      ]);
      expect(await store.getPrincipalInfo('alice@example.com')).toMatchObject({ name: 'alice@example.com', kind: 'user', admin: false, members: [] });
      expect(await store.getPrincipalInfo('nobody')).toBeUndefined();
    });

    it('refuses bad names and the built-in group', async () => {
      await expectCode(store.createUser(''), 'INVALID_ARGUMENT');
      await expectCode(store.createUser('a\nb'), 'INVALID_ARGUMENT');
      await expectCode(store.createUser('x'.repeat(256)), 'INVALID_ARGUMENT');
      expect(await store.createUser('x'.repeat(255))).toBe('created');
      await expectCode(store.createGroup('account users'), 'INVALID_ARGUMENT');
      await store.createUser('bob');
      await expectCode(store.addMember('account users', 'bob'), 'INVALID_ARGUMENT');
      expect(await store.getPrincipalInfo('account users')).toMatchObject({ kind: 'group' });
    });

    it('resolves users with transitive groups, account users and admin rights', async () => {
      await store.createUser('alice');
      await store.createUser('root', { admin: true });
      await store.createGroup('analysts');
      await store.createGroup('staff');
      await store.createGroup('everyone');
      await store.createGroup('admins');
      expect(await store.addMember('analysts', 'alice')).toBe('added');
      expect(await store.addMember('analysts', 'alice')).toBe('exists');
      await store.addMember('staff', 'analysts');
      await store.addMember('everyone', 'staff');
      expect(await peer.resolve('alice')).toEqual({ name: 'alice', kind: 'user', admin: false, groups: ['account users', 'analysts', 'everyone', 'staff'] });
      expect(await store.resolve('root')).toEqual({ name: 'root', kind: 'user', admin: true, groups: ['account users'] });
      expect(await store.resolve('staff')).toEqual({ name: 'staff', kind: 'group', admin: false, groups: ['everyone'] });
      expect(await store.resolve('nobody')).toBeUndefined();
      // Admin through a nested group of `admins`.
      await store.addMember('admins', 'everyone');
      expect((await store.resolve('alice'))?.admin).toBe(true);
      expect(await store.removeMember('admins', 'everyone')).toBe('removed');
      expect(await store.removeMember('admins', 'everyone')).toBe('missing');
      expect((await store.resolve('alice'))?.admin).toBe(false);
    });

    it('makes an existing user an admin when asked (the CLI user always is one)', async () => {
      await store.createUser('ops');
      expect(await store.createUser('ops', { admin: true })).toBe('exists');
      expect((await peer.resolve('ops'))?.admin).toBe(true);
      expect((await store.getPrincipalInfo('ops'))?.admin).toBe(true);
    });

    it('refuses unknown members, members of users, and cycles', async () => {
      await store.createUser('alice');
      await store.createGroup('a');
      await store.createGroup('b');
      await store.createGroup('c');
      const unknown = await expectCode(store.addMember('a', 'ghost'), 'NOT_FOUND');
      expect(unknown.message).toBe('identity: principal ghost does not exist (PRINCIPAL_DOES_NOT_EXIST)');
      await expectCode(store.addMember('ghost', 'alice'), 'NOT_FOUND');
      await expectCode(store.addMember('alice', 'a'), 'INVALID_ARGUMENT');
      await store.addMember('a', 'b');
      await store.addMember('b', 'c');
      const cycle = await expectCode(store.addMember('c', 'a'), 'INVALID_ARGUMENT');
      expect(cycle.message).toMatch(/cycle/);
      await expectCode(store.addMember('a', 'a'), 'INVALID_ARGUMENT');
      expect((await store.getPrincipalInfo('c'))?.members).toEqual([]);
    });

    it('keeps every member when many are added to one group at once (compare-and-swap)', async () => {
      await store.createGroup('crowd');
      const names = Array.from({ length: 12 }, (_, i) => `u${i}`);
      for (const n of names) await store.createUser(n);
      const results = await Promise.all(names.map((n, i) => (i % 2 === 0 ? store : peer).addMember('crowd', n)));
      expect(results.every((r) => r === 'added')).toBe(true);
      expect([...((await store.getPrincipalInfo('crowd'))?.members ?? [])].sort()).toEqual([...names].sort());
    });

    it('drops a principal with its memberships and tokens', async () => {
      await store.createUser('alice');
      await store.createUser('bob');
      await store.createGroup('g');
      await store.addMember('g', 'alice');
      await store.addMember('g', 'bob');
      const { token } = await store.createToken('alice');
      const kept = await store.createToken('bob');
      expect(await store.dropPrincipal('alice')).toBe('dropped');
      expect(await store.dropPrincipal('alice')).toBe('missing');
      expect(await store.getPrincipalInfo('alice')).toBeUndefined();
      expect((await store.getPrincipalInfo('g'))?.members).toEqual(['bob']);
      expect(await store.authenticate(token)).toBeUndefined();
      expect((await store.listTokens()).map((t) => t.principal)).toEqual(['bob']);
      expect((await store.authenticate(kept.token))?.name).toBe('bob');
      await expectCode(store.dropPrincipal('account users'), 'INVALID_ARGUMENT');
    });

    it('creates tokens of the Databricks shape, listed without their text', async () => {
      await store.createUser('alice');
      await store.createUser('bob');
      const first = await store.createToken('alice', { comment: 'laptop', lifetimeSeconds: 3600 });
      const second = await store.createToken('bob');
      const third = await store.createToken('alice');
      expect(first.token).toMatch(/^dapi[0-9a-f]{32}$/);
      expect(new Set([first.token, second.token, third.token]).size).toBe(3);
      expect(first.info).toMatchObject({ principal: 'alice', comment: 'laptop' });
      expect(first.info.expiresAt).toBe(first.info.createdAt + 3_600_000);
      expect(second.info.expiresAt).toBeUndefined();
      expect(await peer.listTokens('alice')).toEqual([first.info, third.info]);
      expect((await store.listTokens()).map((t) => t.id)).toEqual([first.info.id, second.info.id, third.info.id]);
      expect(JSON.stringify(await store.listTokens())).not.toContain(first.token);
      await expectCode(store.createToken('ghost'), 'NOT_FOUND');
      await expectCode(store.createToken('alice', { lifetimeSeconds: 0 }), 'INVALID_ARGUMENT');
      await expectCode(store.createToken('alice', { lifetimeSeconds: Number.NaN }), 'INVALID_ARGUMENT');
    });

    it('authenticates valid tokens only: unknown, malformed, revoked and expired ones are refused at once everywhere', async () => {
      await store.createUser('alice');
      await store.createGroup('g');
      await store.addMember('g', 'alice');
      const { token, info } = await store.createToken('alice', { lifetimeSeconds: 60 });
      expect(await peer.authenticate(token)).toEqual({ name: 'alice', kind: 'user', admin: false, groups: ['account users', 'g'] });
      expect(await store.authenticate(`${token.slice(0, -1)}${token.endsWith('0') ? '1' : '0'}`)).toBeUndefined();
      expect(await store.authenticate('')).toBeUndefined();
      expect(await store.authenticate('Bearer ' + token)).toBeUndefined();
      expect(await store.authenticate(token.toUpperCase())).toBeUndefined();
      clock.advance(59_000);
      expect((await store.authenticate(token))?.name).toBe('alice');
      clock.advance(2_000);
      expect(await store.authenticate(token)).toBeUndefined();
      const other = await store.createToken('alice');
      expect((await store.authenticate(other.token))?.name).toBe('alice');
      expect(await store.revokeToken(other.info.id)).toBe('revoked');
      expect(await peer.authenticate(other.token)).toBeUndefined();
      expect(await store.authenticate(other.token)).toBeUndefined();
      expect(await peer.revokeToken(other.info.id)).toBe('missing');
      expect(await store.revokeToken('no-such-id')).toBe('missing');
      // A token id is not some other object's id.
      const alice = await fixture.metastore.get('principal', null, 'alice');
      expect(await store.revokeToken(alice?.id ?? '')).toBe('missing');
      expect(await store.getPrincipalInfo('alice')).toBeDefined();
      expect(info.id).not.toBe(other.info.id);
    });

    it('creates distinct tokens under concurrency, each authenticating', async () => {
      await store.createUser('alice');
      const made = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? peer : store).createToken('alice', { comment: `t${i}` })));
      expect(new Set(made.map((m) => m.token)).size).toBe(20);
      expect(new Set(made.map((m) => m.info.id)).size).toBe(20);
      expect(await store.listTokens('alice')).toHaveLength(20);
      for (const m of made) expect((await store.authenticate(m.token))?.name).toBe('alice');
    });

    it('stores only the hash of a token: its text is nowhere in the metastore', async () => {
      await store.createUser('alice');
      const { token } = await store.createToken('alice', { comment: 'ci' });
      const objects = [];
      for (const kind of ALL_KINDS) objects.push(...(await fixture.metastore.list([kind], null)));
      const dump = JSON.stringify(objects);
      expect(dump).toContain('ci');
      expect(dump).not.toContain(token);
      expect(dump).not.toContain(token.slice(4));
      if (fixture.rawBytes !== undefined) {
        const raw = await fixture.rawBytes();
        expect(raw).toContain('alice');
        expect(raw).not.toContain(token.slice(4));
      }
    });
  });
}

identityContract('MemoryMetastore', async (options) => ({ metastore: new MemoryMetastore(options), cleanup: async () => undefined }));

identityContract('SqliteMetastore (two instances on one file)', async (options) => {
  const dir = await mkdtemp(join(tmpdir(), 'loch-identity-'));
  const path = join(dir, 'metastore.db');
  const metastore = new SqliteMetastore({ path, ...options });
  const peer = new SqliteMetastore({ path, ...options });
  return {
    metastore,
    peer,
    rawBytes: async () => {
      // The main file and the write-ahead log: a token written anywhere would show.
      const files = (await readdir(dir)).filter((f) => f.startsWith('metastore.db'));
      return (await Promise.all(files.map((f) => readFile(join(dir, f))))).map((b) => b.toString('latin1')).join('');
    },
    cleanup: async () => {
      await metastore.close();
      await peer.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});

describePostgres('identity store suite', (freshSchema) => {
  identityContract('PostgresMetastore (two pools on one schema)', async (options) => {
    const schemaUrl = freshSchema('loch_identity');
    const metastore = await PostgresMetastore.open({ url: schemaUrl, ...options });
    const peer = await PostgresMetastore.open({ url: schemaUrl, ...options });
    return {
      metastore,
      peer,
      cleanup: async () => {
        await metastore.close();
        await peer.close();
      },
    };
  });
});
