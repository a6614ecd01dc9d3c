import type { Session } from '../engine/index.js';
import type { TableContext } from '../table/context.js';
import { DeltaTable } from '../table/delta-table.js';
import { bindQuery } from './bind-query.js';
import type { BoundQuery } from './bind-query.js';
import { executeMerge } from './merge-executor.js';
import { pruningOf } from './merge-keys.js';
import type { DeleteStatement, MergeStatement, UpdateStatement } from './parse/write-statements.js';
import { countsRow, tablePath } from './write-target.js';
import type { WriteSummary } from './write-target.js';

/** DELETE, UPDATE and MERGE INTO on a Delta table; the result row counts as on Databricks. */
export async function executeDml(ctx: TableContext, session: Session, s: DeleteStatement | UpdateStatement | MergeStatement): Promise<WriteSummary> {
  if (s.kind === 'merge') return executeMerge(ctx, session, s);
  const path = tablePath(s.target, s.kind.toUpperCase());
  const table = DeltaTable.open(ctx, path);
  const bound: BoundQuery[] = [];
  // Subqueries in conditions and values may read lake tables: bind them on this session.
  const bind = async (sql: string): Promise<string> => {
    const b = await bindQuery(ctx, session, sql);
    bound.push(b);
    return b.sql;
  };
  try {
    const where = s.whereSql === undefined ? undefined : { sql: await bind(s.whereSql), text: s.whereSql, ...(await pruningOf(ctx, session, path, s.whereSql, s.alias)) };
    const options = { session, ...(s.alias !== undefined ? { alias: s.alias } : {}) };
    if (s.kind === 'delete') {
      const outcome = await table.delete(where, options);
      return { resultSql: countsRow({ num_affected_rows: outcome.result.deletedRows }) };
    }
    const assignments = [];
    for (const a of s.assignments) assignments.push({ path: a.path, valueSql: await bind(a.valueSql) });
    const outcome = await table.update(assignments, where, options);
    return { resultSql: countsRow({ num_affected_rows: outcome.result.updatedRows }) };
  } finally {
    for (const b of bound) b.release();
  }
}
