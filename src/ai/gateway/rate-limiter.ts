import type { Clock } from '../../core/clock.js';
import { LochError } from '../../core/errors.js';

/** Waits `ms`; rejects with CANCELLED when `signal` aborts (GatewayOptions.sleep). */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/**
 * A token bucket for `requestsPerMinute`: it holds at most a second's worth of tokens (at least
 * one) and starts full, so a burst of that size goes at once and the rest is paced evenly.
 * Callers reserve their token on arrival (the balance may go negative) and sleep until it has
 * refilled, so concurrent waiters are paced in arrival order without polling. A caller whose
 * sleep is aborted gives its token back and fails with CANCELLED.
 */
export class RateLimiter {
  private tokens: number;
  private last: number;
  /** Tokens per millisecond. */
  private readonly rate: number;
  readonly burst: number;

  constructor(readonly requestsPerMinute: number, private readonly clock: Clock, private readonly sleep: Sleep) {
    if (!Number.isFinite(requestsPerMinute) || requestsPerMinute <= 0) {
      throw new LochError('INVALID_ARGUMENT', `ai: requestsPerMinute must be a number above 0 (got ${requestsPerMinute})`);
    }
    this.rate = requestsPerMinute / 60_000;
    this.burst = Math.max(1, requestsPerMinute / 60);
    this.tokens = this.burst;
    this.last = clock.now();
  }

  /** Resolves when a request may start (at once while the bucket holds a token). */
  async acquire(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted === true) throw new LochError('CANCELLED', 'ai: the call was cancelled while waiting for the rate limit');
    this.refill();
    this.tokens -= 1;
    if (this.tokens >= 0) return;
    const waitMs = Math.ceil(-this.tokens / this.rate);
    try {
      await this.sleep(waitMs, signal);
    } catch (error) {
      this.tokens += 1;
      throw error;
    }
  }

  private refill(): void {
    const now = this.clock.now();
    const elapsed = Math.max(0, now - this.last);
    this.last = now;
    this.tokens = Math.min(this.burst, this.tokens + elapsed * this.rate);
  }
}
