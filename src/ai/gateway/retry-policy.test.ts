import { describe, expect, it } from 'vitest';
import { LochError } from '../../core/errors.js';
import { providerError } from '../providers/provider-error.js';
import { MAX_RETRY_AFTER_MS, isRetryable, retryDelay } from './retry-policy.js';

const LIMITS = { maxRetries: 5, backoffMs: 100, maxBackoffMs: 1_000 };
const fail = (status: number, retryAfterMs?: number): LochError =>
  providerError(`openai 127.0.0.1: HTTP ${status}`, { status, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) });

describe('retry policy', () => {
  it('doubles the backoff ceiling per attempt up to maxBackoffMs, with full jitter', () => {
    const almostOne = (): number => 0.999999;
    expect([0, 1, 2, 3, 4].map((a) => retryDelay(fail(503), a, LIMITS, almostOne))).toEqual([99, 199, 399, 799, 999]);
    expect(retryDelay(fail(503), 2, LIMITS, () => 0.5)).toBe(200);
    expect(retryDelay(fail(503), 2, LIMITS, () => 0)).toBe(0);
  });

  it('stops after maxRetries retries', () => {
    expect(retryDelay(fail(500), 4, LIMITS, () => 0.5)).toBeDefined();
    expect(retryDelay(fail(500), 5, LIMITS, () => 0.5)).toBeUndefined();
    expect(retryDelay(fail(500), 0, { ...LIMITS, maxRetries: 0 }, () => 0.5)).toBeUndefined();
  });

  it('honours a Retry-After longer than the backoff, capped at 5 minutes', () => {
    expect(retryDelay(fail(429, 2_500), 0, LIMITS, () => 0.5)).toBe(2_500);
    expect(retryDelay(fail(429, 10), 3, LIMITS, () => 0.5)).toBe(400);
    expect(retryDelay(fail(429, 3_600_000), 0, LIMITS, () => 0.5)).toBe(MAX_RETRY_AFTER_MS);
  });

  it('retries 408, 409, 429, 5xx and connection failures only', () => {
    for (const status of [0, 408, 409, 429, 500, 502, 503, 504]) expect(isRetryable(fail(status)), `status ${status}`).toBe(true);
    for (const status of [400, 401, 403, 404, 413, 422]) expect(retryDelay(fail(status), 0, LIMITS, () => 0.5), `status ${status}`).toBeUndefined();
  });

  it('never retries cancellation, refusals or foreign errors', () => {
    expect(isRetryable(new LochError('CANCELLED', 'x', { retryable: true }))).toBe(false);
    expect(isRetryable(new LochError('PERMISSION_DENIED', 'x', { retryable: true }))).toBe(false);
    expect(isRetryable(new Error('boom'))).toBe(false);
    expect(isRetryable(new LochError('STORAGE_ERROR', 'x', { retryable: true }))).toBe(true);
  });
});
