/**
 * One serving operation: runs a handler for the authenticated caller and answers its Response;
 * any failure goes through servingFailure to the route's error shape (Databricks' or OpenAI's),
 * with `Retry-After` when the provider gave one. Auditing, through the server's one helper:
 * management operations record every request (action = Databricks' operation name, object =
 * the endpoint's full name); invocations record only refusals (401/403), because every model
 * call is recorded in the inference log already and the audit log must stay readable.
 * A failure that is not a LochError (a bug) is rethrown for the server's handler to log (500).
 */
import type { Context, Handler } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { isLochError } from '../../core/errors.js';
import { auditRequest } from '../http/audit-request.js';
import type { ApiDeps, ErrorBody, ServerEnv } from '../http/context.js';
import { servingFailure } from './serving-failure.js';

/** Lets a handler name the endpoint it acts on, for the audit record. */
export interface EndpointNote {
  endpoint(fullName: string): void;
}

export interface AnswerOptions {
  /** Audit action, e.g. `createServingEndpoint`. */
  readonly action: string;
  readonly errorBody: ErrorBody;
  /** Audit every request (management) or only refusals (invocations). */
  readonly auditAll: boolean;
}

export type ServingHandler = (c: Context<ServerEnv>, note: EndpointNote) => Promise<Response>;

export function answer(deps: ApiDeps, options: AnswerOptions, handler: ServingHandler): Handler<ServerEnv> {
  return async (c) => {
    let objectName: string | undefined;
    const note: EndpointNote = { endpoint: (name) => void (objectName = name) };
    try {
      const response = await handler(c, note);
      if (options.auditAll) record(deps, c, options.action, 200, objectName);
      return response;
    } catch (error) {
      const failure = servingFailure(error);
      if (options.auditAll || failure.status === 401 || failure.status === 403) record(deps, c, options.action, failure.status, objectName, failure.message);
      if (!isLochError(error)) throw error;
      if (failure.retryAfterSeconds !== undefined) c.header('retry-after', String(failure.retryAfterSeconds));
      return c.json(options.errorBody(failure.status, failure.errorCode, failure.message) as object, failure.status as ContentfulStatusCode);
    }
  };
}

function record(deps: ApiDeps, c: Context<ServerEnv>, action: string, statusCode: number, objectName?: string, errorMessage?: string): void {
  auditRequest(deps, c.get('caller'), {
    action,
    statusCode,
    ...(objectName === undefined ? {} : { objectType: 'MODEL_ENDPOINT' as const, objectName }),
    ...(errorMessage === undefined ? {} : { errorMessage }),
  });
}
