import type { Token } from './lexer.js';
import type { LakeRef } from './lake-refs.js';
import { readPathArgument } from './lake-refs.js';
import { isPunct, isWord, TokenCursor, wordsAhead } from './token-cursor.js';

/** The Iceberg-only parts of a lake reference (see `iceberg_scan` in the README). */
export interface IcebergRefOptions {
  /** Snapshot id as written (ids exceed 2^53, so text). */
  readonly snapshotId?: string;
  /** A branch or tag name. */
  readonly ref?: string;
  /** A metadata JSON file: absolute, or relative to the table directory. */
  readonly metadataFile?: string;
  /** Original location prefixes of a table that was copied or moved (see iceberg_scan). */
  readonly movedFrom?: readonly string[];
  /** Infer `movedFrom` from the metadata's `location`. */
  readonly allowMovedPaths?: boolean;
  /** A metadata table (`iceberg.\`p\`.snapshots`): snapshots, history, refs, manifests, files, partitions. */
  readonly metadataTable?: string;
}

export const ICEBERG_METADATA_TABLES = ['snapshots', 'history', 'refs', 'manifests', 'files', 'partitions'] as const;

interface Draft {
  snapshotId?: string;
  ref?: string;
  metadataFile?: string;
  movedFrom?: string[];
  allowMovedPaths?: boolean;
  metadataTable?: string;
  timestamp?: string;
}

/**
 * iceberg.`path` [.metadata_table] [VERSION AS OF n|'ref' | TIMESTAMP AS OF 's']. Naming the
 * directory says where the table is, so files under the metadata's own `location` resolve
 * there (allow_moved_paths); `iceberg_scan` keeps DuckDB's explicit options.
 */
export function readIcebergDotPath(cursor: TokenCursor): LakeRef {
  const start = (cursor.next() as Token).start;
  cursor.next();
  const pathToken = cursor.next() as Token;
  const path = pathToken.value ?? '';
  if (path === '') cursor.fail('iceberg.`<path>` expects a non-empty path', pathToken);
  const draft: Draft = { allowMovedPaths: true };
  let end = pathToken.end;
  if (isPunct(cursor.peek(), '.') && cursor.peek(1)?.kind === 'word') {
    cursor.next();
    const name = cursor.next() as Token;
    draft.metadataTable = metadataTableName(cursor, name);
    end = name.end;
  }
  end = readTravel(cursor, draft, end);
  return finish(path, draft, start, end);
}

/**
 * iceberg_scan('path' [, snapshot_id => n] [, timestamp => 's'] [, ref => 'name']
 * [, metadata_file => 'f'] [, moved_from => ['prefix', …]] [, allow_moved_paths => true]) [time travel]
 */
export function readIcebergScan(cursor: TokenCursor): LakeRef {
  const start = (cursor.next() as Token).start;
  cursor.next();
  const path = readPathArgument(cursor, 'iceberg_scan');
  const draft: Draft = {};
  const seen = new Set<string>();
  while (isPunct(cursor.peek(), ',')) {
    cursor.next();
    readNamed(cursor, draft, seen);
  }
  const close = cursor.expectPunct(')', 'iceberg_scan');
  const end = readTravel(cursor, draft, close.end);
  return finish(path, draft, start, end);
}

function finish(path: string, draft: Draft, start: number, end: number): LakeRef {
  const { timestamp, ...iceberg } = draft;
  return { kind: 'iceberg', path, ...(timestamp !== undefined ? { timestamp } : {}), iceberg, start, end };
}

function metadataTableName(cursor: TokenCursor, token: Token): string {
  const name = token.text.toLowerCase();
  if (!(ICEBERG_METADATA_TABLES as readonly string[]).includes(name)) {
    cursor.fail(`iceberg metadata table ${token.text} does not exist (expected one of ${ICEBERG_METADATA_TABLES.join(', ')})`, token);
  }
  return name;
}

const NAMED = ['snapshot_id', 'timestamp', 'ref', 'metadata_file', 'moved_from', 'allow_moved_paths'];

