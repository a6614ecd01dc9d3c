import type { Token } from '../../sql/parse/lexer.js';
import { isPunct, isWord, type TokenCursor } from '../../sql/parse/token-cursor.js';
import { identifierValue } from '../../sql/parse/type-name.js';

/**
 * The literal values an endpoint's OPTIONS (…) clause takes, as written: no expressions, no
 * column references, nothing evaluated — an endpoint definition is data.
 */
export type OptionValue =
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'number'; readonly value: number; readonly text: string }
  | { readonly kind: 'boolean'; readonly value: boolean }
  | { readonly kind: 'null' }
  /** secret('scope', 'key'): where the API key is, never the key. */
  | { readonly kind: 'secret'; readonly scope: string; readonly key: string }
  /** map('k1', 'v1', 'k2', 'v2', …): string keys and values (headers). */
  | { readonly kind: 'map'; readonly entries: readonly (readonly [string, string])[] }
  /** ('a', 'b') or array('a', 'b'). */
  | { readonly kind: 'list'; readonly items: readonly OptionValue[] };

/** One `key [=] value` of an OPTIONS clause; the key lower-cased, `at` for error positions. */
export interface OptionEntry {
  readonly key: string;
  readonly value: OptionValue;
  readonly at: Token;
}

/**
 * ( key [= | =>] value, … ): keys are names (case-insensitive) or 'strings'; a key given twice fails.
 * `what` names the clause in errors (e.g. "CREATE MODEL ENDPOINT … OPTIONS").
 */
export function readOptions(cursor: TokenCursor, what: string): OptionEntry[] {
  cursor.expectPunct('(', what);
  const entries: OptionEntry[] = [];
  if (isPunct(cursor.peek(), ')')) cursor.fail(`${what} expects at least one option`);
  do {
    if (entries.length > 0) cursor.next();
    const at = cursor.peek() as Token;
    const key = readOptionKey(cursor, what);
    if (entries.some((e) => e.key === key)) cursor.fail(`${what} sets ${key} twice`, at);
    // `=`, `=>` (WITH (k => v) of CREATE AGENT / VECTOR INDEX) or nothing between key and value.
    const op = cursor.peek();
    if (op?.kind === 'op' && (op.text === '=' || op.text === '=>')) cursor.next();
    entries.push({ key, value: readOptionValue(cursor, `${what} ${key}`), at });
  } while (isPunct(cursor.peek(), ','));
  cursor.expectPunct(')', what);
  return entries;
}

/** ( key, … ) as after UNSET OPTIONS; keys lower-cased, duplicates ignored. */
export function readOptionKeys(cursor: TokenCursor, what: string): string[] {
  cursor.expectPunct('(', what);
  const keys: string[] = [];
  let first = true;
  do {
    if (!first) cursor.next();
    first = false;
    const key = readOptionKey(cursor, what);
    if (!keys.includes(key)) keys.push(key);
  } while (isPunct(cursor.peek(), ','));
  cursor.expectPunct(')', what);
  return keys;
}

function readOptionKey(cursor: TokenCursor, what: string): string {
  const token = cursor.peek();
  if (token?.kind === 'string' && token.value !== undefined) {
    cursor.next();
    return token.value.toLowerCase();
  }
  const name = identifierValue(token);
  if (name === undefined || name === '') cursor.fail(`${what} expects an option name`);
  cursor.next();
  return name.toLowerCase();
}

/** One literal value (see OptionValue); anything else fails naming what was expected. */
export function readOptionValue(cursor: TokenCursor, what: string): OptionValue {
  const token = cursor.peek();
  if (token?.kind === 'string' && token.value !== undefined) {
    cursor.next();
    return { kind: 'string', value: token.value };
  }
  const number = readNumber(cursor);
  if (number !== undefined) return number;
  if (isWord(token, 'true') || isWord(token, 'false')) {
    cursor.next();
    return { kind: 'boolean', value: token.text.toLowerCase() === 'true' };
  }
  if (isWord(token, 'null')) {
    cursor.next();
    return { kind: 'null' };
  }
  if (isWord(token, 'secret') && isPunct(cursor.peek(1), '(')) return readSecret(cursor, what);
  if (isWord(token, 'map') && isPunct(cursor.peek(1), '(')) return readMap(cursor, what);
  if (isWord(token, 'array') && isPunct(cursor.peek(1), '(')) {
    cursor.next();
    return readList(cursor, what);
  }
  if (isPunct(token, '(')) return readList(cursor, what);
  return cursor.fail(`${what} expects a literal: 'text', a number, true, false, secret('scope', 'key'), map('k', 'v', …) or ('a', 'b', …)`);
}

function readNumber(cursor: TokenCursor): OptionValue | undefined {
  const token = cursor.peek();
  const signed = token?.kind === 'op' && (token.text === '-' || token.text === '+') && cursor.peek(1)?.kind === 'number';
  const digits = signed ? cursor.peek(1) : token;
  if (digits?.kind !== 'number' || token === undefined) return undefined;
  const text = cursor.sql.slice(token.start, digits.end);
  const value = Number(text.replace(/_/g, ''));
  if (!Number.isFinite(value)) cursor.fail(`${text} is not a finite number`, token);
  cursor.next();
  if (signed) cursor.next();
  return { kind: 'number', value, text };
}

function readSecret(cursor: TokenCursor, what: string): OptionValue {
  cursor.next();
  cursor.expectPunct('(', `${what} secret`);
  const scope = cursor.readString(`${what} secret(scope, key)`);
  cursor.expectPunct(',', `${what} secret(scope, key)`);
  const key = cursor.readString(`${what} secret(scope, key)`);
  cursor.expectPunct(')', `${what} secret(scope, key)`);
  return { kind: 'secret', scope, key };
}

function readMap(cursor: TokenCursor, what: string): OptionValue {
  cursor.next();
  cursor.expectPunct('(', `${what} map`);
  const strings: string[] = [];
  while (!isPunct(cursor.peek(), ')')) {
    if (strings.length > 0) cursor.expectPunct(',', `${what} map`);
    strings.push(cursor.readString(`${what} map('key', 'value', …)`));
  }
  cursor.next();
  if (strings.length % 2 !== 0) cursor.fail(`${what} map(…) expects key/value pairs (got ${strings.length} strings)`, cursor.peek(-1));
  const entries: [string, string][] = [];
  for (let i = 0; i < strings.length; i += 2) entries.push([strings[i] as string, strings[i + 1] as string]);
  return { kind: 'map', entries };
}

function readList(cursor: TokenCursor, what: string): OptionValue {
  cursor.expectPunct('(', what);
  const items: OptionValue[] = [];
  while (!isPunct(cursor.peek(), ')')) {
    if (items.length > 0) cursor.expectPunct(',', what);
    items.push(readOptionValue(cursor, what));
  }
  cursor.next();
  return { kind: 'list', items };
}

/** The value as written back in SQL (for messages and DESCRIBE). */
export function optionValueText(value: OptionValue): string {
  switch (value.kind) {
    case 'string':
      return quote(value.value);
    case 'number':
      return value.text;
    case 'boolean':
      return String(value.value);
    case 'null':
      return 'NULL';
    case 'secret':
      return `secret(${quote(value.scope)}, ${quote(value.key)})`;
    case 'map':
      return `map(${value.entries.flatMap(([k, v]) => [quote(k), quote(v)]).join(', ')})`;
    case 'list':
      return `(${value.items.map(optionValueText).join(', ')})`;
  }
}

function quote(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}
