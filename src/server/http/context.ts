/**
 * What every HTTP handler of the server knows about its request: who calls (resolved from the
 * bearer token by the auth middleware) and where from. Handlers never look at headers for
 * identity themselves, so one piece of code decides authentication for every API.
 */
import type { Catalog } from '../../catalog/catalog-types.js';
import type { Principal, RequestContext } from '../../catalog/governance/governance-types.js';
import type { LochSession, SessionOptions } from '../../sql/loch.js';

export interface Caller {
  readonly principal: Principal;
  readonly request: RequestContext;
  /** The catalog as the caller sees it (governed, audited with `request`). */
  readonly catalog: Catalog;
  /** A new SQL session acting as the caller. */
  session(options?: Omit<SessionOptions, 'principal' | 'request'>): LochSession;
}

/** Hono's environment type for every Loch route: `c.get('caller')` after the auth middleware. */
export interface ServerEnv {
  Variables: {
    caller: Caller;
    requestId: string;
  };
}

/**
 * How one API spells an error body (Unity Catalog and the statement API use
 * `{error_code, message}`, Iceberg REST `{error: {message, type, code}}`): shared middleware
 * (authentication, body limits, JSON parsing) answers in the API's own shape.
 */
export type ErrorBody = (status: number, code: string, message: string) => unknown;

/** What every API's routes are built from. */
export interface ApiDeps {
  readonly loch: import('../../sql/loch.js').Loch;
  readonly clock: import('../../core/clock.js').Clock;
  readonly ids: import('../../core/ids.js').IdSource;
  /** Largest accepted request body in bytes (default 16 MiB); larger → 413. */
  readonly maxBodyBytes: number;
}
