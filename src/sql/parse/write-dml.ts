import type { Token } from './lexer.js';
import { isPunct, isWord, type TokenCursor } from './token-cursor.js';
import { identifierValue } from './type-name.js';
import { duckdbOnly, expectEnd, expectWord, isKeyword, isSymbol, readIdentifier, readTableRef, type TableRef } from './write-clauses.js';
import type { Assignment, DeleteStatement, UpdateStatement } from './write-statements.js';

/**
 * DELETE and UPDATE (see `parseWriteStatement`), and the expression, alias and SET readers that
 * MERGE, OPTIMIZE and RESTORE share with them. Every SQL fragment is the exact source slice from
 * its first to its last token: comments inside are kept, comments around it are not.
 */

const OPENERS = '([{';
const CLOSERS = ')]}';

/** True when the current token is the keyword `word`, not a field after a dot (`s.when`). */
export function atKeyword(cursor: TokenCursor, word: string): boolean {
  return isWord(cursor.peek(), word) && !isPunct(cursor.peek(-1), '.');
}

/** FROM that starts a clause, not the one of IS [NOT] DISTINCT FROM. */
function atFromClause(cursor: TokenCursor): boolean {
  return atKeyword(cursor, 'from') && !isWord(cursor.peek(-1), 'distinct');
}

/** CASE that opens a CASE … END expression (a name `case` would be quoted or qualified). */
function opensCase(cursor: TokenCursor): boolean {
  return atKeyword(cursor, 'case') && !isPunct(cursor.peek(1), '.');
}

/**
 * Reads SQL up to (not including) the first token outside brackets and CASE … END for which
 * `stop` holds, an unmatched closing bracket, a ';' or the end, and returns the source text
 * covered ('' when nothing was read). Tracking CASE keeps its WHEN/THEN inside the expression.
 * A bracket or CASE still open at a ';' or the end fails at its opening token.
 */
export function readSqlFragment(cursor: TokenCursor, stop: (cursor: TokenCursor) => boolean): string {
  const open: Token[] = [];
  let first: Token | undefined;
  let last: Token | undefined;
  for (;;) {
    const token = cursor.peek();
    if (token === undefined || isSymbol(token, ';')) break;
    if (open.length === 0 && stop(cursor)) break;
    if (token.kind === 'punct' && CLOSERS.includes(token.text)) {
      if (open.length === 0) break;
      // A bracket closes whatever CASE was left open inside it; DuckDB checks the SQL later anyway.
      let closed = open.pop();
      while (closed !== undefined && closed.kind === 'word') closed = open.pop();
    } else if ((token.kind === 'punct' && OPENERS.includes(token.text)) || opensCase(cursor)) {
      open.push(token);
    } else if (atKeyword(cursor, 'end') && open.at(-1)?.kind === 'word') {
      open.pop();
    }
    first ??= token;
    last = token;
    cursor.next();
  }
  const unclosed = open.at(-1);
  if (unclosed !== undefined) cursor.fail(unclosed.kind === 'word' ? 'CASE without END' : `unclosed ${unclosed.text}`, unclosed);
  return first === undefined || last === undefined ? '' : cursor.sql.slice(first.start, last.end);
}

/** `readSqlFragment` that fails with "<what> expects <expected>" when the fragment is empty. */
export function readRequiredSql(cursor: TokenCursor, what: string, expected: string, stop: (cursor: TokenCursor) => boolean): string {
  const at = cursor.peek();
  const text = readSqlFragment(cursor, stop);
  if (text === '') cursor.fail(`${what} expects ${expected}`, at);
  return text;
}

/** Words that follow a table reference as a clause, so they are never taken for a bare alias. */
const CLAUSE_WORDS = new Set([
  'as', 'on', 'using', 'when', 'where', 'set', 'returning', 'from', 'then', 'and', 'or', 'not', 'join', 'inner', 'left',
  'right', 'full', 'cross', 'natural', 'semi', 'anti', 'positional', 'asof', 'lateral', 'limit', 'order', 'group',
  'having', 'window', 'qualify', 'union', 'except', 'intersect', 'values', 'select', 'with', 'tablesample',
]);

/** [AS] alias after a table reference; a bare alias is any name but a clause keyword (ON, WHEN, SET…). */
export function readAlias(cursor: TokenCursor, what: string): string | undefined {
  const token = cursor.peek();
  if (isKeyword(token, 'as')) {
    cursor.next();
    const name = cursor.peek();
    if (name?.kind === 'word' && CLAUSE_WORDS.has(name.text.toLowerCase())) cursor.fail(`${what} expects an alias after AS`);
    return readIdentifier(cursor, `${what} alias`);
  }
  if (token?.kind === 'word' && CLAUSE_WORDS.has(token.text.toLowerCase())) return undefined;
  if (identifierValue(token) === undefined) return undefined;
  return readIdentifier(cursor, `${what} alias`);
}

/** The name that may qualify target columns in SET and INSERT: the alias, else the table's own name. */
export function targetQualifier(target: TableRef, alias: string | undefined): string | undefined {
  if (alias !== undefined) return alias;
  return target.kind === 'name' ? target.parts.at(-1) : undefined;
}

/** name[.field…], each part a word or a quoted name (`a.b` in backticks is one part). */
export function readColumnPath(cursor: TokenCursor, what: string): string[] {
  const path = [readIdentifier(cursor, what)];
  while (isPunct(cursor.peek(), '.')) {
    cursor.next();
    path.push(readIdentifier(cursor, what));
  }
  return path;
}

/** Drops a leading `qualifier.` (t.a → a) as Spark resolves it against the target; case-insensitive. */
export function withoutQualifier(path: string[], qualifier: string | undefined): string[] {
  if (qualifier === undefined || path.length < 2 || path[0]?.toLowerCase() !== qualifier.toLowerCase()) return path;
  return path.slice(1);
}

