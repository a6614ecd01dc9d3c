import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LochError, isLochError } from '../core/errors.js';
import { SequentialIds } from '../core/ids.js';
import { FileCache } from './file-cache.js';
import { LocalStore } from './local/local-store.js';
import { MemoryStore } from './memory/memory-store.js';
import type { ListOptions, ObjectMeta, ObjectStore, PutIfAbsentResult } from './object-store.js';

/** A MemoryStore that counts calls, can slow ranged reads down, and can fail one part. */
class CountingStore implements ObjectStore {
  readonly inner = new MemoryStore('cache-source');
  readonly url = this.inner.url;
  heads = 0;
  ranges = 0;
  active = 0;
  maxActive = 0;
  delayMs = 0;
  failAtOffset: number | undefined;
  shortRead = false;

  get(key: string): Promise<Uint8Array | undefined> {
    return this.inner.get(key);
  }
  async getRange(key: string, offset: number, length: number): Promise<Uint8Array> {
    this.ranges += 1;
    this.active += 1;
    this.maxActive = Math.max(this.maxActive, this.active);
    try {
      if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
      if (offset === this.failAtOffset) throw new LochError('STORAGE_ERROR', `test: injected failure at ${offset}`, { retryable: true });
      const bytes = await this.inner.getRange(key, offset, length);
      return this.shortRead ? bytes.subarray(0, Math.max(0, bytes.byteLength - 1)) : bytes;
    } finally {
      this.active -= 1;
    }
  }
  head(key: string): Promise<ObjectMeta | undefined> {
    this.heads += 1;
    return this.inner.head(key);
  }
  list(prefix: string, options?: ListOptions): AsyncIterable<ObjectMeta> {
    return this.inner.list(prefix, options);
  }
  put(key: string, bytes: Uint8Array): Promise<void> {
    return this.inner.put(key, bytes);
  }
  putIfAbsent(key: string, bytes: Uint8Array): Promise<PutIfAbsentResult> {
    return this.inner.putIfAbsent(key, bytes);
  }
  delete(key: string): Promise<void> {
    return this.inner.delete(key);
  }
}

function pattern(size: number, seed = 7): Uint8Array {
  return Uint8Array.from({ length: size }, (_, i) => (i * 31 + seed) % 251);
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(() => true, () => false);
}

let dir: string;
let store: CountingStore;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'loch-cache-'));
  store = new CountingStore();
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function cache(options: { maxBytes?: number; partSize?: number; concurrency?: number } = {}): FileCache {
  return new FileCache({ dir: join(dir, 'cache'), ids: new SequentialIds(), ...options });
}

describe('FileCache downloads', () => {
  it.each([
    [1000, 64, 16],
    [1024, 64, 16],
    [1, 64, 1],
    [63, 64, 1],
    [65, 64, 2],
    [0, 64, 0],
  ])('copies %i bytes in parts of %i with %i ranged gets', async (size, partSize, parts) => {
    const bytes = pattern(size);
    await store.put('t/part-0001.snappy.parquet', bytes);
    const path = await cache({ partSize, concurrency: 3 }).localPath(store, 't/part-0001.snappy.parquet');
    expect(new Uint8Array(await readFile(path))).toEqual(bytes);
    expect(path.endsWith('.parquet')).toBe(true);
    expect(store.ranges).toBe(parts);
    expect(store.heads).toBe(1);
  });

  it('runs up to `concurrency` ranged gets at once', async () => {
    await store.put('big', pattern(10_000));
    store.delayMs = 5;
    await cache({ partSize: 500, concurrency: 4 }).localPath(store, 'big');
    expect(store.ranges).toBe(20);
    expect(store.maxActive).toBe(4);
  });

  it('shares one download between concurrent requests and serves later ones from disk', async () => {
    await store.put('shared', pattern(3000));
    store.delayMs = 5;
    const fileCache = cache({ partSize: 1000 });
    const paths = await Promise.all(Array.from({ length: 6 }, () => fileCache.localPath(store, 'shared')));
    expect(new Set(paths).size).toBe(1);
    expect(store.heads).toBe(1);
    expect(store.ranges).toBe(3);
    await fileCache.localPath(store, 'shared');
    expect(store.heads).toBe(1);
    expect(store.ranges).toBe(3);
    expect(fileCache.stats()).toEqual({ files: 1, bytes: 3000, pinned: 0 });
  });

  it('throws NOT_FOUND naming the key for a missing object, and can fetch it once it exists', async () => {
    const fileCache = cache();
    const error = await fileCache.localPath(store, 'nope/file.parquet').catch((caught: unknown) => caught);
    expect(isLochError(error, 'NOT_FOUND')).toBe(true);
    expect(String((error as Error).message)).toContain('nope/file.parquet');
    await store.put('nope/file.parquet', pattern(10));
    expect(await readFile(await fileCache.localPath(store, 'nope/file.parquet'))).toHaveLength(10);
  });

  it('cleans up after a failed part and lets a retry succeed', async () => {
    await store.put('flaky', pattern(1000));
    store.failAtOffset = 300;
    const fileCache = cache({ partSize: 100, concurrency: 2 });
    const error = await fileCache.localPath(store, 'flaky').catch((caught: unknown) => caught);
    expect(isLochError(error, 'STORAGE_ERROR')).toBe(true);
    expect(await readdir(join(dir, 'cache'))).toEqual([]);
    store.failAtOffset = undefined;
    expect(new Uint8Array(await readFile(await fileCache.localPath(store, 'flaky')))).toEqual(pattern(1000));
  });

  it('refuses an object that returns fewer bytes than its head size', async () => {
    await store.put('short', pattern(100));
    store.shortRead = true;
    const error = await cache({ partSize: 40 }).localPath(store, 'short').catch((caught: unknown) => caught);
    expect(isLochError(error, 'STORAGE_ERROR')).toBe(true);
    expect(String((error as Error).message)).toMatch(/returned 39 bytes at offset 0, expected 40/);
  });

  it('uses a store’s own local file without copying', async () => {
    const local = new LocalStore(join(dir, 'lake'), { syncDirectories: false });
    await local.put('t/data.parquet', pattern(50));
    const fileCache = cache();
    expect(await fileCache.localPath(local, 't/data.parquet')).toBe(join(dir, 'lake', 't', 'data.parquet'));
    const handle = await fileCache.acquire(local, 't/data.parquet');
    handle.release();
    expect(fileCache.stats().files).toBe(0);
    const error = await fileCache.localPath(local, 't/missing.parquet').catch((caught: unknown) => caught);
    expect(isLochError(error, 'NOT_FOUND')).toBe(true);
  });
});

