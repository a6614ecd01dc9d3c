import { utf8Encode } from '../../../../core/bytes.js';
import { LochError } from '../../../../core/errors.js';
import type { ListOptions, ObjectMeta, ObjectStore, PutIfAbsentResult } from '../../../../storage/object-store.js';

interface Entry {
  bytes: Uint8Array;
  lastModified: number;
}

function compareUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/**
 * Test double: an in-memory ObjectStore that counts calls and in-flight gets, with an optional
 * artificial delay per get (to observe concurrency).
 */
export class MemoryStore implements ObjectStore {
  readonly url: string;
  private readonly objects = new Map<string, Entry>();
  private clock = 1_700_000_000_000;
  private sortedKeys: string[] | undefined;
  getCalls = 0;
  listCalls = 0;
  readonly getKeys: string[] = [];
  readonly listStartAfter: (string | undefined)[] = [];
  inFlight = 0;
  maxInFlight = 0;
  getDelayMs = 0;

  constructor(url = 'memory://test/table') {
    this.url = url;
  }

  /** Writes an object; `lastModified` defaults to a clock that moves 1 s per write. */
  set(key: string, content: Uint8Array | string, lastModified?: number): void {
    this.clock += 1000;
    const bytes = typeof content === 'string' ? utf8Encode(content) : content;
    if (!this.objects.has(key)) this.sortedKeys = undefined;
    this.objects.set(key, { bytes, lastModified: lastModified ?? this.clock });
  }

  remove(key: string): void {
    this.objects.delete(key);
    this.sortedKeys = undefined;
  }

  keys(): string[] {
    this.sortedKeys ??= [...this.objects.keys()].sort(compareUtf8);
    return this.sortedKeys;
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    this.getCalls += 1;
    this.getKeys.push(key);
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      if (this.getDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.getDelayMs));
      return this.objects.get(key)?.bytes;
    } finally {
      this.inFlight -= 1;
    }
  }

  async getRange(key: string, offset: number, length: number): Promise<Uint8Array> {
    const entry = this.objects.get(key);
    if (entry === undefined) throw new LochError('NOT_FOUND', `memory store: ${key} does not exist`);
    return entry.bytes.slice(offset, offset + length);
  }

  async head(key: string): Promise<ObjectMeta | undefined> {
    const entry = this.objects.get(key);
    return entry === undefined ? undefined : { key, size: entry.bytes.byteLength, lastModified: entry.lastModified };
  }

  async *list(prefix: string, options: ListOptions = {}): AsyncIterable<ObjectMeta> {
    this.listCalls += 1;
    this.listStartAfter.push(options.startAfter);
    const after = options.startAfter;
    for (const key of this.keys()) {
      if (!key.startsWith(prefix) || (after !== undefined && compareUtf8(key, after) <= 0)) continue;
      const entry = this.objects.get(key);
      if (entry !== undefined) yield { key, size: entry.bytes.byteLength, lastModified: entry.lastModified };
    }
  }

  async put(key: string, bytes: Uint8Array): Promise<void> {
    this.set(key, bytes);
  }

  async putIfAbsent(key: string, bytes: Uint8Array): Promise<PutIfAbsentResult> {
    if (this.objects.has(key)) return 'exists';
    this.set(key, bytes);
    return 'created';
  }

  async delete(key: string): Promise<void> {
    this.remove(key);
  }
}