function readNamed(cursor: TokenCursor, draft: Draft, seen: Set<string>): void {
  const name = cursor.peek();
  const arrow = cursor.peek(1);
  if (name?.kind !== 'word' || arrow?.kind !== 'op' || (arrow.text !== '=>' && arrow.text !== ':=')) {
    cursor.fail(`iceberg_scan expects a named argument (${NAMED.join(', ')})`);
  }
  const key = name.text.toLowerCase();
  if (!NAMED.includes(key)) cursor.fail(`iceberg_scan does not accept argument ${name.text} (expected one of ${NAMED.join(', ')})`, name);
  if (seen.has(key)) cursor.fail(`iceberg_scan argument ${key} is given twice`, name);
  seen.add(key);
  cursor.next();
  cursor.next();
  if (key === 'snapshot_id' || key === 'timestamp' || key === 'ref') guardSingle(cursor, draft, name);
  if (key === 'snapshot_id') draft.snapshotId = readSnapshotId(cursor, 'iceberg_scan snapshot_id');
  else if (key === 'timestamp') draft.timestamp = cursor.readString('iceberg_scan timestamp');
  else if (key === 'ref') draft.ref = cursor.readString('iceberg_scan ref');
  else if (key === 'metadata_file') draft.metadataFile = cursor.readString('iceberg_scan metadata_file');
  else if (key === 'moved_from') draft.movedFrom = readStringList(cursor);
  else draft.allowMovedPaths = readBoolean(cursor);
}

/** A snapshot id: an integer literal or a string of digits (ids are 64-bit, kept as text). */
function readSnapshotId(cursor: TokenCursor, what: string): string {
  const token = cursor.peek();
  const text = token?.kind === 'string' ? token.value ?? '' : token?.kind === 'number' ? token.text : undefined;
  if (text === undefined || !/^-?[0-9]+$/.test(text)) return cursor.fail(`${what} expects an integer snapshot id`);
  cursor.next();
  return text;
}

function readStringList(cursor: TokenCursor): string[] {
  if (cursor.peek()?.kind === 'string') return [cursor.readString('iceberg_scan moved_from')];
  cursor.expectPunct('[', 'iceberg_scan moved_from (a string or a list of strings)');
  const items: string[] = [];
  while (!isPunct(cursor.peek(), ']')) {
    items.push(cursor.readString('iceberg_scan moved_from'));
    if (!isPunct(cursor.peek(), ',')) break;
    cursor.next();
  }
  cursor.expectPunct(']', 'iceberg_scan moved_from');
  return items;
}

function readBoolean(cursor: TokenCursor): boolean {
  const token = cursor.peek();
  if (isWord(token, 'true') || isWord(token, 'false')) {
    cursor.next();
    return token.text.toLowerCase() === 'true';
  }
  return cursor.fail('iceberg_scan allow_moved_paths expects true or false');
}

function guardSingle(cursor: TokenCursor, draft: Draft, at: Token | undefined): void {
  if (draft.snapshotId !== undefined || draft.timestamp !== undefined || draft.ref !== undefined) {
    cursor.fail('an Iceberg table reference takes one snapshot_id, ref or timestamp, not two', at);
  }
}

/** VERSION AS OF <snapshot id> | VERSION AS OF '<branch or tag>' | TIMESTAMP AS OF [TIMESTAMP] 's' */
function readTravel(cursor: TokenCursor, draft: Draft, end: number): number {
  const keyword = cursor.peek();
  if (wordsAhead(cursor, 'version', 'as', 'of')) {
    guardSingle(cursor, draft, keyword);
    for (let i = 0; i < 3; i++) cursor.next();
    const token = cursor.peek() as Token;
    if (token?.kind === 'string' && !/^[0-9]+$/.test(token.value ?? '')) draft.ref = cursor.readString('VERSION AS OF');
    else draft.snapshotId = readSnapshotId(cursor, 'VERSION AS OF');
    return token.end;
  }
  if (wordsAhead(cursor, 'timestamp', 'as', 'of')) {
    guardSingle(cursor, draft, keyword);
    for (let i = 0; i < 3; i++) cursor.next();
    if ((isWord(cursor.peek(), 'timestamp') || isWord(cursor.peek(), 'date')) && cursor.peek(1)?.kind === 'string') cursor.next();
    const token = cursor.peek() as Token;
    draft.timestamp = cursor.readString('TIMESTAMP AS OF');
    return token.end;
  }
  return end;
}
