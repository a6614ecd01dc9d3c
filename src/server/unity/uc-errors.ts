/**
 * Unity Catalog's error body and the failures its routes raise. The UC OpenAPI document has no
 * error schema; Databricks and the UC reference server answer `{"error_code", "message"}` with
 * the HTTP status of the code (see http/errors.ts for the one mapping from LochError codes).
 */
import { LochError } from '../../core/errors.js';
import type { ErrorBody } from '../http/context.js';

/** The body of every Unity Catalog error response. */
export interface UcErrorBody {
  readonly error_code: string;
  readonly message: string;
}

/** `ErrorBody` for shared middleware (authentication, body limit). */
export const ucErrorBody: ErrorBody = (_status, code, message): UcErrorBody => ({ error_code: code, message });

/** A request parameter that is malformed or out of range: 400 INVALID_PARAMETER_VALUE. */
export function invalidParameter(message: string, context: Record<string, unknown> = {}): LochError {
  return new LochError('INVALID_ARGUMENT', `unity catalog: ${message}`, { context });
}

/** A part of the Unity Catalog API that Loch does not offer: 501 NOT_IMPLEMENTED. */
export function notImplemented(message: string): LochError {
  return new LochError('NOT_IMPLEMENTED', `unity catalog: ${message}`);
}
