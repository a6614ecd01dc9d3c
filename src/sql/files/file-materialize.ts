import { mapLimit } from '../../table/parallel.js';
import type { TableContext } from '../../table/context.js';
import type { CachedFile } from '../../storage/file-cache.js';
import type { ObjectStore } from '../../storage/object-store.js';
import type { FileEntry } from './file-listing.js';
import type { FileLocation } from './file-location.js';

/** A selected file with the local path DuckDB reads it from. */
export interface LocalFile extends FileEntry {
  readonly local: string;
}

/** Local copies lent for one statement; `release` ends the loan (idempotent). */
export interface LocalFiles {
  readonly files: readonly LocalFile[];
  release(): void;
}

/**
 * Gives DuckDB a local path for each file: a local store's own file, otherwise a pinned copy in
 * the file cache (downloaded once, kept until `release`). On failure every pin taken is released
 * and the error (NOT_FOUND for a file deleted since the listing, STORAGE_ERROR) propagates.
 */
export async function materialize(ctx: TableContext, location: FileLocation, entries: readonly FileEntry[]): Promise<LocalFiles> {
  // Every acquire runs to its end before deciding, so no pin is taken after a failure's release.
  type Outcome = { entry: FileEntry; loan: CachedFile } | { entry: FileEntry; error: unknown };
  const outcomes = await mapLimit(entries, ctx.ioConcurrency, async (entry): Promise<Outcome> => {
    try {
      return { entry, loan: await ctx.cache.acquire(versioned(location.store, entry), entry.key) };
    } catch (error) {
      return { entry, error };
    }
  });
  const loans = outcomes.flatMap((o) => ('loan' in o ? [o.loan] : []));
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    for (const loan of loans) loan.release();
  };
  const failed = outcomes.find((o) => 'error' in o);
  if (failed !== undefined && 'error' in failed) {
    release();
    throw failed.error;
  }
  const files = outcomes.flatMap((o) => ('loan' in o ? [{ ...o.entry, local: o.loan.path }] : []));
  return { files, release };
}

/**
 * The file cache treats an object as immutable and knows it by (store url, key), but a volume
 * file can be replaced under the same name. Naming the store by the file's size and modification
 * time makes a replaced file a different cache entry; reads go to the real store.
 */
function versioned(store: ObjectStore, entry: FileEntry): ObjectStore {
  if (store.localPath?.(entry.key) !== undefined) return store;
  return {
    url: `${store.url}#v=${entry.lastModified}-${entry.size}`,
    get: (key) => store.get(key),
    getRange: (key, offset, length) => store.getRange(key, offset, length),
    head: (key) => store.head(key),
    list: (prefix, options) => store.list(prefix, options),
    put: (key, bytes) => store.put(key, bytes),
    putIfAbsent: (key, bytes) => store.putIfAbsent(key, bytes),
    delete: (key) => store.delete(key),
  };
}
