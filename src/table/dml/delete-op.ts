import type { Session } from '../../engine/index.js';
import { quoteIdentifier } from '../../expr/to-sql.js';
import type { DeltaTransaction } from '../write/transaction.js';
import { writeChangeRows } from './change-data.js';
import { candidateFiles, countRows, dmlTarget, dropTemp, holds, oldRowsSql, rowChangeMetrics, sqlErrorIn, tempName } from './dml-target.js';
import type { Condition } from './dml-target.js';
import { recordCount, removeRows } from './row-removal.js';
import { FILE_COL, ROW_COL, scanTarget } from './target-scan.js';

export interface DeleteRequest {
  /** Rows to delete; every row when absent. */
  readonly condition?: Condition;
  /** The name the condition may use for the table (DELETE FROM t AS x WHERE x.a = 1). */
  readonly alias?: string;
}

export interface DeleteMetrics {
  readonly deletedRows: number;
  readonly metrics: Readonly<Record<string, string>>;
}

/**
 * Stages DELETE in `tx`. Only files whose partition values or statistics may match are read;
 * of those, files with matching rows get deletion vectors or are rewritten (see removeRows).
 * Without a condition every file is removed, reading nothing. Returns what changed; when no row
 * matched nothing is staged (and the caller commits nothing).
 */
export async function stageDelete(tx: DeltaTransaction, session: Session, request: DeleteRequest): Promise<DeleteMetrics> {
  const started = tx.ctx.clock.now();
  const table = dmlTarget(tx, 'delete');
  const condition = request.condition;
  if (condition === undefined && !table.changeFeed) return deleteAll(tx, started);
  const files = candidateFiles(tx, condition?.filter);
  const scan = await scanTarget(tx, session, table.target.schema, files);
  const matched = tempName('deleted');
  try {
    const alias = quoteIdentifier(request.alias ?? '__loch_target');
    await session.run(`CREATE TEMP TABLE ${quoteIdentifier(matched)} AS SELECT ${FILE_COL}, ${ROW_COL} FROM ${scan.sql} AS ${alias} WHERE ${holds(condition?.sql)}`);
    const deletedRows = await countRows(session, quoteIdentifier(matched));
    const scanTimeMs = tx.ctx.clock.now() - started;
    if (deletedRows === 0) return { deletedRows: 0, metrics: {} };
    const outcome = await removeRows(tx, session, table.target, scan, matched, undefined, table.strategy);
    let changeFiles = 0;
    if (table.changeFeed) {
      const deleted = oldRowsSql(scan.sql, matched, FILE_COL, ROW_COL);
      const cdc = await writeChangeRows(session, tx.ctx, tx.table, table.target, [{ type: 'delete', sql: deleted }]);
      tx.addChangeFiles(cdc);
      changeFiles = cdc.length;
    }
    const metrics = rowChangeMetrics({ numDeletedRows: deletedRows }, outcome, { changeFiles, started, scanTimeMs, now: tx.ctx.clock.now() });
    tx.operation = { name: 'DELETE', parameters: { predicate: JSON.stringify(condition === undefined ? [] : [condition.text ?? condition.sql]) }, metrics };
    return { deletedRows, metrics };
  } catch (error) {
    throw sqlErrorIn(error, 'delete', tx.table.name);
  } finally {
    await dropTemp(session, matched);
    await scan.release();
  }
}

/** DELETE without a condition: every file goes, nothing is read (Delta's metadata-only delete). */
function deleteAll(tx: DeltaTransaction, started: number): DeleteMetrics {
  const live = [...tx.liveFiles];
  tx.readWholeTable();
  tx.removeFiles(live, tx.ctx.clock.now());
  const counts = live.map((f) => recordCount(f) - (f.deletionVector?.cardinality ?? 0));
  const deletedRows = counts.some((n) => n < 0) ? -1 : counts.reduce((a, b) => a + b, 0);
  const metrics = {
    numRemovedFiles: String(live.length),
    numAddedFiles: '0',
    ...(deletedRows >= 0 ? { numDeletedRows: String(deletedRows) } : {}),
    numCopiedRows: '0',
    numRemovedBytes: String(live.reduce((n, f) => n + f.size, 0)),
    executionTimeMs: String(tx.ctx.clock.now() - started),
  };
  tx.operation = { name: 'DELETE', parameters: { predicate: '[]' }, metrics };
  return { deletedRows: Math.max(deletedRows, 0), metrics };
}
