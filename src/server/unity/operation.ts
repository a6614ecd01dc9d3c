/**
 * One Unity Catalog operation: runs a handler for the authenticated caller, answers its JSON
 * with 200, maps any failure through http/errors.ts to `{error_code, message}` with the status
 * of its code, and records one audit event per request (action = the spec's operationId, e.g.
 * `getTable`; object type and full name when known; status code; never bodies or tokens).
 * The governed catalog records its own decisions besides. A failure that is not a LochError (a
 * bug) is rethrown after auditing, for the server's error handler to log and answer 500.
 */
import { auditRequest } from '../http/audit-request.js';
import type { Context, Handler } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { AuditEvent } from '../../catalog/governance/governance-types.js';
import type { ApiDeps, ServerEnv } from '../http/context.js';
import { httpFailure } from '../http/errors.js';
import { isLochError } from '../../core/errors.js';
import { ucErrorBody } from './uc-errors.js';

type AuditObjectType = NonNullable<AuditEvent['objectType']>;

/** What a handler tells the audit record about the object it acts on. */
export interface AuditNote {
  object(type: AuditObjectType, name: string): void;
}

export type OperationHandler = (c: Context<ServerEnv>, audit: AuditNote) => Promise<unknown>;

/** A hono handler for `action` (audit name) that answers `handler`'s result as JSON. */
export function operation(deps: ApiDeps, action: string, handler: OperationHandler): Handler<ServerEnv> {
  return async (c) => {
    let objectType: AuditObjectType | undefined;
    let objectName: string | undefined;
    const note: AuditNote = {
      object(type, name) {
        objectType = type;
        objectName = name;
      },
    };
    try {
      const body = await handler(c, note);
      record(deps, c, action, 200, objectType, objectName);
      return c.json(body as object, 200);
    } catch (error) {
      const failure = httpFailure(error);
      record(deps, c, action, failure.status, objectType, objectName, failure.message);
      // A failure that is not a LochError is a bug: the server's error handler logs it and answers 500.
      if (!isLochError(error)) throw error;
      return c.json(ucErrorBody(failure.status, failure.errorCode, failure.message) as object, failure.status as ContentfulStatusCode);
    }
  };
}

function record(deps: ApiDeps, c: Context<ServerEnv>, action: string, statusCode: number, objectType?: AuditObjectType, objectName?: string, errorMessage?: string): void {
  auditRequest(deps, c.get('caller'), {
    action,
    statusCode,
    ...(objectType !== undefined ? { objectType } : {}),
    ...(objectName !== undefined ? { objectName } : {}),
    ...(errorMessage !== undefined ? { errorMessage } : {}),
  });
}
