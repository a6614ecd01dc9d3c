import { join } from 'node:path';
import { LochError } from '../core/index.js';
import type { Clock, IdSource } from '../core/index.js';
import { MemoryMetastore } from './memory/memory-metastore.js';
import type { Metastore } from './metastore.js';
import { isPostgresUrl } from './postgres/pg-config.js';
import { SqliteMetastore } from './sqlite/sqlite-metastore.js';

export interface OpenMetastoreOptions {
  /** Which metastore; see openMetastore. */
  readonly url?: string;
  /** The local state folder: where the default SQLite file lives. */
  readonly localDir: string;
  readonly clock: Clock;
  readonly ids: IdSource;
}

/**
 * Opens the metastore a URL names:
 * - undefined → SQLite at `<localDir>/metastore.db` (file and folder created when missing);
 * - `postgres://…` or `postgresql://…` → PostgreSQL (tables in schema `?schema=`, default loch);
 * - `memory:` → a fresh in-memory metastore (gone at close);
 * - a path ending in `.db` or `.sqlite` → SQLite at that path (relative to the working folder).
 * Anything else is INVALID_ARGUMENT. Failures to open are STORAGE_ERROR naming the file or
 * host:port/database (never the password).
 */
export async function openMetastore(options: OpenMetastoreOptions): Promise<Metastore> {
  const { url, clock, ids } = options;
  if (url === undefined) return new SqliteMetastore({ path: join(options.localDir, 'metastore.db'), clock, ids });
  if (isPostgresUrl(url)) {
    // `pg` loads only for a shared metastore: the embedded shell starts faster without it.
    const { PostgresMetastore } = await import('./postgres/postgres-metastore.js');
    return PostgresMetastore.open({ url, clock, ids });
  }
  if (url === 'memory:') return new MemoryMetastore({ clock, ids });
  if (/\.(db|sqlite)$/i.test(url) && !/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) return new SqliteMetastore({ path: url, clock, ids });
  throw new LochError(
    'INVALID_ARGUMENT',
    `metastore: ${JSON.stringify(url.replace(/\/\/[^@/]*@/, '//…@'))} is not a metastore: use postgres://…, postgresql://…, memory: or a path ending in .db or .sqlite`,
    { context: { url: url.replace(/\/\/[^@/]*@/, '//…@') } },
  );
}
