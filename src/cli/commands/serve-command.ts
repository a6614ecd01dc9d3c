import type { Loch } from '../../sql/loch.js';
import { startServer } from '../../server/server.js';
import type { ServeCommand } from '../args.js';
import type { Terminal } from '../terminal.js';

/** Waits for the signal that ends the server; tests inject their own. */
export type StopSignal = () => Promise<string>;

/** SIGINT or SIGTERM, whichever comes first (the handlers are removed afterwards). */
export const processStopSignal: StopSignal = () =>
  new Promise((resolve) => {
    const onSignal = (signal: string): void => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      resolve(signal);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });

/**
 * `loch serve`: starts the server over `loch` (opened by the caller with `governanceLog: true`),
 * prints where each interface is on stdout, runs until SIGINT/SIGTERM, then shuts down
 * gracefully (statements cancelled, connections closed, audit flushed). Request logs are JSON
 * lines on stderr. Returns the exit code (0); the caller closes the Loch afterwards.
 */
export async function serveCommand(loch: Loch, command: ServeCommand, term: Terminal, stop: StopSignal = processStopSignal): Promise<number> {
  // Listening for the signal first: a SIGTERM during startup still ends in a clean shutdown.
  const stopped = stop();
  const server = await startServer({ loch, host: command.host, port: command.port, pgPort: command.pgPort });
  term.out(describe(loch, server.url, command.host, server.pgPort));
  const signal = await stopped;
  term.err(`${signal}: shutting down\n`);
  await server.close();
  term.err('loch server stopped\n');
  return 0;
}

function describe(loch: Loch, url: string, host: string, pgPort: number | undefined): string {
  const pgHost = host.includes(':') ? `[${host}]` : host;
  const lines = [
    `Loch server on warehouse ${loch.warehouse}`,
    `  HTTP              ${url}  (GET /health)`,
    `  SQL statements    ${url}/api/2.0/sql/statements`,
    `  Unity Catalog     ${url}/api/2.1/unity-catalog`,
    `  Iceberg REST      ${url}/api/2.1/unity-catalog/iceberg-rest  (catalog URI)`,
    `  Files             ${url}/api/2.0/fs`,
    `  Model endpoints   ${url}/api/2.0/serving-endpoints  (invocations: ${url}/serving-endpoints/<name>/invocations)`,
    `  OpenAI-compatible ${url}/serving-endpoints  (base URL for OpenAI SDKs; model = endpoint or agent name)`,
    `  Vector search     ${url}/api/2.0/vector-search/indexes  (query: …/indexes/<name>/query)`,
    `  Tokens            ${url}/api/2.0/token`,
    pgPort === undefined ? '  PostgreSQL        off' : `  PostgreSQL        ${pgHost}:${pgPort}  (user token, password: an access token)`,
    'Authenticate with a personal access token: loch token create [--user NAME]',
    'Stop with Ctrl-C (SIGINT) or SIGTERM.',
  ];
  return `${lines.join('\n')}\n`;
}
