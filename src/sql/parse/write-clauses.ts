import type { DataType } from '../../expr/types.js';
import { isTrivia, tokenize, type Token } from './lexer.js';
import { isPunct, isWord, TokenCursor, wordsAhead } from './token-cursor.js';
import { identifierValue, isTypeNameError, parseTypeName } from './type-name.js';

/**
 * Readers shared by the write-statement parsers (CREATE/REPLACE TABLE, INSERT, ALTER TABLE,
 * CONVERT TO DELTA): table references, identifiers, column definitions, property lists and
 * embedded SQL fragments, which are always returned as exact slices of the source text.
 */

/** delta.`/p` and parquet.`/p` address a table by path; anything else is a (qualified) name. */
export type TableRef =
  | { readonly kind: 'path'; readonly format: 'delta' | 'parquet' | 'iceberg'; readonly path: string }
  | { readonly kind: 'name'; readonly parts: readonly string[] };

export interface ColumnDef {
  readonly name: string;
  readonly type: DataType;
  readonly nullable: boolean;
  readonly comment?: string;
  /** The DEFAULT expression as written. */
  readonly defaultSql?: string;
}

/**
 * Thrown (never escaping `parseWriteStatement`) when a statement on a plain-name target uses
 * syntax only DuckDB has: the statement is then not a write statement but DuckDB's business.
 */
export class NotAWriteStatement {
  readonly reason: string;
  constructor(reason: string) {
    this.reason = reason;
  }
}

/**
 * For syntax DuckDB accepts but Delta tables cannot honour: on a name (possibly a DuckDB table)
 * the statement is handed back to the classifier; on a path it is an INVALID_ARGUMENT error.
 */
export function duckdbOnly(cursor: TokenCursor, lenient: boolean, message: string, at: Token | undefined = cursor.peek()): never {
  if (lenient) throw new NotAWriteStatement(message);
  return cursor.fail(message, at);
}

/** A cursor over one statement, without the closing semicolons (and trivia) after it. */
export function statementCursor(sql: string): TokenCursor {
  const tokens = tokenize(sql);
  let end = tokens.length;
  while (end > 0) {
    const last = tokens[end - 1] as Token;
    if (!isTrivia(last) && !isPunct(last, ';')) break;
    end--;
  }
  return new TokenCursor(sql, tokens.slice(0, end));
}

/** `isWord` without type narrowing, for tokens tested against several words in turn. */
export function isKeyword(token: Token | undefined, word: string): boolean {
  return isWord(token, word);
}

/** `isPunct` without type narrowing. */
export function isSymbol(token: Token | undefined, ch: string): boolean {
  return isPunct(token, ch);
}

export function skip(cursor: TokenCursor, count: number): void {
  for (let i = 0; i < count; i++) cursor.next();
}

/** Consumes the word if it is next; tells whether it was. */
export function acceptWord(cursor: TokenCursor, ...words: string[]): boolean {
  if (!wordsAhead(cursor, ...words)) return false;
  skip(cursor, words.length);
  return true;
}

export function expectWord(cursor: TokenCursor, word: string, what: string): void {
  if (!isWord(cursor.peek(), word)) cursor.fail(`${what} expects ${word.toUpperCase()}`);
  cursor.next();
}

export function expectEnd(cursor: TokenCursor, what: string): void {
  const extra = cursor.peek();
  if (extra !== undefined) cursor.fail(`unexpected ${extra.text} in ${what}`);
}

/** A name: a word as written, or a "double-quoted" / `backquoted` name unescaped. */
export function readIdentifier(cursor: TokenCursor, what: string): string {
  const value = identifierValue(cursor.peek());
  if (value === undefined || value === '') cursor.fail(`${what} expects a name`);
  cursor.next();
  return value;
}

/** ( a, b, … ) with at least one name. */
export function readIdentifierList(cursor: TokenCursor, what: string): string[] {
  cursor.expectPunct('(', what);
  const names: string[] = [];
  do {
    if (names.length > 0) cursor.next();
    names.push(readIdentifier(cursor, what));
  } while (isPunct(cursor.peek(), ','));
  cursor.expectPunct(')', what);
  return names;
}

/** delta.`<path>` | parquet.`<path>` | iceberg.`<path>` | name[.name…] */
export function readTableRef(cursor: TokenCursor, what: string): TableRef {
  const first = cursor.peek();
  const format = first?.kind === 'word' ? first.text.toLowerCase() : '';
  if ((format === 'delta' || format === 'parquet' || format === 'iceberg') && isPunct(cursor.peek(1), '.') && cursor.peek(2)?.kind === 'backtick_ident') {
    const pathToken = cursor.peek(2) as Token;
    if (pathToken.value === undefined || pathToken.value === '') cursor.fail(`${what} expects a non-empty path`, pathToken);
    skip(cursor, 3);
    return { kind: 'path', format, path: pathToken.value };
  }
  if (identifierValue(first) === undefined) cursor.fail(`${what} expects a table name or delta.\`<path>\``);
  const parts = [readIdentifier(cursor, what)];
  while (isPunct(cursor.peek(), '.')) {
    cursor.next();
    parts.push(readIdentifier(cursor, `${what} table name`));
  }
  return { kind: 'name', parts };
}

