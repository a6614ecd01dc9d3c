import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Principal } from '../../src/catalog/governance/governance-types.js';
import { MemoryMetastore } from '../../src/catalog/memory/memory-metastore.js';
import type { Metastore } from '../../src/catalog/metastore.js';
import { PostgresMetastore } from '../../src/catalog/postgres/postgres-metastore.js';
import { openSecretStore } from '../../src/catalog/secrets/open-secret-store.js';
import { keyIdOf } from '../../src/catalog/secrets/secret-cipher.js';
import { parseSecretKey, resolveSecretKey } from '../../src/catalog/secrets/secret-key.js';
import type { SecretStore } from '../../src/catalog/secrets/secret-store.js';
import { SqliteMetastore } from '../../src/catalog/sqlite/sqlite-metastore.js';
import { FixedClock, SequentialIds } from '../../src/core/index.js';
import type { Clock, IdSource } from '../../src/core/index.js';
import { seededBytes, systemRandom } from '../../src/core/random.js';
import { describePostgres } from '../support/local-postgres.js';
import { rejection } from '../../src/test-support/errors.js';

interface Fixture {
  readonly metastore: Metastore;
  /** Another instance on the same storage (another process), when the backend has one. */
  readonly peer: Metastore;
  /** Files whose raw bytes must never hold a plaintext value (SQLite's database file). */
  readonly files: readonly string[];
  cleanup(): Promise<void>;
}
type Factory = (options: { clock: Clock; ids: IdSource }) => Promise<Fixture>;

const KEY = Buffer.alloc(32, 7).toString('base64');
const OTHER_KEY = Buffer.alloc(32, 9).toString('hex');
const VALUE = 'sk-live-Very-Secret-Value-0123456789';

const user = (name: string, groups: string[] = []): Principal => ({ name, kind: 'user', admin: false, groups: [...groups, 'account users'] });
const ROOT: Principal = { name: 'root', kind: 'user', admin: true, groups: ['account users'] };
const ALICE = user('alice');
const BOB = user('bob', ['analysts']);
const CAROL = user('carol');

const failure = rejection;

