import type { Session } from '../engine/index.js';
import { DeltaTable } from '../table/delta-table.js';
import { FragmentBinder } from './bind-query.js';
import { executeIcebergDml, icebergDmlTarget } from './iceberg-dml-executor.js';
import { executeMerge } from './merge-executor.js';
import { pruningOf } from './merge-keys.js';
import type { DeleteStatement, MergeStatement, UpdateStatement } from './parse/write-statements.js';
import { resolveTableLocation } from './resolve-table.js';
import type { SqlEnv } from './sql-env.js';
import { countsRow, nameAlias } from './write-target.js';
import type { WriteSummary } from './write-target.js';

/** DELETE, UPDATE and MERGE INTO on a Delta table (Iceberg tables go to iceberg-dml-executor.ts); the result row counts as on Databricks. */
export async function executeDml(env: SqlEnv, session: Session, s: DeleteStatement | UpdateStatement | MergeStatement): Promise<WriteSummary> {
  if (s.kind === 'merge') return executeMerge(env, session, s);
  const iceberg = await icebergDmlTarget(env, s.target);
  if (iceberg !== undefined) return executeIcebergDml(env, session, s, iceberg);
  const { location: path } = await resolveTableLocation(env, s.target, s.kind.toUpperCase());
  const table = DeltaTable.open(env.ctx, path);
  const alias = s.alias ?? nameAlias(s.target);
  // Subqueries in conditions and values may read tables: bind them on this session, one snapshot per table.
  const fragments = new FragmentBinder(env, session);
  const bind = (sql: string): Promise<string> => fragments.expression(sql);
  try {
    const where = s.whereSql === undefined ? undefined : { sql: await bind(s.whereSql), text: s.whereSql, ...(await pruningOf(env.ctx, session, path, s.whereSql, alias)) };
    const options = { session, ...(alias !== undefined ? { alias } : {}) };
    if (s.kind === 'delete') {
      const outcome = await table.delete(where, options);
      return { resultSql: countsRow({ num_affected_rows: outcome.result.deletedRows }) };
    }
    const assignments = [];
    for (const a of s.assignments) assignments.push({ path: a.path, valueSql: await bind(a.valueSql) });
    const outcome = await table.update(assignments, where, options);
    return { resultSql: countsRow({ num_affected_rows: outcome.result.updatedRows }) };
  } finally {
    fragments.release();
  }
}
