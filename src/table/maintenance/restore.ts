import { LochError } from '../../core/errors.js';
import { canonicalRoot, fileIdentity } from '../../formats/delta/log/file-identity.js';
import { loadDeltaSnapshot, versionAtOrBefore } from '../../formats/delta/snapshot.js';
import type { DeltaSnapshot } from '../../formats/delta/snapshot.js';
import type { AddFile } from '../../formats/delta/spec/actions.js';
import { parseBooleanProperty } from '../../formats/delta/write/properties.js';
import type { TableContext } from '../context.js';
import type { TableLocation } from '../location.js';
import { DeltaTransaction } from '../write/transaction.js';
import type { CommitResult } from '../write/commit-loop.js';
import { restoredClustering, restoredMetadata, restoredProtocol } from './restore-state.js';
import { checkRestorable } from './restore-files.js';

export interface RestoreTarget {
  readonly version?: number;
  /** Epoch milliseconds. */
  readonly timestamp?: number;
}

/** Databricks' RESTORE result columns. */
export interface RestoreMetrics {
  readonly tableSizeAfterRestore: number;
  readonly numOfFilesAfterRestore: number;
  readonly numRemovedFiles: number;
  readonly numRestoredFiles: number;
  readonly removedFilesSize: number;
  readonly restoredFilesSize: number;
}

/**
 * RESTORE TABLE … TO VERSION AS OF n | TIMESTAMP AS OF ts, as Delta's RestoreTableCommand: one
 * commit that removes the files live now but not in the target version and adds back the
 * target's files not live now (files compare by path + deletion vector, the adds keep their
 * statistics, partition values and DVs, dataChange true), with the target's metadata (schema,
 * properties; the column mapping id high-water mark never goes down) and a protocol that
 * supports both versions' features (never a downgrade). The `delta.clustering` domain follows the
 * target; other domains stay. No change data files are written (Databricks writes none).
 *
 * A timestamp restores the latest version committed at or before it. The commit reads the whole
 * table and changes metadata, so any concurrent data or metadata commit makes it fail with
 * CONFLICT rather than restore something else than asked.
 *
 * Errors: version and timestamp both or neither given, or a target not older than the latest
 * version → INVALID_ARGUMENT; a target the log cannot reconstruct → VERSION_NOT_AVAILABLE; a file
 * the target needs that no longer exists (vacuumed) → DATA_FILE_MISSING naming the files;
 * removing files of an append-only table → INVALID_ARGUMENT.
 */
export async function restoreTable(ctx: TableContext, table: TableLocation, target: RestoreTarget): Promise<{ commit: CommitResult; metrics: RestoreMetrics }> {
  if ((target.version === undefined) === (target.timestamp === undefined)) {
    throw new LochError('INVALID_ARGUMENT', `delta restore: table ${table.name}: give a version or a timestamp to restore, exactly one of them`, { context: { table: table.name } });
  }
  const latest = await loadDeltaSnapshot(table.store, ctx.parquet, { table: table.name });
  const version = target.version ?? (await versionAtOrBefore(table.store, target.timestamp as number, table.name));
  if (!Number.isSafeInteger(version) || version < 0 || version >= latest.version) {
    throw new LochError('INVALID_ARGUMENT', `delta restore: table ${table.name}: the version to restore (${version}) must be older than the latest version (${latest.version})`, {
      context: { table: table.name, version, latestVersion: latest.version },
    });
  }
  const old = await loadDeltaSnapshot(table.store, ctx.parquet, { table: table.name, version });
  const { toAdd, toRemove } = fileDifference(table, latest, old);
  checkAppendOnly(table, latest, version, toRemove);
  await checkRestorable(ctx, table, version, toAdd);
  const tx = new DeltaTransaction(ctx, table, latest);
  tx.readWholeTable();
  tx.setMetadata(restoredMetadata(latest, old));
  tx.setProtocol(restoredProtocol(latest, old));
  const clustering = restoredClustering(latest, old);
  if (clustering !== undefined) tx.setDomainMetadata(clustering);
  tx.removeFiles(toRemove, ctx.clock.now());
  tx.addFiles(toAdd.map((add) => ({ ...add, dataChange: true })));
  const metrics = restoreMetrics(old, toAdd, toRemove);
  tx.operation = {
    name: 'RESTORE',
    parameters: target.version !== undefined ? { version: String(version) } : { timestamp: new Date(target.timestamp as number).toISOString() },
    metrics: Object.fromEntries(Object.entries(metrics).map(([k, v]) => [k, String(v)])),
  };
  return { commit: await tx.commit(), metrics };
}

/** Files of the target not live now (to add back) and files live now not in the target (to remove). */
function fileDifference(table: TableLocation, latest: DeltaSnapshot, old: DeltaSnapshot): { toAdd: AddFile[]; toRemove: AddFile[] } {
  const root = canonicalRoot(table.store.url);
  const id = (f: AddFile) => fileIdentity(f.path, f.deletionVector, root);
  const now = new Set(latest.files.map(id));
  const then = new Set(old.files.map(id));
  return { toAdd: old.files.filter((f) => !now.has(id(f))), toRemove: latest.files.filter((f) => !then.has(id(f))) };
}

function checkAppendOnly(table: TableLocation, latest: DeltaSnapshot, version: number, toRemove: readonly AddFile[]): void {
  if (toRemove.length === 0 || parseBooleanProperty(latest.properties['delta.appendOnly'] ?? 'false') !== true) return;
  throw new LochError(
    'INVALID_ARGUMENT',
    `delta restore: table ${table.name} is append-only (delta.appendOnly=true): restoring version ${version} would remove ${toRemove.length} files; unset the property first`,
    { context: { table: table.name, version, removedFiles: toRemove.length } },
  );
}

function restoreMetrics(old: DeltaSnapshot, toAdd: readonly AddFile[], toRemove: readonly AddFile[]): RestoreMetrics {
  const size = (files: readonly AddFile[]) => files.reduce((n, f) => n + f.size, 0);
  return {
    tableSizeAfterRestore: size(old.files),
    numOfFilesAfterRestore: old.files.length,
    numRemovedFiles: toRemove.length,
    numRestoredFiles: toAdd.length,
    removedFilesSize: size(toRemove),
    restoredFilesSize: size(toAdd),
  };
}
