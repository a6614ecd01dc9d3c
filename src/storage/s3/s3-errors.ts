import { LochError } from '../../core/errors.js';

interface SdkErrorShape {
  readonly name?: unknown;
  readonly code?: unknown;
  readonly message?: unknown;
  readonly $metadata?: { readonly httpStatusCode?: unknown };
  readonly $retryable?: unknown;
}

/** The HTTP status of an SDK error, or undefined when no response arrived (network failure). */
export function httpStatus(error: unknown): number | undefined {
  const status = (error as SdkErrorShape | null)?.$metadata?.httpStatusCode;
  return typeof status === 'number' ? status : undefined;
}

/** The error's name as the SDK reports it ("NoSuchKey", "PreconditionFailed", "TimeoutError"). */
export function errorName(error: unknown): string {
  const name = (error as SdkErrorShape | null)?.name;
  return typeof name === 'string' ? name : 'Error';
}

/**
 * True when the service said the object does not exist. A missing bucket is a failure, not a
 * missing object (except on HEAD, whose 404 carries no body to tell them apart).
 */
export function isNotFound(error: unknown): boolean {
  const name = errorName(error);
  if (name === 'NoSuchBucket') return false;
  return httpStatus(error) === 404 || name === 'NoSuchKey' || name === 'NotFound';
}

const THROTTLING = new Set(['SlowDown', 'Throttling', 'ThrottlingException', 'RequestLimitExceeded', 'TooManyRequestsException', 'RequestTimeout', 'RequestTimeoutException', 'InternalError', 'ServiceUnavailable']);
const NETWORK = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND', 'ECONNABORTED', 'EHOSTUNREACH', 'ENETUNREACH', 'TimeoutError', 'AbortError']);

/** Whether repeating the same request may succeed: 5xx, throttling, or no response at all. */
export function isRetryable(error: unknown): boolean {
  const status = httpStatus(error);
  const name = errorName(error);
  if (status !== undefined) return status >= 500 || status === 429 || THROTTLING.has(name);
  const code = (error as SdkErrorShape | null)?.code;
  if (typeof code === 'string' && NETWORK.has(code)) return true;
  return NETWORK.has(name) || Boolean((error as SdkErrorShape | null)?.$retryable);
}

/** Wraps an SDK failure as STORAGE_ERROR naming the operation, bucket and key. */
export function s3Error(error: unknown, op: string, bucket: string, key: string): LochError {
  if (error instanceof LochError) return error;
  const status = httpStatus(error);
  const name = errorName(error);
  const detail = error instanceof Error ? error.message : String(error);
  const what = status === undefined ? `${name}: ${detail}` : `HTTP ${status} ${name}: ${detail}`;
  return new LochError('STORAGE_ERROR', `storage s3: ${op} s3://${bucket}/${key} failed: ${what}`, {
    cause: error,
    retryable: isRetryable(error),
    context: { bucket, key, op, ...(status === undefined ? {} : { status }), errorName: name },
  });
}
