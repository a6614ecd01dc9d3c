import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LakehouseCatalog } from '../../src/catalog/catalog-service.js';
import { MemoryMetastore } from '../../src/catalog/memory/memory-metastore.js';
import { FixedClock } from '../../src/core/clock.js';
import { randomIds } from '../../src/core/ids.js';
import { DuckDbEngine, DuckDbParquetJsonReader } from '../../src/engine/index.js';
import type { Session, SqlValue } from '../../src/engine/index.js';
import { FileCache } from '../../src/storage/file-cache.js';
import type { TableContext } from '../../src/table/context.js';
import { SessionState } from '../../src/sql/sql-env.js';
import type { SqlEnv } from '../../src/sql/sql-env.js';

/**
 * Test harness of the file functions and statements (used by *.test.ts here only): a real
 * engine and file cache, a LakehouseCatalog over a MemoryMetastore with a local managed volume
 * main.default.raw and an external volume main.default.remote in a memory:// store.
 */
export interface FilesHarness {
  readonly env: SqlEnv;
  readonly root: string;
  readonly cache: FileCache;
  readonly clock: FixedClock;
  /** Writes a file into a volume by its /Volumes path. */
  put(path: string, content: string | Uint8Array): Promise<void>;
  /** Parquet bytes of a query's rows. */
  parquet(select: string): Promise<Uint8Array>;
  /** Runs SQL on a fresh session; rows as objects with bigints as numbers and blobs as text. */
  rows(sql: string): Promise<Record<string, unknown>[]>;
  withSession<T>(run: (session: Session) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export async function openFilesHarness(): Promise<FilesHarness> {
  const root = await mkdtemp(join(tmpdir(), 'loch-files-'));
  const clock = new FixedClock(Date.UTC(2024, 0, 1), 1000);
  const engine = await DuckDbEngine.create({ ids: randomIds, threads: 2 });
  const cache = new FileCache({ dir: join(root, 'cache') });
  const parquet = new DuckDbParquetJsonReader({ engine, acquire: (store, key) => cache.acquire(store, key) });
  const storeOptions = { local: { syncDirectories: false } };
  const ctx: TableContext = { engine, cache, parquet, clock, ids: randomIds, storeOptions, ioConcurrency: 4 };
  const catalog = new LakehouseCatalog({ metastore: new MemoryMetastore({ clock }), warehouseRoot: join(root, 'warehouse'), storeOptions, clock, ids: randomIds, principal: 'tester' });
  await catalog.bootstrap();
  await catalog.createVolume({ catalog: 'main', schema: 'default', name: 'raw' });
  await catalog.createVolume({ catalog: 'main', schema: 'default', name: 'remote' }, { location: `memory://h5-${randomUUID()}` });
  const env: SqlEnv = { ctx, catalog, state: new SessionState() };
  const withSession = async <T>(run: (session: Session) => Promise<T>): Promise<T> => {
    const session = await engine.session();
    try {
      return await run(session);
    } finally {
      await session.close();
    }
  };
  return {
    env,
    root,
    cache,
    clock,
    put: async (path, content) => {
      const file = await catalog.resolveVolumePath(path);
      await file.store.put(file.key, typeof content === 'string' ? new TextEncoder().encode(content) : content);
    },
    parquet: (select) =>
      withSession(async (session) => {
        const out = join(root, `${randomUUID()}.parquet`);
        await session.run(`COPY (${select}) TO '${out}' (FORMAT parquet)`);
        return new Uint8Array(await readFile(out));
      }),
    rows: (sql) =>
      withSession(async (session) => {
        const result = await session.query(sql);
        const rows = await result.all();
        return rows.map((row) => Object.fromEntries(result.columns.map((c, i) => [c.name, plain(row[i] ?? null)])));
      }),
    withSession,
    close: async () => {
      await engine.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}

function plain(value: SqlValue): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof Uint8Array) return new TextDecoder().decode(value);
  if (Array.isArray(value)) return value.map(plain);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  return value;
}
