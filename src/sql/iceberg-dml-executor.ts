import type { Session } from '../engine/index.js';
import type { Expr } from '../expr/nodes.js';
import type { StructType } from '../expr/types.js';
import type { MergeClause } from '../table/dml/index.js';
import { icebergMerge } from '../table/iceberg/write/dml-merge.js';
import { icebergDelete, icebergUpdate } from '../table/iceberg/write/dml-ops.js';
import type { IcebergDmlTarget } from '../table/iceberg/write/dml-scan.js';
import { beginIcebergTransaction } from '../table/iceberg/write/transaction.js';
import type { IcebergTarget } from '../table/iceberg/write/transaction.js';
import { pruningFilter } from './bind-lake-refs.js';
import { FragmentBinder } from './bind-query.js';
import { bindClause } from './merge-executor.js';
import { equiJoinKeys } from './merge-keys.js';
import { findLakeRefs } from './parse/index.js';
import type { DeleteStatement, MergeStatement, TableRef, UpdateStatement } from './parse/write-statements.js';
import { pushdownPredicates } from './pushdown/index.js';
import { icebergTargetOf } from './iceberg-catalog-target.js';
import type { SqlEnv } from './sql-env.js';
import { castUntypedAssignments, castUntypedClause, mergeMentionsUntyped } from './untyped-values.js';
import { countsRow, nameAlias } from './write-target.js';
import type { WriteSummary } from './write-target.js';

/**
 * The Iceberg table a DELETE / UPDATE / MERGE addresses: iceberg.`<path>`, or a catalog table
 * of format ICEBERG; undefined for anything else (the Delta path handles, or refuses, it).
 */
export async function icebergDmlTarget(env: SqlEnv, ref: TableRef): Promise<IcebergTarget | undefined> {
  return icebergTargetOf(env, ref);
}

/**
 * DELETE and UPDATE on an Iceberg table (`target` says where it lives and how it commits); the
 * result row as on Databricks (num_affected_rows). Subqueries in conditions and values are bound
 * on this session, one snapshot per table; the condition prunes the files read.
 */
export async function executeIcebergDml(env: SqlEnv, session: Session, s: DeleteStatement | UpdateStatement, target: IcebergTarget): Promise<WriteSummary> {
  const tx = await beginIcebergTransaction(target);
  const dml: IcebergDmlTarget = { ctx: target.ctx, table: target.table, tx };
  const alias = s.alias ?? nameAlias(s.target);
  const fragments = new FragmentBinder(env, session);
  const bind = (sql: string): Promise<string> => fragments.expression(sql);
  try {
    const where = s.whereSql === undefined ? undefined : await condition(session, target.table.name, tx.lochSchema, s.whereSql, alias, bind);
    const options = { ...(where !== undefined ? { condition: where } : {}), ...(alias !== undefined ? { alias } : {}) };
    if (s.kind === 'delete') {
      const outcome = await icebergDelete(dml, session, options);
      return { resultSql: countsRow({ num_affected_rows: outcome.rows }) };
    }
    const assignments = [];
    // Iceberg writes updated rows through store assignment: untyped parameters take their columns' types first.
    for (const a of castUntypedAssignments(s.assignments, tx.lochSchema)) assignments.push({ path: a.path, valueSql: await bind(a.valueSql) });
    const outcome = await icebergUpdate(dml, session, { ...options, assignments });
    return { resultSql: countsRow({ num_affected_rows: outcome.rows }) };
  } finally {
    fragments.release();
  }
}

/**
 * MERGE INTO an Iceberg table: the source and every fragment are bound on this session; the ON
 * condition's target-only conjuncts and equality keys prune target files. Result columns as on
 * Databricks: num_affected_rows, num_updated_rows, num_deleted_rows, num_inserted_rows.
 */
export async function executeIcebergMerge(env: SqlEnv, session: Session, s: MergeStatement, target: IcebergTarget, aliases: { readonly target: string; readonly source: string }): Promise<WriteSummary> {
  const tx = await beginIcebergTransaction(target);
  const dml: IcebergDmlTarget = { ctx: target.ctx, table: target.table, tx };
  const fragments = new FragmentBinder(env, session);
  const bind = (sql: string): Promise<string> => fragments.expression(sql);
  try {
    const source = await fragments.query(`SELECT * FROM ${s.sourceSql}`);
    const onSql = await bind(s.onSql);
    const clauses: MergeClause[] = [];
    const untyped = mergeMentionsUntyped(s);
    for (const c of s.clauses) clauses.push(await bindClause(untyped ? castUntypedClause(c, tx.lochSchema) : c, bind));
    const targetFilter = await pruning(session, target.table.name, tx.lochSchema, s.onSql, aliases.target);
    const keys = await equiJoinKeys(session, s.onSql, aliases.target, aliases.source);
    const r = await icebergMerge(dml, session, {
      sourceSql: source.sql,
      sourceAlias: aliases.source,
      targetAlias: aliases.target,
      onSql,
      clauses,
      schemaEvolution: s.withSchemaEvolution,
      keys,
      ...(targetFilter !== undefined ? { targetFilter } : {}),
    });
    return { resultSql: countsRow({ num_affected_rows: r.inserted + r.updated + r.deleted, num_updated_rows: r.updated, num_deleted_rows: r.deleted, num_inserted_rows: r.inserted }) };
  } finally {
    fragments.release();
  }
}

async function condition(session: Session, table: string, schema: StructType, whereSql: string, alias: string | undefined, bind: (sql: string) => Promise<string>) {
  const filter = await pruning(session, table, schema, whereSql, alias);
  return { sql: await bind(whereSql), text: whereSql, ...(filter !== undefined ? { filter } : {}) };
}

/**
 * The conjuncts of `conditionSql` over the table's columns as a pruning filter, found by the
 * pushdown a query's WHERE gets (the reference's spelling only marks where the table is).
 * Pruning is an optimisation: text the pushdown cannot read prunes nothing.
 */
async function pruning(session: Session, table: string, schema: StructType, conditionSql: string, alias: string | undefined): Promise<Expr | undefined> {
  const aliasSql = alias !== undefined ? ` AS "${alias.replaceAll('"', '""')}"` : '';
  const text = `SELECT * FROM delta.\`${table.replaceAll('`', '``')}\`${aliasSql} WHERE ${conditionSql}`;
  try {
    const predicates = await pushdownPredicates(session, text, findLakeRefs(text));
    return pruningFilter(predicates[0] ?? [], schema);
  } catch {
    return undefined;
  }
}
