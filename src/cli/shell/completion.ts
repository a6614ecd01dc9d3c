import { displayPart } from '../names.js';
import { DOT_COMMAND_NAMES, SQL_KEYWORDS } from './keywords.js';
import type { NameCache } from './name-cache.js';

/** What completion needs from the shell. */
export interface CompletionContext {
  readonly names: NameCache;
  /** The current catalog and schema (unqualified names resolve there). */
  current(): { catalog: string; schema: string };
  /** True while a statement spans lines (a '.' at the start of a line is then not a dot command). */
  inStatement(): boolean;
}

/** readline's completer answer: the candidates and the end of the line they replace. */
export type Completion = [string[], string];

/**
 * Completes the word before the cursor: dot commands and their arguments at the start of a
 * line, '/Volumes/<catalog>/<schema>/<volume>/' segments inside a string, and otherwise SQL
 * keywords and catalog/schema/table/volume names, the part after the last dot of a dotted name
 * (`main.def` → `default`). Never throws.
 */
export async function complete(line: string, context: CompletionContext): Promise<Completion> {
  try {
    if (!context.inStatement()) {
      const dot = /^\s*(\.\w*)$/.exec(line);
      if (dot !== null) return [matching(DOT_COMMAND_NAMES, dot[1] ?? ''), dot[1] ?? ''];
      const argument = /^\s*\.(\w+)\s+(\S*)$/.exec(line);
      if (argument !== null) return await dotArgument(argument[1] ?? '', argument[2] ?? '', context);
      if (/^\s*\./.test(line)) return [[], ''];
    }
    const volume = /'(?:dbfs:)?\/Volumes\/([^']*)$/i.exec(line);
    if (volume !== null) return await volumePath(volume[1] ?? '', context);
    return await sqlWord(line, context);
  } catch {
    return [[], ''];
  }
}

async function dotArgument(command: string, text: string, context: CompletionContext): Promise<Completion> {
  const current = context.current();
  switch (command) {
    case 'format':
    case 'mode':
      return [matching(['table', 'json', 'csv'], text), text];
    case 'timer':
      return [matching(['on', 'off'], text), text];
    case 'tables':
      return [matching(await context.names.objects(current.catalog, current.schema), text), text];
    case 'use': {
      const dot = text.indexOf('.');
      if (dot < 0) return [matching(await context.names.catalogs(), text), text];
      const catalog = text.slice(0, dot).toLowerCase();
      const schemas = (await context.names.schemas(catalog)).map((s) => `${text.slice(0, dot)}.${displayPart(s)}`);
      return [matching(schemas, text), text];
    }
    default:
      return [[], text];
  }
}

async function volumePath(rest: string, context: CompletionContext): Promise<Completion> {
  const segments = rest.split('/');
  const prefix = segments.pop() ?? '';
  const [catalog, schema] = segments.map((s) => s.toLowerCase());
  let names: string[] = [];
  if (segments.length === 0) names = await context.names.catalogs();
  else if (segments.length === 1 && catalog !== undefined) names = await context.names.schemas(catalog);
  else if (segments.length === 2 && catalog !== undefined && schema !== undefined) names = await context.names.volumes(catalog, schema);
  return [matching(names, prefix).map((n) => `${n}/`), prefix];
}

async function sqlWord(line: string, context: CompletionContext): Promise<Completion> {
  const word = trailingName(line);
  if (word === undefined) return [[], ''];
  const { qualifiers, prefix, quote } = word;
  const needle = prefix.toLowerCase();
  const current = context.current();
  const names = context.names;
  let candidates: string[];
  if (qualifiers.length === 0) {
    const [catalogs, schemas, objects] = await Promise.all([names.catalogs(), names.schemas(current.catalog), names.objects(current.catalog, current.schema)]);
    candidates = [...catalogs, ...schemas, ...objects];
  } else if (qualifiers.length === 1) {
    const q = qualifiers[0] as string;
    const [schemas, objects] = await Promise.all([names.schemas(q), names.objects(current.catalog, q)]);
    candidates = [...schemas, ...objects];
  } else if (qualifiers.length === 2) {
    candidates = await names.objects(qualifiers[0] as string, qualifiers[1] as string);
  } else candidates = [];
  const quoted = (n: string): string => (quote === '' ? displayPart(n) : `${quote}${n.replaceAll(quote, quote + quote)}${quote}`);
  const found = unique(candidates.filter((n) => n.startsWith(needle))).map(quoted);
  if (qualifiers.length === 0 && quote === '' && prefix !== '') {
    const lower = /\p{Ll}/u.test(prefix);
    for (const k of SQL_KEYWORDS) if (k.toLowerCase().startsWith(needle)) found.push(lower ? k.toLowerCase() : k);
  }
  return [unique(found).sort(), quote + prefix];
}

/**
 * The dotted name ending the line: its qualifiers (unquoted, lower-cased) and the unfinished
 * last part, which may have opened a quote. Undefined when the line ends inside something else
 * (a number, a parameter, a string).
 */
export function trailingName(line: string): { qualifiers: string[]; prefix: string; quote: string } | undefined {
  let start = line.length;
  while (start > 0 && /[\p{L}\p{N}_$.`"]/u.test(line.charAt(start - 1))) start -= 1;
  if (/[:'?]/.test(line.charAt(start - 1)) && start > 0) return undefined;
  const parts: string[] = [];
  let current = '';
  let quote = '';
  let openQuote = '';
  for (const ch of line.slice(start)) {
    if (quote !== '') {
      if (ch === quote) quote = '';
      else current += ch;
    } else if (ch === '`' || ch === '"') {
      quote = ch;
      openQuote = ch;
    } else if (ch === '.') {
      parts.push(current.toLowerCase());
      current = '';
      openQuote = '';
    } else current += ch;
  }
  if (parts.length === 0 && /^\p{N}/u.test(current)) return undefined;
  // A part whose quote already closed is finished: nothing to complete.
  if (openQuote !== '' && quote === '') return undefined;
  return { qualifiers: parts, prefix: current, quote: quote !== '' ? quote : openQuote };
}

function matching(candidates: readonly string[], prefix: string): string[] {
  const needle = prefix.toLowerCase();
  return unique(candidates.filter((c) => c.toLowerCase().startsWith(needle))).sort();
}

function unique(items: readonly string[]): string[] {
  return [...new Set(items)];
}
