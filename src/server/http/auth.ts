import type { Context, MiddlewareHandler } from 'hono';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { RequestContext } from '../../catalog/governance/governance-types.js';
import type { ApiDeps, Caller, ErrorBody, ServerEnv } from './context.js';

/**
 * Authentication for every HTTP API: `Authorization: Bearer <personal access token>` (the only
 * scheme; Databricks clients and iceberg-js send it). A missing, malformed, unknown, revoked or
 * expired token is 401 in the API's own error shape and an audit event with principal
 * `anonymous`; the token itself is never logged or audited. On success `c.get('caller')` holds
 * the principal, its governed catalog and a session factory.
 */
export function authenticate(deps: ApiDeps, service: string, errorBody: ErrorBody): MiddlewareHandler<ServerEnv> {
  return async (c, next) => {
    const request = requestContext(c, deps, service);
    const token = bearerToken(c.req.header('authorization'));
    const principal = token === undefined ? undefined : await deps.loch.authenticate(token);
    if (principal === undefined) {
      const message = token === undefined ? 'auth: missing bearer token (Authorization: Bearer <token>)' : 'auth: invalid, revoked or expired token';
      deps.loch.audit.record({
        time: deps.clock.now(),
        request,
        principal: 'anonymous',
        action: 'authenticate',
        allowed: false,
        statusCode: 401,
        errorMessage: message,
      });
      return c.json(errorBody(401, 'UNAUTHENTICATED', message) as object, 401);
    }
    const caller: Caller = {
      principal,
      request,
      catalog: deps.loch.catalogFor(principal, request),
      session: (options = {}) => deps.loch.session({ ...options, principal, request }),
    };
    c.set('caller', caller);
    await next();
  };
}

/** The token of an `Authorization: Bearer …` header, or undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const match = /^Bearer\s+(\S{1,512})\s*$/i.exec(header);
  return match?.[1];
}

function requestContext(c: Context<ServerEnv>, deps: ApiDeps, service: string): RequestContext {
  let requestId = c.get('requestId');
  if (requestId === undefined) {
    requestId = deps.ids.uuid();
    c.set('requestId', requestId);
  }
  const userAgent = c.req.header('user-agent');
  const sourceIp = remoteAddress(c);
  return {
    requestId,
    service,
    ...(sourceIp === undefined ? {} : { sourceIp }),
    ...(userAgent === undefined ? {} : { userAgent: userAgent.slice(0, 256) }),
  };
}

function remoteAddress(c: Context<ServerEnv>): string | undefined {
  try {
    return getConnInfo(c).remote.address;
  } catch {
    // app.request() in tests has no socket.
    return undefined;
  }
}
