import { LochError } from '../../../core/errors.js';
import { PathRewriter } from '../../../formats/iceberg/metadata/paths.js';
import { decodeManifest } from '../../../formats/iceberg/manifests/manifest.js';
import type { DataFile, LiveEntry, ManifestEntry, ManifestFile, Snapshot, SnapshotOperation, TableMetadata } from '../../../formats/iceberg/model.js';
import { partitionType } from '../../../formats/iceberg/spec/partition-spec.js';
import type { TableUpdate } from '../../../formats/iceberg/spec/updates.js';
import { fileKey, planSnapshot } from '../../../formats/iceberg/write/snapshot-producer.js';
import type { TableContext } from '../../context.js';
import type { TableLocation } from '../../location.js';
import { resolveLogPath } from '../../location.js';
import { mapLimit } from '../../parallel.js';
import type { IcebergFiles } from '../snapshot-files.js';
import { readReferenced, snapshotManifests, specById, unionSchema } from '../snapshot-files.js';
import { newSnapshotId } from './snapshot-id.js';

/** How the files of a table written by Loch resolve: against the table's own directory. */
export function tableFiles(table: TableLocation, metadata: TableMetadata): IcebergFiles {
  return { table, metadata, paths: new PathRewriter({ tableLocation: table.store.url, metadataLocation: metadata.location }) };
}

export interface SnapshotWriteRequest {
  readonly operation: SnapshotOperation;
  readonly added: readonly DataFile[];
  readonly removed: readonly LiveEntry[];
  /** Commit attempt (goes into the manifest list name, as Java's). */
  readonly attempt: number;
  readonly nowMs: number;
  readonly summaryExtra?: Readonly<Record<string, string>>;
  /** Explicit data sequence number for the added data files (compaction). */
  readonly addedDataSequenceNumber?: number;
}

export interface WrittenSnapshot {
  readonly snapshot: Snapshot;
  readonly updates: readonly TableUpdate[];
  /** Every file written (manifests, manifest list): removed again when the commit loses its race. */
  readonly written: readonly string[];
}

/**
 * Plans one snapshot on `metadata` (F's planSnapshot) and writes its manifests and manifest list
 * under `<location>/metadata/` with unique names (`<uuid>-m<k>.avro`, `snap-<id>-<attempt>-<uuid>.avro`).
 * The manifests of the parent that hold removed files are read so they can be rewritten.
 */
export async function planAndWriteSnapshot(ctx: TableContext, table: TableLocation, metadata: TableMetadata, request: SnapshotWriteRequest): Promise<WrittenSnapshot> {
  const files = tableFiles(table, metadata);
  const parent = currentSnapshot(metadata);
  const parentManifests = parent === undefined ? [] : await snapshotManifests(ctx, files, parent);
  const removedFrom = await manifestsHolding(ctx, files, parentManifests, request.removed);
  const snapshotId = newSnapshotId(ctx.ids, new Set(metadata.snapshots.map((s) => s.snapshotId)));
  const location = metadata.location.replace(/\/+$/, '');
  const batch = ctx.ids.uuid();
  const plan = planSnapshot({
    base: metadata,
    ...(parent === undefined ? {} : { parent }),
    parentManifests,
    added: request.added,
    removed: request.removed,
    removedFrom,
    operation: request.operation,
    snapshotId,
    nowMs: request.nowMs,
    manifestPath: (k) => `${location}/metadata/${batch}-m${k}.avro`,
    manifestListPath: `${location}/metadata/snap-${snapshotId}-${request.attempt}-${batch}.avro`,
    ...(request.summaryExtra === undefined ? {} : { summaryExtra: request.summaryExtra }),
    ...(request.addedDataSequenceNumber === undefined ? {} : { addedDataSequenceNumber: request.addedDataSequenceNumber }),
  });
  const outputs = [...plan.manifests, { path: plan.snapshot.manifestList as string, bytes: plan.manifestList }];
  await mapLimit(outputs, ctx.ioConcurrency, async ({ path, bytes }) => {
    const ref = resolveLogPath(table, path);
    await ref.store.put(ref.key, bytes);
  });
  return { snapshot: plan.snapshot, updates: plan.updates, written: outputs.map((o) => o.path) };
}

export function currentSnapshot(metadata: TableMetadata): Snapshot | undefined {
  const id = metadata.currentSnapshotId;
  if (id === undefined) return undefined;
  const snapshot = metadata.snapshots.find((s) => s.snapshotId === id);
  if (snapshot === undefined) throw new LochError('CORRUPT_DATA', `iceberg: table ${metadata.location}: current snapshot ${id} is not among the snapshots`);
  return snapshot;
}

/** The stored entries of every parent manifest that holds one of `removed`. */
async function manifestsHolding(ctx: TableContext, files: IcebergFiles, manifests: readonly ManifestFile[], removed: readonly LiveEntry[]): Promise<Map<string, readonly ManifestEntry[]>> {
  const out = new Map<string, readonly ManifestEntry[]>();
  if (removed.length === 0) return out;
  const keys = new Set(removed.map((e) => fileKey(e.dataFile)));
  const dataWanted = removed.some((e) => e.dataFile.content === 'data');
  const deletesWanted = removed.some((e) => e.dataFile.content !== 'data');
  const schema = unionSchema(files.metadata);
  const candidates = manifests.filter((m) => (m.content === 'data' ? dataWanted : deletesWanted));
  await mapLimit(candidates, ctx.ioConcurrency, async (m) => {
    const bytes = await readReferenced(files, m.manifestPath, 'manifest');
    const type = partitionType(specById(files, m.partitionSpecId), schema);
    const { entries } = decodeManifest(bytes, `table ${files.table.name} manifest ${m.manifestPath}`, type);
    if (entries.some((e) => e.status !== 'deleted' && keys.has(fileKey(e.dataFile)))) out.set(m.manifestPath, entries);
  });
  return out;
}
