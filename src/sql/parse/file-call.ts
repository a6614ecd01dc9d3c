import type { Token } from './lexer.js';
import { isTrivia, tokenize } from './lexer.js';
import { isPunct, isWord, TokenCursor } from './token-cursor.js';
import { readSqlUntil } from './write-clauses.js';

/**
 * The exact text of a table-function call (`read_files('/p', format => 'csv')`), split into its
 * arguments with their offsets, so a rewrite can replace one argument and keep the rest as
 * written.
 */
export interface CallArg {
  /** For `name => value` and `name := value`: the name, lower-cased. */
  readonly name?: string;
  /** The value's source text and its offsets in the call text. */
  readonly text: string;
  readonly start: number;
  readonly end: number;
  /** The value's meaningful tokens (no whitespace or comments). */
  readonly tokens: readonly Token[];
}

export interface FunctionCall {
  /** The function name as written, lower-cased, without a schema qualifier. */
  readonly name: string;
  readonly args: readonly CallArg[];
}

/** A literal argument: a string's value, a number's text, or true/false. */
export type LiteralValue = { readonly kind: 'string'; readonly value: string } | { readonly kind: 'number'; readonly value: string } | { readonly kind: 'boolean'; readonly value: boolean };

/**
 * Parses `[schema.]name(arg, name => arg, …)`. Throws INVALID_ARGUMENT (with line and column)
 * when the text is not one call.
 */
export function parseFunctionCall(text: string): FunctionCall {
  const cursor = new TokenCursor(text, tokenize(text));
  let name = readName(cursor);
  while (isPunct(cursor.peek(), '.')) {
    cursor.next();
    name = readName(cursor);
  }
  cursor.expectPunct('(', `${name} call`);
  const args: CallArg[] = [];
  if (!isPunct(cursor.peek(), ')')) {
    do {
      if (args.length > 0) cursor.next();
      args.push(readArg(cursor, name));
    } while (isPunct(cursor.peek(), ','));
  }
  cursor.expectPunct(')', `${name} call`);
  const extra = cursor.peek();
  if (extra !== undefined) cursor.fail(`unexpected ${extra.text} after the ${name} call`);
  return { name, args };
}

function readName(cursor: TokenCursor): string {
  const token = cursor.peek();
  if (token?.kind === 'word') {
    cursor.next();
    return token.text.toLowerCase();
  }
  if (token?.kind === 'quoted_ident' || token?.kind === 'backtick_ident') {
    cursor.next();
    return (token.value ?? '').toLowerCase();
  }
  return cursor.fail('expected a function name');
}

function readArg(cursor: TokenCursor, fn: string): CallArg {
  let name: string | undefined;
  const first = cursor.peek();
  const arrow = cursor.peek(1);
  if (first?.kind === 'word' && arrow?.kind === 'op' && (arrow.text === '=>' || arrow.text === ':=')) {
    name = first.text.toLowerCase();
    cursor.next();
    cursor.next();
  }
  const at = cursor.peek();
  const text = readSqlUntil(cursor, (c) => isPunct(c.peek(), ','));
  if (text === '' || at === undefined) cursor.fail(`${fn} expects an argument`, at);
  const tokens = tokenize(text)
    .filter((t) => !isTrivia(t))
    .map((t) => ({ ...t, start: t.start + at.start, end: t.end + at.start }));
  return { ...(name !== undefined ? { name } : {}), text, start: at.start, end: at.start + text.length, tokens };
}

/** The argument as a literal, or undefined when it is an expression. `-1` counts as a number. */
export function literalValue(arg: CallArg): LiteralValue | undefined {
  const [first, second, extra] = arg.tokens;
  if (extra !== undefined) return undefined;
  if (second !== undefined) {
    const signed = first?.kind === 'op' && (first.text === '-' || first.text === '+') && second.kind === 'number';
    return signed ? { kind: 'number', value: `${first.text === '-' ? '-' : ''}${second.text}` } : undefined;
  }
  if (first?.kind === 'string' && first.value !== undefined) return { kind: 'string', value: first.value };
  if (first?.kind === 'number') return { kind: 'number', value: first.text };
  if (isWord(first, 'true') || isWord(first, 'false')) return { kind: 'boolean', value: isWord(first, 'true') };
  return undefined;
}

/** A string literal argument, or the string tokens of a `['a', 'b']` list literal; else undefined. */
export function stringItems(arg: CallArg): Token[] | undefined {
  const literal = literalValue(arg);
  if (literal?.kind === 'string') return [arg.tokens[0] as Token];
  const all = arg.tokens;
  if (!isPunct(all[0], '[') || !isPunct(all[all.length - 1], ']')) return undefined;
  const items: Token[] = [];
  for (let i = 1; i < all.length - 1; i += 2) {
    const item = all[i] as Token;
    if (item.kind !== 'string') return undefined;
    if (i + 1 < all.length - 1 && !isPunct(all[i + 1], ',')) return undefined;
    items.push(item);
  }
  return items;
}
