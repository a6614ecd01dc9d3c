import { isPunct, isWord, wordsAhead, type TokenCursor } from './token-cursor.js';
import { identifierValue } from './type-name.js';
import { duckdbOnly, expectEnd, isKeyword, readIdentifier, readTableRef, skip, type TableRef } from './write-clauses.js';
import { atKeyword, readRequiredSql } from './write-dml.js';
import type { OptimizeStatement, RestoreStatement, VacuumStatement } from './write-statements.js';

/**
 * OPTIMIZE, VACUUM and RESTORE (see `parseWriteStatement`). Each reader starts with the cursor on
 * the statement's first word.
 */

/** A table reference, or (as Delta Lake accepts for OPTIMIZE and VACUUM) a '<path>' string naming a Delta table. */
function readMaintainedTable(cursor: TokenCursor, what: string): TableRef {
  const token = cursor.peek();
  if (token?.kind !== 'string') return readTableRef(cursor, what);
  const path = cursor.readString(`${what} path`);
  if (path === '') cursor.fail(`${what} expects a non-empty path`, token);
  return { kind: 'path', format: 'delta', path };
}

/** OPTIMIZE <ref> [WHERE <partition predicate>] [ZORDER BY (a, b) | ZORDER BY a, b] */
export function readOptimize(cursor: TokenCursor): OptimizeStatement {
  const what = 'OPTIMIZE';
  cursor.next();
  const target = readMaintainedTable(cursor, what);
  if (atKeyword(cursor, 'full')) cursor.fail('OPTIMIZE … FULL is not supported');
  let whereSql: string | undefined;
  if (atKeyword(cursor, 'where')) {
    cursor.next();
    whereSql = readRequiredSql(cursor, 'OPTIMIZE WHERE', 'a condition', (c) => wordsAhead(c, 'zorder', 'by'));
  }
  const zorderBy = wordsAhead(cursor, 'zorder', 'by') ? readZorderColumns(cursor) : undefined;
  expectEnd(cursor, what);
  return { kind: 'optimize', target, ...(whereSql === undefined ? {} : { whereSql }), ...(zorderBy === undefined ? {} : { zorderBy }) };
}

/** ZORDER BY (a, b) or ZORDER BY a, b: distinct top-level columns. */
function readZorderColumns(cursor: TokenCursor): string[] {
  const what = 'OPTIMIZE ZORDER BY';
  skip(cursor, 2);
  const parens = isPunct(cursor.peek(), '(');
  if (parens) cursor.next();
  const columns: string[] = [];
  do {
    if (columns.length > 0) cursor.next();
    const at = cursor.peek();
    const column = readIdentifier(cursor, what);
    if (isPunct(cursor.peek(), '.')) cursor.fail(`${what} expects top-level columns; nested fields are not supported`, at);
    if (columns.some((c) => c.toLowerCase() === column.toLowerCase())) cursor.fail(`${what} names column ${column} twice`, at);
    columns.push(column);
  } while (isPunct(cursor.peek(), ','));
  if (parens) cursor.expectPunct(')', what);
  return columns;
}

/** Words after VACUUM that make it DuckDB's (PostgreSQL-style) VACUUM rather than Delta's. */
const DUCKDB_VACUUM_WORDS = new Set(['analyze', 'analyse', 'full', 'freeze', 'verbose']);

/**
 * VACUUM <ref> with RETAIN <n> HOURS, DRY RUN and FULL in any order, each at most once. The
 * cursor is on VACUUM. Returns undefined for DuckDB's VACUUM: without a table, with an option
 * list, or ANALYZE/FULL/FREEZE/VERBOSE before the table; its column list after a plain name too.
 */
