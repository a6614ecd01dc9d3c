import { loadDeltaSnapshot } from '../../formats/delta/snapshot.js';
import type { DeltaSnapshot } from '../../formats/delta/snapshot.js';
import { parseTableProperties } from '../../formats/delta/write/properties.js';
import type { TableContext } from '../context.js';
import type { TableLocation } from '../location.js';
import { mapLimit } from '../parallel.js';
import { DeltaTransaction } from '../write/transaction.js';
import type { CommitResult } from '../write/commit-loop.js';
import { listVacuumCandidates } from './vacuum-candidates.js';
import type { VacuumFile } from './vacuum-candidates.js';
import { findLocalLeftovers, removeLocalLeftovers } from './vacuum-leftovers.js';
import type { Leftovers } from './vacuum-leftovers.js';
import { retainedFiles } from './vacuum-retained.js';
import { chooseRetention } from './vacuum-retention.js';
import type { VacuumRetention } from './vacuum-retention.js';

export interface VacuumOptions {
  /** Keep files a version committed in the last `retentionHours` needs; default delta.deletedFileRetentionDuration (7 days). */
  readonly retentionHours?: number;
  /** List what would be deleted, delete nothing. */
  readonly dryRun?: boolean;
  /** Allow a retention shorter than the table's (Spark: spark.databricks.delta.retentionDurationCheck.enabled = false). */
  readonly allowShortRetention?: boolean;
}

export interface VacuumResult {
  /** Paths relative to the table root, sorted. */
  readonly files: readonly string[];
  readonly bytes: number;
  readonly dryRun: boolean;
  /** Files older than this (ms) and unreferenced were deleted. */
  readonly cutoff: number;
  readonly retentionMs: number;
  /** Every version from this one to the latest stays readable; older ones may not. */
  readonly oldestRetainedVersion: number;
  /** The VACUUM START and VACUUM END commits (absent for a dry run). */
  readonly startVersion?: number;
  readonly endVersion?: number;
}

/**
 * VACUUM: deletes the files under the table root that no version inside the retention window
 * needs (see retainedFiles), that are older than the cutoff (now − retention) and not hidden
 * (see isHiddenName), plus crashed writers' leftovers older than the cutoff (see
 * findLocalLeftovers). Empty directories stay behind.
 *
 * Like Databricks, a real run records a commitInfo-only `VACUUM START` commit (parameters
 * retentionCheckEnabled, defaultRetentionMillis, specifiedRetentionMillis; metrics
 * numFilesToDelete, sizeOfDataToDelete) before deleting and a `VACUUM END` commit (status
 * COMPLETED, metrics numDeletedFiles, numVacuumedDirectories) after; when deleting fails, END
 * records status FAILED and the error is rethrown. A dry run only lists.
 *
 * Errors: a short retention without allowShortRetention, or a negative one, INVALID_ARGUMENT
 * (see chooseRetention); a table Loch cannot write UNSUPPORTED_FEATURE (VACUUM commits); a gap in
 * the log PROTOCOL_VIOLATION; storage failures STORAGE_ERROR.
 */
export async function vacuumTable(ctx: TableContext, table: TableLocation, options: VacuumOptions): Promise<VacuumResult> {
  const snapshot = await loadDeltaSnapshot(table.store, ctx.parquet, { table: table.name });
  const props = parseTableProperties({ ...snapshot.metadata.configuration }, table.name, { allowUnknownDeltaKeys: true });
  const retention = chooseRetention(table.name, props.deletedFileRetentionMs, options);
  // Constructed now so that a table Loch may not write fails before anything is listed.
  const start = new DeltaTransaction(ctx, table, snapshot);
  const cutoff = ctx.clock.now() - retention.retentionMs;
  const retained = await retainedFiles(ctx, table, cutoff, snapshot);
  const listed = await listVacuumCandidates(table.store, { partitionColumns: partitionNames(snapshot), cutoff, retained: retained.keys });
  const leftovers = await findLocalLeftovers(table.store, cutoff);
  const files = [...listed.files, ...leftovers.files].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const bytes = files.reduce((n, f) => n + f.size, 0);
  const base = { files: files.map((f) => f.key), bytes, cutoff, retentionMs: retention.retentionMs, oldestRetainedVersion: retained.oldestVersion };
  if (options.dryRun === true) return { ...base, dryRun: true };
  start.operation = startOperation(retention, files.length, bytes);
  const started = await start.commit();
  let deleted: number;
  try {
    deleted = await deleteFiles(ctx, table, listed.files, leftovers);
  } catch (error) {
    await commitEnd(ctx, table, { status: 'FAILED' }).catch(() => undefined);
    throw error;
  }
  const ended = await commitEnd(ctx, table, { status: 'COMPLETED', deleted, directories: listed.directories });
  return { ...base, dryRun: false, startVersion: started.version, endVersion: ended.version };
}

/** Partition directories are named by logical names, or physical ones under column mapping. */
function partitionNames(snapshot: DeltaSnapshot): string[] {
  const names = new Set<string>();
  for (const column of snapshot.partitionColumns) {
    names.add(column);
    const field = snapshot.schema.fields.find((f) => f.name === column);
    if (field !== undefined) names.add(field.physicalName);
  }
  return [...names];
}

function startOperation(retention: VacuumRetention, count: number, bytes: number) {
  return {
    name: 'VACUUM START',
    parameters: {
      retentionCheckEnabled: String(retention.checkEnabled),
      defaultRetentionMillis: String(retention.defaultMs),
      ...(retention.specifiedMs !== undefined ? { specifiedRetentionMillis: String(retention.specifiedMs) } : {}),
    },
    metrics: { numFilesToDelete: String(count), sizeOfDataToDelete: String(bytes) },
  };
}

async function deleteFiles(ctx: TableContext, table: TableLocation, files: readonly VacuumFile[], leftovers: Leftovers): Promise<number> {
  await mapLimit(files, ctx.ioConcurrency, (file) => table.store.delete(file.key));
  return files.length + (await removeLocalLeftovers(table.store, leftovers));
}

type EndStatus = { readonly status: 'FAILED' } | { readonly status: 'COMPLETED'; readonly deleted: number; readonly directories: number };

/** The VACUUM END commit, on the table as it is now (other writers may have committed since START). */
async function commitEnd(ctx: TableContext, table: TableLocation, end: EndStatus): Promise<CommitResult> {
  const tx = new DeltaTransaction(ctx, table, await loadDeltaSnapshot(table.store, ctx.parquet, { table: table.name }));
  tx.operation = {
    name: 'VACUUM END',
    parameters: { status: end.status },
    metrics: end.status === 'COMPLETED' ? { numDeletedFiles: String(end.deleted), numVacuumedDirectories: String(end.directories) } : {},
  };
  return tx.commit();
}
