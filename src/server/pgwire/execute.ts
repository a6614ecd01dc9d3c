/**
 * Running one statement for either protocol: classify, then answer session commands here,
 * catalog queries from the pg_catalog emulation, and everything else through the
 * connection's LochSession (governed as its principal, parameters bound by the SQL layer).
 * Statements that return rows yield a Cursor; the others run to completion and yield their
 * CommandComplete tag.
 */
import type { Row } from '../../engine/index.js';
import { splitStatements } from '../../sql/parse/index.js';
import type { StatementResult } from '../../sql/result.js';
import { classifyCommand, completionTag } from './commands.js';
import type { Command } from './commands.js';
import type { PgConnection } from './connection.js';
import { Cursor } from './cursor.js';
import type { RowSource } from './cursor.js';
import { orderedValues, translateMarkers } from './params.js';
import type { ParamValue, TranslatedStatement } from './params.js';
import { runSessionCommand, showSetting } from './session-commands.js';
import { OID, pgError } from './types.js';

/** A parsed statement (the extended protocol's prepared statement; simple queries make one per statement). */
export interface PreparedStatement {
  readonly text: string;
  readonly command: Command;
  /** The Loch text with `$n` → `?` (Loch statements only). */
  readonly translated: TranslatedStatement;
  /** Parameter type OIDs: as given by Parse, 0 (unspecified) for the rest. */
  readonly paramOids: readonly number[];
}

/** What starting a statement produced. */
export type Outcome = { readonly kind: 'rows'; readonly cursor: Cursor; readonly tag: string } | { readonly kind: 'done'; readonly tag: string } | { readonly kind: 'empty' };

/** Classifies one statement's text; INVALID (42601) for several statements in one Parse. */
export function prepareStatement(text: string, paramOids: readonly number[], single: boolean): PreparedStatement {
  if (single && splitStatements(text).length > 1) throw pgError('42601', 'cannot insert multiple commands into a prepared statement');
  const command = classifyCommand(text);
  const translated = command.kind === 'loch' ? translateMarkers(text) : { sql: text, order: [], parameterCount: highestDollarParam(text) };
  const count = Math.max(paramOids.length, translated.parameterCount);
  return { text, command, translated, paramOids: Array.from({ length: count }, (_, i) => paramOids[i] ?? 0) };
}

function highestDollarParam(text: string): number {
  if (!text.includes('$')) return 0;
  try {
    return translateMarkers(text).parameterCount;
  } catch {
    return 0;
  }
}

/** The OIDs ParameterDescription reports: unspecified parameters travel as text. */
export function describedParamOids(statement: PreparedStatement): number[] {
  return statement.paramOids.map((oid) => (oid === 0 ? OID.text : oid));
}

/** Whether a statement yields rows (RowDescription) rather than only a tag. */
export function returnsRows(command: Command): boolean {
  return command.kind === 'show' || command.kind === 'pg_catalog' || (command.kind === 'loch' && command.result === 'rows');
}

/**
 * Starts a statement: a row-returning one is opened (its rows stream from the cursor), any
 * other runs to completion. Must run inside `conn.running` so that cancel requests reach it.
 */
export async function startStatement(conn: PgConnection, statement: PreparedStatement, params: readonly ParamValue[], track: (source: RowSource) => void): Promise<Outcome> {
  const auth = conn.auth;
  if (auth === undefined) throw pgError('08P01', 'pgwire: not authenticated');
  const { command } = statement;
  switch (command.kind) {
    case 'empty':
      return { kind: 'empty' };
    case 'transaction':
    case 'set':
    case 'reset':
    case 'discard':
    case 'deallocate':
      return { kind: 'done', tag: await runSessionCommand(conn, command) };
    case 'show':
      return { kind: 'rows', cursor: new Cursor(showSetting(conn, command.name)), tag: 'SHOW' };
    case 'unsupported':
      throw pgError('0A000', command.message);
    case 'pg_catalog': {
      const source = await conn.ctx.catalog.query({ database: auth.database, principal: auth.principal, loch: auth.session, pid: auth.key.pid }, statement.text, params);
      track(source);
      return { kind: 'rows', cursor: await opened(conn, source), tag: 'SELECT' };
    }
    case 'loch':
      return startLoch(conn, statement, command, params);
  }
}

async function startLoch(conn: PgConnection, statement: PreparedStatement, command: Extract<Command, { kind: 'loch' }>, params: readonly ParamValue[]): Promise<Outcome> {
  const session = conn.auth?.session;
  if (session === undefined) throw pgError('08P01', 'pgwire: not authenticated');
  const values = orderedValues(statement.translated, params);
  const result = await session.sql(statement.translated.sql, values.length === 0 ? {} : { params: values });
  // Anything but a query may have changed data or the catalog: ROLLBACK must say it undid nothing.
  if (conn.inBlock && (command.result !== 'rows' || command.verb !== 'SELECT')) conn.blockWrites += 1;
  if (command.result === 'rows') return { kind: 'rows', cursor: await opened(conn, result), tag: 'SELECT' };
  const { count, hasCount } = await summaryCount(result);
  if (command.result === 'command' && !hasCount) return { kind: 'done', tag: command.tag };
  return { kind: 'done', tag: completionTag(command.result === 'command' ? { result: 'count', tag: 'SELECT' } : command, count) };
}

/** A cursor over `source`, closed at once when the client is already gone. */
async function opened(conn: PgConnection, source: RowSource): Promise<Cursor> {
  if (conn.closed) {
    await source.close();
    throw pgError('08006', 'pgwire: the client closed the connection');
  }
  return new Cursor(source);
}

/** The affected-row count of a write's summary row (num_inserted_rows, else num_affected_rows). */
async function summaryCount(result: StatementResult): Promise<{ count: bigint; hasCount: boolean }> {
  const names = result.columns.map((c) => c.name.toLowerCase());
  const index = names.includes('num_inserted_rows') && !names.includes('num_updated_rows') ? names.indexOf('num_inserted_rows') : names.indexOf('num_affected_rows');
  let rows: Row[];
  try {
    rows = await result.all();
  } finally {
    await result.close();
  }
  if (index < 0) return { count: BigInt(rows.length), hasCount: false };
  const value = rows[0]?.[index];
  return { count: typeof value === 'bigint' ? value : BigInt(Number(value ?? 0)), hasCount: true };
}
