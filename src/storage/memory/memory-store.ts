import type { Clock } from '../../core/clock.js';
import { systemClock } from '../../core/clock.js';
import { LochError } from '../../core/errors.js';
import { checkKey, checkPrefix, checkRange } from '../check-key.js';
import { compareUtf8, isAfter } from '../key-order.js';
import type { ListOptions, ObjectMeta, ObjectStore, PutIfAbsentResult } from '../object-store.js';

export interface MemoryStoreOptions {
  /** Stamps `lastModified` on every write; defaults to the system clock. */
  readonly clock?: Clock;
}

interface Entry {
  readonly bytes: Uint8Array;
  readonly lastModified: number;
}

/**
 * An ObjectStore held in process memory, named `memory://<name>`. Used by tests and by
 * `openStore('memory://…')`. Bytes are copied on the way in and out, so callers can never change
 * a stored object by mutating an array. Every check-and-set runs without an `await` in between,
 * which makes `putIfAbsent` atomic in single-threaded JavaScript.
 */
export class MemoryStore implements ObjectStore {
  readonly url: string;
  private readonly clock: Clock;
  private readonly objects = new Map<string, Entry>();
  /** Keys in UTF-8 byte order, rebuilt lazily after a create or a delete. */
  private sortedKeys: string[] | undefined;

  constructor(name: string, options: MemoryStoreOptions = {}) {
    this.url = `memory://${name}`;
    this.clock = options.clock ?? systemClock;
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    checkKey(key, this.url);
    const entry = this.objects.get(key);
    return entry === undefined ? undefined : entry.bytes.slice();
  }

  async getRange(key: string, offset: number, length: number): Promise<Uint8Array> {
    checkKey(key, this.url);
    checkRange(this.url, key, offset, length);
    const entry = this.objects.get(key);
    if (entry === undefined) {
      throw new LochError('NOT_FOUND', `storage memory: object ${key} not found in ${this.url}`, {
        context: { store: this.url, key },
      });
    }
    const start = Math.min(offset, entry.bytes.byteLength);
    return entry.bytes.slice(start, Math.min(entry.bytes.byteLength, start + length));
  }

  async head(key: string): Promise<ObjectMeta | undefined> {
    checkKey(key, this.url);
    const entry = this.objects.get(key);
    return entry === undefined ? undefined : { key, size: entry.bytes.byteLength, lastModified: entry.lastModified };
  }

  async *list(prefix: string, options: ListOptions = {}): AsyncIterable<ObjectMeta> {
    checkPrefix(prefix, this.url);
    const keys = this.keysInOrder();
    const from = options.startAfter !== undefined && compareUtf8(options.startAfter, prefix) > 0 ? options.startAfter : prefix;
    for (let i = lowerBound(keys, from); i < keys.length; i += 1) {
      const key = keys[i] as string;
      // Keys sharing a prefix are contiguous in sorted order and we started at or after the
      // prefix itself, so the first key without it ends the listing.
      if (!key.startsWith(prefix)) return;
      if (!isAfter(key, options.startAfter)) continue;
      const entry = this.objects.get(key);
      // A key deleted while the caller was consuming the listing is simply skipped.
      if (entry !== undefined) yield { key, size: entry.bytes.byteLength, lastModified: entry.lastModified };
    }
  }

  async put(key: string, bytes: Uint8Array): Promise<void> {
    checkKey(key, this.url);
    this.store(key, bytes);
  }

  async putIfAbsent(key: string, bytes: Uint8Array): Promise<PutIfAbsentResult> {
    checkKey(key, this.url);
    if (this.objects.has(key)) return 'exists';
    this.store(key, bytes);
    return 'created';
  }

  async delete(key: string): Promise<void> {
    checkKey(key, this.url);
    if (this.objects.delete(key)) this.sortedKeys = undefined;
  }

  /** Number of objects held; for tests. */
  get size(): number {
    return this.objects.size;
  }

  private store(key: string, bytes: Uint8Array): void {
    if (!this.objects.has(key)) this.sortedKeys = undefined;
    this.objects.set(key, { bytes: bytes.slice(), lastModified: this.clock.now() });
  }

  private keysInOrder(): string[] {
    if (this.sortedKeys === undefined) this.sortedKeys = [...this.objects.keys()].sort(compareUtf8);
    return this.sortedKeys;
  }
}

/** Index of the first key >= `bound` in UTF-8 byte order. */
function lowerBound(keys: readonly string[], bound: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareUtf8(keys[mid] as string, bound) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
