import { LochError, isLochError } from '../../core/errors.js';
import type { Session } from '../../engine/index.js';
import type { Expr } from '../../expr/nodes.js';
import { quoteIdentifier } from '../../expr/to-sql.js';
import type { AddFile } from '../../formats/delta/spec/actions.js';
import { appendOnly, changeDataFeedEnabled, deletionVectorsEnabled, hasWriterFeature } from '../../formats/delta/spec/protocol.js';
import { fileMayMatch } from '../delta-scan-planner.js';
import type { WriteTarget } from '../write/data-files.js';
import { currentSchema } from '../write/schema-change.js';
import type { DeltaTransaction } from '../write/transaction.js';
import type { RemovalStrategy } from './row-removal.js';

/** A condition as SQL over the table's columns, and when known as an expression to prune files with. */
export interface Condition {
  readonly sql: string;
  readonly filter?: Expr;
  /** The condition as the user wrote it, for the history's `predicate` (default `sql`, which may be rewritten to read lake tables). */
  readonly text?: string;
}

/** What every row-level operation works out first about its table. */
export interface DmlTarget {
  readonly target: WriteTarget;
  readonly strategy: RemovalStrategy;
  readonly changeFeed: boolean;
}

/**
 * The table as the operation sees it. Deletion vectors are used when the table enables them
 * (delta.enableDeletionVectors) and its protocol has the feature; otherwise files are rewritten.
 */
export function dmlTarget(tx: DeltaTransaction, operation: string): DmlTarget {
  const snapshot = tx.snapshot;
  const metadata = tx.currentMetadata;
  const protocol = tx.currentProtocol;
  if (snapshot === undefined || metadata === undefined || protocol === undefined) {
    throw new LochError('NOT_FOUND', `delta ${operation}: table ${tx.table.name} does not exist`, { context: { table: tx.table.name } });
  }
  if (appendOnly(metadata)) {
    throw new LochError('INVALID_ARGUMENT', `delta ${operation}: table ${tx.table.name} is append-only (delta.appendOnly = true): ${operation.toUpperCase()} would change existing rows`, { context: { table: tx.table.name } });
  }
  const dv = deletionVectorsEnabled(metadata) && hasWriterFeature(protocol, 'deletionVectors');
  return {
    target: { schema: currentSchema(tx), partitionColumns: snapshot.partitionColumns, metadata },
    strategy: dv ? 'deletion_vectors' : 'copy_on_write',
    changeFeed: changeDataFeedEnabled(metadata),
  };
}

/** Live files that may hold rows matching `filter`; recorded as read for the conflict check. */
export function candidateFiles(tx: DeltaTransaction, filter: Expr | undefined): AddFile[] {
  const snapshot = tx.snapshot;
  if (snapshot === undefined) return [];
  const live = tx.liveFiles;
  if (filter === undefined) {
    tx.readWholeTable();
    tx.markRead(live);
    return [...live];
  }
  const mayMatch = fileMayMatch(tx.table, snapshot, filter);
  const candidates = live.filter(mayMatch);
  tx.readWhere(mayMatch);
  tx.markRead(candidates);
  return candidates;
}

let counter = 0;

/** A TEMP table name unique in this process. */
export function tempName(what: string): string {
  counter += 1;
  return `__loch_${what}_${process.pid}_${counter}`;
}

export async function dropTemp(session: Session, name: string): Promise<void> {
  await session.run(`DROP TABLE IF EXISTS ${quoteIdentifier(name)}`).catch(() => undefined);
}

export async function countRows(session: Session, sql: string): Promise<number> {
  const rows = await (await session.query(`SELECT count(*) FROM ${sql}`)).all();
  return Number(rows[0]?.[0] ?? 0);
}

/** `coalesce((cond), false)`: SQL's NULL means "not matched" in DELETE/UPDATE/MERGE conditions. */
export function holds(conditionSql: string | undefined): string {
  return conditionSql === undefined ? 'true' : `coalesce((${conditionSql}), false)`;
}

/**
 * An error of the SQL an operation ran for a statement (an unknown column in a condition or
 * value, a type mismatch), named after the table. DuckDB's wording about Loch's own plumbing is
 * dropped: its "Candidate bindings" hint when it suggests the internal row-identity columns, and
 * "Values list" for what the user knows as a table alias. Other errors pass unchanged.
 */
export function sqlErrorIn(error: unknown, operation: string, table: string): unknown {
  if (!isLochError(error, 'SQL_ERROR') || error.message.startsWith(`delta ${operation}: table ${table}:`)) return error;
  const message = withoutPlumbing(error.message);
  return new LochError('SQL_ERROR', `delta ${operation}: table ${table}: ${message}`, { context: { ...error.context, table }, cause: error, retryable: error.retryable });
}

/** A DuckDB message without its hints about Loch's plumbing (see sqlErrorIn). */
export function withoutPlumbing(message: string): string {
  return message.replace(/\s*Candidate bindings:[^\n]*__loch_[^\n]*/, '').replace(/Values list ("(?:[^"]|"")*") does not have a column named/, '$1 has no column named');
}

/** The target rows listed in `rows` (a TEMP table of identities), with their old values. */
export function oldRowsSql(scanSql: string, rows: string, fileCol: string, rowCol: string): string {
  return `SELECT s.* FROM ${scanSql} AS s SEMI JOIN ${quoteIdentifier(rows)} AS r ON s.${fileCol} = r.${fileCol} AND s.${rowCol} = r.${rowCol}`;
}

/** Spark's DELETE / UPDATE metrics (as strings) from what the rewrite did; `rows` names the row count metric. */
export function rowChangeMetrics(
  rows: Readonly<Record<string, number>>,
  outcome: { removedFiles: number; addedFiles: number; copiedRows: number; removedBytes: number; addedBytes: number; deletionVectorsAdded: number; deletionVectorsRemoved: number },
  run: { changeFiles: number; started: number; scanTimeMs: number; now: number },
): Record<string, string> {
  return {
    numRemovedFiles: String(outcome.removedFiles),
    numAddedFiles: String(outcome.addedFiles),
    ...Object.fromEntries(Object.entries(rows).map(([k, v]) => [k, String(v)])),
    numCopiedRows: String(outcome.copiedRows),
    numRemovedBytes: String(outcome.removedBytes),
    numAddedBytes: String(outcome.addedBytes),
    numDeletionVectorsAdded: String(outcome.deletionVectorsAdded),
    numDeletionVectorsRemoved: String(outcome.deletionVectorsRemoved),
    numAddedChangeFiles: String(run.changeFiles),
    executionTimeMs: String(run.now - run.started),
    scanTimeMs: String(run.scanTimeMs),
    rewriteTimeMs: String(run.now - run.started - run.scanTimeMs),
  };
}
