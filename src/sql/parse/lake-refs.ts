import { LochError } from '../../core/errors.js';
import { tokenize, type Token } from './lexer.js';
import { readIcebergDotPath, readIcebergScan } from './lake-refs-iceberg.js';
import type { IcebergRefOptions } from './lake-refs-iceberg.js';
import { isPunct, isWord, TokenCursor, wordsAhead } from './token-cursor.js';

export type { IcebergRefOptions } from './lake-refs-iceberg.js';

/**
 * A reference to a lake table by path inside a SQL statement, which DuckDB cannot resolve
 * itself: `delta.\`/p\``, `delta_scan('/p', version => 3)` or `table_changes('/p', 2, 5)`.
 * [start, end) covers exactly the text the executor replaces: the reference plus any
 * `VERSION AS OF n` / `TIMESTAMP AS OF 's'` clause, never a following alias.
 */
export interface LakeRef {
  readonly kind: 'delta' | 'table_changes' | 'iceberg';
  /** The path as written, with quoting resolved. */
  readonly path: string;
  /** kind 'delta' only: time travel to this version. */
  readonly version?: number;
  /** kind 'delta' only: time travel to this timestamp, as written (the executor parses it). */
  readonly timestamp?: string;
  /** kind 'table_changes' only: exactly one of startVersion / startTimestamp is set. */
  readonly startVersion?: number;
  readonly startTimestamp?: string;
  /** kind 'table_changes' only: at most one of endVersion / endTimestamp is set. */
  readonly endVersion?: number;
  readonly endTimestamp?: string;
  /** kind 'iceberg' only: how to find the metadata and which snapshot (timestamp is `timestamp`). */
  readonly iceberg?: IcebergRefOptions;
  readonly start: number;
  readonly end: number;
}

