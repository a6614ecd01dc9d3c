/**
 * Error bodies of the APIs and the one handler that turns anything thrown by a route into a
 * response: the failure goes through `httpFailure` (the single status table), the body takes the
 * shape of the API the path belongs to, and nothing but the LochError message reaches the client
 * (never a stack; a non-LochError is "server: internal error" and is logged instead).
 */
import type { Context } from 'hono';
import type { ErrorBody } from './context.js';
import { httpFailure } from './errors.js';
import { openAiErrorBody } from '../serving/serving-failure.js';

/** Databricks' REST error body (statement API, token API, Unity Catalog). */
export const databricksErrorBody: ErrorBody = (_status, code, message) => ({ error_code: code, message });

const ICEBERG_TYPES: Readonly<Record<number, string>> = {
  400: 'BadRequestException',
  401: 'NotAuthorizedException',
  403: 'ForbiddenException',
  404: 'NoSuchObjectException',
  405: 'MethodNotAllowedException',
  409: 'AlreadyExistsException',
  413: 'BadRequestException',
  429: 'TooManyRequestsException',
  501: 'UnsupportedOperationException',
  503: 'ServiceUnavailableException',
};

/** The Iceberg REST catalog's `ErrorModel` wrapped in `{error: …}`. */
export const icebergErrorBody: ErrorBody = (status, _code, message) => ({
  error: { message, type: ICEBERG_TYPES[status] ?? (status >= 500 ? 'ServerErrorException' : 'BadRequestException'), code: status },
});

export const ICEBERG_REST_PREFIX = '/api/2.1/unity-catalog/iceberg-rest';
/** The OpenAI-compatible base (and invocations): OpenAI's error shape, which its SDKs parse. */
export const SERVING_PREFIX = '/serving-endpoints';

const under = (path: string, prefix: string): boolean => path === prefix || path.startsWith(`${prefix}/`);

/** The error shape of the API a request path belongs to. */
export function errorBodyFor(path: string): ErrorBody {
  if (under(path, ICEBERG_REST_PREFIX)) return icebergErrorBody;
  return under(path, SERVING_PREFIX) ? openAiErrorBody : databricksErrorBody;
}

/** A JSON error response in the shape of the request's API. */
export function errorResponse(c: Context, status: number, code: string, message: string): Response {
  return c.json(errorBodyFor(c.req.path)(status, code, message) as object, status as 400);
}

/** The response for anything a route threw; `report` receives failures that are bugs. */
export function failureResponse(c: Context, error: unknown, report: (error: unknown) => void): Response {
  if (error instanceof SyntaxError) {
    // c.req.json() on a body that is not JSON, in a route that did not use readJsonObject.
    return errorResponse(c, 400, 'MALFORMED_REQUEST', 'http: the request body is not valid JSON');
  }
  const failure = httpFailure(error);
  if (failure.status >= 500) report(error);
  return errorResponse(c, failure.status, failure.errorCode, failure.message);
}