/** The words after which '(' opens a query (a SELECT statement) rather than an expression. */
const QUERY_WORDS = new Set(['select', 'with', 'values', 'from', 'table']);

/** True when the token at `ahead` starts a query: SELECT, WITH, VALUES, FROM, TABLE or '(' before one. */
export function startsQuery(cursor: TokenCursor, ahead = 0): boolean {
  let i = ahead;
  while (isPunct(cursor.peek(i), '(')) i++;
  const token = cursor.peek(i);
  return token?.kind === 'word' && QUERY_WORDS.has(token.text.toLowerCase());
}

/** Reads the query that runs to the end of the statement and returns its source text. */
export function readQueryToEnd(cursor: TokenCursor, what: string): string {
  const first = cursor.peek();
  if (first === undefined) cursor.fail(`${what} expects a query`);
  if (!startsQuery(cursor)) cursor.fail(`${what} expects a query (SELECT, VALUES, WITH, FROM, TABLE or a parenthesised query)`);
  let last = first;
  while (!cursor.atEnd()) {
    const token = cursor.next() as Token;
    if (isPunct(token, ';')) cursor.fail(`unexpected ; in ${what}`, token);
    last = token;
  }
  return cursor.sql.slice(first.start, last.end);
}

const OPENERS = '([{';
const CLOSERS = ')]}';

/**
 * Reads SQL tokens up to (not including) the first token at bracket depth 0 for which `stop`
 * holds, an unmatched closing bracket, a ';' or the end, and returns the source text covered
 * ('' when nothing was read).
 */
export function readSqlUntil(cursor: TokenCursor, stop: (cursor: TokenCursor) => boolean): string {
  let depth = 0;
  let first: Token | undefined;
  let last: Token | undefined;
  for (;;) {
    const token = cursor.peek();
    if (token === undefined || isSymbol(token, ';')) break;
    if (depth === 0 && (stop(cursor) || (token.kind === 'punct' && CLOSERS.includes(token.text)))) break;
    if (token.kind === 'punct' && OPENERS.includes(token.text)) depth++;
    if (token.kind === 'punct' && CLOSERS.includes(token.text)) depth--;
    first ??= token;
    last = token;
    cursor.next();
  }
  return first === undefined || last === undefined ? '' : cursor.sql.slice(first.start, last.end);
}

/** ( <expression> ) → the expression's text; `what` names the clause in errors. */
export function readParenthesizedSql(cursor: TokenCursor, what: string): string {
  cursor.expectPunct('(', what);
  const at = cursor.peek();
  const text = readSqlUntil(cursor, () => false);
  if (text === '') cursor.fail(`${what} expects an expression`, at);
  cursor.expectPunct(')', what);
  return text;
}

/** How a constraint keyword reads in errors: PRIMARY KEY, FOREIGN KEY, GENERATED … */
export function constraintLabel(word: string): string {
  const labels: Readonly<Record<string, string>> = {
    primary: 'PRIMARY KEY',
    foreign: 'FOREIGN KEY',
    generated: 'GENERATED (generated and identity columns)',
    as: 'AS (generated columns)',
  };
  return labels[word.toLowerCase()] ?? word.toUpperCase();
}

/** Words that begin a column constraint DuckDB has and Delta does not. */
const DUCKDB_COLUMN_CONSTRAINTS = new Set(['primary', 'unique', 'check', 'references', 'collate', 'generated', 'as']);

/**
 * name type [NOT NULL | NULL] [COMMENT 'c'] [DEFAULT expr], the options in any order, each at
 * most once. `lenient` (a plain-name target) turns DuckDB-only parts (PRIMARY KEY, types Delta
 * cannot store, …) into NotAWriteStatement instead of an error.
 */
