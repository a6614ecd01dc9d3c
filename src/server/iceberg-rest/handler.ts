/**
 * The frame of every Iceberg REST handler: the caller (set by the auth middleware), the catalog
 * the path prefix names, and one place where failures become Iceberg error responses.
 */
import type { Context, Handler } from 'hono';
import type { Catalog } from '../../catalog/catalog-types.js';
import { isLochError } from '../../core/errors.js';
import type { ApiDeps, Caller, ServerEnv } from '../http/context.js';
import type { Subject } from './errors.js';
import { IcebergRestError, failureResponse, icebergFailure } from './errors.js';
import { catalogOf } from './identifiers.js';

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

/** Wraps `fn`: failures (thrown) are answered as IcebergErrorResponse about `subject`. */
export function handler(deps: ApiDeps, subject: Subject, fn: RestHandler): Handler<ServerEnv> {
  return async (c) => {
    try {
      const caller = c.get('caller');
      return await fn(c, { deps, caller, catalog: caller.catalog, warehouse: catalogOf(c) });
    } catch (error) {
      // Anything else is a bug: the server's error handler logs it and answers a generic 500.
      if (!(error instanceof IcebergRestError) && !isLochError(error)) throw error;
      return failureResponse(c, icebergFailure(error, subject));
    }
  };
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
