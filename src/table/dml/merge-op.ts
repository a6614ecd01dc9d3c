import type { Session } from '../../engine/index.js';
import type { Expr } from '../../expr/nodes.js';
import { and } from '../../expr/nodes.js';
import { quoteIdentifier } from '../../expr/to-sql.js';
import type { StructType } from '../../expr/types.js';
import { describeSource, evolvedFields } from '../write/source.js';
import { evolveSchema } from '../write/schema-change.js';
import type { DeltaTransaction } from '../write/transaction.js';
import { writeChangeRows } from './change-data.js';
import type { ChangeRows } from './change-data.js';
import { candidateFiles, countRows, dmlTarget, dropTemp, sqlErrorIn, tempName } from './dml-target.js';
import type { DmlTarget } from './dml-target.js';
import { checkClauses, clauseEffect } from './merge-clauses.js';
import type { MergeClause } from './merge-clauses.js';
import { sourceKeyRanges } from './merge-pruning.js';
import type { MergeKey } from './merge-pruning.js';
import { checkClauseScopes, checkSingleMatch, clauseCounts, mergeRowsSql } from './merge-sql.js';
import { removeRows } from './row-removal.js';
import type { RemovalOutcome } from './row-removal.js';
import { FILE_COL, ROW_COL, scanTarget } from './target-scan.js';
import type { TargetScan } from './target-scan.js';

export interface MergeRequest {
  /** A DuckDB query giving the source rows. */
  readonly sourceSql: string;
  readonly sourceAlias?: string;
  readonly targetAlias?: string;
  /** The ON condition over both aliases. */
  readonly onSql: string;
  readonly clauses: readonly MergeClause[];
  /** WITH SCHEMA EVOLUTION: UPDATE SET * / INSERT * add the source's extra columns. */
  readonly schemaEvolution?: boolean;
  /** A condition on target columns alone implied by ON (prunes target files). */
  readonly targetFilter?: Expr;
  /** Equalities of ON (target column = source expression): target files are pruned by the source's key range. */
  readonly keys?: readonly MergeKey[];
}

export interface MergeMetrics {
  readonly inserted: number;
  readonly updated: number;
  readonly deleted: number;
  readonly metrics: Readonly<Record<string, string>>;
}

/**
 * Stages MERGE INTO in `tx`. The source is evaluated once into a TEMP table (as Delta
 * materializes it): its schema, the key ranges that prune target files, the join and the counts
 * all see the same rows, even from a nondeterministic query. It is joined once with the target
 * files that can match (pruned by `targetFilter` and the source's key ranges, unless NOT MATCHED
 * BY SOURCE clauses need every row); the rows some clause acts on go into a TEMP table (DuckDB
 * spills it) with their identity and new values. Then: the single-match rule is checked, changed
 * target rows leave their files (deletion vectors or rewrite), updated and inserted rows are
 * written, and with the change data feed on, every change is written as change data.
 */
export async function stageMerge(tx: DeltaTransaction, session: Session, request: MergeRequest): Promise<MergeMetrics> {
  checkClauses(tx.table.name, request.clauses);
  dmlTarget(tx, 'merge');
  const source = tempName('merge_source');
  try {
    await session.run(`CREATE TEMP TABLE ${quoteIdentifier(source)} AS ${request.sourceSql}`);
    return await stageMaterialized(tx, session, { ...request, sourceSql: `SELECT * FROM ${quoteIdentifier(source)}` });
  } catch (error) {
    throw sqlErrorIn(error, 'merge', tx.table.name);
  } finally {
    await dropTemp(session, source);
  }
}

