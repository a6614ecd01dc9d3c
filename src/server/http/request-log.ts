import type { ServerResponse } from 'node:http';
import type { Context, MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import type { Clock } from '../../core/clock.js';
import type { IdSource } from '../../core/ids.js';
import type { Caller, ServerEnv } from './context.js';

/** One structured log entry per request, or a server-side failure. */
export type RequestLogger = (entry: Record<string, unknown>) => void;

/** The default logger: one JSON object per line on stderr. */
export const stderrLogger: RequestLogger = (entry) => {
  process.stderr.write(`${JSON.stringify(entry)}\n`);
};

/**
 * Gives every request an id (`c.get('requestId')`, echoed as `x-request-id`) and logs one
 * object per request once its response has gone out (or the client went away): time (start),
 * request_id, principal (after authentication, else null), method, route (the matched route
 * template: neither ids, query strings nor link tokens are logged), status, ms (until the last
 * byte), bytes (written to the connection for this response, headers included; null without a
 * socket, as in `app.request()` tests), and `aborted: true` when the client left mid-response.
 * The Authorization header is never looked at here.
 */
export function requestLog(log: RequestLogger, clock: Clock, ids: IdSource): MiddlewareHandler<ServerEnv> {
  return async (c, next) => {
    const started = performance.now();
    const time = new Date(clock.now()).toISOString();
    const requestId = ids.uuid();
    c.set('requestId', requestId);
    const outgoing = (c.env as { outgoing?: ServerResponse } | undefined)?.outgoing;
    const socket = outgoing?.socket ?? undefined;
    const bytesBefore = socket?.bytesWritten ?? 0;
    try {
      await next();
    } finally {
      c.res.headers.set('x-request-id', requestId);
      const entry = (): Record<string, unknown> => ({
        time,
        request_id: requestId,
        principal: (c.get('caller') as Caller | undefined)?.principal.name ?? null,
        method: c.req.method,
        route: safeRoute(c),
        status: c.res.status,
        ms: Math.round((performance.now() - started) * 10) / 10,
      });
      if (outgoing === undefined || socket === undefined) log({ ...entry(), bytes: null });
      else {
        outgoing.once('close', () => {
          const aborted = !outgoing.writableFinished;
          log({ ...entry(), bytes: socket.bytesWritten - bytesBefore, ...(aborted ? { aborted } : {}) });
        });
      }
    }
  };
}

function safeRoute(c: Context): string {
  try {
    const path = routePath(c, -1);
    return path === '/*' || path === '*' ? '(unmatched)' : path;
  } catch {
    return '(unmatched)';
  }
}
