import { LochError } from '../../src/index.js';
import type { ListOptions, ObjectMeta } from '../../src/storage/object-store.js';
import { MemoryStore } from '../../src/storage/memory/memory-store.js';

/** A small seeded PRNG (mulberry32): the same seed gives the same faults. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A MemoryStore whose reads fail (retryable STORAGE_ERROR, as a throttled S3 would) or are
 * delayed at random, from a seed. `failures` counts the injected faults; `faulty = false`
 * turns it back into a plain store.
 */
export class FaultyStore extends MemoryStore {
  failures = 0;
  faulty = true;
  private readonly random: () => number;

  constructor(name: string, seed: number, private readonly failureRate = 0.05) {
    super(name);
    this.random = seededRandom(seed);
  }

  private async trouble(op: string, key: string): Promise<void> {
    if (!this.faulty) return;
    const roll = this.random();
    if (roll < this.failureRate) {
      this.failures += 1;
      throw new LochError('STORAGE_ERROR', `storage memory: injected fault in ${op} ${key}`, { retryable: true });
    }
    if (roll < 0.3) await new Promise((r) => setTimeout(r, Math.floor(this.random() * 3)));
  }

  override async get(key: string): Promise<Uint8Array | undefined> {
    await this.trouble('get', key);
    return super.get(key);
  }
  override async getRange(key: string, offset: number, length: number): Promise<Uint8Array> {
    await this.trouble('getRange', key);
    return super.getRange(key, offset, length);
  }
  override async head(key: string): Promise<ObjectMeta | undefined> {
    await this.trouble('head', key);
    return super.head(key);
  }
  override async *list(prefix: string, options?: ListOptions): AsyncIterable<ObjectMeta> {
    await this.trouble('list', prefix);
    yield* super.list(prefix, options);
  }
}
