import { LochError } from '../../core/errors.js';
import type { Token } from './lexer.js';
import { tokenize } from './lexer.js';
import { isPunct, isWord, TokenCursor } from './token-cursor.js';
import type { TableRef } from './write-clauses.js';
import { acceptWord, expectEnd, expectWord, readIdentifierList, readProperties, readSqlUntil, readTableRef, startsQuery, statementCursor } from './write-clauses.js';

/**
 * Databricks' file statements:
 * - `LIST '<path>' [LIMIT n]`
 * - `COPY INTO <table> [BY POSITION | (col, …)] FROM { '<path>' | (SELECT … FROM '<path>' …) }
 *    FILEFORMAT = <format> [FILES = ('a', …) | PATTERN = '<glob>'] [FORMAT_OPTIONS (…)] [COPY_OPTIONS (…)]`
 *   (the clauses after FILEFORMAT in any order, each at most once).
 */
export type FileStatement = ListStatement | CopyIntoStatement;

export interface ListStatement {
  readonly kind: 'list';
  readonly path: string;
  readonly limit?: number;
}

export interface CopyIntoStatement {
  readonly kind: 'copy_into';
  readonly target: TableRef;
  /** BY POSITION (headerless CSV) or a column list: source columns go to the table by position. */
  readonly byPosition: boolean;
  readonly columns?: readonly string[];
  /** The source directory (or file) as written. */
  readonly source: string;
  /** FROM (SELECT …): the query, and where its `'<path>'` string lies in it. */
  readonly select?: { readonly sql: string; readonly pathStart: number; readonly pathEnd: number };
  readonly format: string;
  readonly files?: readonly string[];
  readonly pattern?: string;
  /** Keys as written (compare case-insensitively); values as text. */
  readonly formatOptions: Readonly<Record<string, string>>;
  readonly copyOptions: Readonly<Record<string, string>>;
}

/**
 * Parses LIST and COPY INTO; undefined for any other text (DuckDB's `COPY t FROM …` included).
 * Malformed LIST / COPY INTO statements are INVALID_ARGUMENT with line and column; VALIDATE and
 * WITH (CREDENTIAL …) are NOT_IMPLEMENTED.
 */
export function parseFileStatement(sql: string): FileStatement | undefined {
  let cursor: TokenCursor;
  try {
    cursor = statementCursor(sql);
  } catch {
    return undefined;
  }
  if (isWord(cursor.peek(), 'list') && cursor.peek(1)?.kind === 'string') return parseList(cursor);
  if (isWord(cursor.peek(), 'copy') && isWord(cursor.peek(1), 'into')) return parseCopyInto(cursor);
  return undefined;
}

function parseList(cursor: TokenCursor): ListStatement {
  cursor.next();
  const path = cursor.readString('LIST');
  if (isWord(cursor.peek(), 'with')) notImplemented('LIST … WITH (CREDENTIAL …)');
  let limit: number | undefined;
  if (acceptWord(cursor, 'limit')) limit = cursor.readNonNegativeInteger('LIST LIMIT');
  expectEnd(cursor, 'LIST');
  return { kind: 'list', path, ...(limit !== undefined ? { limit } : {}) };
}

function parseCopyInto(cursor: TokenCursor): CopyIntoStatement {
  cursor.next();
  cursor.next();
  const target = readTableRef(cursor, 'COPY INTO');
  const byPosition = acceptWord(cursor, 'by', 'position');
  const columns = !byPosition && isPunct(cursor.peek(), '(') ? readIdentifierList(cursor, 'COPY INTO column list') : undefined;
  expectWord(cursor, 'from', 'COPY INTO');
  const from = readSource(cursor);
  expectWord(cursor, 'fileformat', 'COPY INTO');
  expectEquals(cursor, 'FILEFORMAT');
  const formatToken = cursor.peek();
  if (formatToken?.kind !== 'word') cursor.fail('FILEFORMAT expects a format name (CSV, JSON, PARQUET, TEXT, BINARYFILE)');
  cursor.next();
  const clauses = readClauses(cursor);
  expectEnd(cursor, 'COPY INTO');
  return {
    kind: 'copy_into',
    target,
    byPosition: byPosition || columns !== undefined,
    ...(columns !== undefined ? { columns } : {}),
    ...from,
    format: formatToken.text,
    ...clauses,
  };
}

