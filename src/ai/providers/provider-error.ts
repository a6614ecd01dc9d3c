import { LochError, isLochError } from '../../core/errors.js';
import type { ErrorCode } from '../../core/errors.js';

/** What a failed provider attempt says about itself, kept in the LochError's context. */
export interface ProviderFailure {
  /** HTTP status; 0 when there was no response (connection refused, reset, timed out, dropped). */
  readonly status: number;
  /** From `Retry-After` (seconds or an HTTP date) or `retry-after-ms`. */
  readonly retryAfterMs?: number;
}

/**
 * The LochError for a failed attempt at a model server. Codes: 429 → RESOURCE_EXHAUSTED,
 * 400/404/413/422 → INVALID_ARGUMENT, 401/403 → UNAVAILABLE (the endpoint's key is refused: the
 * caller's own rights are not in question), 408/409/5xx and status 0 → UNAVAILABLE. Retryable:
 * 408, 409, 429, 5xx, 0. `message` should name the provider, host and status, never the key.
 */
export function providerError(message: string, failure: ProviderFailure, cause?: unknown): LochError {
  const { status } = failure;
  const retryable = status === 0 || status === 408 || status === 409 || status === 429 || status >= 500;
  const code: ErrorCode = status === 429 ? 'RESOURCE_EXHAUSTED' : status >= 400 && status < 500 && !retryable && status !== 401 && status !== 403 ? 'INVALID_ARGUMENT' : 'UNAVAILABLE';
  return new LochError(code, message, {
    retryable,
    cause,
    context: { status, ...(failure.retryAfterMs !== undefined ? { retryAfterMs: failure.retryAfterMs } : {}) },
  });
}

/** The ProviderFailure facts of an error thrown by a provider, or undefined for any other error. */
export function providerFailure(error: unknown): ProviderFailure | undefined {
  if (!isLochError(error)) return undefined;
  const status = error.context['status'];
  if (typeof status !== 'number') return undefined;
  const after = error.context['retryAfterMs'];
  return { status, ...(typeof after === 'number' ? { retryAfterMs: after } : {}) };
}
