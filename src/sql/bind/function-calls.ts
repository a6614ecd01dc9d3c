import { isTrivia, tokenize } from '../parse/index.js';
import type { Token } from '../parse/index.js';

/** A call `f(…)`, `s.f(…)` or `c.s.f(…)` in a SQL text. */
export interface CallSite {
  /** The name parts as written, quotes removed (case kept). */
  readonly parts: readonly string[];
  /** [start, end) runs from the first name part to the closing parenthesis. */
  readonly start: number;
  readonly end: number;
  /** Each argument's span, top-level commas apart; [] for `f()`. */
  readonly args: readonly { readonly start: number; readonly end: number }[];
}

/** Words that take a parenthesis but never name a function (`IN (…)`, `OVER (…)`, …). */
const NOT_FUNCTIONS: ReadonlySet<string> = new Set([
  'all', 'and', 'any', 'array', 'as', 'between', 'by', 'case', 'cast', 'cube', 'else', 'exists', 'filter', 'from', 'grouping',
  'having', 'in', 'is', 'join', 'like', 'ilike', 'not', 'on', 'or', 'over', 'partition', 'qualify', 'rollup', 'row', 'select',
  'sets', 'some', 'struct', 'then', 'try_cast', 'union', 'using', 'values', 'when', 'where', 'window', 'with', 'within',
]);

/**
 * Every call of a (1–3 part) named function in `sql`, nested ones included, in order of
 * position. Left out: names qualified by something before them (`x.f` inside `a.x.f(…)` is part
 * of the longer name), keywords that take parentheses, a derived column list (`AS t(a, b)`), a
 * CTE's column list (`WITH t(a) AS (…)`), and names of four or more parts. An unbalanced
 * parenthesis ends the search (DuckDB reports the syntax error). Text that does not tokenize
 * has no calls.
 */
export function findCallSites(sql: string): CallSite[] {
  let tokens: Token[];
  try {
    tokens = tokenize(sql).filter((t) => !isTrivia(t));
  } catch {
    return [];
  }
  const calls: CallSite[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const name = readName(tokens, i);
    if (name === undefined) continue;
    const open = name.next;
    const call = isCandidate(tokens, i, name.parts) ? closeCall(tokens, open) : undefined;
    if (call !== undefined) calls.push({ parts: name.parts, start: (tokens[i] as Token).start, end: call.end, args: call.args });
    i = open - 1;
  }
  return calls;
}

/** name(.name)* starting at i and followed by '(' ; `next` is the index of that parenthesis. */
function readName(tokens: readonly Token[], i: number): { parts: string[]; next: number } | undefined {
  if (tokens[i - 1]?.text === '.' && tokens[i - 1]?.kind === 'punct') return undefined;
  const parts: string[] = [];
  let k = i;
  for (;;) {
    const part = partValue(tokens[k]);
    if (part === undefined) return undefined;
    parts.push(part);
    if (isPunct(tokens[k + 1], '.')) k += 2;
    else break;
  }
  return isPunct(tokens[k + 1], '(') ? { parts, next: k + 1 } : undefined;
}

function isCandidate(tokens: readonly Token[], i: number, parts: readonly string[]): boolean {
  if (parts.length > 3) return false;
  const first = tokens[i] as Token;
  if (parts.length === 1 && first.kind === 'word' && NOT_FUNCTIONS.has(first.text.toLowerCase())) return false;
  const before = tokens[i - 1];
  return !(before?.kind === 'word' && (before.text.toLowerCase() === 'as' || before.text.toLowerCase() === 'with'));
}

/** The argument spans and the end of the call whose '(' is tokens[open]; undefined when unbalanced. */
function closeCall(tokens: readonly Token[], open: number): { end: number; args: { start: number; end: number }[] } | undefined {
  const args: { start: number; end: number }[] = [];
  let depth = 0;
  let argStart = open + 1;
  for (let k = open; k < tokens.length; k++) {
    const t = tokens[k] as Token;
    if (t.kind !== 'punct') continue;
    if (t.text === '(' || t.text === '[' || t.text === '{') depth++;
    else if (t.text === ')' || t.text === ']' || t.text === '}') depth--;
    if (depth === 1 && t.text === ',') {
      args.push(span(tokens, argStart, k));
      argStart = k + 1;
    }
    if (depth === 0) {
      if (k > open + 1 || args.length > 0) args.push(span(tokens, argStart, k));
      return { end: t.end, args };
    }
  }
  return undefined;
}

/** The text span of tokens [from, to): empty at the position of tokens[to] when from === to. */
function span(tokens: readonly Token[], from: number, to: number): { start: number; end: number } {
  const at = (tokens[to] as Token).start;
  if (from >= to) return { start: at, end: at };
  return { start: (tokens[from] as Token).start, end: (tokens[to - 1] as Token).end };
}

function partValue(token: Token | undefined): string | undefined {
  if (token?.kind === 'word') return token.text;
  if ((token?.kind === 'quoted_ident' || token?.kind === 'backtick_ident') && token.value !== undefined && token.value !== '') return token.value;
  return undefined;
}

function isPunct(token: Token | undefined, ch: string): boolean {
  return token?.kind === 'punct' && token.text === ch;
}
