import { LochError } from '../../core/errors.js';
import type { Session } from '../../engine/index.js';
import { canonicalPath, canonicalRoot } from '../../formats/delta/log/file-identity.js';
import { loadDeltaSnapshot } from '../../formats/delta/snapshot.js';
import type { DeltaSnapshot } from '../../formats/delta/snapshot.js';
import type { AddFile } from '../../formats/delta/spec/actions.js';
import type { TableContext } from '../context.js';
import type { TableLocation } from '../location.js';
import { DeltaTransaction } from '../write/transaction.js';
import { CLUSTERING_PROVIDER, ZCUBE_ID_TAG, ZCUBE_ZORDER_BY_TAG, ZCUBE_ZORDER_CURVE_TAG, clusteringColumnsOf, isClusteredTable, needsClustering } from './clustering.js';
import { DEFAULT_MAX_DELETED_ROWS_RATIO, compactionBins } from './optimize-bins.js';
import type { BinPolicy } from './optimize-bins.js';
import { commitMetrics, optimizeMetrics } from './optimize-metrics.js';
import type { OptimizeMetrics } from './optimize-metrics.js';
import { rewriteBins, rewriteZOrdered } from './optimize-rewrite.js';
import type { RewriteInput } from './optimize-rewrite.js';
import { parseFileSize } from './optimize-size.js';
import { partitionKey, partitionsMatching } from './optimize-where.js';
import { checkOrderingColumns } from './z-order-columns.js';

export type { FileSizeMetrics, OptimizeMetrics } from './optimize-metrics.js';

export interface OptimizeOptions {
  /** Only files in partitions matching this condition (partition columns only, as on Databricks). */
  readonly where?: { readonly sql: string };
  /** Rewrite the selected files ordered along a Z-order curve over these columns. */
  readonly zorderBy?: readonly string[];
  /**
   * Bytes; default delta.targetFileSize or 128 MiB. Compaction packs bins up to this size;
   * Z-ordering and clustering cut their output into files of about this size.
   */
  readonly targetFileSize?: number;
  /** Compaction rewrites files smaller than this; default 3/4 of the target file size. */
  readonly minFileSize?: number;
}

const DEFAULT_TARGET_FILE_SIZE = 128 * 1024 * 1024;

/** What one OPTIMIZE rewrites: groups of files, each written anew. */
type Plan =
  | { readonly mode: 'compaction'; readonly bins: AddFile[][][] }
  | { readonly mode: 'zorder' | 'clustering'; readonly columns: readonly string[]; readonly groups: AddFile[][] };

/**
 * OPTIMIZE: bin-packing compaction, ZORDER BY, or incremental liquid clustering on a clustered
 * table, in one commit whose removes and adds carry dataChange = false (operation OPTIMIZE with
 * Delta's parameters and metrics). No commit (version undefined) when there is nothing to do.
 *
 * The transaction reads only the files it rewrites: appends committed meanwhile do not conflict;
 * a concurrent removal of one of them (DELETE, UPDATE, another OPTIMIZE) fails it with CONFLICT.
 */
export async function optimizeTable(ctx: TableContext, table: TableLocation, options: OptimizeOptions, session: Session): Promise<{ version: number | undefined; metrics: OptimizeMetrics }> {
  const snapshot = await loadDeltaSnapshot(table.store, ctx.parquet, { table: table.name });
  const tx = new DeltaTransaction(ctx, table, snapshot);
  const targetFileSize = resolveTargetSize(table, snapshot, options);
  const considered = await selectFiles(session, table, snapshot, options);
  const plan = planOptimize(table, snapshot, options, considered, targetFileSize);
  const input: RewriteInput = { tx, session, snapshot, targetFileSize };
  const removed = plan.mode === 'compaction' ? plan.bins.flat(2) : plan.groups.flat();
  const added = await rewrite(input, plan);
  const outcome = {
    added,
    removed,
    partitionsOptimized: new Set(removed.map((f) => partitionKey(snapshot, f))).size,
    numBatches: plan.mode === 'compaction' ? plan.bins.reduce((n, bins) => n + bins.length, 0) : plan.groups.length,
    totalConsideredFiles: considered.length,
  };
  if (removed.length === 0) return { version: undefined, metrics: optimizeMetrics(outcome) };
  stageRearrangement(tx, removed, added);
  tx.operation = {
    name: 'OPTIMIZE',
    parameters: {
      predicate: JSON.stringify(options.where !== undefined ? [options.where.sql] : []),
      zOrderBy: JSON.stringify(plan.mode === 'compaction' ? [] : plan.columns),
      ...(plan.mode === 'clustering' ? { clusterBy: JSON.stringify(plan.columns) } : {}),
      auto: 'false',
    },
    metrics: commitMetrics(outcome),
  };
  const result = await tx.commit();
  return { version: result.version, metrics: optimizeMetrics(outcome) };
}

