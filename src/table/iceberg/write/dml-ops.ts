import { LochError, isLochError } from '../../../core/errors.js';
import type { Session } from '../../../engine/index.js';
import { quoteIdentifier } from '../../../expr/to-sql.js';
import type { SnapshotOperation, TableMetadata } from '../../../formats/iceberg/model.js';
import { assignedValues } from '../../dml/assignments.js';
import type { Assignment } from '../../dml/assignments.js';
import { countRows, dropTemp, holds, tempName, withoutPlumbing } from '../../dml/dml-target.js';
import type { Condition } from '../../dml/dml-target.js';
import type { IcebergCommitOutcome } from './contracts.js';
import { rowStrategy } from './dml-mode.js';
import type { IcebergRowOperation } from './dml-mode.js';
import { removeIcebergRows } from './dml-removal.js';
import type { IcebergRemovalOutcome } from './dml-removal.js';
import { scanIcebergTarget } from './dml-scan.js';
import type { IcebergDmlTarget } from './dml-scan.js';
import { ROW_ID_COLUMN } from './row-lineage.js';

const FILE = quoteIdentifier('__loch_file');
const ROW = quoteIdentifier('__loch_row');

export interface IcebergDeleteRequest {
  /** Rows to delete; every row when absent. */
  readonly condition?: Condition;
  /** The name the condition may use for the table. */
  readonly alias?: string;
}

export interface IcebergUpdateRequest {
  readonly assignments: readonly Assignment[];
  readonly condition?: Condition;
  readonly alias?: string;
}

/** A row-level operation's outcome: the commit (none when no row changed) and its row count. */
export interface IcebergDmlOutcome {
  readonly rows: number;
  readonly commit?: IcebergCommitOutcome;
  readonly removal?: IcebergRemovalOutcome;
}

/**
 * DELETE on an Iceberg table, committed as one snapshot: rows matching the condition leave
 * their files by the table's `write.delete.mode` (see removeIcebergRows). Only files whose
 * partition, manifest summary or column bounds may match `condition.filter` are read. Without a
 * condition every data and delete file is removed without reading rows (a `delete` snapshot).
 * Nothing is committed when no row matches.
 */
export async function icebergDelete(target: IcebergDmlTarget, session: Session, request: IcebergDeleteRequest): Promise<IcebergDmlOutcome> {
  const base = requireTable(target, 'delete');
  if (request.condition === undefined) return deleteAll(target, session);
  const strategy = rowStrategy(base, 'delete', target.table.name);
  const scan = await scanIcebergTarget(target, session, request.condition.filter);
  const matched = tempName('iceberg_deleted');
  try {
    const alias = quoteIdentifier(request.alias ?? '__loch_target');
    await session.run(`CREATE TEMP TABLE ${quoteIdentifier(matched)} AS SELECT ${FILE}, ${ROW} FROM ${scan.sql} AS ${alias} WHERE ${holds(request.condition.sql)}`);
    const rows = await countRows(session, quoteIdentifier(matched));
    if (rows === 0) return { rows: 0 };
    const removal = await removeIcebergRows(target, session, scan, matched, undefined, 0, strategy);
    return { rows, removal, commit: await target.tx.commit(operationOf(removal)) };
  } catch (error) {
    throw sqlErrorIn(error, 'delete', target.table.name);
  } finally {
    await dropTemp(session, matched);
    await scan.release();
  }
}

/**
 * UPDATE on an Iceberg table, committed as one snapshot: the matching rows and their new values
 * are computed once into a TEMP table; the old rows leave their files by `write.update.mode` and
 * the new rows are written as new data files (on v3 keeping their `_row_id`). Nothing is
 * committed when no row matches.
 */
