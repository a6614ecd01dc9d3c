import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryMetastore } from '../../src/catalog/memory/memory-metastore.js';
import { openMetastore } from '../../src/catalog/open-metastore.js';
import { PostgresMetastore } from '../../src/catalog/postgres/postgres-metastore.js';
import { SqliteMetastore } from '../../src/catalog/sqlite/sqlite-metastore.js';
import { FixedClock, SequentialIds, isLochError } from '../../src/core/index.js';
import type { ErrorCode, LochError } from '../../src/core/index.js';
import { postgresNotRunBanner, postgresUrl, randomSchemaName, withSchema } from '../support/local-postgres.js';
import { metastoreContract } from './metastore.contract.js';

const clock = new FixedClock(1_700_000_000_000, 1);
const ids = new SequentialIds(3);

async function expectCode(promise: Promise<unknown>, code: ErrorCode): Promise<LochError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!isLochError(error, code)) throw new Error(`expected LochError ${code}, got ${String(error)}`, { cause: error });
  return error;
}

async function tempFolder(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'loch-metastore-'));
}

metastoreContract('MemoryMetastore', async (options) => ({
  metastore: new MemoryMetastore(options),
  cleanup: async () => undefined,
}));

metastoreContract('SqliteMetastore (two instances on one file)', async (options) => {
  const dir = await tempFolder();
  const path = join(dir, 'nested', 'metastore.db');
  const metastore = new SqliteMetastore({ path, ...options });
  const peer = new SqliteMetastore({ path, ...options });
  return {
    metastore,
    peer,
    cleanup: async () => {
      await metastore.close();
      await peer.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});

describe('SqliteMetastore specifics', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await tempFolder();
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('creates the folder, keeps objects across reopen, and uses WAL', async () => {
    const path = join(dir, 'a', 'b', 'm.db');
    const first = new SqliteMetastore({ path, clock, ids });
    expect(first.description).toBe(`sqlite ${path}`);
    const created = await first.create({ kind: 'catalog', parentId: null, name: 'main', data: { x: [1] } });
    await first.close();
    const again = new SqliteMetastore({ path, clock, ids });
    expect(await again.list(['catalog'], null)).toEqual([created.status === 'created' ? created.object : undefined]);
    await again.close();
    const raw = new Database(path, { readonly: true });
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(raw.pragma('user_version', { simple: true })).toBe(1);
    raw.close();
  });

  it('reports a path that cannot be opened as STORAGE_ERROR naming it', async () => {
    const file = join(dir, 'plain-file');
    await writeFile(file, 'not a folder');
    const error = await expectCode(Promise.resolve().then(() => new SqliteMetastore({ path: join(file, 'm.db') })), 'STORAGE_ERROR');
    expect(error.message).toContain(join(file, 'm.db'));
    expect(error.message).toMatch(/^metastore sqlite /);
    const folder = await expectCode(Promise.resolve().then(() => new SqliteMetastore({ path: dir })), 'STORAGE_ERROR');
    expect(folder.message).toContain(dir);
  });

  it('reports a file that is not a database as STORAGE_ERROR naming it', async () => {
    const file = join(dir, 'garbage.db');
    await writeFile(file, 'x'.repeat(4096));
    const error = await expectCode(Promise.resolve().then(() => new SqliteMetastore({ path: file })), 'STORAGE_ERROR');
    expect(error.message).toContain(file);
  });

  it('refuses a file from a newer schema version', async () => {
    const path = join(dir, 'future.db');
    const raw = new Database(path);
    raw.pragma('user_version = 99');
    raw.close();
    const error = await expectCode(Promise.resolve().then(() => new SqliteMetastore({ path })), 'UNSUPPORTED_FEATURE');
    expect(error.message).toContain('99');
  });

  it('turns a lock held past the busy timeout into a retryable STORAGE_ERROR', async () => {
    const path = join(dir, 'busy.db');
    const metastore = new SqliteMetastore({ path, clock, ids, busyTimeoutMs: 50 });
    const holder = new Database(path);
    holder.exec('BEGIN IMMEDIATE');
    const started = Date.now();
    const error = await expectCode(metastore.create({ kind: 'catalog', parentId: null, name: 'c', data: {} }), 'STORAGE_ERROR');
    expect(Date.now() - started).toBeGreaterThanOrEqual(40);
    expect(error.retryable).toBe(true);
    expect(error.message).toContain(path);
    expect(await metastore.list(['catalog'], null)).toEqual([]);
    holder.exec('ROLLBACK');
    holder.close();
    expect((await metastore.create({ kind: 'catalog', parentId: null, name: 'c', data: {} })).status).toBe('created');
    await metastore.close();
  });

  it('refuses a caller id that is already in use', async () => {
    const metastore = new SqliteMetastore({ path: join(dir, 'ids.db'), clock, ids });
    await metastore.create({ kind: 'catalog', parentId: null, name: 'a', data: {}, id: 'same' });
    await expectCode(metastore.create({ kind: 'catalog', parentId: null, name: 'b', data: {}, id: 'same' }), 'ALREADY_EXISTS');
    await metastore.close();
  });
});

describe('openMetastore', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await tempFolder();
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('opens SQLite at <localDir>/metastore.db by default', async () => {
    const metastore = await openMetastore({ localDir: join(dir, 'state'), clock, ids });
    expect(metastore.description).toBe(`sqlite ${join(dir, 'state', 'metastore.db')}`);
    await metastore.close();
  });

  it('opens memory: and .db / .sqlite paths', async () => {
    const memory = await openMetastore({ url: 'memory:', localDir: dir, clock, ids });
    expect(memory).toBeInstanceOf(MemoryMetastore);
    for (const name of ['x.db', 'y.sqlite']) {
      const metastore = await openMetastore({ url: join(dir, name), localDir: dir, clock, ids });
      expect(metastore.description).toBe(`sqlite ${join(dir, name)}`);
      await metastore.close();
    }
  });

  it('refuses anything else with INVALID_ARGUMENT, hiding credentials', async () => {
    for (const url of ['mysql://u:secret@h/db', 'metastore.txt', 's3://bucket/m.db', '']) {
      const error = await expectCode(openMetastore({ url, localDir: dir, clock, ids }), 'INVALID_ARGUMENT');
      expect(error.message).not.toContain('secret');
    }
  });

  it('names host:port/db, never the password, when PostgreSQL is unreachable', async () => {
    const error = await expectCode(openMetastore({ url: 'postgres://me:hunter2@127.0.0.1:9/lochdb', localDir: dir, clock, ids }), 'STORAGE_ERROR');
    expect(error.message).toContain('127.0.0.1:9/lochdb');
    expect(error.message).not.toContain('hunter2');
    expect(error.retryable).toBe(true);
  });
});

