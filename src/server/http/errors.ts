/**
 * The one table from Loch's error codes to HTTP statuses and Databricks error codes. Every API
 * maps failures through it (Iceberg REST then names its exception types from the status).
 */
import type { ErrorCode } from '../../core/errors.js';
import { LochError, isLochError } from '../../core/errors.js';

export interface HttpFailure {
  readonly status: number;
  /** Databricks' REST error code, e.g. RESOURCE_DOES_NOT_EXIST, PERMISSION_DENIED. */
  readonly errorCode: string;
  /** SQLSTATE for the statement API and the wire protocol. */
  readonly sqlState: string;
  readonly message: string;
}

const TABLE: Readonly<Record<ErrorCode, readonly [status: number, errorCode: string, sqlState: string]>> = {
  INVALID_ARGUMENT: [400, 'INVALID_PARAMETER_VALUE', '42000'],
  NOT_FOUND: [404, 'RESOURCE_DOES_NOT_EXIST', '42P01'],
  ALREADY_EXISTS: [409, 'RESOURCE_ALREADY_EXISTS', '42P07'],
  PATH_ESCAPE: [400, 'INVALID_PARAMETER_VALUE', '42000'],
  CORRUPT_DATA: [500, 'INTERNAL_ERROR', 'XX001'],
  UNSUPPORTED_FEATURE: [400, 'INVALID_PARAMETER_VALUE', '0A000'],
  PROTOCOL_VIOLATION: [500, 'INTERNAL_ERROR', 'XX000'],
  DATA_FILE_MISSING: [500, 'INTERNAL_ERROR', '58P01'],
  VERSION_NOT_AVAILABLE: [400, 'INVALID_PARAMETER_VALUE', '22023'],
  PERMISSION_DENIED: [403, 'PERMISSION_DENIED', '42501'],
  UNAUTHENTICATED: [401, 'UNAUTHENTICATED', '28000'],
  RESOURCE_EXHAUSTED: [413, 'RESOURCE_EXHAUSTED', '54000'],
  CANCELLED: [400, 'CANCELLED', '57014'],
  CONFLICT: [409, 'ABORTED', '40001'],
  CONSTRAINT_VIOLATION: [400, 'INVALID_PARAMETER_VALUE', '23514'],
  SQL_ERROR: [400, 'INVALID_PARAMETER_VALUE', '42000'],
  STORAGE_ERROR: [503, 'TEMPORARILY_UNAVAILABLE', '58030'],
  UNAVAILABLE: [503, 'TEMPORARILY_UNAVAILABLE', '08006'],
  NOT_IMPLEMENTED: [501, 'NOT_IMPLEMENTED', '0A000'],
  INTERNAL: [500, 'INTERNAL_ERROR', 'XX000'],
};

/**
 * The HTTP view of a failure. Anything that is not a LochError is a bug: 500 with a generic
 * message, so no stack trace or internal detail reaches the client (the server logs it).
 *
 * Two refinements of the table: a retryable RESOURCE_EXHAUSTED (a limit on concurrent work,
 * "try again later") is 429 rather than 413 (too large); an INVALID_ARGUMENT whose message ends
 * in "(MALFORMED_REQUEST)" (a body that is not JSON) keeps that Databricks error code.
 */
export function httpFailure(error: unknown): HttpFailure {
  if (!isLochError(error)) {
    return { status: 500, errorCode: 'INTERNAL_ERROR', sqlState: 'XX000', message: 'server: internal error' };
  }
  const [status, errorCode, sqlState] = TABLE[error.code];
  const base = { status, errorCode, sqlState: sqlStateOf(error) ?? sqlState, message: error.message };
  if (error.code === 'RESOURCE_EXHAUSTED' && error.retryable) return { ...base, status: 429 };
  if (error.code === 'INVALID_ARGUMENT' && /\(MALFORMED_REQUEST\)$/.test(error.message)) return { ...base, errorCode: 'MALFORMED_REQUEST' };
  return base;
}

/** A more precise SQLSTATE where the message says which (syntax errors, missing columns). */
function sqlStateOf(error: LochError): string | undefined {
  if (error.code === 'SQL_ERROR' || error.code === 'INVALID_ARGUMENT') {
    if (/syntax error|parser error/i.test(error.message)) return '42601';
    if (/column .* (not found|does not exist)|Referenced column/i.test(error.message)) return '42703';
    if (/(TABLE_OR_VIEW_NOT_FOUND|Table with name .* does not exist)/.test(error.message)) return '42P01';
    if (/interrupted/i.test(error.message)) return '57014';
  }
  if (error.code === 'CONSTRAINT_VIOLATION' && /NOT NULL/i.test(error.message)) return '23502';
  return undefined;
}
