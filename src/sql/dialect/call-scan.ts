import { isTrivia, type Token } from '../parse/lexer.js';

/**
 * Reading function calls in a token list that keeps whitespace and comments (indices refer to
 * that full list, so a rewrite can copy everything it does not change byte for byte).
 */

/** One argument: tokens [from, to), trimmed of surrounding whitespace and comments. */
export interface ArgSpan {
  readonly from: number;
  readonly to: number;
}

export interface CallSpan {
  /** The function name, lower-cased. */
  readonly name: string;
  readonly nameIndex: number;
  readonly openIndex: number;
  readonly closeIndex: number;
  readonly args: readonly ArgSpan[];
}

/** Index of the first meaningful token at or after `i` (tokens.length when none). */
export function nextMeaningful(tokens: readonly Token[], i: number): number {
  let j = i;
  while (j < tokens.length && isTrivia(tokens[j] as Token)) j++;
  return j;
}

/** Index of the last meaningful token before `i` (-1 when none). */
export function prevMeaningful(tokens: readonly Token[], i: number): number {
  let j = i - 1;
  while (j >= 0 && isTrivia(tokens[j] as Token)) j--;
  return j;
}

export function isPunctAt(tokens: readonly Token[], i: number, ch: string): boolean {
  const t = tokens[i];
  return t !== undefined && t.kind === 'punct' && t.text === ch;
}

export function isWordAt(tokens: readonly Token[], i: number, ...words: string[]): boolean {
  const t = tokens[i];
  return t !== undefined && t.kind === 'word' && words.includes(t.text.toLowerCase());
}

const OPENERS = '([{';
const CLOSERS = ')]}';

/**
 * The call whose name is the word at `nameIndex`: `name (args)` with balanced brackets inside.
 * Undefined when the word is not followed by `(` or the parentheses do not close.
 */
export function readCall(tokens: readonly Token[], nameIndex: number): CallSpan | undefined {
  const nameToken = tokens[nameIndex];
  if (nameToken?.kind !== 'word') return undefined;
  const openIndex = nextMeaningful(tokens, nameIndex + 1);
  if (!isPunctAt(tokens, openIndex, '(')) return undefined;
  const args: ArgSpan[] = [];
  let depth = 0;
  let argStart = openIndex + 1;
  for (let i = openIndex + 1; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    if (t.kind !== 'punct') continue;
    if (OPENERS.includes(t.text)) depth++;
    else if (CLOSERS.includes(t.text) && depth > 0) depth--;
    else if (t.text === ')' || (t.text === ',' && depth === 0)) {
      const arg = trimmed(tokens, argStart, i);
      if (arg !== undefined) args.push(arg);
      else if (t.text === ',' || args.length > 0) return undefined;
      if (t.text === ')') return { name: nameToken.text.toLowerCase(), nameIndex, openIndex, closeIndex: i, args };
      argStart = i + 1;
    } else if (CLOSERS.includes(t.text)) {
      return undefined;
    }
  }
  return undefined;
}

function trimmed(tokens: readonly Token[], from: number, to: number): ArgSpan | undefined {
  const start = nextMeaningful(tokens, from);
  if (start >= to) return undefined;
  return { from: start, to: prevMeaningful(tokens, to) + 1 };
}

/** The meaningful tokens of [from, to). */
export function meaningful(tokens: readonly Token[], from: number, to: number): Token[] {
  return tokens.slice(from, to).filter((t) => !isTrivia(t));
}
