import { LochError } from '../core/errors.js';
import { OUTPUT_FORMATS, type OutputFormat } from './output/writers.js';
import { parseEndpointArgs, type EndpointCommand } from './commands/endpoint-command.js';
import { parseSecretArgs, type SecretCommand } from './commands/secret-command.js';

/** Options every command takes, before or after the command. */
export interface GlobalOptions {
  /** --warehouse, else LOCH_WAREHOUSE, else undefined (Loch's default ./lakehouse). */
  readonly warehouse?: string;
  /** --metastore, else LOCH_METASTORE. */
  readonly metastore?: string;
  readonly format: OutputFormat;
  readonly debug: boolean;
}

export type ImportMode = 'append' | 'overwrite';
export type FileFormat = 'csv' | 'json' | 'parquet';
export type VolumeAction = 'put' | 'get' | 'ls' | 'rm';
export type TokenAction = 'create' | 'list' | 'revoke';

export type Command =
  | { readonly kind: 'help' }
  | { readonly kind: 'version' }
  | { readonly kind: 'shell' }
  | { readonly kind: 'sql'; readonly query: string }
  | {
      readonly kind: 'import';
      readonly file: string;
      readonly table: string;
      readonly mode: ImportMode;
      readonly fileFormat?: FileFormat;
      /** --option key=value, passed to the reader (read_csv / read_json / read_parquet). */
      readonly readerOptions: Readonly<Record<string, string>>;
    }
  | { readonly kind: 'volume'; readonly action: VolumeAction; readonly paths: readonly string[]; readonly recursive: boolean }
  | ServeCommand
  | TokenCommand
  | SecretCommand
  | EndpointCommand;

/** `loch serve`: the HTTP port (default 8080) and the PostgreSQL port (default 5433; null = none). */
export interface ServeCommand {
  readonly kind: 'serve';
  readonly host: string;
  readonly port: number;
  readonly pgPort: number | null;
}

/** `loch token create|list|revoke`. */
export interface TokenCommand {
  readonly kind: 'token';
  readonly action: TokenAction;
  /** create/list: whose tokens (default: the CLI's own admin principal; list: everyone's). */
  readonly user?: string;
  readonly comment?: string;
  readonly lifetimeSeconds?: number;
  /** revoke: the token id. */
  readonly id?: string;
}

export interface CliArgs {
  readonly command: Command;
  readonly options: GlobalOptions;
}

/** Flags seen anywhere on the line; which command may use which is checked afterwards. */
interface Flags {
  warehouse?: string;
  metastore?: string;
  format?: OutputFormat;
  debug: boolean;
  help: boolean;
  version: boolean;
  mode?: string;
  fileFormat?: string;
  readerOptions: Record<string, string>;
  recursive: boolean;
  host?: string;
  port?: string;
  pgPort?: string;
  user?: string;
  comment?: string;
  lifetime?: string;
}

const COMMAND_FLAGS: Record<string, readonly (keyof Flags)[]> = {
  import: ['mode', 'fileFormat', 'readerOptions'],
  volume: ['recursive'],
  serve: ['host', 'port', 'pgPort'],
  token: ['user', 'comment', 'lifetime'],
};

/**
 * Parses the command line (global options may come before or after the command; `--` ends the
 * options; `--flag=value` and `--flag value` both work). Unknown flags, commands and misplaced
 * command options are INVALID_ARGUMENT naming them.
 */
export function parseArgs(argv: readonly string[], env: NodeJS.ProcessEnv = {}): CliArgs {
  const { flags, positional } = scanFlags(argv);
  const warehouse = flags.warehouse ?? nonEmpty(env['LOCH_WAREHOUSE']);
  const metastore = flags.metastore ?? nonEmpty(env['LOCH_METASTORE']);
  const options: GlobalOptions = {
    format: flags.format ?? 'table',
    debug: flags.debug,
    ...(warehouse !== undefined ? { warehouse } : {}),
    ...(metastore !== undefined ? { metastore } : {}),
  };
  if (flags.help) return { command: { kind: 'help' }, options };
  if (flags.version) return { command: { kind: 'version' }, options };
  const command = toCommand(positional, flags);
  checkCommandFlags(command.kind, flags);
  return { command, options };
}