// ---- PostgreSQL: a real server (scripts/pg-local.sh) that LOCH_TEST_POSTGRES_URL points at ----

const pgUrl = postgresUrl();
if (pgUrl === undefined) {
  console.warn(postgresNotRunBanner('metastore suite'));
  if (process.env['LOCH_POSTGRES_REQUIRED'] === '1') {
    describe('PostgreSQL server required', () => {
      it('LOCH_TEST_POSTGRES_URL is set', () => {
        expect.fail('LOCH_POSTGRES_REQUIRED=1 but LOCH_TEST_POSTGRES_URL is not set; run scripts/pg-local.sh start');
      });
    });
  } else {
    describe('PostgreSQL metastore', () => {
      it('postgres metastore suite NOT RUN (no server): set LOCH_TEST_POSTGRES_URL', () => {
        expect(postgresUrl()).toBeUndefined();
      });
    });
  }
}

/** Drops the schemas the suite created; the server itself is the caller's. */
async function dropSchemas(url: string, schemas: readonly string[]): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS "${schema.replace(/"/g, '""')}" CASCADE`);
  } finally {
    await client.end();
  }
}

describe.runIf(pgUrl !== undefined)('PostgresMetastore', () => {
  const url = pgUrl ?? '';
  const schemas: string[] = [];
  const fresh = (): string => {
    const schema = randomSchemaName('loch_contract');
    schemas.push(schema);
    return withSchema(url, schema);
  };
  afterAll(async () => {
    await dropSchemas(url, schemas);
  });

  metastoreContract('PostgresMetastore (two pools on one schema)', async (options) => {
    const schemaUrl = fresh();
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

  it('opens through openMetastore, keeps schemas apart and survives reopen', async () => {
    const a = fresh();
    const b = fresh();
    const first = await openMetastore({ url: a, localDir: '/nonexistent', clock, ids });
    expect(first.description).toMatch(/^postgres [^@]+:\d+\/[^?]+$/);
    await first.create({ kind: 'catalog', parentId: null, name: "it's", data: { n: 1 } });
    await first.close();
    const other = await openMetastore({ url: b, localDir: '/nonexistent', clock, ids });
    expect(await other.list(['catalog'], null)).toEqual([]);
    await other.close();
    const again = await openMetastore({ url: a, localDir: '/nonexistent', clock, ids });
    expect((await again.list(['catalog'], null)).map((o) => o.data)).toEqual([{ n: 1 }]);
    await again.close();
  });

  it('creates one schema when many processes open it at once', async () => {
    const schemaUrl = fresh();
    const opened = await Promise.all(Array.from({ length: 6 }, () => PostgresMetastore.open({ url: schemaUrl, clock, ids })));
    const outcomes = await Promise.all(opened.map((m) => m.create({ kind: 'catalog', parentId: null, name: 'c', data: {} })));
    expect(outcomes.filter((o) => o.status === 'created')).toHaveLength(1);
    await Promise.all(opened.map((m) => m.close()));
  });

  it('refuses a caller id that is already in use', async () => {
    const metastore = await PostgresMetastore.open({ url: fresh(), clock, ids });
    await metastore.create({ kind: 'catalog', parentId: null, name: 'a', data: {}, id: 'same' });
    await expectCode(metastore.create({ kind: 'catalog', parentId: null, name: 'b', data: {}, id: 'same' }), 'ALREADY_EXISTS');
    await metastore.close();
  });
});
