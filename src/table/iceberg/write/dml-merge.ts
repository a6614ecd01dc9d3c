import { LochError } from '../../../core/errors.js';
import type { Session } from '../../../engine/index.js';
import { and, lit } from '../../../expr/nodes.js';
import type { Expr } from '../../../expr/nodes.js';
import { quoteIdentifier } from '../../../expr/to-sql.js';
import { primitive } from '../../../expr/types.js';
import { dropTemp, tempName } from '../../dml/dml-target.js';
import { checkClauses, clauseEffect } from '../../dml/merge-clauses.js';
import { sourceKeyRanges } from '../../dml/merge-pruning.js';
import { checkClauseScopes, checkSingleMatch, clauseCounts, mergeRowsSql } from '../../dml/merge-sql.js';
import { describeSource, evolvedFields } from '../../write/source.js';
import type { IcebergCommitOutcome } from './contracts.js';
import { rowStrategy } from './dml-mode.js';
import { operationOf, requireTable, sqlErrorIn } from './dml-ops.js';
import { removeIcebergRows } from './dml-removal.js';
import type { IcebergRemovalOutcome } from './dml-removal.js';
import { scanIcebergTarget } from './dml-scan.js';
import type { IcebergDmlTarget, IcebergTargetScan } from './dml-scan.js';
import { ROW_ID_COLUMN } from './row-lineage.js';
import type { MergeRequest } from '../../dml/merge-op.js';

const FILE = quoteIdentifier('__loch_file');
const ROW = quoteIdentifier('__loch_row');
const CLAUSE = quoteIdentifier('__loch_clause');
const ROW_ID = quoteIdentifier(ROW_ID_COLUMN);

/**
 * The same request as a Delta MERGE (src/table/dml/merge-op.ts); WITH SCHEMA EVOLUTION is
 * refused when the source brings new columns (not supported on Iceberg tables yet).
 */
export type IcebergMergeRequest = MergeRequest;

export interface IcebergMergeOutcome {
  readonly inserted: number;
  readonly updated: number;
  readonly deleted: number;
  readonly commit?: IcebergCommitOutcome;
  readonly removal?: IcebergRemovalOutcome;
}

/**
 * MERGE INTO an Iceberg table, committed as one snapshot, with the clause semantics of Loch's
 * Delta MERGE (same parse tree and SQL: first matching clause acts, single-match rule, clause
 * scopes): the source is materialized once; target files are pruned by `targetFilter` and the
 * source's key ranges unless NOT MATCHED BY SOURCE clauses need every row; changed target rows
 * leave their files by `write.merge.mode`; updated and inserted rows are written as new files
 * (v3: updated rows keep their `_row_id`). Nothing is committed when no clause acted.
 */
export async function icebergMerge(target: IcebergDmlTarget, session: Session, request: IcebergMergeRequest): Promise<IcebergMergeOutcome> {
  const base = requireTable(target, 'merge');
  const strategy = rowStrategy(base, 'merge', target.table.name);
  checkClauses(target.table.name, request.clauses);
  const source = tempName('iceberg_merge_source');
  try {
    await session.run(`CREATE TEMP TABLE ${quoteIdentifier(source)} AS ${request.sourceSql}`);
    return await mergeMaterialized(target, session, { ...request, sourceSql: `SELECT * FROM ${quoteIdentifier(source)}` }, strategy);
  } catch (error) {
    throw sqlErrorIn(error, 'merge', target.table.name);
  } finally {
    await dropTemp(session, source);
  }
}

