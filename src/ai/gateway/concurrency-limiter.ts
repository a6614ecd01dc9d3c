import { LochError } from '../../core/errors.js';

/** Gives back a slot; calling it again does nothing. */
export type Release = () => void;

interface Waiter {
  readonly grant: (release: Release) => void;
}

/**
 * A FIFO semaphore: at most `limit` holders at once; waiters are served in arrival order. The
 * limit may change while in use (an endpoint's definition was altered): raising it admits
 * waiters at once, lowering it lets the holders drain before anyone else starts, so the number
 * of holders never exceeds the limit in force when a slot was granted.
 */
export class ConcurrencyLimiter {
  private holders = 0;
  private readonly waiters: Waiter[] = [];

  constructor(private max: number, private readonly what = 'the endpoint') {
    if (!Number.isInteger(max) || max < 1) throw new LochError('INVALID_ARGUMENT', `ai: concurrency limit of ${what} must be a positive integer (got ${max})`);
  }

  get limit(): number {
    return this.max;
  }

  /** Slots held now. */
  get active(): number {
    return this.holders;
  }

  /** Callers waiting for a slot. */
  get queued(): number {
    return this.waiters.length;
  }

  setLimit(limit: number): void {
    if (!Number.isInteger(limit) || limit < 1) throw new LochError('INVALID_ARGUMENT', `ai: concurrency limit of ${this.what} must be a positive integer (got ${limit})`);
    this.max = limit;
    this.admit();
  }

  /**
   * A slot: resolves with its release function once one is free. Rejects with CANCELLED when
   * `signal` aborts first (the waiter leaves the queue; nothing is held).
   */
  acquire(signal?: AbortSignal): Promise<Release> {
    if (signal?.aborted === true) return Promise.reject(this.cancelled());
    if (this.holders < this.max && this.waiters.length === 0) return Promise.resolve(this.grantSlot());
    return new Promise<Release>((resolve, reject) => {
      const onAbort = (): void => {
        const index = this.waiters.indexOf(waiter);
        if (index >= 0) this.waiters.splice(index, 1);
        reject(this.cancelled());
      };
      const waiter: Waiter = {
        grant: (release) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(release);
        },
      };
      this.waiters.push(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  private grantSlot(): Release {
    this.holders += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.holders -= 1;
      this.admit();
    };
  }

  private admit(): void {
    while (this.holders < this.max) {
      const next = this.waiters.shift();
      if (next === undefined) return;
      next.grant(this.grantSlot());
    }
  }

  private cancelled(): LochError {
    return new LochError('CANCELLED', `ai: the call was cancelled while waiting for a free slot of ${this.what} (limit ${this.max})`);
  }
}