export function showPath(path: readonly string[]): string {
  return path.join('.');
}

/**
 * col = value [, col = value …] with values running to a top-level ',' or `stop`. A column may be
 * written qualified by `qualifier`. Assigning one column twice, or a struct and one of its
 * fields, fails as in Databricks.
 */
export function readAssignments(cursor: TokenCursor, what: string, qualifier: string | undefined, stop: (cursor: TokenCursor) => boolean): Assignment[] {
  const assignments: Assignment[] = [];
  do {
    if (assignments.length > 0) cursor.next();
    const at = cursor.peek();
    const path = withoutQualifier(readColumnPath(cursor, what), qualifier);
    const clash = assignments.find((a) => overlaps(a.path, path));
    if (clash !== undefined) {
      const same = clash.path.length === path.length;
      cursor.fail(same ? `${what} assigns ${showPath(path)} twice` : `${what} assigns both ${showPath(clash.path)} and ${showPath(path)}`, at);
    }
    const equals = cursor.peek();
    if (equals?.kind !== 'op' || equals.text !== '=') cursor.fail(`${what} expects = after ${showPath(path)}`);
    cursor.next();
    const valueSql = readRequiredSql(cursor, what, `a value for ${showPath(path)}`, (c) => isPunct(c.peek(), ',') || stop(c));
    assignments.push({ path, valueSql });
  } while (isPunct(cursor.peek(), ','));
  return assignments;
}

/** One path is the other or a prefix of it (a and a.b), compared case-insensitively. */
function overlaps(a: readonly string[], b: readonly string[]): boolean {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i]?.toLowerCase() !== b[i]?.toLowerCase()) return false;
  return true;
}

/** DuckDB's RETURNING, refused on a Delta table (handed to DuckDB on a plain name). */
export function refuseReturning(cursor: TokenCursor, lenient: boolean, what: string): void {
  if (atKeyword(cursor, 'returning')) duckdbOnly(cursor, lenient, `${what} … RETURNING is not supported for Delta tables`);
}

/** [WHERE <condition>] running to `stop` or the end. */
function readWhere(cursor: TokenCursor, what: string, stop: (cursor: TokenCursor) => boolean): string | undefined {
  if (!atKeyword(cursor, 'where')) return undefined;
  cursor.next();
  return readRequiredSql(cursor, `${what} WHERE`, 'a condition', stop);
}

/**
 * DELETE FROM <ref> [[AS] alias] [WHERE <condition>]. The cursor is on DELETE. DuckDB's USING
 * and RETURNING hand a plain-name statement back (NotAWriteStatement) and fail on a path.
 */
export function readDelete(cursor: TokenCursor): DeleteStatement {
  const what = 'DELETE';
  cursor.next();
  expectWord(cursor, 'from', what);
  const target = readTableRef(cursor, 'DELETE FROM');
  const lenient = target.kind === 'name';
  const alias = readAlias(cursor, 'DELETE FROM');
  if (atKeyword(cursor, 'using')) duckdbOnly(cursor, lenient, 'DELETE … USING is not supported for Delta tables (use MERGE … WHEN MATCHED THEN DELETE)');
  const whereSql = readWhere(cursor, what, (c) => atKeyword(c, 'returning'));
  refuseReturning(cursor, lenient, what);
  expectEnd(cursor, what);
  return { kind: 'delete', target, ...(alias === undefined ? {} : { alias }), ...(whereSql === undefined ? {} : { whereSql }) };
}

/** TRUNCATE TABLE <ref>: Databricks' way to delete every row (a DELETE without a condition). */
export function readTruncate(cursor: TokenCursor): DeleteStatement {
  cursor.next();
  expectWord(cursor, 'table', 'TRUNCATE');
  const target = readTableRef(cursor, 'TRUNCATE TABLE');
  expectEnd(cursor, 'TRUNCATE TABLE');
  return { kind: 'delete', target };
}

/**
 * UPDATE <ref> [[AS] alias] SET col = value [, …] [WHERE <condition>]. The cursor is on UPDATE.
 * Returns undefined for DuckDB's UPDATE EXTENSIONS; DuckDB's SET (a, b) = …, FROM and RETURNING
 * hand a plain-name statement back and fail on a path.
 */
export function readUpdate(cursor: TokenCursor): UpdateStatement | undefined {
  const what = 'UPDATE';
  if (isWord(cursor.peek(1), 'extensions') && (cursor.peek(2) === undefined || isPunct(cursor.peek(2), '('))) return undefined;
  cursor.next();
  const target = readTableRef(cursor, what);
  const lenient = target.kind === 'name';
  const alias = readAlias(cursor, what);
  expectWord(cursor, 'set', what);
  if (isPunct(cursor.peek(), '(')) duckdbOnly(cursor, lenient, 'UPDATE SET (a, b) = … is not supported for Delta tables; assign each column');
  const stop = (c: TokenCursor): boolean => atKeyword(c, 'where') || atFromClause(c) || atKeyword(c, 'returning');
  const assignments = readAssignments(cursor, 'UPDATE SET', targetQualifier(target, alias), stop);
  if (atFromClause(cursor)) duckdbOnly(cursor, lenient, 'UPDATE … FROM is not supported for Delta tables (use MERGE INTO)');
  const whereSql = readWhere(cursor, what, (c) => atKeyword(c, 'returning'));
  refuseReturning(cursor, lenient, what);
  expectEnd(cursor, what);
  return {
    kind: 'update',
    target,
    ...(alias === undefined ? {} : { alias }),
    assignments,
    ...(whereSql === undefined ? {} : { whereSql }),
  };
}