function scanFlags(argv: readonly string[]): { flags: Flags; positional: string[] } {
  const flags: Flags = { debug: false, help: false, version: false, readerOptions: {}, recursive: false };
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] as string;
    if (arg === '--') {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positional.push(arg);
      continue;
    }
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    const value = (): string => {
      const v = eq > 0 ? arg.slice(eq + 1) : argv[++i];
      if (v === undefined) throw new LochError('INVALID_ARGUMENT', `cli: ${flag} needs a value (see loch --help)`);
      return v;
    };
    applyFlag(flags, flag, value);
  }
  return { flags, positional };
}

function applyFlag(flags: Flags, flag: string, value: () => string): void {
  switch (flag) {
    case '--warehouse':
    case '-w':
      flags.warehouse = value();
      return;
    case '--metastore':
      flags.metastore = value();
      return;
    case '--format':
    case '-f':
      flags.format = outputFormat(value());
      return;
    case '--debug':
      flags.debug = true;
      return;
    case '--help':
    case '-h':
      flags.help = true;
      return;
    case '--version':
    case '-v':
      flags.version = true;
      return;
    case '--mode':
      flags.mode = value();
      return;
    case '--file-format':
      flags.fileFormat = value();
      return;
    case '--option':
    case '-o':
      addReaderOption(flags.readerOptions, value());
      return;
    case '-r':
    case '--recursive':
      flags.recursive = true;
      return;
    case '--host':
      flags.host = value();
      return;
    case '--port':
      flags.port = value();
      return;
    case '--pg-port':
      flags.pgPort = value();
      return;
    case '--user':
      flags.user = value();
      return;
    case '--comment':
      flags.comment = value();
      return;
    case '--lifetime':
      flags.lifetime = value();
      return;
    default:
      throw new LochError('INVALID_ARGUMENT', `cli: unknown option ${flag} (see loch --help)`);
  }
}

function toCommand(positional: readonly string[], flags: Flags): Command {
  const [name, ...rest] = positional;
  if (name === undefined) return { kind: 'shell' };
  if (name === 'help') return { kind: 'help' };
  if (name === 'version') return { kind: 'version' };
  if (name === 'sql') {
    if (rest.length > 1) throw new LochError('INVALID_ARGUMENT', 'cli: loch sql takes the SQL as one argument (quote it)');
    return rest[0] === undefined ? { kind: 'shell' } : { kind: 'sql', query: rest[0] };
  }
  if (name === 'import') return importCommand(rest, flags);
  if (name === 'volume') return volumeCommand(rest, flags);
  if (name === 'serve') return serveCommand(rest, flags);
  if (name === 'token') return tokenCommand(rest, flags);
  if (name === 'secret') return parseSecretArgs(rest);
  if (name === 'endpoint') return parseEndpointArgs(rest);
  throw new LochError('INVALID_ARGUMENT', `cli: unknown command '${name}' (commands: sql, import, volume, serve, token, secret, endpoint; see loch --help)`);
}

function serveCommand(rest: readonly string[], flags: Flags): ServeCommand {
  if (rest.length > 0) throw new LochError('INVALID_ARGUMENT', 'cli: usage: loch serve [--host H] [--port N] [--pg-port N|off]');
  const pgPort = flags.pgPort === undefined ? 5433 : flags.pgPort.toLowerCase() === 'off' ? null : portNumber('--pg-port', flags.pgPort);
  return { kind: 'serve', host: flags.host ?? '127.0.0.1', port: flags.port === undefined ? 8080 : portNumber('--port', flags.port), pgPort };
}

function portNumber(flag: string, text: string): number {
  const port = /^\d{1,5}$/.test(text) ? Number(text) : NaN;
  if (!(port >= 0 && port <= 65535)) throw new LochError('INVALID_ARGUMENT', `cli: ${flag} must be a port number 0–65535, not '${text}'`);
  return port;
}

function tokenCommand(rest: readonly string[], flags: Flags): TokenCommand {
  const [action, ...args] = rest;
  const usage = 'cli: usage: loch token create [--user NAME] [--comment C] [--lifetime SECONDS] | list [--user NAME] | revoke <token id>';
  if (action === 'create' && args.length === 0) {
    const lifetime = flags.lifetime === undefined ? undefined : /^\d{1,10}$/.test(flags.lifetime) && Number(flags.lifetime) > 0 ? Number(flags.lifetime) : NaN;
    if (Number.isNaN(lifetime)) throw new LochError('INVALID_ARGUMENT', `cli: --lifetime must be a positive number of seconds, not '${flags.lifetime}'`);
    return {
      kind: 'token',
      action,
      ...(flags.user === undefined ? {} : { user: flags.user }),
      ...(flags.comment === undefined ? {} : { comment: flags.comment }),
      ...(lifetime === undefined ? {} : { lifetimeSeconds: lifetime }),
    };
  }
  if (action === 'list' && args.length === 0 && flags.comment === undefined && flags.lifetime === undefined) {
    return { kind: 'token', action, ...(flags.user === undefined ? {} : { user: flags.user }) };
  }
  if (action === 'revoke' && args.length === 1 && flags.user === undefined && flags.comment === undefined && flags.lifetime === undefined) {
    return { kind: 'token', action, id: args[0] as string };
  }
  throw new LochError('INVALID_ARGUMENT', usage);
}

