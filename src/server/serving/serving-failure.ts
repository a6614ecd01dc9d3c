/**
 * How a failed model call answers over HTTP. The server's one table (http/errors.ts) decides,
 * refined for failures of the model server behind an endpoint (provider-error.ts keeps its
 * status): the provider's 429 after the gateway's retries is 429 with `Retry-After` when the
 * provider gave one; a provider that answered 5xx, or refused the endpoint's own key (401/403),
 * is 502 (the upstream failed, not the caller); no answer at all (refused, dropped, timed out)
 * stays 503. The OpenAI-compatible route spells errors as OpenAI does,
 * `{error: {message, type, code, param}}`; the others as Databricks, `{error_code, message}`.
 */
import { providerFailure } from '../../ai/providers/provider-error.js';
import type { ErrorBody } from '../http/context.js';
import { httpFailure } from '../http/errors.js';
import type { HttpFailure } from '../http/errors.js';

export interface ServingFailure extends HttpFailure {
  /** Seconds for a `Retry-After` header (429 from the provider). */
  readonly retryAfterSeconds?: number;
}

/** The HTTP view of a failure on the serving routes. */
export function servingFailure(error: unknown): ServingFailure {
  const failure = httpFailure(error);
  const upstream = providerFailure(error);
  if (upstream === undefined) return failure;
  if (failure.status === 429) {
    return upstream.retryAfterMs === undefined ? failure : { ...failure, retryAfterSeconds: Math.max(1, Math.ceil(upstream.retryAfterMs / 1000)) };
  }
  const refusedKey = upstream.status === 401 || upstream.status === 403;
  if (upstream.status >= 500 || refusedKey) return { ...failure, status: 502, errorCode: 'BAD_GATEWAY' };
  return failure;
}

const OPENAI_TYPES: Readonly<Record<number, string>> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  409: 'conflict_error',
  413: 'invalid_request_error',
  429: 'rate_limit_error',
};

/** OpenAI's error body; `code` is Databricks' error code (PERMISSION_DENIED, RESOURCE_DOES_NOT_EXIST…). */
export const openAiErrorBody: ErrorBody = (status, code, message) => ({
  error: { message, type: OPENAI_TYPES[status] ?? (status >= 500 ? 'server_error' : 'invalid_request_error'), code, param: null },
});