/** The SecretStore contract on one metastore backend. */
function secretStoreContract(label: string, factory: Factory): void {
  describe(`secret store on ${label}`, () => {
    let fixture: Fixture;
    let clock: FixedClock;
    let store: SecretStore;
    let peer: SecretStore;

    beforeEach(async () => {
      clock = new FixedClock(1_700_000_000_000, 1);
      fixture = await factory({ clock, ids: new SequentialIds(Math.floor(Math.random() * 1e6)) });
      const ids = new SequentialIds(1);
      store = openSecretStore({ metastore: fixture.metastore, clock, ids, random: seededBytes(3), secretKey: KEY });
      peer = openSecretStore({ metastore: fixture.peer, clock, ids, random: systemRandom, secretKey: Buffer.from(KEY, 'base64') });
    });
    afterEach(async () => fixture.cleanup());

    it('creates scopes, puts, lists, reveals and deletes secrets', async () => {
      expect(await store.createScope(ALICE, 'openai')).toBe('created');
      expect(await peer.createScope(BOB, 'openai')).toBe('exists');
      expect(await store.putSecret(ALICE, 'openai', 'api_key', VALUE)).toBe('created');
      expect(await peer.putSecret(ALICE, 'openai', 'api_key', `${VALUE}-2`)).toBe('replaced');
      expect(await store.putSecret(ALICE, 'openai', 'org.id@x-1', 'org')).toBe('created');
      expect(await peer.reveal(ALICE, 'openai', 'api_key')).toBe(`${VALUE}-2`);
      expect(await store.listSecrets(ALICE, 'openai')).toEqual([
        { key: 'api_key', updatedAt: expect.any(Number) },
        { key: 'org.id@x-1', updatedAt: expect.any(Number) },
      ]);
      expect(await store.listScopes(ALICE)).toEqual([{ name: 'openai', owner: 'alice', createdAt: expect.any(Number) }]);
      expect(await store.deleteSecret(ALICE, 'openai', 'org.id@x-1')).toBe('deleted');
      expect(await store.deleteSecret(ALICE, 'openai', 'org.id@x-1')).toBe('missing');
      expect(await failure(store.reveal(ALICE, 'openai', 'org.id@x-1'))).toMatchObject({ code: 'NOT_FOUND', message: 'secrets: scope openai has no key org.id@x-1 (RESOURCE_DOES_NOT_EXIST)' });
      expect(await store.deleteScope(ALICE, 'openai')).toBe('deleted');
      expect(await store.deleteScope(ROOT, 'openai')).toBe('missing');
      expect(await store.listScopes(ROOT)).toEqual([]);
    });

    it('creates a missing scope on put, owned by the writer, and keeps values with exact names', async () => {
      expect(await store.putSecret(BOB, 'Anthropic', 'KEY', 'a')).toBe('created');
      expect(await store.putSecret(BOB, 'anthropic', 'key', 'b')).toBe('created');
      expect(await store.reveal(BOB, 'Anthropic', 'KEY')).toBe('a');
      expect(await store.reveal(BOB, 'anthropic', 'key')).toBe('b');
      expect(await store.listAcls(BOB, 'Anthropic')).toEqual([{ principal: 'bob', permission: 'MANAGE' }]);
      expect(await store.putSecret(BOB, 'anthropic', '__proto__', 'odd')).toBe('created');
      expect(await peer.reveal(BOB, 'anthropic', '__proto__')).toBe('odd');
      expect(await store.putSecret(BOB, 'unicode', 'k', 'ключ 🔑')).toBe('created');
      expect(await peer.reveal(BOB, 'unicode', 'k')).toBe('ключ 🔑');
    });

    it('grants READ < WRITE < MANAGE through the ACL, to users and groups; admins hold all', async () => {
      await store.putSecret(ALICE, 's', 'k', VALUE);
      await store.check(ALICE, 's', 'MANAGE');
      await store.check(ROOT, 's', 'MANAGE');
      await store.putAcl(ALICE, 's', 'analysts', 'READ');
      await store.check(BOB, 's', 'READ');
      expect(await store.reveal(BOB, 's', 'k')).toBe(VALUE);
      expect(await store.listSecrets(BOB, 's')).toHaveLength(1);
      expect(await failure(store.putSecret(BOB, 's', 'k2', 'x'))).toMatchObject({ code: 'PERMISSION_DENIED', message: 'secrets: bob lacks WRITE on secret scope s (PERMISSION_DENIED)' });
      await store.putAcl(ALICE, 's', 'bob', 'WRITE');
      expect(await store.putSecret(BOB, 's', 'k2', 'x')).toBe('created');
      expect(await store.deleteSecret(BOB, 's', 'k2')).toBe('deleted');
      expect(await failure(store.listAcls(BOB, 's'))).toMatchObject({ code: 'PERMISSION_DENIED', message: 'secrets: bob lacks MANAGE on secret scope s (PERMISSION_DENIED)' });
      expect(await failure(store.putAcl(BOB, 's', 'bob', 'MANAGE'))).toMatchObject({ code: 'PERMISSION_DENIED' });
      expect(await failure(store.deleteScope(BOB, 's'))).toMatchObject({ code: 'PERMISSION_DENIED' });
      expect(await store.listAcls(ROOT, 's')).toEqual([
        { principal: 'alice', permission: 'MANAGE' },
        { principal: 'analysts', permission: 'READ' },
        { principal: 'bob', permission: 'WRITE' },
      ]);
      expect(await store.deleteAcl(ALICE, 's', 'bob')).toBe('deleted');
      expect(await store.deleteAcl(ALICE, 's', 'bob')).toBe('missing');
      expect(await failure(store.putSecret(BOB, 's', 'k3', 'x'))).toMatchObject({ code: 'PERMISSION_DENIED' });
      expect((await store.listScopes(BOB)).map((s) => s.name)).toEqual(['s']);
      expect(await store.listScopes(CAROL)).toEqual([]);
      expect(await failure(store.check(CAROL, 's', 'READ'))).toMatchObject({ code: 'PERMISSION_DENIED', message: 'secrets: carol lacks READ on secret scope s (PERMISSION_DENIED)' });
      expect(await failure(store.putAcl(ALICE, 's', 'x', 'OWNER' as never))).toMatchObject({ code: 'INVALID_ARGUMENT' });
    });

    it('refuses a scope without permission the same way whether or not it exists', async () => {
      await store.putSecret(ALICE, 'real', 'k', VALUE);
      for (const scope of ['real', 'imaginary']) {
        const read = await failure(store.reveal(CAROL, scope, 'k'));
        expect(read).toMatchObject({ code: 'PERMISSION_DENIED', message: `secrets: carol lacks READ on secret scope ${scope} (PERMISSION_DENIED)` });
        expect(await failure(store.listSecrets(CAROL, scope))).toMatchObject({ code: 'PERMISSION_DENIED' });
        expect(await failure(store.deleteSecret(CAROL, scope, 'k'))).toMatchObject({ code: 'PERMISSION_DENIED', message: `secrets: carol lacks WRITE on secret scope ${scope} (PERMISSION_DENIED)` });
        expect(await failure(store.deleteScope(CAROL, scope))).toMatchObject({ code: 'PERMISSION_DENIED', message: `secrets: carol lacks MANAGE on secret scope ${scope} (PERMISSION_DENIED)` });
        expect(await failure(store.check(CAROL, scope, 'READ'))).toMatchObject({ code: 'PERMISSION_DENIED' });
      }
      // Admins may see every scope: a missing one is NOT_FOUND for them.
      expect(await failure(store.check(ROOT, 'imaginary', 'READ'))).toMatchObject({ code: 'NOT_FOUND', message: 'secrets: scope imaginary does not exist (RESOURCE_DOES_NOT_EXIST)' });
      expect(await failure(store.reveal(ROOT, 'imaginary', 'k'))).toMatchObject({ code: 'NOT_FOUND' });
    });

    it('validates names and value sizes without echoing values', async () => {
      for (const bad of ['', 'a b', 'x/y', 'é', 'a'.repeat(129)]) {
        expect(await failure(store.putSecret(ALICE, bad, 'k', VALUE))).toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('invalid scope name') });
        expect(await failure(store.putSecret(ALICE, 's', bad, VALUE))).toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('invalid key name') });
      }
      expect(await store.putSecret(ALICE, 'a'.repeat(128), 'k'.repeat(128), 'v')).toBe('created');
      const big = `${VALUE}${'x'.repeat(128 * 1024)}`;
      const error = await failure(store.putSecret(ALICE, 's', 'k', big));
      expect(error).toMatchObject({ code: 'INVALID_ARGUMENT', message: `secrets: the value for scope s key k has ${128 * 1024 + VALUE.length} bytes, more than 131072 (128 KiB)` });
      expect(JSON.stringify({ message: error.message, context: error.context })).not.toContain(VALUE);
      expect(await store.putSecret(ALICE, 's', 'k', 'é'.repeat(64 * 1024))).toBe('created');
    });

    it('never keeps a value as plaintext in the metastore', async () => {
      await store.putSecret(ALICE, 'vault', 'token', VALUE);
      await peer.putSecret(ALICE, 'vault', 'token2', VALUE);
      const raw = await fixture.peer.get('secret_scope', null, 'vault');
      const text = JSON.stringify(raw);
      expect(text).not.toContain(VALUE);
      expect(text).not.toContain(Buffer.from(VALUE).toString('base64'));
      expect(text).not.toContain(Buffer.from(VALUE).toString('hex'));
      const values = raw?.data['values'] as Record<string, { iv: string; tag: string; data: string; keyId: string }>;
      expect(Object.keys(values)).toEqual(['token', 'token2']);
      expect(values['token']?.keyId).toBe(keyIdOf(Buffer.from(KEY, 'base64')));
      // A fresh IV per put: the same value never seals to the same bytes.
      expect(values['token']?.iv).not.toBe(values['token2']?.iv);
      expect(values['token']?.data).not.toBe(values['token2']?.data);
      for (const file of fixture.files) expect((await readFile(file)).includes(Buffer.from(VALUE))).toBe(false);
    });

    it('reports a value written with another key as CORRUPT_DATA, and a damaged or moved one too', async () => {
      await store.putSecret(ALICE, 's', 'k', VALUE);
      const other = openSecretStore({ metastore: fixture.peer, clock, ids: new SequentialIds(9), random: systemRandom, secretKey: OTHER_KEY });
      const error = await failure(other.reveal(ALICE, 's', 'k'));
      expect(error).toMatchObject({ code: 'CORRUPT_DATA', message: 'secrets: scope s key k was written with another secret key (LOCH_SECRET_KEY)' });
      // Listing keys needs no key at all.
      expect((await other.listSecrets(ALICE, 's')).map((s) => s.key)).toEqual(['k']);
      const object = await fixture.metastore.get('secret_scope', null, 's');
      if (object === undefined) throw new Error('scope missing');
      const values = object.data['values'] as Record<string, Record<string, unknown>>;
      const moved = { ...values, k2: values['k'] };
      await fixture.metastore.update(object.id, { data: { ...object.data, values: moved } });
      expect(await failure(store.reveal(ALICE, 's', 'k2'))).toMatchObject({ code: 'CORRUPT_DATA', message: expect.stringContaining('fails authentication') });
      expect(await store.reveal(ALICE, 's', 'k')).toBe(VALUE);
    });

    it('keeps concurrent puts to different keys of one scope, from two processes', async () => {
      await store.createScope(ALICE, 'busy');
      const keys = Array.from({ length: 12 }, (_, i) => `k${i}`);
      const results = await Promise.all(keys.map((k, i) => (i % 2 === 0 ? store : peer).putSecret(ALICE, 'busy', k, `v-${k}`)));
      expect(results.every((r) => r === 'created')).toBe(true);
      expect((await peer.listSecrets(ALICE, 'busy')).map((s) => s.key).sort()).toEqual([...keys].sort());
      for (const k of keys) expect(await store.reveal(ALICE, 'busy', k)).toBe(`v-${k}`);
      // Two processes creating the same missing scope by putting: one creates, both values stay.
      await Promise.all([store.putSecret(BOB, 'fresh', 'a', '1'), peer.putSecret(BOB, 'fresh', 'b', '2')]);
      expect((await store.listSecrets(BOB, 'fresh')).map((s) => s.key)).toEqual(['a', 'b']);
    });
  });
}

