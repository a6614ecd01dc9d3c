import { readFileSync } from 'node:fs';
import type { Loch } from '../sql/loch.js';
import { splitStatements } from '../sql/parse/index.js';
import { parseArgs, type CliArgs } from './args.js';
import { endpointCommand } from './commands/endpoint-command.js';
import { evalCommand, parseEvalArgs, type EvalArgs } from './commands/eval-command.js';
import { importFile } from './commands/import-command.js';
import { secretCommand } from './commands/secret-command.js';
import { tokenCommand } from './commands/token-command.js';
import { volumeCommand } from './commands/volume-command.js';
import { HELP } from './help.js';
import { DEFAULT_LIMITS } from './output/writers.js';
import { ProgressLine } from './progress.js';
import { reportError } from './report-error.js';
import { runStatement } from './run-statement.js';
import { historyFile } from './shell/history.js';
import { runShell } from './shell/shell.js';
import { processTerminal, type Terminal } from './terminal.js';

/** The `loch` command. Returns the exit code: 0 success, 1 any error (reported on stderr). */
export async function main(argv: readonly string[], term: Terminal = processTerminal(), env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const debug = argv.includes('--debug');
  let loch: Loch | undefined;
  try {
    const args: CliArgs | EvalArgs = parseEvalArgs(argv, env) ?? parseArgs(argv, env);
    if (args.command.kind === 'help') {
      term.out(HELP);
      return 0;
    }
    if (args.command.kind === 'version') {
      term.out(`${version()}\n`);
      return 0;
    }
    // Loaded only now: --help and --version need neither DuckDB nor the metastore.
    const { Loch } = await import('../sql/loch.js');
    const { aiExtension } = await import('../ai/index.js');
    loch = await Loch.open({
      extensions: [aiExtension()],
      ...(args.options.warehouse !== undefined ? { warehouse: args.options.warehouse } : {}),
      ...(args.options.metastore !== undefined ? { metastore: args.options.metastore } : {}),
      // The server records audit events and lineage in system.access.*.
      ...(args.command.kind === 'serve' ? { governanceLog: true } : {}),
    });
    return await dispatch(loch, args, term);
  } catch (error) {
    return reportError(error, debug, term.err);
  } finally {
    await loch?.close();
  }
}

async function dispatch(loch: Loch, args: CliArgs | EvalArgs, term: Terminal): Promise<number> {
  const { command, options } = args;
  const progress = new ProgressLine({ write: term.err, enabled: term.stderrTty, columns: term.errColumns, percentage: () => loch.progress() });
  const limits = { maxRows: DEFAULT_LIMITS.maxRows, maxWidth: term.columns() };
  switch (command.kind) {
    case 'shell':
      return runShell(loch, { format: options.format, debug: options.debug, term, progress, historyFile: historyFile(), version: version() });
    case 'sql':
      for (const statement of splitStatements(command.query)) {
        await runStatement(loch, statement.text, { format: options.format, limits, timer: false, out: term.out, err: term.err, progress });
      }
      return 0;
    case 'import':
      term.out(await importFile(loch, command, progress));
      return 0;
    case 'volume':
      await volumeCommand(loch, command, { term, format: options.format, limits });
      return 0;
    case 'serve': {
      // Loaded only for serve: the HTTP stack is not needed by the other commands.
      const { serveCommand } = await import('./commands/serve-command.js');
      return serveCommand(loch, command, term);
    }
    case 'token':
      await tokenCommand(loch, command, { term, format: options.format, limits });
      return 0;
    case 'secret':
      await secretCommand(loch, command, { term, format: options.format, limits });
      return 0;
    case 'endpoint':
      await endpointCommand(loch, command, { term, format: options.format, limits });
      return 0;
    case 'eval':
      await evalCommand(loch, command, { term, format: options.format, limits });
      return 0;
    default:
      return 0;
  }
}

function version(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    return `loch ${pkg.version}`;
  } catch {
    return 'loch';
  }
}
