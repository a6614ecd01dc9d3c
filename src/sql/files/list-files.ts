import { LochError } from '../../core/errors.js';
import type { ListStatement } from '../parse/file-statement.js';
import type { SqlEnv } from '../sql-env.js';
import { sqlBigint, sqlString } from '../sql-text.js';
import type { WriteSummary } from '../write-target.js';
import { hasGlob } from './file-glob.js';
import { locateFiles } from './file-location.js';
import type { FileLocation } from './file-location.js';

/** One row of LIST: a file, or a directory (name and path ending in '/', size 0, time 0). */
export interface ListedEntry {
  readonly path: string;
  readonly name: string;
  readonly size: number;
  readonly modificationTime: number;
}

/**
 * LIST '<path>' [LIMIT n]: the direct children of a directory (not recursive), or the file
 * itself, in key order, as Databricks shows them: path, name, size (BIGINT), modification_time
 * (BIGINT epoch ms). Works for /Volumes paths, local paths, s3:// and memory:// URLs. A path
 * naming nothing is NOT_FOUND, except a location's root, which may be empty.
 */
export async function executeList(env: SqlEnv, statement: ListStatement): Promise<WriteSummary> {
  const location = await locateFiles(env, statement.path, 'LIST');
  if (hasGlob(location.key)) {
    throw new LochError('INVALID_ARGUMENT', `files: LIST ${statement.path}: LIST takes a directory or a file, not a glob pattern`, { context: { path: statement.path } });
  }
  const entries = await listChildren(location, statement.limit ?? Number.POSITIVE_INFINITY);
  return { resultSql: listResultSql(entries) };
}

/** The children of `location.key` (or the file it names), at most `limit` of them. */
export async function listChildren(location: FileLocation, limit: number): Promise<ListedEntry[]> {
  const key = location.key;
  if (key !== '') {
    const file = await location.store.head(key);
    if (file !== undefined) return limit > 0 ? [{ path: location.display(key), name: key.slice(key.lastIndexOf('/') + 1), size: file.size, modificationTime: file.lastModified }] : [];
  }
  const prefix = key === '' ? '' : `${key}/`;
  const out: ListedEntry[] = [];
  let lastDir: string | undefined;
  let any = false;
  for await (const meta of location.store.list(prefix)) {
    any = true;
    if (out.length >= limit) break;
    const rest = meta.key.slice(prefix.length);
    const slash = rest.indexOf('/');
    if (slash < 0) {
      out.push({ path: location.display(meta.key), name: rest, size: meta.size, modificationTime: meta.lastModified });
      continue;
    }
    // Keys below one directory are contiguous in key order, so comparing with the last is enough.
    const dir = rest.slice(0, slash + 1);
    if (dir === lastDir) continue;
    lastDir = dir;
    out.push({ path: `${location.display(prefix + dir.slice(0, -1))}/`, name: dir, size: 0, modificationTime: 0 });
  }
  if (!any && key !== '') {
    const path = location.display(key);
    throw new LochError('NOT_FOUND', `files: LIST ${path}: no such file or directory (PATH_NOT_FOUND)`, { context: { path } });
  }
  return out;
}

const EMPTY = 'SELECT NULL::VARCHAR AS path, NULL::VARCHAR AS name, NULL::BIGINT AS size, NULL::BIGINT AS modification_time WHERE false';

function listResultSql(entries: readonly ListedEntry[]): string {
  if (entries.length === 0) return EMPTY;
  const rows = entries.map((e) => `(${sqlString(e.path)}, ${sqlString(e.name)}, ${sqlBigint(e.size)}, ${sqlBigint(e.modificationTime)})`);
  return `SELECT * FROM (VALUES ${rows.join(', ')}) AS listing(path, name, size, modification_time)`;
}
