import type { Token } from '../parse/lexer.js';
import { sqlString } from '../sql-text.js';
import { isPunctAt, isWordAt, nextMeaningful, prevMeaningful, readCall } from './call-scan.js';
import { isRawPrefix, type Replacement, type Rewriter, type TokenRule } from './rewriter.js';
import { sparkRegexLiteral } from './spark-regex.js';

/** Words that cannot end an operand: an infix word after one of them is not an operator. */
const NOT_OPERAND_END = new Set([
  'select', 'where', 'and', 'or', 'not', 'on', 'when', 'then', 'else', 'case', 'by', 'having', 'from', 'as', 'in', 'is',
  'like', 'ilike', 'between', 'distinct', 'join', 'set', 'values', 'limit', 'offset', 'with', 'union', 'except',
  'intersect', 'all', 'any', 'some', 'exists', 'order', 'group', 'qualify', 'window', 'using', 'return', 'returning',
]);

/** Words that cannot start an operand (clause keywords), so `x div FROM` keeps div as an alias. */
const NOT_OPERAND_START = new Set([
  'from', 'where', 'group', 'order', 'having', 'limit', 'offset', 'union', 'except', 'intersect', 'window', 'qualify',
  'as', 'join', 'on', 'using', 'and', 'or', 'then', 'else', 'when', 'end', 'inner', 'left', 'right', 'full', 'cross',
  'natural', 'lateral', 'positional', 'asof', 'anti', 'semi', 'is', 'in', 'like', 'ilike', 'between', 'select', 'into',
  'values', 'set', 'returning', 'fetch', 'for', 'div', 'rlike', 'regexp', 'escape', 'collate',
]);

export function isOperandEnd(token: Token | undefined): boolean {
  if (token === undefined) return false;
  if (token.kind === 'punct') return token.text === ')' || token.text === ']';
  if (token.kind === 'word') return !NOT_OPERAND_END.has(token.text.toLowerCase());
  return token.kind === 'number' || token.kind === 'string' || token.kind === 'quoted_ident' || token.kind === 'backtick_ident' || token.kind === 'param';
}

function isOperandStart(token: Token | undefined): boolean {
  if (token === undefined) return false;
  if (token.kind === 'punct') return token.text === '(' || token.text === '[';
  if (token.kind === 'op') return token.text === '-' || token.text === '+';
  if (token.kind === 'word') return !NOT_OPERAND_START.has(token.text.toLowerCase());
  return token.kind === 'number' || token.kind === 'string' || token.kind === 'quoted_ident' || token.kind === 'backtick_ident' || token.kind === 'param';
}

/** r'…' (a Databricks raw literal) is a plain DuckDB literal: DuckDB never processes escapes. */
const rawString: TokenRule = (rw, i) => {
  const word = rw.tokens[i];
  const next = rw.tokens[i + 1];
  return word !== undefined && next !== undefined && isRawPrefix(word, next) ? { text: next.text, next: i + 2 } : undefined;
};

/** `current_timestamp()`: DuckDB knows only the keyword form. */
const currentTimestamp: TokenRule = (rw, i) => {
  if (!isWordAt(rw.tokens, i, 'current_timestamp')) return undefined;
  const open = nextMeaningful(rw.tokens, i + 1);
  const close = nextMeaningful(rw.tokens, open + 1);
  if (!isPunctAt(rw.tokens, open, '(') || !isPunctAt(rw.tokens, close, ')')) return undefined;
  return { text: 'current_timestamp', next: close + 1 };
};

/** `a div b`: Spark's integral division. DuckDB's `//` truncates integers the same way. */
const integralDivision: TokenRule = (rw, i) => {
  if (!isWordAt(rw.tokens, i, 'div')) return undefined;
  const before = rw.tokens[prevMeaningful(rw.tokens, i)];
  const after = rw.tokens[nextMeaningful(rw.tokens, i + 1)];
  return isOperandEnd(before) && isOperandStart(after) ? { text: '//', next: i + 1 } : undefined;
};

