import { isLochError } from '../../core/errors.js';
import type { EndpointLimits } from '../endpoint-types.js';
import { providerFailure } from '../providers/provider-error.js';

/** The longest `Retry-After` honoured (5 min): a server asking for more gets this much. */
export const MAX_RETRY_AFTER_MS = 300_000;

/**
 * Whether a failed attempt may be repeated: only LochErrors marked retryable (provider
 * failures: 408/409/429/5xx, connection failures, timeouts). Cancellation and refusals never.
 */
export function isRetryable(error: unknown): boolean {
  if (!isLochError(error)) return false;
  if (error.code === 'CANCELLED' || error.code === 'PERMISSION_DENIED' || error.code === 'UNAUTHENTICATED') return false;
  return error.retryable;
}

/**
 * How long to wait before retrying after attempt number `attempt` (0 = the first) failed with
 * `error`, or undefined when the call must fail now (not retryable, or `maxRetries` used up).
 * The backoff is exponential with full jitter: uniform in [0, min(maxBackoffMs,
 * backoffMs × 2^attempt)) from `random`; a `Retry-After` the server sent wins when it is longer,
 * capped at MAX_RETRY_AFTER_MS.
 */
export function retryDelay(
  error: unknown,
  attempt: number,
  limits: Pick<EndpointLimits, 'maxRetries' | 'backoffMs' | 'maxBackoffMs'>,
  random: () => number,
): number | undefined {
  if (attempt >= limits.maxRetries || !isRetryable(error)) return undefined;
  const ceiling = Math.min(limits.maxBackoffMs, limits.backoffMs * 2 ** attempt);
  const backoff = Math.floor(random() * ceiling);
  const after = providerFailure(error)?.retryAfterMs;
  if (after !== undefined && Number.isFinite(after) && after > backoff) return Math.min(Math.ceil(after), MAX_RETRY_AFTER_MS);
  return backoff;
}
