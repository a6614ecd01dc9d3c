import type { Token } from '../parse/lexer.js';
import { sqlIdent } from '../sql-text.js';
import { isPunctAt, isWordAt, nextMeaningful, readCall } from './call-scan.js';
import type { CallRule, Replacement, Rewriter, TokenRule } from './rewriter.js';

/**
 * Spark generators: explode/posexplode in a select list and LATERAL VIEW, written with DuckDB's
 * unnest. Spark names the produced columns `col`, `pos`, `key`, `value` unless aliased.
 */

/** What may follow a select-list item that has no alias. */
const ITEM_END = new Set(['from', 'where', 'group', 'order', 'having', 'limit', 'offset', 'qualify', 'window', 'union', 'except', 'intersect']);

/** Keywords that end a LATERAL VIEW's column names. */
const VIEW_END = new Set([...ITEM_END, 'lateral', 'join', 'left', 'right', 'inner', 'cross', 'full', 'natural', 'on', 'using', 'as']);

function endsItem(token: Token | undefined): boolean {
  if (token === undefined) return true;
  if (token.kind === 'punct') return token.text === ',' || token.text === ')' || token.text === ';';
  return token.kind === 'word' && ITEM_END.has(token.text.toLowerCase());
}

const outerList = (x: string) => `CASE WHEN len(${x}) > 0 THEN ${x} ELSE [NULL] END`;
const positions = (x: string) => `generate_series(0, len(${x}) - 1)`;

/** explode(x) / explode_outer(x): unnest, named `col` when the item has no alias. */
function explode(outer: boolean): CallRule {
  return (call) => {
    const [x] = call.args;
    if (call.args.length !== 1 || x === undefined) return undefined;
    const expr = `unnest(${outer ? outerList(x.text) : x.text})`;
    return endsItem(call.after) ? `${expr} AS col` : expr;
  };
}

/** posexplode(x) [AS (p, c)]: a 0-based position column and the element column. */
function posexplode(outer: boolean): CallRule {
  return (call, rw) => {
    const [x] = call.args;
    if (call.args.length !== 1 || x === undefined) return undefined;
    const list = outer ? outerList(x.text) : x.text;
    const columns = (names: readonly string[], next: number): Replacement => ({
      text: `unnest(${positions(list)}) AS ${names[0]}, unnest(${list}) AS ${names[1]}`,
      next,
    });
    if (endsItem(call.after)) return columns(['pos', 'col'], call.span.closeIndex + 1);
    const aliases = readTupleAlias(rw, nextMeaningful(rw.tokens, call.span.closeIndex + 1));
    return aliases?.names.length === 2 ? columns(aliases.names, aliases.next) : undefined;
  };
}

/** `AS (a, b)` at `at`: the names (as DuckDB identifiers) and the index after `)`. */
function readTupleAlias(rw: Rewriter, at: number): { names: string[]; next: number } | undefined {
  if (!isWordAt(rw.tokens, at, 'as')) return undefined;
  const open = nextMeaningful(rw.tokens, at + 1);
  if (!isPunctAt(rw.tokens, open, '(')) return undefined;
  const names: string[] = [];
  let i = open;
  do {
    const name = identifier(rw.tokens[nextMeaningful(rw.tokens, i + 1)]);
    if (name === undefined) return undefined;
    names.push(name);
    i = nextMeaningful(rw.tokens, nextMeaningful(rw.tokens, i + 1) + 1);
  } while (isPunctAt(rw.tokens, i, ','));
  return isPunctAt(rw.tokens, i, ')') ? { names, next: i + 1 } : undefined;
}

/** An identifier token as DuckDB SQL (words as written, quoted names re-quoted), else undefined. */
function identifier(token: Token | undefined): string | undefined {
  if (token === undefined) return undefined;
  if (token.kind === 'word') return token.text;
  if (token.kind === 'quoted_ident' || token.kind === 'backtick_ident') return sqlIdent(token.value ?? '');
  return undefined;
}

