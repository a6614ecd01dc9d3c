/**
 * Errors of the Iceberg REST catalog: `{"error": {"message", "type", "code"}}` (the spec's
 * IcebergErrorResponse) with `content-type: application/json`, the HTTP status from the server's
 * one table (http/errors.ts) and the Java exception type names clients switch on
 * (NoSuchTableException, CommitFailedException, …).
 */
import type { Context } from 'hono';
import { isLochError } from '../../core/errors.js';
import { httpFailure } from '../http/errors.js';

/** What a failed request answers: status, Iceberg exception type and message. */
export interface IcebergFailure {
  readonly status: number;
  readonly type: string;
  readonly message: string;
}

/** The object a route is about: picks the "no such …" type of a 404. */
export type Subject = 'catalog' | 'namespace' | 'table' | 'view';

/** A failure raised by the Iceberg REST layer itself, already in its final shape. */
export class IcebergRestError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
  ) {
    super(message);
    this.name = 'IcebergRestError';
  }
}

export const badRequest = (message: string): IcebergRestError => new IcebergRestError(400, 'BadRequestException', `iceberg rest: ${message}`);
export const forbidden = (message: string): IcebergRestError => new IcebergRestError(403, 'ForbiddenException', `iceberg rest: ${message}`);
export const unsupported = (message: string): IcebergRestError => new IcebergRestError(406, 'UnsupportedOperationException', `iceberg rest: ${message}`);
export const commitFailed = (message: string): IcebergRestError => new IcebergRestError(409, 'CommitFailedException', `iceberg rest: ${message}`);
export const alreadyExists = (message: string): IcebergRestError => new IcebergRestError(409, 'AlreadyExistsException', `iceberg rest: ${message}`);

export function notFound(subject: Subject, message: string): IcebergRestError {
  return new IcebergRestError(404, NOT_FOUND_TYPE[subject], `iceberg rest: ${message}`);
}

const NOT_FOUND_TYPE: Readonly<Record<Subject, string>> = {
  catalog: 'NoSuchWarehouseException',
  namespace: 'NoSuchNamespaceException',
  table: 'NoSuchTableException',
  view: 'NoSuchViewException',
};

/** Type names by status when nothing more specific applies. */
const TYPE_BY_STATUS: Readonly<Record<number, string>> = {
  400: 'BadRequestException',
  401: 'NotAuthorizedException',
  403: 'ForbiddenException',
  406: 'UnsupportedOperationException',
  409: 'AlreadyExistsException',
  413: 'BadRequestException',
  422: 'UnprocessableEntityException',
  500: 'InternalServerError',
  503: 'ServiceUnavailableException',
};

/** The body of an error response (also used by the shared auth middleware). */
export function icebergErrorBody(status: number, type: string, message: string): { error: { message: string; type: string; code: number } } {
  return { error: { message, type, code: status } };
}

/** `ErrorBody` for authenticate(): a 401 answered in Iceberg's shape. */
export function authErrorBody(status: number, _code: string, message: string): unknown {
  return icebergErrorBody(status, TYPE_BY_STATUS[status] ?? 'NotAuthorizedException', message);
}

/**
 * The Iceberg view of anything thrown while serving a request about `subject`. Catalog errors
 * name their Databricks class in the message, which picks the precise type: a missing schema
 * is NoSuchNamespaceException even on a table route, a non-empty schema is 409
 * NamespaceNotEmptyException. NOT_IMPLEMENTED becomes 406 (a 5xx would tell a committing
 * client that the outcome is unknown).
 */
export function icebergFailure(error: unknown, subject: Subject): IcebergFailure {
  if (error instanceof IcebergRestError) return { status: error.status, type: error.type, message: error.message };
  const failure = httpFailure(error);
  const message = failure.message;
  if (isLochError(error, 'NOT_FOUND')) return { status: 404, type: NOT_FOUND_TYPE[notFoundSubject(message, subject)], message };
  if (isLochError(error, 'INVALID_ARGUMENT') && message.includes('(SCHEMA_NOT_EMPTY)')) return { status: 409, type: 'NamespaceNotEmptyException', message };
  if (isLochError(error, 'CONFLICT')) return { status: 409, type: 'CommitFailedException', message };
  if (isLochError(error, 'NOT_IMPLEMENTED')) return { status: 406, type: 'UnsupportedOperationException', message };
  return { status: failure.status, type: TYPE_BY_STATUS[failure.status] ?? (failure.status >= 500 ? 'InternalServerError' : 'BadRequestException'), message };
}

function notFoundSubject(message: string, fallback: Subject): Subject {
  if (message.includes('(NO_SUCH_CATALOG_EXCEPTION)')) return 'catalog';
  if (message.includes('(SCHEMA_NOT_FOUND)')) return 'namespace';
  if (message.includes('(TABLE_OR_VIEW_NOT_FOUND)')) return fallback === 'view' ? 'view' : 'table';
  return fallback;
}

/** Answers a failure as JSON (iceberg-js reads the body only with an application/json type). */
export function failureResponse(c: Context, failure: IcebergFailure): Response {
  const body = JSON.stringify(icebergErrorBody(failure.status, failure.type, failure.message));
  return c.body(body, failure.status as 400, { 'content-type': 'application/json' });
}
