import { LochError } from '../../src/index.js';
import type { Clock } from '../../src/core/clock.js';
import type { ListOptions, ObjectMeta, PutIfAbsentResult } from '../../src/storage/object-store.js';
import { MemoryStore } from '../../src/storage/memory/memory-store.js';

export { seededRandom } from '../../src/core/random.js';
import { seededRandom } from '../../src/core/random.js';

/**
 * Faults for writes and listings, all off unless given. Rates are probabilities per call.
 * Reads (get, getRange, head) and the start of a listing keep the constructor's `failureRate`.
 */
export interface WriteFaults {
  /** put / putIfAbsent / delete throw a retryable STORAGE_ERROR without doing anything. */
  readonly failBefore?: number;
  /**
   * put / putIfAbsent / delete take effect, then throw a retryable STORAGE_ERROR: the reply was
   * lost (a timeout after the request reached the server). For putIfAbsent the effect may also
   * have been 'exists'; the caller cannot tell.
   */
  readonly failAfter?: number;
  /** A listing yields some of its keys, then throws a retryable STORAGE_ERROR. */
  readonly listBreak?: number;
  /**
   * Chance that a write is held back before it takes effect and again before it returns, up to
   * `maxDelayMs` each: concurrent calls then take effect, and return, out of issue order.
   */
  readonly delayRate?: number;
  readonly maxDelayMs?: number;
  /** The write calls the faults apply to; all of put, putIfAbsent and delete by default. */
  readonly ops?: readonly ('put' | 'putIfAbsent' | 'delete')[];
}

export interface FaultyStoreOptions {
  readonly writes?: WriteFaults;
  /** Stamps lastModified (see MemoryStore). */
  readonly clock?: Clock;
}

/** One injected fault, for repeatability checks: `${op} ${key} ${kind}`. */
export type FaultRecord = string;

/**
 * A MemoryStore whose calls fail (retryable STORAGE_ERROR, as a throttled or timing-out S3
 * would), stall and complete out of order at random, from a seed.
 *
 * Reads (get, getRange, head, list) fail before doing anything with probability `failureRate`
 * and are delayed 0–2 ms otherwise now and then — the behaviour existing read tests rely on.
 * Write faults (see WriteFaults) are opt-in through `options.writes`. `failures` counts every
 * injected failure, `trace` lists them in order; `faulty = false` turns it into a plain store.
 * One random stream serves all calls, so a single caller making the same calls sees the same
 * faults; concurrent callers see a seeded but timing-dependent assignment.
 */
export class FaultyStore extends MemoryStore {
  failures = 0;
  faulty = true;
  readonly trace: FaultRecord[] = [];
  private readonly random: () => number;
  private readonly writes: WriteFaults | undefined;

  constructor(
    name: string,
    seed: number,
    private readonly failureRate = 0.05,
    options: FaultyStoreOptions = {},
  ) {
    super(name, options.clock !== undefined ? { clock: options.clock } : {});
    this.random = seededRandom(seed);
    this.writes = options.writes;
  }

  /** Counts of trace entries by kind ('fail', 'lost-ack', 'list-break', 'delay'). */
  countOf(kind: string, op?: string): number {
    return this.trace.filter((t) => t.endsWith(` ${kind}`) && (op === undefined || t.startsWith(`${op} `))).length;
  }

  private fail(op: string, key: string, kind: string): never {
    this.failures += 1;
    this.trace.push(`${op} ${key} ${kind}`);
    throw new LochError('STORAGE_ERROR', `storage memory: injected fault (${kind}) in ${op} ${key}`, { retryable: true, context: { op, key, injected: kind } });
  }

  private async trouble(op: string, key: string): Promise<void> {
    if (!this.faulty) return;
    const roll = this.random();
    if (roll < this.failureRate) this.fail(op, key, 'fail');
    if (roll < 0.3) await sleep(Math.floor(this.random() * 3));
  }

  /** Runs a write under the write faults: maybe fail first, maybe stall, maybe lose the reply. */
  private async writeFault<T>(op: 'put' | 'putIfAbsent' | 'delete', key: string, run: () => Promise<T>): Promise<T> {
    const w = this.writes;
    if (!this.faulty || w === undefined || (w.ops !== undefined && !w.ops.includes(op))) return run();
    const roll = this.random();
    const delayed = this.random() < (w.delayRate ?? 0);
    const failBefore = w.failBefore ?? 0;
    if (roll < failBefore) this.fail(op, key, 'fail');
    if (delayed) await this.delay(op, key);
    const result = await run();
    if (delayed) await this.delay(op, key);
    if (roll < failBefore + (w.failAfter ?? 0)) this.fail(op, key, 'lost-ack');
    return result;
  }

  private async delay(op: string, key: string): Promise<void> {
    const ms = Math.floor(this.random() * ((this.writes?.maxDelayMs ?? 5) + 1));
    this.trace.push(`${op} ${key} delay`);
    await sleep(ms);
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
    const breakRate = this.faulty ? (this.writes?.listBreak ?? 0) : 0;
    const breakAt = breakRate > 0 && this.random() < breakRate ? Math.floor(this.random() * 8) : -1;
    let yielded = 0;
    for await (const meta of super.list(prefix, options)) {
      if (yielded === breakAt) this.fail('list', prefix, 'list-break');
      yield meta;
      yielded += 1;
    }
  }
  override put(key: string, bytes: Uint8Array): Promise<void> {
    return this.writeFault('put', key, () => super.put(key, bytes));
  }
  override putIfAbsent(key: string, bytes: Uint8Array): Promise<PutIfAbsentResult> {
    return this.writeFault('putIfAbsent', key, () => super.putIfAbsent(key, bytes));
  }
  override delete(key: string): Promise<void> {
    return this.writeFault('delete', key, () => super.delete(key));
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
