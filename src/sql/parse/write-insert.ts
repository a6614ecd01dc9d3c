import type { Token } from './lexer.js';
import { isPunct, isWord, wordsAhead, type TokenCursor } from './token-cursor.js';
import { identifierValue } from './type-name.js';
import {
  duckdbOnly,
  isKeyword,
  isSymbol,
  readIdentifier,
  readIdentifierList,
  readQueryToEnd,
  readSqlUntil,
  readTableRef,
  skip,
  startsQuery,
  type TableRef,
} from './write-clauses.js';
import type { InsertStatement, PartitionSpecEntry } from './write-statements.js';

/**
 * INSERT { INTO | OVERWRITE } [TABLE] <ref> [PARTITION (…)] [BY NAME | (c1, …)] <query>, and
 * INSERT INTO <ref> REPLACE WHERE <predicate> <query>. The cursor is on INSERT. Returns undefined
 * for INSERT forms that are not Delta writes (INSERT OVERWRITE DIRECTORY, DuckDB's INSERT OR … on
 * a plain name).
 */
export function readInsert(cursor: TokenCursor): InsertStatement | undefined {
  cursor.next();
  if (isWord(cursor.peek(), 'or')) return readInsertOr(cursor);
  const overwrite = isWord(cursor.peek(), 'overwrite');
  if (!overwrite && !isWord(cursor.peek(), 'into')) return undefined;
  cursor.next();
  if (overwrite && (isWord(cursor.peek(), 'directory') || wordsAhead(cursor, 'local', 'directory'))) return undefined;
  const what = overwrite ? 'INSERT OVERWRITE' : 'INSERT INTO';
  // TABLE is a keyword unless it is the name of the target (INSERT INTO table VALUES …).
  if (isWord(cursor.peek(), 'table') && identifierValue(cursor.peek(1)) !== undefined && !startsQuery(cursor, 1)) cursor.next();
  const target = readTableRef(cursor, what);
  if (!overwrite && wordsAhead(cursor, 'replace', 'where')) return readReplaceWhere(cursor, target);
  const partitionSpec = isWord(cursor.peek(), 'partition') ? readPartitionSpec(cursor, `${what} PARTITION`) : undefined;
  const shape = readInsertShape(cursor, what);
  const querySql = readInsertQuery(cursor, what, target.kind === 'name');
  return {
    kind: 'insert',
    target,
    mode: overwrite ? 'overwrite' : 'append',
    ...(shape.columns === undefined ? {} : { columns: shape.columns }),
    byName: shape.byName,
    ...(partitionSpec === undefined ? {} : { partitionSpec }),
    querySql,
  };
}

/** DuckDB's INSERT OR REPLACE / OR IGNORE INTO: an upsert Delta tables do through MERGE. */
function readInsertOr(cursor: TokenCursor): undefined {
  const at = cursor.peek();
  skip(cursor, 2);
  if (!isWord(cursor.peek(), 'into')) return undefined;
  cursor.next();
  const target = readTableRef(cursor, 'INSERT OR … INTO');
  return duckdbOnly(cursor, target.kind === 'name', 'INSERT OR REPLACE/IGNORE is not supported for Delta tables (use MERGE)', at);
}

interface InsertShape {
  readonly columns?: string[];
  readonly byName: boolean;
}

/** [BY NAME | BY POSITION] or a column list (not both), before the query. */
function readInsertShape(cursor: TokenCursor, what: string): InsertShape {
  let columns: string[] | undefined;
  let by: Token | undefined;
  let byName = false;
  for (;;) {
    const token = cursor.peek();
    if (by === undefined && (wordsAhead(cursor, 'by', 'name') || wordsAhead(cursor, 'by', 'position'))) {
      by = token;
      byName = isWord(cursor.peek(1), 'name');
      skip(cursor, 2);
    } else if (columns === undefined && isPunct(token, '(') && !startsQuery(cursor)) {
      columns = readIdentifierList(cursor, `${what} column list`);
    } else {
      break;
    }
    if (columns !== undefined && by !== undefined) cursor.fail(`${what} cannot have both a column list and BY ${byName ? 'NAME' : 'POSITION'}`, token);
  }
  return columns === undefined ? { byName } : { columns, byName };
}

/** The query after the target, refusing DuckDB's DEFAULT VALUES, RETURNING and ON CONFLICT. */
function readInsertQuery(cursor: TokenCursor, what: string, lenient: boolean): string {
  if (wordsAhead(cursor, 'default', 'values')) duckdbOnly(cursor, lenient, `${what} DEFAULT VALUES is not supported for Delta tables`);
  const duckdbClause = findTopLevel(cursor, (ahead) => isWord(cursor.peek(ahead), 'returning') || isOnConflict(cursor, ahead));
  if (duckdbClause !== undefined) {
    const clause = isKeyword(duckdbClause, 'on') ? 'ON CONFLICT' : 'RETURNING';
    duckdbOnly(cursor, lenient, `${what} … ${clause} is not supported for Delta tables`, duckdbClause);
  }
  return readQueryToEnd(cursor, what);
}

