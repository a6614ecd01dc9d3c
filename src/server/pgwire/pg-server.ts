/**
 * The PostgreSQL wire protocol (v3) listener: psql, libpq, node-postgres and other drivers
 * talk to Loch as if it were a PostgreSQL 15 server. Every connection authenticates with a
 * personal access token as its password and gets one LochSession acting as the token's
 * principal, so every statement is governed like any other door into Loch.
 *
 * Limits: messages above `maxMessageBytes` (default 64 MiB) end the connection with FATAL
 * 08P01; beyond `maxConnections` (default 100) authenticating connections are refused with
 * FATAL 53300; at most 64 open portals per connection.
 */
import { createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import { systemRandom } from '../../core/random.js';
import type { Random } from '../../core/random.js';
import type { ApiDeps } from '../http/context.js';
import { CancelRegistry } from './cancel.js';
import { errorResponse } from './codec.js';
import { PgConnection } from './connection.js';
import type { ServerContext } from './connection.js';
import { PgCatalogEmulation } from './pg-catalog.js';

export interface PgWireOptions {
  readonly host: string;
  /** 0 = any free port. */
  readonly port: number;
  readonly maxConnections?: number;
  readonly maxMessageBytes?: number;
  /** Randomness for cancel keys (default: node:crypto). */
  readonly random?: Random;
  /** Internal errors (bugs) are logged here; default JSON lines on stderr. */
  readonly log?: (entry: Record<string, unknown>) => void;
}

export interface RunningPgWire {
  readonly port: number;
  /** Stops listening, ends every connection (FATAL 57P01) and releases their sessions. */
  close(): Promise<void>;
}

const DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

/** Starts the listener; resolves once it accepts connections. */
export async function startPgWire(deps: ApiDeps, options: PgWireOptions): Promise<RunningPgWire> {
  const connections = new Set<PgConnection>();
  let admitted = 0;
  const maxConnections = options.maxConnections ?? 100;
  const catalog = new PgCatalogEmulation(deps.ids);
  const ctx: ServerContext = {
    deps,
    cancels: new CancelRegistry(options.random ?? systemRandom),
    catalog,
    maxMessageBytes: options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES,
    maxPortals: 64,
    admit: () => {
      if (admitted >= maxConnections) return false;
      admitted += 1;
      return true;
    },
    release: () => {
      admitted -= 1;
    },
    log: options.log ?? ((entry) => process.stderr.write(`${JSON.stringify(entry)}\n`)),
  };
  const server = createServer((socket: Socket) => {
    const connection = new PgConnection(ctx, socket);
    connections.add(connection);
    socket.on('close', () => {
      void connection.teardown().finally(() => connections.delete(connection));
    });
  });
  await listen(server, options.host, options.port);
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : options.port;
  return {
    port,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      const ending = [...connections].map(async (c) => {
        c.socket.end(errorResponse({ severity: 'FATAL', code: '57P01', message: 'terminating connection due to administrator command' }));
        c.socket.destroySoon();
        await c.teardown();
      });
      await Promise.all(ending);
      await closed;
      await catalog.close();
    },
  };
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