function readSource(cursor: TokenCursor): Pick<CopyIntoStatement, 'source' | 'select'> {
  if (cursor.peek()?.kind === 'string') {
    const source = cursor.readString('COPY INTO … FROM');
    if (isWord(cursor.peek(), 'with')) notImplemented('COPY INTO … FROM … WITH (CREDENTIAL …)');
    return { source };
  }
  if (!isPunct(cursor.peek(), '(') || !startsQuery(cursor, 1)) cursor.fail("COPY INTO … FROM expects '<path>' or (SELECT … FROM '<path>')");
  cursor.next();
  const at = cursor.peek() as Token;
  const sql = readSqlUntil(cursor, () => false);
  cursor.expectPunct(')', 'COPY INTO … FROM (SELECT …)');
  const path = sourcePathIn(sql);
  if (path === undefined) cursor.fail("COPY INTO … FROM (SELECT …) expects the query to read FROM '<path>'", at);
  return { source: path.value, select: { sql, pathStart: path.start, pathEnd: path.end } };
}

/** The first `FROM '<path>'` of the query: the string token and its offsets in `sql`. */
function sourcePathIn(sql: string): { value: string; start: number; end: number } | undefined {
  const inner = new TokenCursor(sql, tokenize(sql));
  for (let i = 0; i + 1 < inner.length; i++) {
    const token = inner.peek(i + 1);
    if (isWord(inner.peek(i), 'from') && token?.kind === 'string' && token.value !== undefined) return { value: token.value, start: token.start, end: token.end };
  }
  return undefined;
}

type Clauses = Pick<CopyIntoStatement, 'files' | 'pattern' | 'formatOptions' | 'copyOptions'>;

function readClauses(cursor: TokenCursor): Clauses {
  let files: string[] | undefined;
  let pattern: string | undefined;
  let formatOptions: Record<string, string> | undefined;
  let copyOptions: Record<string, string> | undefined;
  for (;;) {
    const token = cursor.peek();
    const once = (seen: unknown, clause: string) => {
      if (seen !== undefined) cursor.fail(`COPY INTO has two ${clause} clauses`, token);
      cursor.next();
    };
    if (isWord(token, 'files')) {
      once(files, 'FILES');
      expectEquals(cursor, 'FILES');
      files = readStringList(cursor, 'FILES');
    } else if (isWord(token, 'pattern')) {
      once(pattern, 'PATTERN');
      expectEquals(cursor, 'PATTERN');
      pattern = cursor.readString('PATTERN');
    } else if (isWord(token, 'format_options')) {
      once(formatOptions, 'FORMAT_OPTIONS');
      formatOptions = readProperties(cursor, 'FORMAT_OPTIONS');
    } else if (isWord(token, 'copy_options')) {
      once(copyOptions, 'COPY_OPTIONS');
      copyOptions = readProperties(cursor, 'COPY_OPTIONS');
    } else if (isWord(token, 'validate')) {
      notImplemented('COPY INTO … VALIDATE');
    } else {
      break;
    }
  }
  if (files !== undefined && pattern !== undefined) cursor.fail('COPY INTO takes FILES or PATTERN, not both');
  return { ...(files !== undefined ? { files } : {}), ...(pattern !== undefined ? { pattern } : {}), formatOptions: formatOptions ?? {}, copyOptions: copyOptions ?? {} };
}

function readStringList(cursor: TokenCursor, what: string): string[] {
  cursor.expectPunct('(', what);
  const items: string[] = [];
  do {
    if (items.length > 0) cursor.next();
    items.push(cursor.readString(what));
  } while (isPunct(cursor.peek(), ','));
  cursor.expectPunct(')', what);
  if (items.length > 1000) cursor.fail(`${what} lists ${items.length} files; at most 1000 are allowed`);
  return items;
}

function expectEquals(cursor: TokenCursor, what: string): void {
  const token = cursor.peek();
  if (token?.kind !== 'op' || token.text !== '=') cursor.fail(`${what} expects '='`);
  cursor.next();
}

function notImplemented(what: string): never {
  throw new LochError('NOT_IMPLEMENTED', `sql: ${what} is not supported`);
}
