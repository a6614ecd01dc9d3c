import type { Session } from '../engine/index.js';
import type { TableContext } from '../table/context.js';
import { DeltaTable } from '../table/delta-table.js';
import type { MergeClause } from '../table/dml/index.js';
import { bindQuery } from './bind-query.js';
import type { BoundQuery } from './bind-query.js';
import { equiJoinKeys, pruningOf } from './merge-keys.js';
import type { MergeStatement } from './parse/write-statements.js';
import { countsRow, tablePath } from './write-target.js';
import type { WriteSummary } from './write-target.js';

/**
 * MERGE INTO on a Delta table. The source and every fragment are bound on this session; the ON
 * condition yields the target-only conjuncts and the equality keys that prune target files.
 * Result columns as on Databricks: num_affected_rows, num_updated_rows, num_deleted_rows,
 * num_inserted_rows.
 */
export async function executeMerge(ctx: TableContext, session: Session, s: MergeStatement): Promise<WriteSummary> {
  const path = tablePath(s.target, 'MERGE');
  const targetAlias = s.targetAlias ?? '__loch_target';
  const sourceAlias = s.sourceAlias ?? (/^[A-Za-z_][A-Za-z0-9_]*$/.test(s.sourceSql.trim()) ? s.sourceSql.trim() : '__loch_source');
  const bound: BoundQuery[] = [];
  const bind = async (sql: string): Promise<string> => {
    const b = await bindQuery(ctx, session, sql);
    bound.push(b);
    return b.sql;
  };
  try {
    const sourceSql = await bind(`SELECT * FROM ${s.sourceSql}`);
    const onSql = await bind(s.onSql);
    const clauses: MergeClause[] = [];
    for (const c of s.clauses) clauses.push(await bindClause(c, bind));
    const pruning = await pruningOf(ctx, session, path, s.onSql, targetAlias);
    const keys = await equiJoinKeys(session, s.onSql, targetAlias, sourceAlias);
    const outcome = await DeltaTable.open(ctx, path).merge(
      {
        sourceSql,
        sourceAlias,
        targetAlias,
        onSql,
        clauses,
        schemaEvolution: s.withSchemaEvolution,
        keys,
        ...(pruning.filter !== undefined ? { targetFilter: pruning.filter } : {}),
      },
      { session },
    );
    const r = outcome.result;
    return { resultSql: countsRow({ num_affected_rows: r.inserted + r.updated + r.deleted, num_updated_rows: r.updated, num_deleted_rows: r.deleted, num_inserted_rows: r.inserted }) };
  } finally {
    for (const b of bound) b.release();
  }
}

async function bindClause(c: MergeStatement['clauses'][number], bind: (sql: string) => Promise<string>): Promise<MergeClause> {
  const condition = c.conditionSql === undefined ? {} : { conditionSql: await bind(c.conditionSql) };
  const action = c.action;
  if (action.kind === 'update') {
    const assignments = [];
    for (const a of action.assignments) assignments.push({ path: a.path, valueSql: await bind(a.valueSql) });
    return { when: c.when, ...condition, action: { kind: 'update', assignments } } as MergeClause;
  }
  if (action.kind === 'insert') {
    const valuesSql = [];
    for (const v of action.valuesSql) valuesSql.push(await bind(v));
    return { when: 'not_matched', ...condition, action: { kind: 'insert', valuesSql, ...(action.columns !== undefined ? { columns: action.columns } : {}) } };
  }
  return { when: c.when, ...condition, action } as MergeClause;
}
