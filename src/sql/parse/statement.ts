import { tokenize } from './lexer.js';
import { isPunct, isWord, TokenCursor } from './token-cursor.js';

/**
 * What one statement asks for. Lake-only statements are parsed here; everything else is a
 * query passed to DuckDB (after the executor replaces its lake references).
 */
export type Statement =
  | { readonly kind: 'describe_history'; readonly path: string; readonly limit?: number }
  | { readonly kind: 'describe_detail'; readonly path: string }
  | { readonly kind: 'query'; readonly sql: string };

/**
 * Classifies ONE statement (trailing semicolons allowed). Recognised, case-insensitively and
 * with any whitespace/comments between words:
 *   { DESCRIBE | DESC } HISTORY <ref> [LIMIT n]   → describe_history
 *   { DESCRIBE | DESC } DETAIL <ref>              → describe_detail
 * where <ref> is delta.`<path>` or a '<path>' string. `DESCRIBE history` with nothing after it
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
  const path = readPathRef(cursor, 'DESCRIBE HISTORY');
  let limit: number | undefined;
  if (isWord(cursor.peek(), 'limit')) {
    cursor.next();
    limit = cursor.readNonNegativeInteger('DESCRIBE HISTORY LIMIT');
  }
  expectEnd(cursor, 'DESCRIBE HISTORY');
  return limit === undefined ? { kind: 'describe_history', path } : { kind: 'describe_history', path, limit };
}

function readDescribeDetail(cursor: TokenCursor): Statement {
  cursor.next();
  cursor.next();
  const path = readPathRef(cursor, 'DESCRIBE DETAIL');
  expectEnd(cursor, 'DESCRIBE DETAIL');
  return { kind: 'describe_detail', path };
}

/** delta.`path` or 'path' */
function readPathRef(cursor: TokenCursor, what: string): string {
  const token = cursor.peek();
  let path: string | undefined;
  if (isWord(token, 'delta') && isPunct(cursor.peek(1), '.') && cursor.peek(2)?.kind === 'backtick_ident') {
    path = cursor.peek(2)?.value;
    cursor.next();
    cursor.next();
    cursor.next();
  } else if (token?.kind === 'string') {
    path = cursor.readString(what);
  } else {
    cursor.fail(`${what} expects delta.\`<path>\` or a '<path>' string`);
  }
  if (path === undefined || path === '') cursor.fail(`${what} expects a non-empty path`, token);
  return path;
}

function expectEnd(cursor: TokenCursor, what: string): void {
  const extra = cursor.peek();
  if (extra !== undefined) cursor.fail(`unexpected ${extra.text} in ${what}`);
}