/** collect_list/collect_set as window functions: macros cannot be windowed, so spell the FILTER out. */
function collectWindow(distinct: boolean): CallRule {
  return (call) => {
    const [x] = call.args;
    if (call.args.length !== 1 || x === undefined || !(call.after?.kind === 'word' && call.after.text.toLowerCase() === 'over')) return undefined;
    return `list(${distinct ? 'DISTINCT ' : ''}${x.text}) FILTER (WHERE (${x.text}) IS NOT NULL)`;
  };
}

export const GENERATOR_RULES: ReadonlyMap<string, CallRule> = new Map<string, CallRule>([
  ['explode', explode(false)],
  ['explode_outer', explode(true)],
  ['posexplode', posexplode(false)],
  ['posexplode_outer', posexplode(true)],
  ['collect_list', collectWindow(false)],
  ['collect_set', collectWindow(true)],
]);

/**
 * `LATERAL VIEW [OUTER] explode(x) t [AS] c [, c2]` → `CROSS JOIN LATERAL (SELECT unnest(x) AS c) AS t`
 * (OUTER: `LEFT JOIN LATERAL (…) AS t ON true`). explode with two names reads a map (key, value);
 * posexplode gives (pos, col).
 */
export const lateralView: TokenRule = (rw, i, end) => {
  if (!isWordAt(rw.tokens, i, 'lateral') || !isWordAt(rw.tokens, nextMeaningful(rw.tokens, i + 1), 'view')) return undefined;
  let at = nextMeaningful(rw.tokens, nextMeaningful(rw.tokens, i + 1) + 1);
  const outerWord = isWordAt(rw.tokens, at, 'outer');
  if (outerWord) at = nextMeaningful(rw.tokens, at + 1);
  const call = readCall(rw.tokens, at);
  if (call === undefined || call.args.length !== 1 || call.closeIndex >= end) return undefined;
  const generator = call.name.replace(/_outer$/, '');
  if (generator !== 'explode' && generator !== 'posexplode') return undefined;
  const names = readViewNames(rw, nextMeaningful(rw.tokens, call.closeIndex + 1), end);
  if (names === undefined) return undefined;
  const arg = call.args[0];
  const x = arg === undefined ? '' : rw.text(arg.from, arg.to);
  const select = viewSelect(generator, x, names.columns);
  if (select === undefined) return undefined;
  const body = `LATERAL (SELECT ${select}) AS ${names.table}`;
  const outer = outerWord || call.name.endsWith('_outer');
  return { text: outer ? `LEFT JOIN ${body} ON true` : `CROSS JOIN ${body}`, next: names.next };
};

function viewSelect(generator: string, x: string, columns: readonly string[]): string | undefined {
  if (generator === 'posexplode') {
    const [pos = 'pos', col = 'col'] = columns;
    return columns.length > 2 ? undefined : `unnest(${positions(x)}) AS ${pos}, unnest(${x}) AS ${col}`;
  }
  if (columns.length === 2) return `unnest(map_keys(${x})) AS ${columns[0]}, unnest(map_values(${x})) AS ${columns[1]}`;
  return columns.length > 2 ? undefined : `unnest(${x}) AS ${columns[0] ?? 'col'}`;
}

/** `t [AS] c1, c2` after the generator call (Spark's grammar takes every following `, name`). */
function readViewNames(rw: Rewriter, at: number, end: number): { table: string; columns: string[]; next: number } | undefined {
  const table = identifier(rw.tokens[at]);
  if (table === undefined || at >= end || (rw.tokens[at]?.kind === 'word' && VIEW_END.has(table.toLowerCase()))) return undefined;
  let i = nextMeaningful(rw.tokens, at + 1);
  let next = at + 1;
  if (isWordAt(rw.tokens, i, 'as')) i = nextMeaningful(rw.tokens, i + 1);
  const columns: string[] = [];
  for (;;) {
    const name = identifier(rw.tokens[i]);
    if (name === undefined || i >= end || (rw.tokens[i]?.kind === 'word' && VIEW_END.has(name.toLowerCase()))) break;
    columns.push(name);
    next = i + 1;
    const comma = nextMeaningful(rw.tokens, i + 1);
    if (!isPunctAt(rw.tokens, comma, ',')) break;
    i = nextMeaningful(rw.tokens, comma + 1);
  }
  return { table, columns, next };
}
