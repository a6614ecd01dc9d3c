import { readFile } from 'node:fs/promises';
import { LochError, toLochError } from '../../core/errors.js';
import type { Loch } from '../../sql/loch.js';
import { dotHelpLines } from '../help.js';
import { parseDottedName, sqlName } from '../names.js';
import { OUTPUT_FORMATS, type OutputFormat } from '../output/writers.js';
import type { Terminal } from '../terminal.js';
import type { NameCache } from './name-cache.js';
import type { ShellSettings } from './settings.js';

/** What a dot command may touch. */
export interface DotContext {
  readonly loch: Loch;
  readonly settings: ShellSettings;
  readonly names: NameCache;
  readonly term: Terminal;
  /** Runs a script (statements and dot commands) as if typed; false when any part failed. */
  runScript(text: string): Promise<boolean>;
}

/** 'failed': something failed and was reported already (a statement of .read). */
export type DotOutcome = 'ok' | 'quit' | 'failed';

type Handler = (args: string[], rest: string, context: DotContext) => Promise<DotOutcome | void>;

const HANDLERS: Record<string, Handler> = {
  help: async (_a, _r, c) => c.term.out(`Dot commands (SQL statements end with ';'):\n${dotHelpLines()}`),
  quit: async () => 'quit',
  exit: async () => 'quit',
  format: async (a, _r, c) => void (c.settings.format = formatArgument(a)),
  mode: async (a, _r, c) => void (c.settings.format = formatArgument(a)),
  timer: async (a, _r, c) => void (c.settings.timer = onOff(a)),
  maxrows: async (a, _r, c) => void (c.settings.maxRows = count(a, '.maxrows')),
  maxwidth: async (a, _r, c) => void (c.settings.maxWidth = count(a, '.maxwidth')),
  tables: async (a, _r, c) => printNames(c, filter(await tables(c), a[0])),
  schemas: async (_a, _r, c) => printNames(c, (await c.loch.catalog.listSchemas(c.settings.catalog)).map((s) => s.name)),
  catalogs: async (_a, _r, c) => printNames(c, (await c.loch.catalog.listCatalogs()).map((s) => s.name)),
  volumes: async (_a, _r, c) => printNames(c, (await c.loch.catalog.listVolumes(c.settings.catalog, c.settings.schema)).map((v) => v.name)),
  use: async (_a, rest, c) => use(rest, c),
  read: async (_a, rest, c) => read(rest, c),
};

/**
 * Runs one dot-command line. Bad commands and arguments throw INVALID_ARGUMENT ("shell: …");
 * the shell reports them like failed statements.
 */
export async function runDotCommand(line: string, context: DotContext): Promise<DotOutcome> {
  const match = /^\.(\S*)\s*(.*)$/s.exec(line.trim());
  const name = (match?.[1] ?? '').toLowerCase();
  const rest = (match?.[2] ?? '').trim();
  const handler = HANDLERS[name];
  if (handler === undefined) throw new LochError('INVALID_ARGUMENT', `shell: unknown command .${name} (see .help)`);
  const args = rest === '' ? [] : rest.split(/\s+/);
  return (await handler(args, rest, context)) ?? 'ok';
}

function formatArgument(args: readonly string[]): OutputFormat {
  const f = (args[0] ?? '').toLowerCase();
  const format = f === 'box' ? 'table' : f;
  if (!OUTPUT_FORMATS.includes(format as OutputFormat)) throw new LochError('INVALID_ARGUMENT', `shell: .format takes ${OUTPUT_FORMATS.join('|')} (got '${args[0] ?? ''}')`);
  return format as OutputFormat;
}

function onOff(args: readonly string[]): boolean {
  const v = (args[0] ?? '').toLowerCase();
  if (v === 'on') return true;
  if (v === 'off') return false;
  throw new LochError('INVALID_ARGUMENT', `shell: .timer takes on|off (got '${args[0] ?? ''}')`);
}

function count(args: readonly string[], command: string): number {
  const text = args[0] ?? '';
  if (!/^\d{1,9}$/.test(text)) throw new LochError('INVALID_ARGUMENT', `shell: ${command} takes a whole number ≥ 0 (got '${text}')`);
  return Number(text);
}

async function tables(c: DotContext): Promise<string[]> {
  return (await c.loch.catalog.listTables(c.settings.catalog, c.settings.schema)).map((t) => t.name);
}

/** Names matching a pattern of * and ? (or SQL's % and _), case-insensitively; all without one. */
function filter(names: readonly string[], pattern: string | undefined): string[] {
  if (pattern === undefined) return [...names];
  const source = [...pattern].map((ch) => (ch === '*' || ch === '%' ? '.*' : ch === '?' || ch === '_' ? '.' : ch.replace(/[\\^$.|+()[\]{}]/g, '\\$&'))).join('');
  const re = new RegExp(`^${source}$`, 'iu');
  return names.filter((n) => re.test(n));
}

/** Names in columns across the terminal, like DuckDB's .tables. */
function printNames(c: DotContext, names: readonly string[]): void {
  if (names.length === 0) return;
  const sorted = [...names].sort();
  const cell = Math.max(...sorted.map((n) => [...n].length)) + 2;
  const perRow = Math.max(1, Math.floor(c.term.columns() / cell));
  const rows = Math.ceil(sorted.length / perRow);
  let out = '';
  for (let r = 0; r < rows; r += 1) {
    const line: string[] = [];
    for (let col = r; col < sorted.length; col += rows) line.push(sorted[col] as string);
    out += `${line.map((n, i) => (i === line.length - 1 ? n : n + ' '.repeat(cell - [...n].length))).join('')}\n`;
  }
  c.term.out(out);
}

/** .use c[.s]: USE CATALOG c, then USE SCHEMA s. */
async function use(rest: string, c: DotContext): Promise<void> {
  const parts = parseDottedName(rest);
  if (parts === undefined || parts.length < 1 || parts.length > 2) throw new LochError('INVALID_ARGUMENT', `shell: .use takes <catalog> or <catalog>.<schema> (got '${rest}')`);
  const statements = [`USE CATALOG ${sqlName([parts[0] as string])}`];
  if (parts[1] !== undefined) statements.push(`USE SCHEMA ${sqlName([parts[1]])}`);
  for (const sql of statements) {
    await (await c.loch.sql(sql)).close();
    c.settings.followUse(sql);
  }
}

/** .read <file>: its statements and dot commands run in order, as if typed. */
async function read(rest: string, c: DotContext): Promise<DotOutcome> {
  const path = rest.replace(/^(['"])(.*)\1$/s, '$2');
  if (path === '') throw new LochError('INVALID_ARGUMENT', 'shell: .read takes a file name');
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw toLochError(error, 'NOT_FOUND', `shell: cannot read ${path}`);
  }
  return (await c.runScript(text)) ? 'ok' : 'failed';
}
