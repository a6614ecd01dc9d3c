import type { Session } from '../engine/index.js';
import type { SqlEnv } from './sql-env.js';
import { DeltaTable } from '../table/delta-table.js';
import type { MergeClause } from '../table/dml/index.js';
import { FragmentBinder } from './bind-query.js';
import { parseObjectName } from './bind/object-name.js';
import { executeIcebergMerge, icebergDmlTarget } from './iceberg-dml-executor.js';
import { resolveTableLocation } from './resolve-table.js';
import { equiJoinKeys, pruningOf } from './merge-keys.js';
import type { MergeStatement } from './parse/write-statements.js';
import { castUntypedClause, mergeMentionsUntyped } from './untyped-values.js';
import { countsRow, nameAlias } from './write-target.js';
import type { WriteSummary } from './write-target.js';

/**
 * MERGE INTO on a Delta table. The source and every fragment are bound on this session; the ON
 * condition yields the target-only conjuncts and the equality keys that prune target files.
 * Result columns as on Databricks: num_affected_rows, num_updated_rows, num_deleted_rows,
 * num_inserted_rows.
 */
export async function executeMerge(env: SqlEnv, session: Session, s: MergeStatement): Promise<WriteSummary> {
  const targetAlias = s.targetAlias ?? nameAlias(s.target) ?? '__loch_target';
  const sourceAlias = s.sourceAlias ?? sourceName(s.sourceSql) ?? '__loch_source';
  const iceberg = await icebergDmlTarget(env, s.target);
  if (iceberg !== undefined) return executeIcebergMerge(env, session, s, iceberg, { target: targetAlias, source: sourceAlias });
  const { location: path } = await resolveTableLocation(env, s.target, 'MERGE');
  const fragments = new FragmentBinder(env, session);
  const bind = (sql: string): Promise<string> => fragments.expression(sql);
  try {
    const source = await fragments.query(`SELECT * FROM ${s.sourceSql}`);
    const sourceSql = source.sql;
    const onSql = await bind(s.onSql);
    const clauses: MergeClause[] = [];
    // Untyped parameters in SET and INSERT values take their columns' types: read the schema only when there are some.
    const schema = mergeMentionsUntyped(s) ? (await DeltaTable.open(env.ctx, path).snapshot()).schema : undefined;
    for (const c of s.clauses) clauses.push(await bindClause(schema === undefined ? c : castUntypedClause(c, schema), bind));
    const pruning = await pruningOf(env.ctx, session, path, s.onSql, targetAlias);
    const keys = await equiJoinKeys(session, s.onSql, targetAlias, sourceAlias);
    const outcome = await DeltaTable.open(env.ctx, path).merge(
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
    fragments.release();
  }
}

/** A WHEN clause with its condition and values bound on the statement's session. */
export async function bindClause(c: MergeStatement['clauses'][number], bind: (sql: string) => Promise<string>): Promise<MergeClause> {
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

/** A source written as a table name is qualified by its last part, as a name without alias is. */
function sourceName(sourceSql: string): string | undefined {
  try {
    const parts = parseObjectName(sourceSql);
    return parts.length === 2 && /^(delta|parquet|iceberg)$/i.test(parts[0] ?? '') ? undefined : parts.at(-1);
  } catch {
    return undefined;
  }
}