async function stageMaterialized(tx: DeltaTransaction, session: Session, request: MergeRequest): Promise<MergeMetrics> {
  const started = tx.ctx.clock.now();
  let table = dmlTarget(tx, 'merge');
  const targetAlias = quoteIdentifier(request.targetAlias ?? '__loch_target');
  const sourceAlias = quoteIdentifier(request.sourceAlias ?? '__loch_source');
  const source = await describeSource(session, request.sourceSql, `the MERGE source of ${tx.table.name}`);
  if (request.schemaEvolution && request.clauses.some((c) => c.action.kind === 'update_all' || c.action.kind === 'insert_all')) {
    const extra = evolvedFields(table.target.schema, source);
    if (extra.length > 0) {
      evolveSchema(tx, extra);
      table = dmlTarget(tx, 'merge');
    }
  }
  const sourceRelation = `(${request.sourceSql}) AS ${sourceAlias}`;
  const files = await mergeCandidates(tx, session, table.target.schema, request, sourceRelation);
  const scan = await scanTarget(tx, session, table.target.schema, files);
  const changes = tempName('merge');
  const removed = tempName('merge_removed');
  try {
    const names = { table: tx.table.name, target: targetAlias, source: sourceAlias, sourceColumns: source.map((c) => c.name), lenient: request.schemaEvolution === true };
    await checkClauseScopes(session, request.clauses, table.target.schema, names, scan.sql, request.sourceSql);
    await session.run(`CREATE TEMP TABLE ${quoteIdentifier(changes)} AS ${mergeRowsSql(scan.sql, sourceRelation, request.onSql, request.clauses, table.target.schema, names)}`);
    const scanTimeMs = tx.ctx.clock.now() - started;
    await checkSingleMatch(session, tx.table.name, changes, request.clauses);
    const counts = await clauseCounts(session, changes, request.clauses);
    const effects = request.clauses.map(clauseEffect);
    const ofEffect = (...kinds: string[]) => effects.flatMap((e, i) => (kinds.includes(e) ? [i] : []));
    const inClauses = (idx: number[]) => (idx.length === 0 ? 'false' : `"__loch_clause" IN (${idx.join(', ')})`);
    const targetChanges = request.clauses.flatMap((c, i) => (c.when !== 'not_matched' ? [i] : []));
    await session.run(`CREATE TEMP TABLE ${quoteIdentifier(removed)} AS SELECT DISTINCT ${FILE_COL}, ${ROW_COL} FROM ${quoteIdentifier(changes)} WHERE ${inClauses(targetChanges)}`);
    const columns = table.target.schema.fields.map((f) => quoteIdentifier(f.name)).join(', ');
    const written = (idx: number[]) => `SELECT ${columns} FROM ${quoteIdentifier(changes)} WHERE ${inClauses(idx)}`;
    const writes = ofEffect('update', 'insert');
    const outcome = await removeRows(tx, session, table.target, scan, removed, writes.length === 0 ? undefined : written(writes), table.strategy);
    const changeFiles = table.changeFeed ? await stageChangeData(tx, session, table, scan, changes, written, ofEffect, inClauses) : 0;
    const sourceRows = await countRows(session, `(${request.sourceSql})`);
    const { inserted, updated, deleted, metrics } = mergeMetrics(request.clauses, counts, outcome, { sourceRows, changeFiles, started, scanTimeMs, now: tx.ctx.clock.now() });
    tx.operation = { name: 'MERGE', parameters: mergeParameters(request), metrics };
    return { inserted, updated, deleted, metrics };
  } finally {
    await dropTemp(session, removed);
    await dropTemp(session, changes);
    await scan.release();
  }
}

/** Databricks' MERGE metrics from the rows each clause acted on and what the rewrite did. */
function mergeMetrics(clauses: readonly MergeClause[], counts: readonly number[], outcome: RemovalOutcome, run: { sourceRows: number; changeFiles: number; started: number; scanTimeMs: number; now: number }) {
  const effects = clauses.map(clauseEffect);
  const sum = (pick: (c: MergeClause, i: number) => boolean) => clauses.reduce((n, c, i) => n + (pick(c, i) ? (counts[i] ?? 0) : 0), 0);
  const byEffect = (effect: string) => sum((_, i) => effects[i] === effect);
  const byKind = (when: string, effect: string) => sum((c, i) => c.when === when && effects[i] === effect);
  const inserted = byEffect('insert');
  const updated = byEffect('update');
  const deleted = byEffect('delete');
  const metrics = {
    numSourceRows: String(run.sourceRows),
    numTargetRowsInserted: String(inserted),
    numTargetRowsUpdated: String(updated),
    numTargetRowsMatchedUpdated: String(byKind('matched', 'update')),
    numTargetRowsNotMatchedBySourceUpdated: String(byKind('not_matched_by_source', 'update')),
    numTargetRowsDeleted: String(deleted),
    numTargetRowsMatchedDeleted: String(byKind('matched', 'delete')),
    numTargetRowsNotMatchedBySourceDeleted: String(byKind('not_matched_by_source', 'delete')),
    numTargetRowsCopied: String(outcome.copiedRows),
    numOutputRows: String(outcome.copiedRows + inserted + updated),
    numTargetFilesAdded: String(outcome.addedFiles),
    numTargetFilesRemoved: String(outcome.removedFiles),
    numTargetBytesAdded: String(outcome.addedBytes),
    numTargetBytesRemoved: String(outcome.removedBytes),
    numTargetDeletionVectorsAdded: String(outcome.deletionVectorsAdded),
    numTargetDeletionVectorsRemoved: String(outcome.deletionVectorsRemoved),
    numTargetChangeFilesAdded: String(run.changeFiles),
    executionTimeMs: String(run.now - run.started),
    scanTimeMs: String(run.scanTimeMs),
    rewriteTimeMs: String(run.now - run.started - run.scanTimeMs),
  };
  return { inserted, updated, deleted, metrics };
}

