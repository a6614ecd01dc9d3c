/**
 * The frame of every Iceberg REST handler: the caller (set by the auth middleware), the catalog
 * the path prefix names, one place where failures become Iceberg error responses, and one audit
 * event per request (action = the spec's operationId, the object its path names, the status;
 * never bodies or tokens), as the Unity Catalog API records them. The governed catalog records
 * its own privilege decisions besides.
 */
import { auditRequest } from '../http/audit-request.js';
import type { Context, Handler } from 'hono';
import type { Catalog } from '../../catalog/catalog-types.js';
import type { AuditEvent } from '../../catalog/governance/governance-types.js';
import { isLochError } from '../../core/errors.js';
import type { ApiDeps, Caller, ServerEnv } from '../http/context.js';
import type { Subject } from './errors.js';
import { IcebergRestError, failureResponse, icebergFailure } from './errors.js';
import { DEFAULT_CATALOG, catalogOf, printable } from './identifiers.js';

/** What a handler works with besides the hono context. */
export interface RestContext {
  readonly deps: ApiDeps;
  readonly caller: Caller;
  /** The caller's governed catalog service. */
  readonly catalog: Catalog;
  /** The Loch catalog the request addresses (its prefix, or `main`). */
  readonly warehouse: string;
}

export type RestHandler = (c: Context<ServerEnv>, rc: RestContext) => Promise<Response>;

/** hono answers HEAD with the GET route: the existence checks are audited by their own names. */
const HEAD_OPERATIONS: Readonly<Record<string, string>> = {
  loadNamespaceMetadata: 'namespaceExists',
  loadTable: 'tableExists',
  loadView: 'viewExists',
};

/**
 * Wraps `fn` for the operation `operationId`: failures (thrown) are answered as
 * IcebergErrorResponse about `subject`; anything that is neither a LochError nor an
 * IcebergRestError is a bug and goes to the server's error handler (logged, generic 500).
 */
export function handler(deps: ApiDeps, subject: Subject, operationId: string, fn: RestHandler): Handler<ServerEnv> {
  return async (c) => {
    const action = c.req.method === 'HEAD' ? (HEAD_OPERATIONS[operationId] ?? operationId) : operationId;
    try {
      const caller = c.get('caller');
      const response = await fn(c, { deps, caller, catalog: caller.catalog, warehouse: catalogOf(c) });
      record(deps, c, action, response.status);
      return response;
    } catch (error) {
      if (!(error instanceof IcebergRestError) && !isLochError(error)) {
        record(deps, c, action, 500, 'server: internal error');
        throw error;
      }
      const failure = icebergFailure(error, subject);
      record(deps, c, action, failure.status, failure.message);
      return failureResponse(c, failure);
    }
  };
}

function record(deps: ApiDeps, c: Context<ServerEnv>, action: string, statusCode: number, errorMessage?: string): void {
  const object = objectOf(c);
  auditRequest(deps, c.get('caller'), {
    action,
    statusCode,
    ...(object === undefined ? {} : { objectType: object.type, objectName: object.name }),
    ...(errorMessage === undefined ? {} : { errorMessage }),
  });
}

/** The object the path names, as written (bounded, control characters escaped). */
function objectOf(c: Context): { readonly type: NonNullable<AuditEvent['objectType']>; readonly name: string } | undefined {
  const part = (name: string) => {
    const value = c.req.param(name);
    return value === undefined ? undefined : printable(value).slice(0, 256);
  };
  const catalog = part('prefix') ?? c.req.query('warehouse')?.slice(0, 256) ?? DEFAULT_CATALOG;
  const namespace = part('namespace');
  const leaf = part('table') ?? part('view');
  if (namespace === undefined) return c.req.param('prefix') === undefined && c.req.query('warehouse') === undefined ? undefined : { type: 'CATALOG', name: catalog };
  if (leaf === undefined) return { type: 'SCHEMA', name: `${catalog}.${namespace}` };
  return { type: 'TABLE', name: `${catalog}.${namespace}.${leaf}` };
}

/** A JSON response (content type application/json, as iceberg-js requires to read it). */
export function json(c: Context, body: unknown, status: 200 | 201 = 200): Response {
  return c.body(JSON.stringify(body), status, { 'content-type': 'application/json' });
}

/** A JSON response whose text is already serialised (exact numbers). */
export function jsonText(c: Context, text: string, headers: Record<string, string> = {}): Response {
  return c.body(text, 200, { ...headers, 'content-type': 'application/json' });
}

/** 204 without a body. */
export function noContent(c: Context): Response {
  return c.body(null, 204);
}