async function mergeMaterialized(target: IcebergDmlTarget, session: Session, request: IcebergMergeRequest, strategy: ReturnType<typeof rowStrategy>): Promise<IcebergMergeOutcome> {
  const { tx } = target;
  const schema = tx.lochSchema;
  const targetAlias = quoteIdentifier(request.targetAlias ?? '__loch_target');
  const sourceAlias = quoteIdentifier(request.sourceAlias ?? '__loch_source');
  const source = await describeSource(session, request.sourceSql, `the MERGE source of ${target.table.name}`);
  if (request.schemaEvolution && request.clauses.some((c) => c.action.kind === 'update_all' || c.action.kind === 'insert_all') && evolvedFields(schema, source).length > 0) {
    const extra = evolvedFields(schema, source).map((f) => f.name);
    throw new LochError('UNSUPPORTED_FEATURE', `iceberg merge: table ${target.table.name}: WITH SCHEMA EVOLUTION would add columns ${extra.join(', ')}; add them first with ALTER TABLE … ADD COLUMNS`, {
      context: { table: target.table.name, columns: extra },
    });
  }
  const sourceRelation = `(${request.sourceSql}) AS ${sourceAlias}`;
  const filter = await candidateFilter(session, schema, request, sourceRelation);
  const scan = await scanIcebergTarget(target, session, filter);
  const changes = tempName('iceberg_merge');
  const removed = tempName('iceberg_merge_removed');
  const rowIds = tempName('iceberg_merge_row_ids');
  try {
    const names = { table: target.table.name, target: targetAlias, source: sourceAlias, sourceColumns: source.map((c) => c.name), lenient: request.schemaEvolution === true };
    await checkClauseScopes(session, request.clauses, schema, names, scan.sql, request.sourceSql);
    await session.run(`CREATE TEMP TABLE ${quoteIdentifier(changes)} AS ${mergeRowsSql(scan.sql, sourceRelation, request.onSql, request.clauses, schema, names)}`);
    await checkSingleMatch(session, target.table.name, changes, request.clauses);
    const counts = await clauseCounts(session, changes, request.clauses);
    const effects = request.clauses.map(clauseEffect);
    const sum = (effect: string) => counts.reduce((n, c, i) => n + (effects[i] === effect ? c : 0), 0);
    const result = { inserted: sum('insert'), updated: sum('update'), deleted: sum('delete') };
    if (result.inserted + result.updated + result.deleted === 0) return result;
    const inClauses = (idx: number[]) => (idx.length === 0 ? 'false' : `${CLAUSE} IN (${idx.join(', ')})`);
    const ofEffect = (...kinds: string[]) => effects.flatMap((e, i) => (kinds.includes(e) ? [i] : []));
    const targetSide = request.clauses.flatMap((c, i) => (c.when !== 'not_matched' ? [i] : []));
    await session.run(`CREATE TEMP TABLE ${quoteIdentifier(removed)} AS SELECT DISTINCT ${FILE}, ${ROW} FROM ${quoteIdentifier(changes)} WHERE ${inClauses(targetSide)}`);
    const columns = schema.fields.map((f) => `c.${quoteIdentifier(f.name)}`).join(', ');
    const writes = ofEffect('update', 'insert');
    let newRows = writes.length === 0 ? undefined : `SELECT ${columns} FROM ${quoteIdentifier(changes)} AS c WHERE ${inClauses(writes)}`;
    if (newRows !== undefined && scan.rowLineage) {
      await keptRowIds(session, scan, changes, inClauses(ofEffect('update')), rowIds);
      const join = `LEFT JOIN ${quoteIdentifier(rowIds)} AS k ON c.${FILE} = k.${FILE} AND c.${ROW} = k.${ROW}`;
      newRows = `SELECT ${columns}, k.${ROW_ID} AS ${ROW_ID} FROM ${quoteIdentifier(changes)} AS c ${join} WHERE ${inClauses(writes)}`;
    }
    const removal = await removeIcebergRows(target, session, scan, removed, newRows, result.inserted + result.updated, strategy);
    return { ...result, removal, commit: await tx.commit(operationOf(removal)) };
  } finally {
    await dropTemp(session, rowIds);
    await dropTemp(session, removed);
    await dropTemp(session, changes);
    await scan.release();
  }
}

/** Target rows that can match: all for NOT MATCHED BY SOURCE; else ON's target-only part and the source key ranges. */
async function candidateFilter(session: Session, schema: IcebergDmlTarget['tx']['lochSchema'], request: IcebergMergeRequest, sourceRelation: string): Promise<Expr | undefined> {
  if (request.clauses.some((c) => c.when === 'not_matched_by_source')) return undefined;
  const ranges = request.keys === undefined || request.keys.length === 0 ? undefined : await sourceKeyRanges(session, schema, request.keys, sourceRelation);
  // No source key can equal anything: no target row matches, so no file needs reading.
  if (ranges === 'none') return lit(primitive('boolean'), false);
  const parts = [request.targetFilter, ranges].filter((e): e is Expr => e !== undefined);
  return parts.length === 0 ? undefined : parts.length === 1 ? parts[0] : and(...parts);
}

/**
 * v3: the current `_row_id` of every target row an update clause changes, into the TEMP table
 * `into` (__loch_file, __loch_row, _row_id), reading only the files holding such rows again (the
 * MERGE rows carry the target's identity, not its lineage).
 */
async function keptRowIds(session: Session, scan: IcebergTargetScan, changes: string, updated: string, into: string): Promise<void> {
  const files = await session.query(`SELECT DISTINCT ${FILE} FROM ${quoteIdentifier(changes)} WHERE ${updated} ORDER BY ${FILE}`);
  const indexes = (await files.all()).map((r) => Number(r[0]));
  if (indexes.length === 0) {
    await session.run(`CREATE TEMP TABLE ${quoteIdentifier(into)} (${FILE} BIGINT, ${ROW} BIGINT, ${ROW_ID} BIGINT)`);
    return;
  }
  const subset = await scan.subset(indexes);
  try {
    const map = `(VALUES ${indexes.map((old, i) => `(${old}, ${i})`).join(', ')}) AS m(old_index, new_index)`;
    const wanted = `(SELECT ${FILE}, ${ROW} FROM ${quoteIdentifier(changes)} WHERE ${updated})`;
    const rows = `SELECT m.old_index AS ${FILE}, s.${ROW} AS ${ROW}, s.${ROW_ID} AS ${ROW_ID} FROM ${subset.sql} AS s JOIN ${map} ON s.${FILE} = m.new_index`;
    await session.run(`CREATE TEMP TABLE ${quoteIdentifier(into)} AS SELECT r.* FROM (${rows}) AS r SEMI JOIN ${wanted} AS w ON r.${FILE} = w.${FILE} AND r.${ROW} = w.${ROW}`);
  } finally {
    await subset.release();
  }
}