export function readColumnDef(cursor: TokenCursor, what: string, lenient: boolean): ColumnDef {
  const name = readIdentifier(cursor, `${what} column`);
  if (isPunct(cursor.peek(), '.')) cursor.fail(`${what} expects a plain column name, not a qualified one`);
  const type = readColumnType(cursor, lenient);
  let nullable: boolean | undefined;
  let comment: string | undefined;
  let defaultSql: string | undefined;
  for (;;) {
    const token = cursor.peek();
    const once = (seen: unknown, clause: string): void => {
      if (seen !== undefined) cursor.fail(`column ${name} has two ${clause} clauses`, token);
    };
    if (wordsAhead(cursor, 'not', 'null') || isKeyword(token, 'null')) {
      once(nullable, 'NULL/NOT NULL');
      nullable = isKeyword(token, 'null');
      skip(cursor, nullable ? 1 : 2);
    } else if (isKeyword(token, 'comment')) {
      once(comment, 'COMMENT');
      cursor.next();
      comment = cursor.readString(`column ${name} COMMENT`);
    } else if (isKeyword(token, 'default')) {
      once(defaultSql, 'DEFAULT');
      cursor.next();
      defaultSql = readDefault(cursor, name);
    } else if (token?.kind === 'word' && DUCKDB_COLUMN_CONSTRAINTS.has(token.text.toLowerCase())) {
      duckdbOnly(cursor, lenient, `column ${name}: ${constraintLabel(token.text)} is not supported in Delta tables`);
    } else {
      break;
    }
  }
  return {
    name,
    type,
    nullable: nullable ?? true,
    ...(comment === undefined ? {} : { comment }),
    ...(defaultSql === undefined ? {} : { defaultSql }),
  };
}

function readColumnType(cursor: TokenCursor, lenient: boolean): DataType {
  try {
    return parseTypeName(cursor);
  } catch (error) {
    if (lenient && isTypeNameError(error)) throw new NotAWriteStatement(error.message);
    throw error;
  }
}

/** A DEFAULT expression runs to the next column option, ',' or ')' at depth 0. */
function readDefault(cursor: TokenCursor, column: string): string {
  const at = cursor.peek();
  const text = readSqlUntil(
    cursor,
    (c) =>
      isPunct(c.peek(), ',') ||
      isWord(c.peek(), 'comment') ||
      wordsAhead(c, 'not', 'null') ||
      (c.peek()?.kind === 'word' && DUCKDB_COLUMN_CONSTRAINTS.has((c.peek() as Token).text.toLowerCase())),
  );
  if (text === '') cursor.fail(`column ${column} DEFAULT expects an expression`, at);
  return text;
}

/** ( key [=] value, … ): keys are 'strings' or dotted names; values strings, numbers or booleans. */
export function readProperties(cursor: TokenCursor, what: string): Record<string, string> {
  const properties: Record<string, string> = {};
  readPropertyEntries(cursor, what, (key, keyToken) => {
    if (Object.hasOwn(properties, key)) cursor.fail(`${what} sets ${key} twice`, keyToken);
    if (cursor.peek()?.kind === 'op' && cursor.peek()?.text === '=') cursor.next();
    properties[key] = readPropertyValue(cursor, `${what} ${key}`);
  });
  return properties;
}

/** ( key, … ) as in UNSET TBLPROPERTIES. */
export function readPropertyKeys(cursor: TokenCursor, what: string): string[] {
  const keys: string[] = [];
  readPropertyEntries(cursor, what, (key) => {
    if (!keys.includes(key)) keys.push(key);
  });
  return keys;
}

function readPropertyEntries(cursor: TokenCursor, what: string, onKey: (key: string, at: Token) => void): void {
  cursor.expectPunct('(', what);
  let first = true;
  do {
    if (!first) cursor.next();
    first = false;
    const at = cursor.peek() as Token;
    onKey(readPropertyKey(cursor, what), at);
  } while (isPunct(cursor.peek(), ','));
  cursor.expectPunct(')', what);
}

function readPropertyKey(cursor: TokenCursor, what: string): string {
  const token = cursor.peek();
  if (token?.kind === 'string') {
    const key = cursor.readString(`${what} key`);
    if (key === '') cursor.fail(`${what} expects a non-empty key`, token);
    return key;
  }
  if (identifierValue(token) === undefined) cursor.fail(`${what} expects a property key ('key' or a dotted name)`);
  const parts = [readIdentifier(cursor, `${what} key`)];
  while (isPunct(cursor.peek(), '.')) {
    cursor.next();
    parts.push(readIdentifier(cursor, `${what} key`));
  }
  return parts.join('.');
}

/** 'text' | [+-]number (as written) | true | false (lower-cased). */
function readPropertyValue(cursor: TokenCursor, what: string): string {
  const token = cursor.peek();
  if (token?.kind === 'string') return cursor.readString(what);
  if (token !== undefined && (isKeyword(token, 'true') || isKeyword(token, 'false'))) {
    cursor.next();
    return token.text.toLowerCase();
  }
  const signed = token?.kind === 'op' && (token.text === '-' || token.text === '+') && cursor.peek(1)?.kind === 'number';
  const number = signed ? cursor.peek(1) : token;
  if (number?.kind !== 'number' || token === undefined) return cursor.fail(`${what} expects a string, number, true or false`);
  skip(cursor, signed ? 2 : 1);
  return cursor.sql.slice(token.start, number.end);
}
