import { createHash } from 'node:crypto';
import { unlinkSync } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { mkdir, open, readdir, rename, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { LochError, toLochError } from '../core/errors.js';
import type { IdSource } from '../core/ids.js';
import { randomIds } from '../core/ids.js';
import { isMissing } from './local/fs-errors.js';
import type { ObjectStore } from './object-store.js';

export interface FileCacheOptions {
  /** Directory holding the cached files; created when missing. One FileCache per directory. */
  readonly dir: string;
  /** Total size the cache tries to stay under; default 2 GiB. Pinned files may exceed it. */
  readonly maxBytes?: number;
  /** Size of each ranged GET while downloading; default 8 MiB. */
  readonly partSize?: number;
  /** Ranged GETs in flight per download; default 4. */
  readonly concurrency?: number;
  /** Names temp files; defaults to random UUIDs. */
  readonly ids?: IdSource;
}

/** A local file lent out for the duration of a query; `release` ends the loan (idempotent). */
export interface CachedFile {
  readonly path: string;
  release(): void;
}

export interface FileCacheStats {
  readonly files: number;
  readonly bytes: number;
  readonly pinned: number;
}

interface Entry {
  readonly id: string;
  readonly path: string;
  readonly size: number;
  pins: number;
}

interface Flight {
  readonly promise: Promise<Entry>;
  /** Callers waiting on this download; each gets a pin the moment the file is in place. */
  waiters: number;
}

const TEMP_PREFIX = '.tmp-';
const CACHED_NAME = /^([0-9a-f]{64})-(\d+)(\.[A-Za-z0-9]+)?$/;

/**
 * Gives DuckDB a local file for any store object. Objects are treated as immutable (Delta data
 * files, checkpoints, Iceberg manifests never change under one name), so an object is identified
 * by hash(store url, key) and fetched once: `head`, then `concurrency` parallel ranged gets of
 * `partSize` bytes into a temp file, then a rename into place. Concurrent requests for the same
 * object share one download. Least-recently-used files are evicted once the total exceeds
 * `maxBytes`, except files pinned by an `acquire` that has not been released. Files left in `dir`
 * by an earlier process are adopted on first use.
 */
export class FileCache {
  readonly dir: string;
  private readonly maxBytes: number;
  private readonly partSize: number;
  private readonly concurrency: number;
  private readonly ids: IdSource;
  /** Map order is recency order: the first entry is the least recently used. */
  private readonly entries = new Map<string, Entry>();
  private readonly flights = new Map<string, Flight>();
  private totalBytes = 0;
  private ready: Promise<void> | undefined;

  constructor(options: FileCacheOptions) {
    this.dir = options.dir;
    this.maxBytes = options.maxBytes ?? 2 * 1024 ** 3;
    this.partSize = positive(options.partSize ?? 8 * 1024 ** 2, 'partSize');
    this.concurrency = positive(options.concurrency ?? 4, 'concurrency');
    this.ids = options.ids ?? randomIds;
  }

  /**
   * A local path holding the object's bytes, without a pin: later downloads may evict it. Stores
   * with their own local files (LocalStore) return their path and nothing is copied. A missing
   * object throws NOT_FOUND naming the key; store failures propagate as STORAGE_ERROR.
   */
  async localPath(store: ObjectStore, key: string): Promise<string> {
    const { path, entry } = await this.lend(store, key);
    if (entry !== undefined) entry.pins -= 1;
    return path;
  }

  /** Like `localPath`, but the file cannot be evicted until `release()` is called. */
  async acquire(store: ObjectStore, key: string): Promise<CachedFile> {
    const { path, entry } = await this.lend(store, key);
    if (entry === undefined) return { path, release: () => undefined };
    let released = false;
    return {
      path,
      release: () => {
        if (released) return;
        released = true;
        entry.pins -= 1;
        if (this.totalBytes > this.maxBytes) this.evict();
      },
    };
  }

  /** Current size of the cache; for tests and monitoring. */
  stats(): FileCacheStats {
    let pinned = 0;
    for (const entry of this.entries.values()) if (entry.pins > 0) pinned += 1;
    return { files: this.entries.size, bytes: this.totalBytes, pinned };
  }

  /** Returns the path with one pin taken (entry undefined when the store's own file is used). */
  private async lend(store: ObjectStore, key: string): Promise<{ path: string; entry?: Entry }> {
    const direct = store.localPath?.(key);
    if (direct !== undefined) {
      await stat(direct).catch((error: unknown) => {
        if (isMissing(error)) throw notFound(store, key, error);
        throw toLochError(error, 'STORAGE_ERROR', `storage cache: checking ${direct} for ${key} in ${store.url}`, { store: store.url, key });
      });
      return { path: direct };
    }
    await this.init();
    const id = cacheId(store.url, key);
    const cached = this.entries.get(id);
    if (cached !== undefined) {
      this.touch(cached);
      cached.pins += 1;
      return { path: cached.path, entry: cached };
    }
    let flight = this.flights.get(id);
    if (flight === undefined) flight = this.startDownload(store, key, id);
    flight.waiters += 1;
    const entry = await flight.promise;
    return { path: entry.path, entry };
  }

  private startDownload(store: ObjectStore, key: string, id: string): Flight {
    const flight: Flight = {
      waiters: 0,
      promise: this.download(store, key, id).then(
        (entry) => {
          // Synchronous from here on: the waiters' pins land before any eviction can run.
          this.flights.delete(id);
          entry.pins = flight.waiters;
          this.add(entry);
          this.evict();
          return entry;
        },
        (error: unknown) => {
          this.flights.delete(id);
          throw error;
        },
      ),
    };
    this.flights.set(id, flight);
    return flight;
  }

  private async download(store: ObjectStore, key: string, id: string): Promise<Entry> {
    const meta = await store.head(key);
    if (meta === undefined) throw notFound(store, key);
    const path = join(this.dir, `${id}-${meta.size}${extensionOf(key)}`);
    const temp = join(this.dir, `${TEMP_PREFIX}${this.ids.uuid()}`);
    let handle: FileHandle | undefined;
    try {
      handle = await open(temp, 'wx');
      await this.fetchParts(store, key, meta.size, handle);
      const done = handle;
      handle = undefined;
      await done.close();
      await rename(temp, path);
    } catch (error) {
      await handle?.close().catch(() => undefined);
      await unlink(temp).catch(() => undefined);
      throw toLochError(error, 'STORAGE_ERROR', `storage cache: downloading ${key} from ${store.url} into ${this.dir}`, {
        store: store.url,
        key,
      });
    }
    return { id, path, size: meta.size, pins: 0 };
  }

  /** Ranged gets of `partSize`, `concurrency` at a time, each written at its own offset. */
  private async fetchParts(store: ObjectStore, key: string, size: number, handle: FileHandle): Promise<void> {
    const parts = Math.ceil(size / this.partSize);
    let next = 0;
    let failed = false;
    const worker = async (): Promise<void> => {
      while (!failed && next < parts) {
        const offset = next * this.partSize;
        next += 1;
        const length = Math.min(this.partSize, size - offset);
        const bytes = await store.getRange(key, offset, length);
        if (bytes.byteLength !== length) {
          throw new LochError('STORAGE_ERROR', `storage cache: ${key} in ${store.url} returned ${bytes.byteLength} bytes at offset ${offset}, expected ${length} (object changed or shorter than its head size ${size})`, {
            context: { store: store.url, key, offset, length, size },
          });
        }
        await writeAt(handle, bytes, offset);
      }
    };
    const runs = Array.from({ length: Math.min(this.concurrency, parts) }, () =>
      worker().catch((error: unknown) => {
        failed = true;
        throw error;
      }),
    );
    // Wait for every worker, not just the first failure, so none writes after the file closes.
    const results = await Promise.allSettled(runs);
    const failure = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failure !== undefined) throw failure.reason;
  }

  private add(entry: Entry): void {
    this.entries.set(entry.id, entry);
    this.totalBytes += entry.size;
  }

  private touch(entry: Entry): void {
    this.entries.delete(entry.id);
    this.entries.set(entry.id, entry);
  }

  /** Drops unpinned files, least recently used first, until the total fits in maxBytes. */
  private evict(): void {
    if (this.totalBytes <= this.maxBytes) return;
    for (const entry of [...this.entries.values()]) {
      if (this.totalBytes <= this.maxBytes) return;
      if (entry.pins > 0) continue;
      this.entries.delete(entry.id);
      this.totalBytes -= entry.size;
      // Synchronous so that the map and the directory never disagree between two awaits.
      try {
        unlinkSync(entry.path);
      } catch {
        // Already gone: nothing to reclaim.
      }
    }
  }

  private init(): Promise<void> {
    this.ready ??= this.adoptExisting().catch((error: unknown) => {
      this.ready = undefined;
      throw toLochError(error, 'STORAGE_ERROR', `storage cache: preparing cache directory ${this.dir}`, { dir: this.dir });
    });
    return this.ready;
  }

  /** Picks up files an earlier process left, oldest first, and removes its unfinished temp files. */
  private async adoptExisting(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const found: { entry: Entry; mtime: number }[] = [];
    for (const name of await readdir(this.dir)) {
      const path = join(this.dir, name);
      if (name.startsWith(TEMP_PREFIX)) {
        await unlink(path).catch(() => undefined);
        continue;
      }
      const match = CACHED_NAME.exec(name);
      if (match === null) continue;
      const stats = await stat(path).catch(() => undefined);
      const size = Number(match[2]);
      if (stats === undefined || !stats.isFile() || stats.size !== size) continue;
      found.push({ entry: { id: match[1] as string, path, size, pins: 0 }, mtime: stats.mtimeMs });
    }
    found.sort((a, b) => a.mtime - b.mtime);
    for (const { entry } of found) if (!this.entries.has(entry.id)) this.add(entry);
    this.evict();
  }
}

function cacheId(storeUrl: string, key: string): string {
  // A URL never contains a raw newline, so the pair is unambiguous.
  return createHash('sha256').update(`${storeUrl}\n${key}`).digest('hex');
}

/** Keeps the file extension (".parquet") so tools that sniff names still recognise the file. */
function extensionOf(key: string): string {
  const last = key.slice(key.lastIndexOf('/') + 1);
  return /(\.[A-Za-z0-9]{1,12})$/.exec(last)?.[1] ?? '';
}

async function writeAt(handle: FileHandle, bytes: Uint8Array, offset: number): Promise<void> {
  let written = 0;
  while (written < bytes.byteLength) {
    const { bytesWritten } = await handle.write(bytes, written, bytes.byteLength - written, offset + written);
    written += bytesWritten;
  }
}

function notFound(store: ObjectStore, key: string, cause?: unknown): LochError {
  return new LochError('NOT_FOUND', `storage cache: object ${key} not found in ${store.url}`, {
    context: { store: store.url, key },
    ...(cause === undefined ? {} : { cause }),
  });
}

function positive(value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new LochError('INVALID_ARGUMENT', `storage cache: ${name} must be a positive integer, got ${value}`, { context: { [name]: value } });
  }
  return value;
}