/** One piece of text to put in place of sql.slice(start, end). */
export interface SpanReplacement {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

/**
 * Finds every lake reference in `sql`, in order of position. Text inside strings, quoted
 * identifiers and comments is never matched; `delta` and `delta_scan`/`table_changes` used as
 * ordinary names (not followed by `.`+backtick identifier or `(`, or qualified by a preceding
 * `.`) are left alone. A malformed reference throws LochError INVALID_ARGUMENT
 * "sql: <what is wrong> at line L column C"; so does unterminated text (see `tokenize`).
 */
export function findLakeRefs(sql: string): LakeRef[] {
  const cursor = new TokenCursor(sql, tokenize(sql));
  const refs: LakeRef[] = [];
  while (!cursor.atEnd()) {
    const ref = readLakeRefAt(cursor);
    if (ref === undefined) cursor.next();
    else refs.push(ref);
  }
  return refs;
}

/**
 * Replaces each span of `sql` with its text. Spans may come in any order but must lie within
 * the text and must not overlap (empty spans insert); otherwise throws INVALID_ARGUMENT.
 */
export function replaceSpans(sql: string, replacements: readonly SpanReplacement[]): string {
  const sorted = [...replacements].sort((a, b) => a.start - b.start || a.end - b.end);
  let out = '';
  let pos = 0;
  for (const r of sorted) {
    if (!Number.isInteger(r.start) || !Number.isInteger(r.end) || r.start < 0 || r.end < r.start || r.end > sql.length) {
      throw new LochError('INVALID_ARGUMENT', `sql: replacement span [${r.start}, ${r.end}) is not within the text of length ${sql.length}`, {
        context: { start: r.start, end: r.end, length: sql.length },
      });
    }
    if (r.start < pos) {
      throw new LochError('INVALID_ARGUMENT', `sql: replacement span [${r.start}, ${r.end}) overlaps the one ending at ${pos}`, {
        context: { start: r.start, end: r.end, previousEnd: pos },
      });
    }
    out += sql.slice(pos, r.start) + r.text;
    pos = r.end;
  }
  return out + sql.slice(pos);
}

/** Reads the reference starting at the cursor and moves past it, or returns undefined. */
function readLakeRefAt(cursor: TokenCursor): LakeRef | undefined {
  const first = cursor.peek();
  // `x.delta.\`p\`` or `s.delta_scan(...)` name something else (a schema's object).
  if (isPunct(cursor.peek(-1), '.')) return undefined;
  if (isWord(first, 'delta') && isPunct(cursor.peek(1), '.') && cursor.peek(2)?.kind === 'backtick_ident') {
    return readDeltaDotPath(cursor);
  }
  if (isWord(first, 'iceberg') && isPunct(cursor.peek(1), '.') && cursor.peek(2)?.kind === 'backtick_ident') {
    return readIcebergDotPath(cursor);
  }
  if (!isPunct(cursor.peek(1), '(')) return undefined;
  if (isWord(first, 'delta_scan')) return readDeltaScan(cursor);
  if (isWord(first, 'iceberg_scan')) return readIcebergScan(cursor);
  if (isWord(first, 'table_changes')) return readTableChanges(cursor);
  return undefined;
}

interface TimeTravel {
  version?: number;
  timestamp?: string;
}

/** delta.`path` [time travel] */
function readDeltaDotPath(cursor: TokenCursor): LakeRef {
  const start = (cursor.next() as Token).start;
  cursor.next();
  const pathToken = cursor.next() as Token;
  const path = pathToken.value ?? '';
  if (path === '') cursor.fail('delta.`<path>` expects a non-empty path', pathToken);
  const travel: TimeTravel = {};
  const end = readTimeTravelClause(cursor, travel, pathToken.end);
  return { kind: 'delta', path, ...travel, start, end };
}

/** delta_scan('path' [, version => n] [, timestamp => 's']) [time travel] */
function readDeltaScan(cursor: TokenCursor): LakeRef {
  const start = (cursor.next() as Token).start;
  cursor.next();
  const path = readPathArgument(cursor, 'delta_scan');
  const travel: TimeTravel = {};
  while (isPunct(cursor.peek(), ',')) {
    cursor.next();
    readNamedArgument(cursor, travel);
  }
  const close = cursor.expectPunct(')', 'delta_scan');
  const end = readTimeTravelClause(cursor, travel, close.end);
  return { kind: 'delta', path, ...travel, start, end };
}

export function readPathArgument(cursor: TokenCursor, fn: string): string {
  const token = cursor.peek();
  if (token?.kind !== 'string') cursor.fail(`${fn} expects a path string as its first argument`);
  const path = cursor.readString(fn);
  if (path === '') cursor.fail(`${fn} expects a non-empty path`, token);
  return path;
}

/** version => n | timestamp => 's' (also with :=), as DuckDB writes named parameters. */
function readNamedArgument(cursor: TokenCursor, travel: TimeTravel): void {
  const name = cursor.peek();
  const arrow = cursor.peek(1);
  if (name?.kind !== 'word' || arrow?.kind !== 'op' || (arrow.text !== '=>' && arrow.text !== ':=')) {
    cursor.fail("delta_scan expects a named argument (version => <integer> or timestamp => '<string>')");
  }
  const key = name.text.toLowerCase();
  if (key !== 'version' && key !== 'timestamp') {
    cursor.fail(`delta_scan does not accept argument ${name.text} (expected version or timestamp)`);
  }
  guardSingleTravel(cursor, travel, name);
  cursor.next();
  cursor.next();
  if (key === 'version') travel.version = cursor.readNonNegativeInteger('delta_scan version');
  else travel.timestamp = cursor.readString('delta_scan timestamp');
}

/**
 * Reads an optional `VERSION AS OF n` / `TIMESTAMP AS OF [TIMESTAMP|DATE] 's'` into `travel` and returns the end
 * of the reference's span (`end` when there is no clause). `VERSION` not followed by `AS OF` is
 * an alias, not a clause.
 */
function readTimeTravelClause(cursor: TokenCursor, travel: TimeTravel, end: number): number {
  const keyword = cursor.peek();
  if (wordsAhead(cursor, 'version', 'as', 'of')) {
    guardSingleTravel(cursor, travel, keyword);
    skip(cursor, 3);
    const endToken = cursor.peek();
    travel.version = cursor.readNonNegativeInteger('VERSION AS OF');
    return (endToken as Token).end;
  }
  if (wordsAhead(cursor, 'timestamp', 'as', 'of')) {
    guardSingleTravel(cursor, travel, keyword);
    skip(cursor, 3);
    // A typed literal (TIMESTAMP '…', DATE '…') reads the same as the bare string.
    if ((isWord(cursor.peek(), 'timestamp') || isWord(cursor.peek(), 'date')) && cursor.peek(1)?.kind === 'string') cursor.next();
    const endToken = cursor.peek();
    travel.timestamp = cursor.readString('TIMESTAMP AS OF');
    return (endToken as Token).end;
  }
  return end;
}

function guardSingleTravel(cursor: TokenCursor, travel: TimeTravel, at: Token | undefined): void {
  if (travel.version !== undefined || travel.timestamp !== undefined) {
    cursor.fail('a table reference takes one version or timestamp, not two', at);
  }
}

/** table_changes('path', start [, end]) where start and end are versions or timestamp strings. */
function readTableChanges(cursor: TokenCursor): LakeRef {
  const start = (cursor.next() as Token).start;
  cursor.next();
  const path = readPathArgument(cursor, 'table_changes');
  if (!isPunct(cursor.peek(), ',')) cursor.fail('table_changes expects a start version or timestamp after the path');
  cursor.next();
  const from = readBound(cursor, 'start');
  let to: Bound | undefined;
  if (isPunct(cursor.peek(), ',')) {
    cursor.next();
    const at = cursor.peek();
    to = readBound(cursor, 'end');
    if (typeof to === 'number' && typeof from === 'number' && to < from) {
      cursor.fail(`table_changes end version ${to} is before start version ${from}`, at);
    }
  }
  const close = cursor.expectPunct(')', 'table_changes');
  return {
    kind: 'table_changes',
    path,
    ...(typeof from === 'number' ? { startVersion: from } : { startTimestamp: from }),
    ...(to === undefined ? {} : typeof to === 'number' ? { endVersion: to } : { endTimestamp: to }),
    start,
    end: close.end,
  };
}

type Bound = number | string;

function readBound(cursor: TokenCursor, which: 'start' | 'end'): Bound {
  const token = cursor.peek();
  if (token?.kind === 'string') return cursor.readString(`table_changes ${which}`);
  if (token?.kind === 'number' || (token?.kind === 'op' && token.text === '-')) {
    return cursor.readNonNegativeInteger(`table_changes ${which} version`);
  }
  return cursor.fail(`table_changes expects ${which === 'start' ? 'a start' : 'an end'} version (integer) or timestamp (string)`);
}

function skip(cursor: TokenCursor, count: number): void {
  for (let i = 0; i < count; i++) cursor.next();
}