/** Target files that may hold a matching row; NOT MATCHED BY SOURCE clauses need them all. */
async function mergeCandidates(tx: DeltaTransaction, session: Session, schema: StructType, request: MergeRequest, sourceRelation: string) {
  const needsAll = request.clauses.some((c) => c.when === 'not_matched_by_source');
  if (needsAll) return candidateFiles(tx, undefined);
  const ranges = request.keys === undefined || request.keys.length === 0 ? undefined : await sourceKeyRanges(session, schema, request.keys, sourceRelation);
  if (ranges === 'none') {
    // No source key can equal anything, so no target row matches: nothing needs reading, but
    // what the outcome depends on is still recorded for the conflict check.
    candidateFiles(tx, request.targetFilter);
    return [];
  }
  const parts = [request.targetFilter, ranges].filter((e): e is Expr => e !== undefined);
  return candidateFiles(tx, parts.length === 0 ? undefined : parts.length === 1 ? parts[0] : and(...parts));
}

async function stageChangeData(
  tx: DeltaTransaction,
  session: Session,
  table: DmlTarget,
  scan: TargetScan,
  changes: string,
  written: (idx: number[]) => string,
  ofEffect: (...kinds: string[]) => number[],
  inClauses: (idx: number[]) => string,
): Promise<number> {
  const oldRows = (idx: number[]) =>
    `SELECT s.* FROM ${scan.sql} AS s SEMI JOIN (SELECT ${FILE_COL}, ${ROW_COL} FROM ${quoteIdentifier(changes)} WHERE ${inClauses(idx)}) AS c ON s.${FILE_COL} = c.${FILE_COL} AND s.${ROW_COL} = c.${ROW_COL}`;
  const parts: ChangeRows[] = [];
  if (ofEffect('delete').length > 0) parts.push({ type: 'delete', sql: oldRows(ofEffect('delete')) });
  if (ofEffect('update').length > 0) parts.push({ type: 'update_preimage', sql: oldRows(ofEffect('update')) }, { type: 'update_postimage', sql: written(ofEffect('update')) });
  if (ofEffect('insert').length > 0) parts.push({ type: 'insert', sql: written(ofEffect('insert')) });
  const cdc = await writeChangeRows(session, tx.ctx, tx.table, table.target, parts);
  tx.addChangeFiles(cdc);
  return cdc.length;
}

/** Spark's operationParameters for MERGE. */
function mergeParameters(request: MergeRequest): Record<string, string> {
  const describe = (kind: string) =>
    JSON.stringify(
      request.clauses
        .filter((c) => c.when === kind)
        .map((c) => ({ actionType: c.action.kind.replace('_all', '*').replace('update*', 'update').replace('insert*', 'insert'), ...(c.conditionSql !== undefined ? { predicate: c.conditionSql } : {}) })),
    );
  return {
    predicate: JSON.stringify(request.onSql),
    matchedPredicates: describe('matched'),
    notMatchedPredicates: describe('not_matched'),
    notMatchedBySourcePredicates: describe('not_matched_by_source'),
  };
}