/** Comparison operators that may follow a rewritten RLIKE operand (they bind looser than `~`). */
const LOOSER_OPS = new Set(['=', '==', '<>', '!=', '<', '>', '<=', '>=']);

/**
 * `s [NOT] RLIKE p` / `s [NOT] REGEXP p`: Spark finds the pattern anywhere; DuckDB's `~` matches
 * the whole string, so the pattern is wrapped in `(?s:.*)(?:p)(?s:.*)`. Only a literal, a
 * (qualified) column, a parameter or a parenthesised expression is taken as the operand.
 */
const regexOperator: TokenRule = (rw, i, end) => {
  const negated = isWordAt(rw.tokens, i, 'not');
  const opIndex = negated ? nextMeaningful(rw.tokens, i + 1) : i;
  if (!isWordAt(rw.tokens, opIndex, 'rlike', 'regexp')) return undefined;
  if (!isOperandEnd(rw.tokens[prevMeaningful(rw.tokens, i)])) return undefined;
  const operand = readOperand(rw, nextMeaningful(rw.tokens, opIndex + 1), end);
  if (operand === undefined) return undefined;
  if (bindsTighter(rw.tokens[nextMeaningful(rw.tokens, operand.next)])) return undefined;
  return { text: `${negated ? '!~' : '~'} ${operand.text}`, next: operand.next };
};

/** True when the token after an operand would extend it (`|| 'x'`, `[1]`, `.f`, `::T`): Spark's operand would be longer. */
function bindsTighter(token: Token | undefined): boolean {
  if (token === undefined) return false;
  if (token.kind === 'op') return !LOOSER_OPS.has(token.text);
  return token.kind === 'punct' && (token.text === '[' || token.text === '.');
}

function readOperand(rw: Rewriter, at: number, end: number): Replacement | undefined {
  const token = rw.tokens[at];
  if (token === undefined || at >= end) return undefined;
  const next = rw.tokens[at + 1];
  if (token.kind === 'string' || (next !== undefined && isRawPrefix(token, next))) {
    const raw = token.kind !== 'string';
    const value = (raw ? next?.value : token.value) ?? '';
    return { text: sqlString(`(?s:.*)(?:${raw ? value : sparkRegexLiteral(value)})(?s:.*)`), next: raw ? at + 2 : at + 1 };
  }
  const wrap = (text: string, nextIndex: number) => ({ text: `('(?s:.*)(?:' || ${text} || ')(?s:.*)')`, next: nextIndex });
  if (token.kind === 'param' || token.kind === 'quoted_ident' || token.kind === 'backtick_ident' || token.kind === 'word') {
    if (token.kind === 'word' && (readCall(rw.tokens, at) !== undefined || NOT_OPERAND_START.has(token.text.toLowerCase()))) return undefined;
    let last = at;
    while (isPunctAt(rw.tokens, nextMeaningful(rw.tokens, last + 1), '.')) last = nextMeaningful(rw.tokens, nextMeaningful(rw.tokens, last + 1) + 1);
    return last < end ? wrap(rw.text(at, last + 1), last + 1) : undefined;
  }
  if (isPunctAt(rw.tokens, at, '(')) {
    const close = matchingClose(rw.tokens, at);
    return close !== undefined && close < end ? wrap(rw.text(at, close + 1), close + 1) : undefined;
  }
  return undefined;
}

function matchingClose(tokens: readonly Token[], open: number): number | undefined {
  let depth = 0;
  for (let i = open; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    if (t.kind !== 'punct') continue;
    if ('([{'.includes(t.text)) depth++;
    else if (')]}'.includes(t.text) && --depth === 0) return i;
  }
  return undefined;
}


export const BASE_TOKEN_RULES: readonly TokenRule[] = [rawString, currentTimestamp, integralDivision, regexOperator];