export function readVacuum(cursor: TokenCursor): VacuumStatement | undefined {
  const what = 'VACUUM';
  const next = cursor.peek(1);
  if (next === undefined || isPunct(cursor.peek(1), '(') || (next.kind === 'word' && DUCKDB_VACUUM_WORDS.has(next.text.toLowerCase()))) return undefined;
  cursor.next();
  const target = readMaintainedTable(cursor, what);
  if (isPunct(cursor.peek(), '(')) duckdbOnly(cursor, target.kind === 'name', 'VACUUM of a Delta table takes no column list');
  let retainHours: number | undefined;
  let dryRun = false;
  let full = false;
  for (;;) {
    const token = cursor.peek();
    const once = (seen: boolean, clause: string): void => {
      if (seen) cursor.fail(`VACUUM has two ${clause} clauses`, token);
    };
    if (atKeyword(cursor, 'retain')) {
      once(retainHours !== undefined, 'RETAIN');
      cursor.next();
      retainHours = readRetainHours(cursor);
    } else if (wordsAhead(cursor, 'dry', 'run')) {
      once(dryRun, 'DRY RUN');
      skip(cursor, 2);
      dryRun = true;
    } else if (atKeyword(cursor, 'full')) {
      // FULL is what VACUUM does anyway (Databricks' default mode).
      once(full, 'FULL');
      cursor.next();
      full = true;
    } else if (atKeyword(cursor, 'lite')) {
      cursor.fail('VACUUM LITE is not supported (Loch always lists the table directory); drop LITE');
    } else if (wordsAhead(cursor, 'using', 'inventory')) {
      cursor.fail('VACUUM … USING INVENTORY is not supported');
    } else {
      break;
    }
  }
  expectEnd(cursor, what);
  return { kind: 'vacuum', target, ...(retainHours === undefined ? {} : { retainHours }), dryRun };
}

/** <number> HOURS: a non-negative number, possibly fractional (0.5). */
function readRetainHours(cursor: TokenCursor): number {
  const what = 'VACUUM RETAIN';
  const token = cursor.peek();
  if (token?.kind === 'op' && token.text === '-' && cursor.peek(1)?.kind === 'number') cursor.fail(`${what} expects a non-negative number of hours`);
  if (token?.kind !== 'number') return cursor.fail(`${what} expects a number of hours`);
  const hours = Number(token.text.replaceAll('_', ''));
  if (!Number.isFinite(hours)) cursor.fail(`${what} ${token.text} is not a finite number of hours`);
  cursor.next();
  if (!atKeyword(cursor, 'hours')) cursor.fail(`${what} ${token.text} expects HOURS`);
  cursor.next();
  return hours;
}

/**
 * RESTORE [TABLE] <ref> [TO] { VERSION | SYSTEM_VERSION } AS OF <n> | { TIMESTAMP | SYSTEM_TIME }
 * AS OF <expression>. The cursor is on RESTORE. The version may be written as a string ('3'),
 * as Delta Lake allows; the timestamp expression runs to the end and is kept as written.
 */
export function readRestore(cursor: TokenCursor): RestoreStatement {
  const what = 'RESTORE';
  cursor.next();
  // TABLE is a keyword unless it names the table (RESTORE table TO VERSION AS OF 1).
  if (isWord(cursor.peek(), 'table') && identifierValue(cursor.peek(1)) !== undefined && travelAhead(cursor, 1) === undefined) cursor.next();
  const target = readTableRef(cursor, what);
  const to = atKeyword(cursor, 'to') && travelAhead(cursor, 1) !== undefined;
  if (to) cursor.next();
  const travel = travelAhead(cursor, 0);
  if (travel === undefined) return cursor.fail(`${what} expects VERSION AS OF <version> or TIMESTAMP AS OF <timestamp>`);
  skip(cursor, 3);
  if (travel === 'version') {
    const version = readRestoreVersion(cursor);
    expectEnd(cursor, what);
    return { kind: 'restore', target, version };
  }
  const timestampSql = readRequiredSql(cursor, `${what} TIMESTAMP AS OF`, 'a timestamp', () => false);
  expectEnd(cursor, what);
  return { kind: 'restore', target, timestampSql };
}

/** Which time-travel clause starts `ahead` tokens on, if any. */
function travelAhead(cursor: TokenCursor, ahead: number): 'version' | 'timestamp' | undefined {
  if (!isWord(cursor.peek(ahead + 1), 'as') || !isWord(cursor.peek(ahead + 2), 'of')) return undefined;
  const word = cursor.peek(ahead);
  if (isKeyword(word, 'version') || isKeyword(word, 'system_version')) return 'version';
  if (isKeyword(word, 'timestamp') || isKeyword(word, 'system_time')) return 'timestamp';
  return undefined;
}

function readRestoreVersion(cursor: TokenCursor): number {
  const what = 'RESTORE VERSION AS OF';
  const token = cursor.peek();
  if (token?.kind !== 'string') return cursor.readNonNegativeInteger(what);
  const text = cursor.readString(what).trim();
  if (!/^[0-9]+$/.test(text)) cursor.fail(`${what} expects an integer version, not '${text}'`, token);
  if (BigInt(text) > BigInt(Number.MAX_SAFE_INTEGER)) cursor.fail(`${what} ${text} is too large (at most ${Number.MAX_SAFE_INTEGER})`, token);
  return Number(text);
}
