import { Hono } from 'hono';
import type { MiddlewareHandler } from 'hono';
import { filesApi } from '../files/routes.js';
import { icebergRestApi } from '../iceberg-rest/routes.js';
import { statementApi } from '../statements/routes.js';
import type { StatementRegistry } from '../statements/registry.js';
import { unityCatalogApi } from '../unity/routes.js';
import { limitBodies } from './body-limit.js';
import type { ApiDeps, ServerEnv } from './context.js';
import { ICEBERG_REST_PREFIX, errorResponse, failureResponse } from './error-shape.js';
import { requestLog } from './request-log.js';
import { servingEndpointsApi } from '../serving/endpoint-routes.js';
import { servingApi } from '../serving/invocation-routes.js';
import type { RequestLogger } from './request-log.js';
import { tokenApi } from './token-routes.js';
import { vectorSearchApi } from '../vector-search/routes.js';

const FILES_PREFIX = '/api/2.0/fs/files/';

export interface AppParts {
  readonly log: RequestLogger;
  readonly registry: StatementRegistry;
  /** Counts requests in flight, so a shutdown can wait for them. */
  readonly inFlight: InFlight;
}

/** Requests being handled now; `idle()` resolves when none are, or after `ms`. */
export class InFlight {
  private count = 0;
  private waiters: (() => void)[] = [];

  middleware(): MiddlewareHandler<ServerEnv> {
    return async (_c, next) => {
      this.count += 1;
      try {
        await next();
      } finally {
        this.count -= 1;
        if (this.count === 0) this.waiters.splice(0).forEach((w) => w());
      }
    };
  }

  async idle(ms: number): Promise<void> {
    if (this.count === 0) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([new Promise<void>((resolve) => this.waiters.push(resolve)), new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
    clearTimeout(timer);
  }
}

/**
 * The server's one HTTP application: request ids and the request log, the body limit (413 in
 * the shape of the API the path belongs to), `GET /health`, the APIs (statements, tokens, files, Iceberg REST, Unity Catalog, serving endpoints), JSON 404s for
 * unknown routes and one error handler for everything thrown (through errors.ts; never a stack
 * trace to the client, failures that are bugs go to the log).
 */
export function createApp(deps: ApiDeps, parts: AppParts): Hono<ServerEnv> {
  const app = new Hono<ServerEnv>();
  app.use('*', requestLog(parts.log, deps.clock, deps.ids));
  app.use('*', parts.inFlight.middleware());
  // File uploads stream to the volume under the Files API's own (much larger) limit.
  const limit = limitBodies(deps.maxBodyBytes);
  app.use('*', (c, next) => (c.req.path.startsWith(FILES_PREFIX) && c.req.method === 'PUT' ? next() : limit(c, next)));
  app.get('/health', (c) => c.json({ status: 'ok' }));
  app.route('/api/2.0/sql/statements', statementApi(deps, parts.registry));
  app.route('/api/2.0/token', tokenApi(deps));
  app.route('/api/2.0/fs', filesApi(deps));
  // Before Unity Catalog: its routes are under the same prefix and must win.
  app.route(ICEBERG_REST_PREFIX, icebergRestApi(deps));
  app.route('/api/2.1/unity-catalog', unityCatalogApi(deps));
  app.route('/api/2.0/serving-endpoints', servingEndpointsApi(deps));
  app.route('/serving-endpoints', servingApi(deps));
  app.route('/api/2.0/vector-search', vectorSearchApi(deps));
  app.notFound((c) => errorResponse(c, 404, 'ENDPOINT_NOT_FOUND', `http: no such endpoint: ${c.req.method} ${c.req.path.slice(0, 200)}`));
  app.onError((error, c) =>
    failureResponse(c, error, (bug) => {
      parts.log({
        time: new Date(deps.clock.now()).toISOString(),
        level: 'error',
        request_id: c.get('requestId') ?? null,
        error: bug instanceof Error ? (bug.stack ?? bug.message) : String(bug),
      });
    }),
  );
  return app;
}