/** DuckDB's ON CONFLICT [(…)] DO …, told apart from a join condition on a column named conflict. */
function isOnConflict(cursor: TokenCursor, ahead: number): boolean {
  if (!isWord(cursor.peek(ahead), 'on') || !isWord(cursor.peek(ahead + 1), 'conflict')) return false;
  return isPunct(cursor.peek(ahead + 2), '(') || isWord(cursor.peek(ahead + 2), 'do');
}

/** The first token from the cursor on, at bracket depth 0, for which `match` holds; the cursor does not move. */
function findTopLevel(cursor: TokenCursor, match: (ahead: number) => boolean): Token | undefined {
  let depth = 0;
  for (let ahead = 0; cursor.peek(ahead) !== undefined; ahead++) {
    const token = cursor.peek(ahead) as Token;
    if (token.kind === 'punct' && '([{'.includes(token.text)) depth++;
    else if (token.kind === 'punct' && ')]}'.includes(token.text)) depth--;
    else if (depth === 0 && match(ahead)) return token;
  }
  return undefined;
}

/** PARTITION ( column [= value], … ) */
function readPartitionSpec(cursor: TokenCursor, what: string): PartitionSpecEntry[] {
  cursor.next();
  cursor.expectPunct('(', what);
  const entries: PartitionSpecEntry[] = [];
  do {
    if (entries.length > 0) cursor.next();
    const at = cursor.peek();
    const column = readIdentifier(cursor, what);
    if (entries.some((e) => e.column.toLowerCase() === column.toLowerCase())) cursor.fail(`${what} names column ${column} twice`, at);
    const equals = cursor.peek();
    if (equals?.kind === 'op' && equals.text === '=') {
      cursor.next();
      const valueSql = readSqlUntil(cursor, (c) => isPunct(c.peek(), ','));
      if (valueSql === '') cursor.fail(`${what} expects a value for column ${column}`);
      entries.push({ column, valueSql });
    } else {
      entries.push({ column });
    }
  } while (isPunct(cursor.peek(), ','));
  cursor.expectPunct(')', what);
  return entries;
}

function readReplaceWhere(cursor: TokenCursor, target: TableRef): InsertStatement {
  const what = 'INSERT INTO … REPLACE WHERE';
  skip(cursor, 2);
  const replaceWhereSql = readPredicate(cursor, what);
  const querySql = readQueryToEnd(cursor, what);
  return { kind: 'insert', target, mode: 'replace_where', byName: false, replaceWhereSql, querySql };
}

/**
 * The predicate runs to the query: SELECT, VALUES, WITH, FROM or TABLE at bracket depth 0 (FROM
 * after IS [NOT] DISTINCT excepted), or a '(' opening a query right after a complete operand
 * (a literal, a quoted name, ')' or ']'); after a plain word such a '(' is a function call or a
 * subquery (IN (SELECT …), EXISTS (SELECT …)), which belongs to the predicate.
 */
function readPredicate(cursor: TokenCursor, what: string): string {
  const first = cursor.peek();
  if (first === undefined || (startsQuery(cursor) && !isPunct(first, '('))) cursor.fail(`${what} expects a predicate`);
  let depth = 0;
  let last: Token | undefined;
  for (;;) {
    const token = cursor.peek();
    if (token === undefined) return cursor.fail(`${what} expects a query after the predicate`);
    if (isSymbol(token, ';')) cursor.fail(`unexpected ; in ${what}`);
    if (depth === 0 && last !== undefined && queryStartsHere(cursor, last)) break;
    if (token.kind === 'punct' && '([{'.includes(token.text)) depth++;
    if (token.kind === 'punct' && ')]}'.includes(token.text)) {
      if (depth === 0) cursor.fail(`unexpected ${token.text} in ${what}`);
      depth--;
    }
    last = token;
    cursor.next();
  }
  return cursor.sql.slice(first.start, last.end);
}

const VALUE_WORDS = new Set(['true', 'false', 'null']);

function queryStartsHere(cursor: TokenCursor, previous: Token): boolean {
  const token = cursor.peek() as Token;
  if (token.kind === 'word') {
    if (isKeyword(token, 'from') && isKeyword(previous, 'distinct')) return false;
    return startsQuery(cursor);
  }
  if (!isSymbol(token, '(') || !startsQuery(cursor)) return false;
  return (
    ['number', 'string', 'quoted_ident', 'backtick_ident'].includes(previous.kind) ||
    isSymbol(previous, ')') ||
    isSymbol(previous, ']') ||
    (previous.kind === 'word' && VALUE_WORDS.has(previous.text.toLowerCase()))
  );
}