export async function icebergUpdate(target: IcebergDmlTarget, session: Session, request: IcebergUpdateRequest): Promise<IcebergDmlOutcome> {
  const base = requireTable(target, 'update');
  const tx = target.tx;
  if (request.assignments.length === 0) throw new LochError('INVALID_ARGUMENT', `iceberg update: table ${target.table.name}: nothing to SET`);
  const strategy = rowStrategy(base, 'update', target.table.name);
  const alias = quoteIdentifier(request.alias ?? '__loch_target');
  let values: Map<string, string>;
  try {
    values = assignedValues(target.table.name, tx.lochSchema, request.assignments, (c) => `${alias}.${quoteIdentifier(c)}`);
  } catch (error) {
    throw sqlErrorIn(error, 'update', target.table.name);
  }
  const scan = await scanIcebergTarget(target, session, request.condition?.filter);
  const updated = tempName('iceberg_updated');
  try {
    const items = [...values].map(([name, sql]) => `${sql} AS ${quoteIdentifier(name)}`);
    // v3: an updated row keeps its row id (its sequence number becomes the new snapshot's).
    if (scan.rowLineage) items.push(`${alias}.${quoteIdentifier(ROW_ID_COLUMN)} AS ${quoteIdentifier(ROW_ID_COLUMN)}`);
    await session.run(`CREATE TEMP TABLE ${quoteIdentifier(updated)} AS SELECT ${alias}.${FILE}, ${alias}.${ROW}, ${items.join(', ')} FROM ${scan.sql} AS ${alias} WHERE ${holds(request.condition?.sql)}`);
    const rows = await countRows(session, quoteIdentifier(updated));
    if (rows === 0) return { rows: 0 };
    const newRows = `SELECT * EXCLUDE (${FILE}, ${ROW}) FROM ${quoteIdentifier(updated)}`;
    const removal = await removeIcebergRows(target, session, scan, updated, newRows, rows, strategy);
    return { rows, removal, commit: await tx.commit(operationOf(removal)) };
  } catch (error) {
    throw sqlErrorIn(error, 'update', target.table.name);
  } finally {
    await dropTemp(session, updated);
    await scan.release();
  }
}

/** DELETE without a condition: every live data and delete file goes; rows are counted, not rewritten. */
async function deleteAll(target: IcebergDmlTarget, session: Session): Promise<IcebergDmlOutcome> {
  const { tx } = target;
  const live = await tx.liveEntries();
  if (live.data.length === 0) return { rows: 0 };
  let rows = live.data.reduce((n, e) => n + e.dataFile.recordCount, 0);
  if (live.deletes.length > 0) {
    // Delete files may overlap or dangle: only reading the table counts its live rows exactly.
    const scan = await scanIcebergTarget(target, session, undefined);
    try {
      rows = await countRows(session, scan.sql);
    } finally {
      await scan.release();
    }
  }
  tx.removeFiles([...live.data, ...live.deletes]);
  const removal = { removedDataFiles: live.data.length, writtenRows: 0, copiedRows: 0, addedDeleteFiles: 0, removedDeleteFiles: live.deletes.length };
  return { rows, removal, commit: await tx.commit('delete') };
}

/**
 * The snapshot operation, as Java's row-level commits choose it: only new data → append; no new
 * data (rows only removed) → delete; otherwise overwrite.
 */
export function operationOf(removal: IcebergRemovalOutcome): SnapshotOperation {
  const wroteData = removal.writtenRows > 0;
  if (wroteData && removal.removedDataFiles === 0 && removal.addedDeleteFiles === 0 && removal.removedDeleteFiles === 0) return 'append';
  return wroteData ? 'overwrite' : 'delete';
}

/** The metadata the transaction started from; NOT_FOUND when the table does not exist. */
export function requireTable(target: IcebergDmlTarget, operation: IcebergRowOperation): TableMetadata {
  const base = target.tx.base;
  if (base === undefined) {
    throw new LochError('NOT_FOUND', `iceberg ${operation}: table ${target.table.name} does not exist`, { context: { table: target.table.name } });
  }
  return base;
}

/**
 * An error of the statement's SQL (unknown column, bad type) named after the table, without
 * Loch's plumbing; errors of the checks shared with Delta's DML say iceberg instead of delta.
 */
export function sqlErrorIn(error: unknown, operation: string, table: string): unknown {
  if (isLochError(error) && /^delta (merge|update|delete): /.test(error.message)) {
    return new LochError(error.code, error.message.replace(/^delta (merge|update|delete): /, 'iceberg $1: '), { context: error.context, cause: error, retryable: error.retryable });
  }
  if (!isLochError(error, 'SQL_ERROR') || error.message.startsWith(`iceberg ${operation}: table ${table}:`)) return error;
  return new LochError('SQL_ERROR', `iceberg ${operation}: table ${table}: ${withoutPlumbing(error.message)}`, { context: { ...error.context, table }, cause: error, retryable: error.retryable });
}