function resolveTargetSize(table: TableLocation, snapshot: DeltaSnapshot, options: OptimizeOptions): number {
  const check = (value: number, what: string) => {
    if (!Number.isSafeInteger(value) || value <= 0) throw new LochError('INVALID_ARGUMENT', `delta optimize: table ${table.name}: ${what} must be a positive number of bytes, got ${value}`);
    return value;
  };
  if (options.targetFileSize !== undefined) return check(options.targetFileSize, 'targetFileSize');
  const property = snapshot.metadata.configuration['delta.targetFileSize'];
  return property === undefined ? DEFAULT_TARGET_FILE_SIZE : check(parseFileSize(property, table.name), 'delta.targetFileSize');
}

/** The files of the partitions the WHERE condition selects (all files without one). */
async function selectFiles(session: Session, table: TableLocation, snapshot: DeltaSnapshot, options: OptimizeOptions): Promise<AddFile[]> {
  if (isClusteredTable(snapshot.protocol)) {
    if (options.where !== undefined) {
      throw new LochError('INVALID_ARGUMENT', `delta optimize: table ${table.name} is clustered (liquid clustering): OPTIMIZE takes no WHERE condition on it`);
    }
    if ((options.zorderBy ?? []).length > 0) {
      throw new LochError('INVALID_ARGUMENT', `delta optimize: table ${table.name} is clustered (liquid clustering): OPTIMIZE cannot ZORDER BY; it clusters by the table's clustering columns`);
    }
  }
  if (options.where === undefined) return [...snapshot.files];
  const keys = await partitionsMatching(session, table, snapshot, options.where.sql);
  return snapshot.files.filter((f) => keys.has(partitionKey(snapshot, f)));
}

function byPartition(snapshot: DeltaSnapshot, files: readonly AddFile[]): AddFile[][] {
  const groups = new Map<string, AddFile[]>();
  for (const f of files) {
    const key = partitionKey(snapshot, f);
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [f]);
    else group.push(f);
  }
  return [...groups.values()];
}

function planOptimize(table: TableLocation, snapshot: DeltaSnapshot, options: OptimizeOptions, files: readonly AddFile[], targetFileSize: number): Plan {
  const clustering = isClusteredTable(snapshot.protocol) ? clusteringColumnsOf(snapshot) : [];
  if (clustering.length > 0) {
    const candidates = files.filter((f) => needsClustering(f, clustering));
    return { mode: 'clustering', columns: clustering, groups: candidates.length > 0 ? [candidates] : [] };
  }
  const zorder = options.zorderBy ?? [];
  if (zorder.length > 0) {
    const source = { table: table.name, schema: snapshot.schema, partitionColumns: snapshot.partitionColumns, configuration: snapshot.metadata.configuration };
    const columns = checkOrderingColumns(source, 'ZORDER BY', zorder).map((f) => f.name);
    return { mode: 'zorder', columns, groups: byPartition(snapshot, files) };
  }
  const minFileSize = options.minFileSize ?? Math.floor((targetFileSize * 3) / 4);
  const policy: BinPolicy = { minFileSize, maxFileSize: targetFileSize, maxDeletedRowsRatio: DEFAULT_MAX_DELETED_ROWS_RATIO };
  return { mode: 'compaction', bins: byPartition(snapshot, files).map((group) => compactionBins(group, policy)).filter((bins) => bins.length > 0) };
}

/** Rewrites the plan's groups; the new files rearrange data (dataChange = false). */
async function rewrite(input: RewriteInput, plan: Plan): Promise<AddFile[]> {
  if (plan.mode === 'compaction') return (await rewriteBins(input, plan.bins)).map((add) => ({ ...add, dataChange: false }));
  const adds: AddFile[] = [];
  for (const group of plan.groups) {
    const written = await rewriteZOrdered(input, group, plan.columns);
    const cube = plan.mode === 'clustering' ? cubeTags(input.tx.ctx.ids.uuid(), plan.columns) : undefined;
    for (const add of written) {
      adds.push(cube === undefined ? { ...add, dataChange: false } : { ...add, dataChange: false, clusteringProvider: CLUSTERING_PROVIDER, tags: { ...(add.tags ?? {}), ...cube } });
    }
  }
  return adds;
}

/** Delta's ZCube tags of clustered files: one cube per clustered group, its columns and curve. */
function cubeTags(id: string, columns: readonly string[]): Record<string, string> {
  return { [ZCUBE_ID_TAG]: id, [ZCUBE_ZORDER_CURVE_TAG]: 'zorder', [ZCUBE_ZORDER_BY_TAG]: JSON.stringify(columns) };
}

/**
 * Stages the removes and adds with dataChange = false, and records as read exactly the files
 * rewritten (concurrent appends then never conflict).
 */
function stageRearrangement(tx: DeltaTransaction, removed: readonly AddFile[], added: readonly AddFile[]): void {
  const root = canonicalRoot(tx.table.store.url);
  const rewritten = new Set(removed.map((f) => canonicalPath(f.path, root)));
  tx.readWhere((add) => rewritten.has(canonicalPath(add.path, root)));
  // No data changes: change-data-feed readers and append-only checks must not see deletions.
  tx.removeFiles(removed, tx.ctx.clock.now(), { dataChange: false });
  tx.addFiles(added);
}
