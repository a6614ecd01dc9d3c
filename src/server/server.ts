/**
 * `startServer`: one HTTP port for every REST API and, unless disabled, one PostgreSQL-protocol
 * port, over one Loch (which the caller opened and closes: the server never closes it).
 *
 * Mounted: `/api/2.0/sql/statements` (statement API), `/api/2.0/token` (tokens),
 * `/api/2.1/unity-catalog/iceberg-rest` (Iceberg REST catalog), `/api/2.1/unity-catalog` (Unity
 * Catalog), `/api/2.0/fs` (Files API), `/api/2.0/serving-endpoints` (model endpoints),
 * `/serving-endpoints` (invocations and the OpenAI-compatible base URL), `/api/2.0/vector-search`
 * (vector search indexes), `GET /health`. Slow clients are bounded (headers within 20 s, a whole request within
 * 60 s). `close()` stops accepting, stops the wire-protocol listener, cancels running statements
 * and releases results, waits a bounded time for requests in flight, closes every connection and
 * flushes `loch.audit`.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import { systemClock } from '../core/clock.js';
import type { Clock } from '../core/clock.js';
import { toLochError } from '../core/errors.js';
import { randomIds } from '../core/ids.js';
import type { IdSource } from '../core/ids.js';
import type { Loch } from '../sql/loch.js';
import { InFlight, createApp } from './http/app.js';
import type { ApiDeps } from './http/context.js';
import { stderrLogger } from './http/request-log.js';
import { startPgWire } from './pgwire/pg-server.js';
import { StatementRegistry } from './statements/registry.js';
import type { StatementLimits } from './statements/types.js';

export interface ServerOptions {
  readonly loch: Loch;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Default 8080; 0 = any free port (tests). */
  readonly port?: number;
  /** Default 5433; 0 = any; null = no wire-protocol listener. */
  readonly pgPort?: number | null;
  /** Structured request log; default JSON lines on stderr. */
  readonly log?: (entry: Record<string, unknown>) => void;
  /** Largest accepted request body (default 16 MiB); larger → 413. */
  readonly maxBodyBytes?: number;
  readonly clock?: Clock;
  readonly ids?: IdSource;
  /** Limits of the statement API (chunk sizes, open statements, expiry); see StatementLimits. */
  readonly statements?: Partial<StatementLimits>;
  /** How long `close()` waits for requests in flight before closing connections (default 5 s). */
  readonly shutdownGraceMs?: number;
}

export interface RunningServer {
  /** `http://host:port`, no trailing slash. */
  readonly url: string;
  /** The wire-protocol port, undefined when `pgPort` was null. */
  readonly pgPort: number | undefined;
  close(): Promise<void>;
}

const DEFAULT_BODY_BYTES = 16 * 1024 * 1024;
const HEADERS_TIMEOUT_MS = 20_000;
const REQUEST_TIMEOUT_MS = 30 * 60_000; // whole request incl. body: large volume uploads stream for minutes

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  const deps: ApiDeps = {
    loch: options.loch,
    clock: options.clock ?? systemClock,
    ids: options.ids ?? randomIds,
    maxBodyBytes: options.maxBodyBytes ?? DEFAULT_BODY_BYTES,
  };
  const registry = new StatementRegistry(deps, options.statements);
  const inFlight = new InFlight();
  const app = createApp(deps, { log: options.log ?? stderrLogger, registry, inFlight });
  const http = createAdaptorServer({ fetch: app.fetch, hostname: host }) as Server;
  http.headersTimeout = HEADERS_TIMEOUT_MS;
  http.requestTimeout = REQUEST_TIMEOUT_MS;
  let port: number;
  try {
    port = await listen(http, host, options.port ?? 8080);
  } catch (error) {
    await registry.shutdown();
    throw toLochError(error, 'STORAGE_ERROR', `server: cannot listen on ${host}:${options.port ?? 8080}`);
  }
  let pg: { readonly port: number; close(): Promise<void> } | undefined;
  try {
    pg = options.pgPort === null ? undefined : await startPgWire(deps, { host, port: options.pgPort ?? 5433 });
  } catch (error) {
    await stopHttp(http, registry, inFlight, 0);
    throw toLochError(error, 'STORAGE_ERROR', `server: cannot start the PostgreSQL listener on ${host}:${options.pgPort ?? 5433}`);
  }
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    pgPort: pg?.port,
    close: () => {
      closing ??= (async () => {
        const stopped = stopHttp(http, registry, inFlight, options.shutdownGraceMs ?? 5_000);
        await pg?.close();
        await stopped;
        await deps.loch.audit.flush();
      })();
      return closing;
    },
  };
}

function listen(http: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    http.once('error', reject);
    http.listen(port, host, () => {
      http.off('error', reject);
      resolve((http.address() as AddressInfo).port);
    });
  });
}

/** Stop accepting, cancel statements, let requests in flight finish (bounded), close every connection. */
async function stopHttp(http: Server, registry: StatementRegistry, inFlight: InFlight, graceMs: number): Promise<void> {
  const closed = new Promise<void>((resolve) => http.close(() => resolve()));
  http.closeIdleConnections();
  await registry.shutdown();
  await inFlight.idle(graceMs);
  http.closeAllConnections();
  await closed;
}
