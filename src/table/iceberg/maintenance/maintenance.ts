import { isLochError } from '../../../core/errors.js';
import type { Session } from '../../../engine/index.js';
import { planExpiry, expiryUpdates, filesToDelete } from '../../../formats/iceberg/maintenance/expire.js';
import { orphanFiles } from '../../../formats/iceberg/maintenance/orphans.js';
import type { TableLocation } from '../../location.js';
import { resolveLogPath } from '../../location.js';
import { mapLimit } from '../../parallel.js';
import { planIcebergScan } from '../scan-planner.js';
import { absoluteMetadataFile, beginIcebergTransaction, type IcebergTarget } from '../write/transaction.js';
import { carriesRowLineage } from '../write/row-lineage.js';
import { currentSnapshot, tableFiles } from '../write/snapshot-writer.js';
import { ReachableFiles } from './reachable.js';

export interface ExpireResult {
  readonly expiredSnapshots: number;
  /** Full paths of the files deleted (only expired snapshots reached them). */
  readonly deletedFiles: readonly string[];
}

/**
 * Spark's expire_snapshots: drops snapshots older than `olderThanMs` (an instant, epoch ms;
 * default the table's history.expire.max-snapshot-age-ms, 5 days) beyond the newest
 * `retainLast` of each branch, in one metadata commit, then deletes the manifest lists,
 * manifests and data/delete files only the expired snapshots reached.
 */
export async function expireIcebergSnapshots(target: IcebergTarget, options: { readonly olderThanMs?: number; readonly retainLast?: number } = {}): Promise<ExpireResult> {
  const { ctx, table } = target;
  const tx = await beginIcebergTransaction(target);
  const m = tx.metadata;
  const nowMs = ctx.clock.now();
  const plan = planExpiry(m, {
    nowMs,
    ...(options.olderThanMs !== undefined ? { olderThanMs: Math.max(0, nowMs - options.olderThanMs) } : {}),
    ...(options.retainLast !== undefined ? { retainLast: options.retainLast } : {}),
  });
  if (plan.expireSnapshotIds.length === 0 && plan.expiredRefs.length === 0) return { expiredSnapshots: 0, deletedFiles: [] };
  tx.addUpdates(expiryUpdates(plan));
  await tx.commit();
  const expired = new Set(plan.expireSnapshotIds);
  const reach = new ReachableFiles(ctx, table, m);
  const expiredReach = await reach.of(m.snapshots.filter((s) => expired.has(s.snapshotId)));
  const retainedReach = await reach.of(m.snapshots.filter((s) => !expired.has(s.snapshotId)));
  const doomed = filesToDelete(expiredReach, retainedReach);
  await deleteAll(table, doomed);
  return { expiredSnapshots: plan.expireSnapshotIds.length, deletedFiles: doomed };
}

const THREE_DAYS_MS = 3 * 24 * 3600 * 1000;

/**
 * Spark's remove_orphan_files: deletes every file under the table location that no metadata
 * file in the metadata log (nor the current one) reaches and that is older than `olderThanMs`
 * (an instant; default three days ago). Returns the deleted paths (keys under the table).
 */
export async function removeIcebergOrphans(target: IcebergTarget, options: { readonly olderThanMs?: number; readonly dryRun?: boolean } = {}): Promise<readonly string[]> {
  const { ctx, table } = target;
  const loaded = await target.committer.load();
  if (loaded === undefined) return [];
  const m = loaded.metadata;
  const reachable = await new ReachableFiles(ctx, table, m).of(m.snapshots);
  reachable.add(absoluteMetadataFile(m.location, loaded.metadataFile));
  for (const entry of m.metadataLog) reachable.add(entry.metadataFile);
  for (const stats of [...m.statistics, ...m.partitionStatistics]) {
    const path = (stats as Record<string, unknown>)['statistics-path'];
    if (typeof path === 'string') reachable.add(path);
  }
  const listed: { key: string; lastModified: number }[] = [];
  for await (const meta of table.store.list('')) {
    if (meta.key === 'metadata/version-hint.text') continue;
    listed.push({ key: meta.key, lastModified: meta.lastModified ?? 0 });
  }
  const nowMs = ctx.clock.now();
  const cutoff = options.olderThanMs ?? nowMs - THREE_DAYS_MS;
  const normalize = (path: string) => keyOf(table, path);
  // The cut-off is an instant: files modified strictly before it may go.
  const orphans = orphanFiles(listed, reachable, 0, cutoff, { normalize });
  if (options.dryRun !== true) await deleteAll(table, orphans);
  return orphans;
}

function keyOf(table: TableLocation, path: string): string {
  try {
    const ref = resolveLogPath(table, path);
    return ref.store === table.store ? ref.key : path;
  } catch {
    return path;
  }
}

/**
 * Spark's rewrite_data_files (and OPTIMIZE): when the current snapshot has more than one data
 * file or any delete file, reads the table (deletes applied) and rewrites it as target-size
 * files in one `replace` snapshot; on v3 tables every row keeps its `_row_id` and
 * `_last_updated_sequence_number`. Returns the files rewritten and added.
 */
export async function rewriteIcebergDataFiles(target: IcebergTarget, session: Session): Promise<{ rewritten: number; added: number; rows: number }> {
  const { ctx, table } = target;
  const tx = await beginIcebergTransaction(target);
  const live = await tx.liveEntries();
  if (live.data.length <= 1 && live.deletes.length === 0) return { rewritten: 0, added: 0, rows: 0 };
  const files = tableFiles(table, tx.metadata);
  // v3: rewritten rows keep their row ids and last-updated sequence numbers (stored in the new files).
  const rowLineage = carriesRowLineage(tx.metadata, tx.lochSchema);
  const planned = await planIcebergScan(ctx, files, currentSnapshot(tx.metadata), tx.schema, { rowLineage });
  const registered = await Promise.all(planned.specs.map((spec) => session.registerScan(spec)));
  try {
    const source = `SELECT * FROM ${planned.compose(registered.map((r) => r.sql))} AS "__loch_compact"`;
    tx.removeFiles([...live.data, ...live.deletes]);
    const rows = await tx.writeRows(session, source, { byName: true, rowLineage });
    await tx.commit('replace');
    return { rewritten: live.data.length + live.deletes.length, added: tx.stagedFiles.length, rows };
  } finally {
    await Promise.all(registered.map((r) => r.dispose()));
    planned.release();
  }
}

async function deleteAll(table: TableLocation, paths: readonly string[]): Promise<void> {
  await mapLimit([...paths], 16, async (path) => {
    try {
      const ref = resolveLogPath(table, path);
      await ref.store.delete(ref.key);
    } catch (error) {
      if (!isLochError(error)) throw error;
    }
  });
}
