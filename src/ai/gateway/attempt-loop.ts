import { LochError, isLochError, toLochError } from '../../core/errors.js';
import type { EndpointLimits } from '../endpoint-types.js';
import { providerFailure } from '../providers/provider-error.js';
import type { Release } from './concurrency-limiter.js';
import type { EndpointState } from './endpoint-states.js';
import type { Sleep } from './rate-limiter.js';
import { retryDelay } from './retry-policy.js';

/** What one call has seen so far, across its endpoints (for its inference event). */
export interface AttemptTally {
  attempts: number;
  /** The last HTTP status: 200 after a success, the failure's status (0: no response) otherwise. */
  httpStatus: number | undefined;
}

export interface AttemptContext {
  /** Full name of the endpoint, for messages. */
  readonly endpoint: string;
  readonly state: EndpointState;
  readonly limits: EndpointLimits;
  readonly signal: AbortSignal | undefined;
  readonly sleep: Sleep;
  readonly random: () => number;
  readonly tally: AttemptTally;
}

/** A result and the concurrency slot it still holds (a no-op release unless `hold` was asked). */
export interface Held<T> {
  readonly value: T;
  readonly release: Release;
}

const NOTHING_HELD: Release = () => {};

/**
 * Runs `attempt` against one endpoint until it succeeds or the retry policy says stop. Each
 * attempt first takes a concurrency slot (FIFO) and then a rate token, and gives the slot back
 * when it ends, so backoff waits hold no slot; with `hold` a successful attempt keeps its slot
 * and the caller releases it (streams keep theirs until the last chunk). Throws the last
 * failure as a LochError, or CANCELLED as soon as `signal` aborts (queued, backing off or in
 * flight).
 */
export async function withRetries<T>(ctx: AttemptContext, attempt: () => Promise<T>, hold = false): Promise<Held<T>> {
  for (let n = 0; ; n += 1) {
    const outcome = await oneAttempt(ctx, attempt, hold);
    if ('value' in outcome) return outcome;
    const error = outcome.error;
    const delay = retryDelay(error, n, ctx.limits, ctx.random);
    if (delay === undefined) throw error;
    await ctx.sleep(delay, ctx.signal);
    if (ctx.signal?.aborted === true) throw cancelled(ctx.endpoint);
  }
}

async function oneAttempt<T>(ctx: AttemptContext, attempt: () => Promise<T>, hold: boolean): Promise<Held<T> | { readonly error: LochError }> {
  const release = await ctx.state.limiter.acquire(ctx.signal);
  let kept = false;
  try {
    await ctx.state.rateLimiter?.acquire(ctx.signal);
    ctx.tally.attempts += 1;
    const value = await attempt();
    ctx.tally.httpStatus = 200;
    kept = hold;
    return { value, release: hold ? release : NOTHING_HELD };
  } catch (error) {
    if (ctx.signal?.aborted === true) throw isLochError(error, 'CANCELLED') ? error : cancelled(ctx.endpoint);
    const failure = providerFailure(error);
    if (failure !== undefined) ctx.tally.httpStatus = failure.status;
    if (isLochError(error, 'CANCELLED')) throw error;
    return { error: toLochError(error, 'UNAVAILABLE', `ai: endpoint ${ctx.endpoint}: the provider failed`) };
  } finally {
    if (!kept) release();
  }
}

/** CANCELLED for a call of `endpoint`. */
export function cancelled(endpoint: string): LochError {
  return new LochError('CANCELLED', `ai: the call to endpoint ${endpoint} was cancelled`, { context: { endpoint } });
}