describe('FileCache eviction', () => {
  it('evicts the least recently used file once over maxBytes', async () => {
    for (const key of ['a', 'b', 'c']) await store.put(key, pattern(100));
    const fileCache = cache({ maxBytes: 250 });
    const pathA = await fileCache.localPath(store, 'a');
    const pathB = await fileCache.localPath(store, 'b');
    await fileCache.localPath(store, 'a'); // a is now more recent than b
    const pathC = await fileCache.localPath(store, 'c');
    expect(await exists(pathB)).toBe(false);
    expect(await exists(pathA)).toBe(true);
    expect(await exists(pathC)).toBe(true);
    expect(fileCache.stats()).toEqual({ files: 2, bytes: 200, pinned: 0 });
  });

  it('never evicts a pinned file, and evicts it after release when over budget', async () => {
    for (const key of ['a', 'b', 'c']) await store.put(key, pattern(100));
    const fileCache = cache({ maxBytes: 150 });
    const pinned = await fileCache.acquire(store, 'a');
    // b is returned unpinned; the cache is over budget until the next insert or release.
    const pathB = await fileCache.localPath(store, 'b');
    expect(await exists(pinned.path)).toBe(true);
    expect(await exists(pathB)).toBe(true);
    const pathC = await fileCache.localPath(store, 'c');
    expect(await exists(pathB)).toBe(false);
    expect(await exists(pinned.path)).toBe(true);
    expect(fileCache.stats()).toMatchObject({ pinned: 1 });
    pinned.release();
    pinned.release(); // idempotent
    expect(await exists(pinned.path)).toBe(false);
    expect(await exists(pathC)).toBe(true);
    expect(fileCache.stats()).toEqual({ files: 1, bytes: 100, pinned: 0 });
  });

  it('keeps a pinned file larger than maxBytes until it is released', async () => {
    await store.put('huge', pattern(500));
    const fileCache = cache({ maxBytes: 100 });
    const first = await fileCache.acquire(store, 'huge');
    const second = await fileCache.acquire(store, 'huge');
    first.release();
    expect(await exists(first.path)).toBe(true);
    second.release();
    expect(await exists(first.path)).toBe(false);
    expect(fileCache.stats().files).toBe(0);
  });

  it('pins every concurrent waiter of one download', async () => {
    await store.put('x', pattern(300));
    store.delayMs = 5;
    const fileCache = cache({ maxBytes: 100, partSize: 100 });
    const handles = await Promise.all([fileCache.acquire(store, 'x'), fileCache.acquire(store, 'x'), fileCache.acquire(store, 'x')]);
    expect(fileCache.stats().pinned).toBe(1);
    handles[0]?.release();
    handles[1]?.release();
    expect(await exists(handles[2]?.path as string)).toBe(true);
    handles[2]?.release();
    expect(await exists(handles[2]?.path as string)).toBe(false);
  });
});

describe('FileCache restart', () => {
  it('adopts finished files from an earlier process and removes its temp files', async () => {
    await store.put('k.parquet', pattern(100));
    const path = await cache().localPath(store, 'k.parquet');
    await writeFile(join(dir, 'cache', '.tmp-left-by-crash'), 'partial');
    const restarted = cache();
    expect(await restarted.localPath(store, 'k.parquet')).toBe(path);
    expect(store.heads).toBe(1);
    expect(await readdir(join(dir, 'cache'))).toEqual([path.slice(path.lastIndexOf('/') + 1)]);
    expect(restarted.stats()).toEqual({ files: 1, bytes: 100, pinned: 0 });
  });
});
