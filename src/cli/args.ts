import { LochError } from '../core/errors.js';
import type { OutputFormat } from './output/writers.js';

export interface CliArgs {
  readonly command: 'sql' | 'help' | 'version';
  readonly query?: string;
  readonly format: OutputFormat;
  readonly warehouse?: string;
  readonly debug: boolean;
}

const FORMATS: readonly OutputFormat[] = ['table', 'json', 'csv'];

export function parseArgs(argv: readonly string[]): CliArgs {
  let format: OutputFormat = 'table';
  let warehouse: string | undefined;
  let debug = false;
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] as string;
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new LochError('INVALID_ARGUMENT', `cli: ${flag} needs a value`);
      return v;
    };
    if (flag === '--format' || flag === '-f') {
      const f = value();
      if (!FORMATS.includes(f as OutputFormat)) throw new LochError('INVALID_ARGUMENT', `cli: unknown format '${f}' (expected ${FORMATS.join(', ')})`);
      format = f as OutputFormat;
    } else if (flag === '--warehouse' || flag === '-w') warehouse = value();
    else if (flag === '--debug') debug = true;
    else if (flag === '--help' || flag === '-h') return { command: 'help', format, debug };
    else if (flag === '--version' || flag === '-v') return { command: 'version', format, debug };
    else if (flag.startsWith('-') && flag !== '-') throw new LochError('INVALID_ARGUMENT', `cli: unknown option ${flag} (see loch --help)`);
    else positional.push(arg);
  }
  const [command, ...rest] = positional;
  if (command === undefined || command === 'help') return { command: 'help', format, debug };
  if (command !== 'sql') throw new LochError('INVALID_ARGUMENT', `cli: unknown command '${command}' (see loch --help)`);
  if (rest.length > 1) throw new LochError('INVALID_ARGUMENT', 'cli: give the query as one argument (quote it)');
  return { command: 'sql', ...(rest[0] !== undefined ? { query: rest[0] } : {}), format, ...(warehouse !== undefined ? { warehouse } : {}), debug };
}

export const HELP = `loch — a lakehouse for TypeScript and Node.js

Usage:
  loch sql "<query>"        run SQL (several statements separated by ';' run in order)
  loch sql                  open the interactive SQL shell (history in ~/.loch_history)

Options:
  --format table|json|csv   output format (default: table)
  --warehouse <dir>         the embedded warehouse folder (default: ./lakehouse)
  --debug                   print stack traces of errors
  --help, --version

Delta tables by path:  delta.\`/path\` [VERSION AS OF n | TIMESTAMP AS OF '<iso>'],
  delta_scan('/path' [, version => n] [, timestamp => '<iso>']),
  table_changes('/path', start [, end]), DESCRIBE HISTORY delta.\`/path\`, DESCRIBE DETAIL delta.\`/path\`
`;
