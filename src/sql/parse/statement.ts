import { tokenize } from './lexer.js';
import type { Token } from './lexer.js';
import { isPunct, isWord, TokenCursor } from './token-cursor.js';

/**
 * What one statement asks for. Lake-only statements are parsed here; everything else is a
 * query passed to DuckDB (after the executor replaces its lake references).
 */
export type Statement =
  | ({ readonly kind: 'describe_history'; readonly limit?: number } & DescribedTable)
  | ({ readonly kind: 'describe_detail' } & DescribedTable)
  | { readonly kind: 'query'; readonly sql: string };

/** The table a DESCRIBE names: a path, or a 1–3 part name (parts unquoted, case kept). */
export type DescribedTable = { readonly path: string; readonly name?: never } | { readonly name: readonly string[]; readonly path?: never };

/**
 * Classifies ONE statement (trailing semicolons allowed). Recognised, case-insensitively and
 * with any whitespace/comments between words:
 *   { DESCRIBE | DESC } HISTORY <ref> [LIMIT n]   → describe_history
 *   { DESCRIBE | DESC } DETAIL <ref>              → describe_detail
 * where <ref> is delta.`<path>`, a '<path>' string or a table name of 1–3 parts (quoted with
 * backticks or double quotes where needed). `DESCRIBE history` with nothing after it
 * describes a table named history and is a query, as is everything else (returned unchanged).
 * A malformed DESCRIBE HISTORY/DETAIL throws LochError INVALID_ARGUMENT with line and column.
 */
export function classifyStatement(sql: string): Statement {
  const tokens = tokenize(sql);
  let end = tokens.length;
  // A statement's own closing semicolons (with trivia between) are not part of its grammar.
  while (end > 0 && (tokens[end - 1]?.kind === 'whitespace' || tokens[end - 1]?.kind === 'comment' || isPunct(tokens[end - 1], ';'))) end--;
  const cursor = new TokenCursor(sql, tokens.slice(0, end));
  const describe = isWord(cursor.peek(), 'describe') || isWord(cursor.peek(), 'desc');
  const what = cursor.peek(1);
  if (!describe || cursor.peek(2) === undefined) return { kind: 'query', sql };
  if (isWord(what, 'history')) return readDescribeHistory(cursor);
  if (isWord(what, 'detail')) return readDescribeDetail(cursor);
  return { kind: 'query', sql };
}

function readDescribeHistory(cursor: TokenCursor): Statement {
  cursor.next();
  cursor.next();
  const table = readTableRef(cursor, 'DESCRIBE HISTORY');
  let limit: number | undefined;
  if (isWord(cursor.peek(), 'limit')) {
    cursor.next();
    limit = cursor.readNonNegativeInteger('DESCRIBE HISTORY LIMIT');
  }
  expectEnd(cursor, 'DESCRIBE HISTORY');
  return limit === undefined ? { kind: 'describe_history', ...table } : { kind: 'describe_history', ...table, limit };
}

function readDescribeDetail(cursor: TokenCursor): Statement {
  cursor.next();
  cursor.next();
  const table = readTableRef(cursor, 'DESCRIBE DETAIL');
  expectEnd(cursor, 'DESCRIBE DETAIL');
  return { kind: 'describe_detail', ...table };
}

/** delta.`path`, 'path' or a dotted name */
function readTableRef(cursor: TokenCursor, what: string): DescribedTable {
  const token = cursor.peek();
  let path: string | undefined;
  if (isWord(token, 'delta') && isPunct(cursor.peek(1), '.') && cursor.peek(2)?.kind === 'backtick_ident') {
    path = cursor.peek(2)?.value;
    cursor.next();
    cursor.next();
    cursor.next();
  } else if (token?.kind === 'string') {
    path = cursor.readString(what);
  } else if (isNamePart(token)) {
    return { name: readName(cursor, what) };
  } else {
    cursor.fail(`${what} expects a table name, delta.\`<path>\` or a '<path>' string`);
  }
  if (path === undefined || path === '') cursor.fail(`${what} expects a non-empty path`, token);
  return { path };
}

function isNamePart(token: Token | undefined): token is Token {
  return token?.kind === 'word' || ((token?.kind === 'quoted_ident' || token?.kind === 'backtick_ident') && token.value !== '');
}

/** name [. name [. name]] */
function readName(cursor: TokenCursor, what: string): string[] {
  const parts: string[] = [];
  for (;;) {
    const token = cursor.next() as Token;
    parts.push(token.kind === 'word' ? token.text : (token.value ?? ''));
    if (!isPunct(cursor.peek(), '.')) return parts;
    if (parts.length === 3) cursor.fail(`${what} expects a name of at most three parts (catalog.schema.table)`);
    cursor.next();
    if (!isNamePart(cursor.peek())) cursor.fail(`${what} expects a name part after '.'`);
  }
}

function expectEnd(cursor: TokenCursor, what: string): void {
  const extra = cursor.peek();
  if (extra !== undefined) cursor.fail(`unexpected ${extra.text} in ${what}`);
}
