/**
 * One Files API operation: runs a handler for the authenticated caller, answers a failure as
 * `{error_code, message}` with the status of its code (http/errors.ts), and records one audit
 * event per request (action = Databricks' operation name, e.g. `uploadFile`; the volume's full
 * name once resolved; the volume path as a parameter; the status). The governed catalog
 * records its own decisions besides. A failure that is not a LochError (a bug) is rethrown after
 * auditing, for the server's error handler to log and answer 500.
 */
import { auditRequest } from '../http/audit-request.js';
import type { Context, Handler } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { VolumeFile } from '../../catalog/catalog-types.js';
import { isLochError } from '../../core/errors.js';
import type { ApiDeps, ServerEnv } from '../http/context.js';
import { databricksErrorBody } from '../http/error-shape.js';
import { httpFailure } from '../http/errors.js';

/** What a handler tells the audit record: the volume file it acts on. */
export interface FilesAudit {
  target(file: VolumeFile): void;
}

export type FilesHandler = (c: Context<ServerEnv>, audit: FilesAudit) => Promise<Response>;

/** A hono handler running `handler` as the operation `action(c)` (which may depend on the method: GET or HEAD). */
export function filesOperation(deps: ApiDeps, action: (c: Context<ServerEnv>) => string, handler: FilesHandler): Handler<ServerEnv> {
  return async (c) => {
    let target: VolumeFile | undefined;
    const audit: FilesAudit = {
      target(file) {
        target = file;
      },
    };
    try {
      const response = await handler(c, audit);
      record(deps, c, action(c), response.status, target);
      return response;
    } catch (error) {
      const failure = httpFailure(error);
      record(deps, c, action(c), failure.status, target, failure.message);
      if (!isLochError(error)) throw error;
      return c.json(databricksErrorBody(failure.status, failure.errorCode, failure.message) as object, failure.status as ContentfulStatusCode);
    }
  };
}

function record(deps: ApiDeps, c: Context<ServerEnv>, action: string, statusCode: number, target: VolumeFile | undefined, errorMessage?: string): void {
  auditRequest(deps, c.get('caller'), {
    action,
    statusCode,
    ...(target === undefined ? {} : { objectType: 'VOLUME' as const, objectName: `${target.volume.catalog}.${target.volume.schema}.${target.volume.name}`, params: { path: target.path } }),
    ...(errorMessage === undefined ? {} : { errorMessage }),
  });
}
