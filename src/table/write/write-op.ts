import { LochError } from '../../core/errors.js';
import type { Session } from '../../engine/index.js';
import type { Expr } from '../../expr/nodes.js';
import { quoteIdentifier } from '../../expr/to-sql.js';
import { parsePartitionValue } from '../../formats/delta/partition-values.js';
import type { AddFile, Cdc } from '../../formats/delta/spec/actions.js';
import { appendOnly, changeDataFeedEnabled } from '../../formats/delta/spec/protocol.js';
import { fileMayMatch, planDeltaScan } from '../delta-scan-planner.js';
import { writeChangeRows } from '../dml/change-data.js';
import type { ChangeRows } from '../dml/change-data.js';
import { writeDataFiles } from './data-files.js';
import type { WriteTarget } from './data-files.js';
import { alignSource, describeSource, evolvedFields } from './source.js';
import type { Alignment } from './source.js';
import { currentSchema, evolveSchema } from './schema-change.js';
import type { DeltaTransaction } from './transaction.js';

/** What an INSERT-like write does to the rows already in the table. */
export type WriteMode =
  | { readonly kind: 'append' }
  | { readonly kind: 'overwrite' }
  /** Delete the rows matching the condition; every new row must match it (Databricks replaceWhere). */
  | { readonly kind: 'replace_where'; readonly conditionSql: string; readonly condition?: Expr }
  /** Replace the partitions the new rows fall in (partitionOverwriteMode = dynamic). */
  | { readonly kind: 'dynamic_partitions' }
  /** INSERT OVERWRITE … PARTITION (p = v): replace exactly these partitions. */
  | { readonly kind: 'static_partitions'; readonly values: Readonly<Record<string, string>>; readonly condition?: Expr };

export interface DataWriteRequest {
  /** A DuckDB query over the session (lake references already bound). */
  readonly sourceSql: string;
  readonly mode: WriteMode;
  readonly alignment: Alignment;
  readonly targetFileSize?: number;
}

export interface WriteMetrics {
  readonly rows: number;
  readonly files: number;
  readonly bytes: number;
  readonly removedFiles: number;
  readonly removedBytes: number;
  readonly copiedRows: number;
}

/**
 * Stages an INSERT / INSERT OVERWRITE / REPLACE WHERE / dynamic partition overwrite in `tx`:
 * writes the new files and removes the replaced ones, recording what was read for the
 * conflict check. Only files whose partition values or statistics may match a replace
 * condition are touched; rows of those files that do not match are copied into new files.
 */
export async function stageWrite(tx: DeltaTransaction, session: Session, request: DataWriteRequest): Promise<WriteMetrics> {
  const snapshot = tx.snapshot;
  const metadata = tx.currentMetadata;
  if (snapshot === undefined || metadata === undefined) throw new LochError('INTERNAL', `delta write: table ${tx.table.name}: no snapshot to write to`);
  const where = tx.table.name;
  if (request.mode.kind !== 'append' && appendOnly(metadata)) {
    throw new LochError('INVALID_ARGUMENT', `delta write: table ${where} is append-only (delta.appendOnly = true): ${request.mode.kind.replace('_', ' ')} would remove data`, { context: { table: where } });
  }
  const source = await describeSource(session, request.sourceSql, `the query writing ${where}`);
  // The transaction's schema: an earlier operation of the same transaction may have changed it.
  let schema = currentSchema(tx);
  if (request.alignment.mergeSchema) {
    const extra = evolvedFields(schema, source);
    if (extra.length > 0) schema = evolveSchema(tx, extra);
  }
  const target: WriteTarget = { schema, partitionColumns: snapshot.partitionColumns, metadata: tx.currentMetadata ?? metadata };
  const aligned = alignSource(where, schema, request.sourceSql, source, {
    ...request.alignment,
    ...(request.mode.kind === 'static_partitions' ? { constants: request.mode.values } : {}),
  });
  const extraConstraints = request.mode.kind === 'replace_where' ? [{ kind: 'check' as const, name: 'replaceWhere', sql: request.mode.conditionSql }] : [];
  const written = await writeDataFiles(tx.ctx, tx.table, session, target, aligned, {
    extraConstraints,
    ...(request.targetFileSize !== undefined ? { targetFileSize: request.targetFileSize } : {}),
  });
  const replaced = await stageReplacement(tx, session, target, request.mode, written.adds);
  tx.addFiles([...written.adds, ...replaced.copies]);
  if (replaced.conditionSql !== undefined && replaced.copies.length > 0 && changeDataFeedEnabled(target.metadata)) {
    tx.addChangeFiles(await writeChangeFiles(tx, session, target, replaced.removed, written.adds, replaced.conditionSql));
  }
  return {
    rows: written.rows,
    files: written.adds.length,
    bytes: written.bytes,
    removedFiles: replaced.removed.length,
    removedBytes: replaced.removed.reduce((n, f) => n + f.size, 0),
    copiedRows: replaced.copiedRows,
  };
}

interface Replacement {
  readonly removed: readonly AddFile[];
  readonly copies: readonly AddFile[];
  readonly copiedRows: number;
  /** The condition selecting the replaced rows, when rows of removed files were kept. */
  readonly conditionSql?: string;
}