function importCommand(rest: readonly string[], flags: Flags): Command {
  const [file, table, ...extra] = rest;
  if (file === undefined || table === undefined || extra.length > 0) {
    throw new LochError('INVALID_ARGUMENT', 'cli: usage: loch import <file.csv|.json|.ndjson|.parquet> <table> [--mode append|overwrite]');
  }
  const mode = flags.mode ?? 'append';
  if (mode !== 'append' && mode !== 'overwrite') throw new LochError('INVALID_ARGUMENT', `cli: --mode must be append or overwrite, not '${mode}'`);
  const fileFormat = flags.fileFormat;
  if (fileFormat !== undefined && fileFormat !== 'csv' && fileFormat !== 'json' && fileFormat !== 'parquet') {
    throw new LochError('INVALID_ARGUMENT', `cli: --file-format must be csv, json or parquet, not '${fileFormat}'`);
  }
  return { kind: 'import', file, table, mode, readerOptions: flags.readerOptions, ...(fileFormat !== undefined ? { fileFormat } : {}) };
}

const VOLUME_ARITY: Record<VolumeAction, number> = { put: 2, get: 2, ls: 1, rm: 1 };

function volumeCommand(rest: readonly string[], flags: Flags): Command {
  const [action, ...paths] = rest;
  if (action !== 'put' && action !== 'get' && action !== 'ls' && action !== 'rm') {
    throw new LochError('INVALID_ARGUMENT', `cli: usage: loch volume put|get|ls|rm … (got '${action ?? ''}'; see loch --help)`);
  }
  if (paths.length !== VOLUME_ARITY[action]) {
    const usage = { put: '<local file> </Volumes/c/s/v/path>', get: '</Volumes/c/s/v/path> <local file | ->', ls: '</Volumes/c/s/v[/path]>', rm: '</Volumes/c/s/v/path> [-r]' }[action];
    throw new LochError('INVALID_ARGUMENT', `cli: usage: loch volume ${action} ${usage}`);
  }
  if (flags.recursive && action !== 'rm') throw new LochError('INVALID_ARGUMENT', `cli: -r applies to loch volume rm only`);
  return { kind: 'volume', action, paths, recursive: flags.recursive };
}

function checkCommandFlags(kind: Command['kind'], flags: Flags): void {
  for (const [command, names] of Object.entries(COMMAND_FLAGS)) {
    if (command === kind) continue;
    for (const name of names) {
      const value = flags[name];
      const given = name === 'readerOptions' ? Object.keys(flags.readerOptions).length > 0 : name === 'recursive' ? value === true : value !== undefined;
      if (given) throw new LochError('INVALID_ARGUMENT', `cli: ${flagName(name)} applies to loch ${command} only`);
    }
  }
}

function flagName(name: keyof Flags): string {
  const names: Record<string, string> = {
    mode: '--mode', fileFormat: '--file-format', readerOptions: '--option', recursive: '-r',
    host: '--host', port: '--port', pgPort: '--pg-port', user: '--user', comment: '--comment', lifetime: '--lifetime',
  };
  return names[name] ?? name;
}

function outputFormat(text: string): OutputFormat {
  const f = text.toLowerCase() === 'box' ? 'table' : text.toLowerCase();
  if (!OUTPUT_FORMATS.includes(f as OutputFormat)) throw new LochError('INVALID_ARGUMENT', `cli: unknown format '${text}' (expected ${OUTPUT_FORMATS.join(', ')})`);
  return f as OutputFormat;
}

function addReaderOption(options: Record<string, string>, text: string): void {
  const eq = text.indexOf('=');
  const key = eq > 0 ? text.slice(0, eq).trim() : '';
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) throw new LochError('INVALID_ARGUMENT', `cli: --option takes key=value with a plain key, e.g. --option delim=';' (got '${text}')`);
  options[key.toLowerCase()] = text.slice(eq + 1);
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
