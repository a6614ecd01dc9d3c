import { LochError } from '../../core/errors.js';
import type { Session } from '../../engine/index.js';
import { quoteIdentifier } from '../../expr/to-sql.js';
import type { DeltaTransaction } from '../write/transaction.js';
import { assignedValues } from './assignments.js';
import type { Assignment } from './assignments.js';
import { writeChangeRows } from './change-data.js';
import { candidateFiles, countRows, dmlTarget, dropTemp, holds, oldRowsSql, rowChangeMetrics, sqlErrorIn, tempName } from './dml-target.js';
import type { Condition } from './dml-target.js';
import { removeRows } from './row-removal.js';
import { FILE_COL, ROW_COL, scanTarget } from './target-scan.js';

export interface UpdateRequest {
  readonly assignments: readonly Assignment[];
  /** Rows to update; every row when absent. */
  readonly condition?: Condition;
  readonly alias?: string;
}

export interface UpdateMetrics {
  readonly updatedRows: number;
  readonly metrics: Readonly<Record<string, string>>;
}

/**
 * Stages UPDATE in `tx`: matching rows are computed once into a TEMP table with their identity
 * and new values; the old rows leave their files (deletion vectors or rewrite) and the new ones
 * are written, checked against the table's constraints. Nothing is staged when no row matches.
 */
export async function stageUpdate(tx: DeltaTransaction, session: Session, request: UpdateRequest): Promise<UpdateMetrics> {
  const started = tx.ctx.clock.now();
  if (request.assignments.length === 0) throw new LochError('INVALID_ARGUMENT', `delta update: table ${tx.table.name}: nothing to SET`);
  const table = dmlTarget(tx, 'update');
  const alias = quoteIdentifier(request.alias ?? '__loch_target');
  const values = assignedValues(tx.table.name, table.target.schema, request.assignments, (c) => `${alias}.${quoteIdentifier(c)}`);
  const files = candidateFiles(tx, request.condition?.filter);
  const scan = await scanTarget(tx, session, table.target.schema, files);
  const updated = tempName('updated');
  try {
    const items = [...values].map(([name, sql]) => `${sql} AS ${quoteIdentifier(name)}`);
    await session.run(
      `CREATE TEMP TABLE ${quoteIdentifier(updated)} AS SELECT ${alias}.${FILE_COL}, ${alias}.${ROW_COL}, ${items.join(', ')} FROM ${scan.sql} AS ${alias} WHERE ${holds(request.condition?.sql)}`,
    );
    const updatedRows = await countRows(session, quoteIdentifier(updated));
    const scanTimeMs = tx.ctx.clock.now() - started;
    if (updatedRows === 0) return { updatedRows: 0, metrics: {} };
    const newRows = `SELECT * EXCLUDE (${FILE_COL}, ${ROW_COL}) FROM ${quoteIdentifier(updated)}`;
    const outcome = await removeRows(tx, session, table.target, scan, updated, newRows, table.strategy);
    let changeFiles = 0;
    if (table.changeFeed) {
      const before = oldRowsSql(scan.sql, updated, FILE_COL, ROW_COL);
      const cdc = await writeChangeRows(session, tx.ctx, tx.table, table.target, [
        { type: 'update_preimage', sql: before },
        { type: 'update_postimage', sql: newRows },
      ]);
      tx.addChangeFiles(cdc);
      changeFiles = cdc.length;
    }
    const metrics = rowChangeMetrics({ numUpdatedRows: updatedRows }, outcome, { changeFiles, started, scanTimeMs, now: tx.ctx.clock.now() });
    tx.operation = { name: 'UPDATE', parameters: { predicate: JSON.stringify(request.condition === undefined ? [] : [request.condition.text ?? request.condition.sql]) }, metrics };
    return { updatedRows, metrics };
  } catch (error) {
    throw sqlErrorIn(error, 'update', tx.table.name);
  } finally {
    await dropTemp(session, updated);
    await scan.release();
  }
}