async function stageReplacement(tx: DeltaTransaction, session: Session, target: WriteTarget, mode: WriteMode, newFiles: readonly AddFile[]): Promise<Replacement> {
  const snapshot = tx.snapshot;
  if (snapshot === undefined || mode.kind === 'append') return { removed: [], copies: [], copiedRows: 0 };
  const now = tx.ctx.clock.now();
  // Earlier operations of this transaction count: what they added can be replaced too.
  const live = tx.liveFiles;
  if (mode.kind === 'overwrite') {
    tx.readWholeTable();
    tx.removeFiles(live, now);
    return { removed: live, copies: [], copiedRows: 0 };
  }
  if (mode.kind === 'dynamic_partitions') {
    const touched = partitionKeys(target, newFiles);
    const inPartitions = (add: AddFile) => touched.has(partitionKey(target, add));
    const removed = live.filter(inPartitions);
    tx.readWhere(inPartitions);
    tx.removeFiles(removed, now);
    return { removed, copies: [], copiedRows: 0 };
  }
  const conditionSql = mode.kind === 'replace_where' ? mode.conditionSql : staticCondition(mode.values);
  const condition = mode.condition;
  const mayMatch = condition === undefined ? () => true : fileMayMatch(tx.table, snapshot, condition);
  const candidates = live.filter(mayMatch);
  tx.readWhere(mayMatch);
  const copies = await copySurvivors(tx, session, target, candidates, conditionSql);
  tx.removeFiles(candidates, now);
  return { removed: candidates, copies: copies.adds, copiedRows: copies.rows, conditionSql };
}

/**
 * With the change data feed on, a rewrite that keeps rows of the files it removes must say
 * which rows really changed, or readers deriving changes from add/remove would report the kept
 * rows as deleted and inserted again: change data files (`_change_data/`) hold the replaced rows
 * as 'delete' and the new rows as 'insert'. Readers use only these for a commit that has them.
 */
async function writeChangeFiles(tx: DeltaTransaction, session: Session, target: WriteTarget, removed: readonly AddFile[], inserted: readonly AddFile[], conditionSql: string): Promise<Cdc[]> {
  const snapshot = tx.snapshot;
  if (snapshot === undefined) return [];
  // Files staged earlier in this transaction were never visible: their rows are not deletions.
  const visible = new Set(snapshot.files);
  const committed = removed.filter((f) => visible.has(f));
  const parts: { files: readonly AddFile[]; change: (from: string) => ChangeRows }[] = [
    { files: committed, change: (from) => ({ type: 'delete', sql: `SELECT * FROM ${from} WHERE coalesce((${conditionSql}), false)` }) },
    { files: inserted, change: (from) => ({ type: 'insert', sql: `SELECT * FROM ${from}` }) },
  ];
  const plans = await Promise.all(parts.filter((p) => p.files.length > 0).map(async (p) => ({ p, plan: await planDeltaScan(tx.ctx, tx.table, { ...snapshot, schema: target.schema, files: p.files }, {}) })));
  try {
    const changes: ChangeRows[] = [];
    for (const { p, plan } of plans) changes.push(p.change((await session.registerScan(plan.spec)).sql));
    return await writeChangeRows(session, tx.ctx, tx.table, target, changes);
  } finally {
    for (const { plan } of plans) plan.release();
  }
}

/** Rows of the touched files that the condition does not select are kept, in new files. */
async function copySurvivors(tx: DeltaTransaction, session: Session, target: WriteTarget, files: readonly AddFile[], conditionSql: string): Promise<{ adds: AddFile[]; rows: number }> {
  const snapshot = tx.snapshot;
  if (snapshot === undefined || files.length === 0) return { adds: [], rows: 0 };
  // Scanned with the schema being written: columns a file lacks (added since) read as NULL.
  const planned = await planDeltaScan(tx.ctx, tx.table, { ...snapshot, schema: target.schema, files }, {});
  try {
    const registered = await session.registerScan(planned.spec);
    const columns = target.schema.fields.map((f) => quoteIdentifier(f.name));
    const survivors = `SELECT ${columns.join(', ')} FROM ${registered.sql} WHERE NOT coalesce((${conditionSql}), false)`;
    const written = await writeDataFiles(tx.ctx, tx.table, session, target, survivors);
    return { adds: written.adds.map((a) => ({ ...a, dataChange: true })), rows: written.rows };
  } finally {
    planned.release();
  }
}

function staticCondition(values: Readonly<Record<string, string>>): string {
  return Object.entries(values)
    .map(([column, valueSql]) => `${quoteIdentifier(column)} IS NOT DISTINCT FROM ${valueSql}`)
    .join(' AND ');
}

function partitionKeys(target: WriteTarget, files: readonly AddFile[]): Set<string> {
  return new Set(files.map((f) => partitionKey(target, f)));
}

/** Partition values compared as typed values: other writers spell the same value differently. */
function partitionKey(target: WriteTarget, add: AddFile): string {
  const fields = target.partitionColumns.map((name) => target.schema.fields.find((f) => f.name === name)).filter((f) => f !== undefined);
  const values = fields.map((f) => {
    const raw = f.physicalName in add.partitionValues ? add.partitionValues[f.physicalName] : add.partitionValues[f.name];
    const value = parsePartitionValue(raw, f.type, { table: target.metadata.id, file: add.path, column: f.name });
    return value instanceof Uint8Array ? [...value] : typeof value === 'bigint' ? `${value}n` : value;
  });
  return JSON.stringify(values);
}