secretStoreContract('MemoryMetastore', async (options) => {
  const metastore = new MemoryMetastore(options);
  return { metastore, peer: metastore, files: [], cleanup: async () => undefined };
});

secretStoreContract('SqliteMetastore (two instances on one file)', async (options) => {
  const dir = await mkdtemp(join(tmpdir(), 'loch-secrets-db-'));
  const path = join(dir, 'metastore.db');
  const metastore = new SqliteMetastore({ path, ...options });
  const peer = new SqliteMetastore({ path, ...options });
  return {
    metastore,
    peer,
    files: [path],
    cleanup: async () => {
      await metastore.close();
      await peer.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});

describePostgres('secret store suite', (freshSchema) => {
  secretStoreContract('PostgresMetastore (two pools on one schema)', async (options) => {
    const schemaUrl = freshSchema('loch_secrets');
    const metastore = await PostgresMetastore.open({ url: schemaUrl, ...options });
    const peer = await PostgresMetastore.open({ url: schemaUrl, ...options });
    return {
      metastore,
      peer,
      files: [],
      cleanup: async () => {
        await metastore.close();
        await peer.close();
      },
    };
  });
});

describe('secret key resolution', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'loch-secret-key-'));
  });
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  it('prefers the option, then LOCH_SECRET_KEY, then the key file', async () => {
    const file = join(dir, 'k', 'secret.key');
    const fromOption = await resolveSecretKey({ secretKey: KEY, env: { LOCH_SECRET_KEY: OTHER_KEY }, keyFile: file, random: seededBytes(1) });
    expect(Buffer.from(fromOption).toString('base64')).toBe(KEY);
    const fromEnv = await resolveSecretKey({ env: { LOCH_SECRET_KEY: ` ${OTHER_KEY}\n` }, keyFile: file, random: seededBytes(1) });
    expect(Buffer.from(fromEnv).toString('hex')).toBe(OTHER_KEY);
    await expect(stat(file)).rejects.toThrow();
    const created = await resolveSecretKey({ env: { LOCH_SECRET_KEY: '  ' }, keyFile: file, random: seededBytes(1) });
    expect(created).toHaveLength(32);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir, 'k'))).mode & 0o777).toBe(0o700);
    const again = await resolveSecretKey({ env: {}, keyFile: file, random: seededBytes(2) });
    expect(Buffer.from(again).equals(Buffer.from(created))).toBe(true);
  });

  it('gives racing creators of the key file one key', async () => {
    const file = join(dir, 'secret.key');
    const keys = await Promise.all(Array.from({ length: 6 }, (_, i) => resolveSecretKey({ env: {}, keyFile: file, random: seededBytes(10 + i) })));
    const distinct = new Set(keys.map((k) => Buffer.from(k).toString('hex')));
    expect(distinct.size).toBe(1);
    expect(Buffer.from((await readFile(file, 'utf8')).trim(), 'base64').toString('hex')).toBe([...distinct][0]);
  });

  it('refuses a key that is not 32 bytes of base64 or hex, without printing it', async () => {
    const secret = 'not-a-key-but-secret!';
    const error = await failure(resolveSecretKey({ env: { LOCH_SECRET_KEY: secret }, random: seededBytes(1) }));
    expect(error).toMatchObject({ code: 'INVALID_ARGUMENT', message: 'secrets: the secret key from the LOCH_SECRET_KEY environment variable is not 32 bytes of base64 or hex: it is neither hex nor base64' });
    expect(() => parseSecretKey(Buffer.alloc(16).toString('base64'), 'x')).toThrow(/decodes to 16 bytes/);
    expect(() => parseSecretKey(new Uint8Array(31), 'x')).toThrow(/it has 31 bytes/);
    expect(parseSecretKey(Buffer.alloc(32, 255).toString('base64url'), 'x')).toEqual(new Uint8Array(32).fill(255));
    const file = join(dir, 'bad.key');
    await writeFile(file, 'short');
    expect(await failure(resolveSecretKey({ env: {}, keyFile: file, random: seededBytes(1) }))).toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining(`the key file ${file}`) });
  });

  it('opens a store without touching the key file until a value is used', async () => {
    const file = join(dir, 'lazy', 'secret.key');
    const metastore = new MemoryMetastore({ clock: new FixedClock(1), ids: new SequentialIds(1) });
    const store = openSecretStore({ metastore, clock: new FixedClock(1), ids: new SequentialIds(1), random: systemRandom, keyFile: file });
    await store.createScope(ALICE, 's');
    await expect(stat(file)).rejects.toThrow();
    if (process.env['LOCH_SECRET_KEY'] === undefined) {
      await store.putSecret(ALICE, 's', 'k', VALUE);
      expect((await stat(file)).isFile()).toBe(true);
      const reopened = openSecretStore({ metastore, clock: new FixedClock(1), ids: new SequentialIds(1), random: systemRandom, keyFile: file });
      expect(await reopened.reveal(ALICE, 's', 'k')).toBe(VALUE);
    }
  });
});
