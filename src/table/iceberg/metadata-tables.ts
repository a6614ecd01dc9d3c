import { LochError } from '../../core/errors.js';
import { field, primitive, type StructType } from '../../expr/types.js';
import type { LiveEntry, ManifestFile, Snapshot, TableMetadata } from '../../formats/iceberg/model.js';
import type { TableContext } from '../context.js';
import type { IcebergView } from './iceberg-table.js';
import { snapshotEntries, snapshotManifests } from './snapshot-files.js';

/** A metadata table's rows (few: one per snapshot, ref, manifest or file) and their schema. */
export interface MetadataTableRows {
  readonly schema: StructType;
  readonly rows: readonly Record<string, unknown>[];
}

const long = primitive('long');
const int = primitive('integer');
const str = primitive('string');
const ts = primitive('timestamp');
const bool = primitive('boolean');
const stringMap = { kind: 'map', key: str, value: str, valueContainsNull: true } as const;

/**
 * Spark's Iceberg metadata tables, with Spark's column names: snapshots, history, refs (of the
 * table), manifests, files, partitions (of the selected snapshot).
 */
export async function icebergMetadataTable(ctx: TableContext, view: IcebergView, name: string): Promise<MetadataTableRows> {
  const m = view.files.metadata;
  switch (name) {
    case 'snapshots':
      return snapshotsTable(m);
    case 'history':
      return historyTable(m);
    case 'refs':
      return refsTable(m);
    case 'manifests':
      return manifestsTable(view.snapshot === undefined ? [] : await snapshotManifests(ctx, view.files, view.snapshot));
    case 'files':
      return filesTable(view.snapshot === undefined ? [] : await liveEntries(ctx, view, view.snapshot));
    case 'partitions':
      return partitionsTable(view.snapshot === undefined ? [] : await liveEntries(ctx, view, view.snapshot));
    default:
      throw new LochError('INVALID_ARGUMENT', `iceberg: table ${view.files.table.name}: no metadata table ${name}`);
  }
}

async function liveEntries(ctx: TableContext, view: IcebergView, snapshot: Snapshot): Promise<LiveEntry[]> {
  const entries = await snapshotEntries(ctx, view.files, snapshot);
  return [...entries.data, ...entries.deletes];
}

const ms = (n: number): bigint => BigInt(n) * 1000n;

function snapshotsTable(m: TableMetadata): MetadataTableRows {
  const schema: StructType = {
    kind: 'struct',
    fields: [field('committed_at', ts), field('snapshot_id', long), field('parent_id', long), field('operation', str), field('manifest_list', str), field('summary', stringMap)],
  };
  const rows = m.snapshots.map((s) => ({
    committed_at: ms(s.timestampMs),
    snapshot_id: s.snapshotId,
    parent_id: s.parentSnapshotId ?? null,
    operation: s.summary['operation'] ?? null,
    manifest_list: s.manifestList ?? null,
    summary: new Map(Object.entries(s.summary).filter(([k]) => k !== 'operation')),
  }));
  return { schema, rows };
}

/** Ancestors of the current snapshot: `is_current_ancestor` in Spark's history table. */
function currentAncestors(m: TableMetadata): Set<bigint> {
  const byId = new Map(m.snapshots.map((s) => [s.snapshotId, s]));
  const out = new Set<bigint>();
  let id = m.currentSnapshotId;
  while (id !== undefined && !out.has(id)) {
    out.add(id);
    id = byId.get(id)?.parentSnapshotId;
  }
  return out;
}

function historyTable(m: TableMetadata): MetadataTableRows {
  const schema: StructType = { kind: 'struct', fields: [field('made_current_at', ts), field('snapshot_id', long), field('parent_id', long), field('is_current_ancestor', bool)] };
  const byId = new Map(m.snapshots.map((s) => [s.snapshotId, s]));
  const ancestors = currentAncestors(m);
  const rows = m.snapshotLog.map((e) => ({
    made_current_at: ms(e.timestampMs),
    snapshot_id: e.snapshotId,
    parent_id: byId.get(e.snapshotId)?.parentSnapshotId ?? null,
    is_current_ancestor: ancestors.has(e.snapshotId),
  }));
  return { schema, rows };
}

function refsTable(m: TableMetadata): MetadataTableRows {
  const schema: StructType = {
    kind: 'struct',
    fields: [field('name', str), field('type', str), field('snapshot_id', long), field('max_reference_age_in_ms', long), field('min_snapshots_to_keep', int), field('max_snapshot_age_in_ms', long)],
  };
  const rows = Object.entries(m.refs).map(([name, r]) => ({
    name,
    type: r.type.toUpperCase(),
    snapshot_id: r.snapshotId,
    max_reference_age_in_ms: r.maxRefAgeMs ?? null,
    min_snapshots_to_keep: r.minSnapshotsToKeep ?? null,
    max_snapshot_age_in_ms: r.maxSnapshotAgeMs ?? null,
  }));
  return { schema, rows };
}

function manifestsTable(manifests: readonly ManifestFile[]): MetadataTableRows {
  const names = ['added_data_files_count', 'existing_data_files_count', 'deleted_data_files_count', 'added_delete_files_count', 'existing_delete_files_count', 'deleted_delete_files_count'];
  const schema: StructType = {
    kind: 'struct',
    fields: [field('content', int), field('path', str), field('length', long), field('partition_spec_id', int), field('added_snapshot_id', long), ...names.map((n) => field(n, int))],
  };
  const rows = manifests.map((mf) => {
    const isData = mf.content === 'data';
    const counts = [mf.addedFilesCount, mf.existingFilesCount, mf.deletedFilesCount];
    const row: Record<string, unknown> = {
      content: isData ? 0 : 1,
      path: mf.manifestPath,
      length: mf.manifestLength,
      partition_spec_id: mf.partitionSpecId,
      added_snapshot_id: mf.addedSnapshotId,
    };
    names.forEach((n, i) => (row[n] = (i < 3) === isData ? counts[i % 3] ?? null : 0));
    return row;
  });
  return { schema, rows };
}

const CONTENT = { data: 0, position_deletes: 1, equality_deletes: 2 } as const;

function filesTable(entries: readonly LiveEntry[]): MetadataTableRows {
  const schema: StructType = {
    kind: 'struct',
    fields: [
      field('content', int),
      field('file_path', str),
      field('file_format', str),
      field('spec_id', int),
      field('partition', str),
      field('record_count', long),
      field('file_size_in_bytes', long),
      field('sequence_number', long),
      field('referenced_data_file', str),
    ],
  };
  const rows = entries.map((e) => ({
    content: CONTENT[e.dataFile.content],
    file_path: e.dataFile.filePath,
    file_format: e.dataFile.fileFormat.toUpperCase(),
    spec_id: e.specId,
    partition: partitionText(e),
    record_count: e.dataFile.recordCount,
    file_size_in_bytes: e.dataFile.fileSizeInBytes,
    sequence_number: e.sequenceNumber,
    referenced_data_file: e.dataFile.referencedDataFile ?? null,
  }));
  return { schema, rows };
}

/** The partition tuple as `{field id=value, …}` text (tuples of different specs share one column). */
function partitionText(e: LiveEntry): string {
  const parts = [...e.dataFile.partition.entries()].map(([id, v]) => `${id}=${v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v === null ? 'null' : String(v)}`);
  return `{${parts.join(', ')}}`;
}

function partitionsTable(entries: readonly LiveEntry[]): MetadataTableRows {
  const schema: StructType = {
    kind: 'struct',
    fields: [field('partition', str), field('spec_id', int), field('record_count', long), field('file_count', int), field('position_delete_record_count', long), field('position_delete_file_count', int), field('equality_delete_record_count', long), field('equality_delete_file_count', int)],
  };
  const groups = new Map<string, Record<string, unknown> & { record_count: number; file_count: number; position_delete_record_count: number; position_delete_file_count: number; equality_delete_record_count: number; equality_delete_file_count: number }>();
  for (const e of entries) {
    const key = `${e.specId}|${partitionText(e)}`;
    let g = groups.get(key);
    if (g === undefined) {
      g = { partition: partitionText(e), spec_id: e.specId, record_count: 0, file_count: 0, position_delete_record_count: 0, position_delete_file_count: 0, equality_delete_record_count: 0, equality_delete_file_count: 0 };
      groups.set(key, g);
    }
    const n = e.dataFile.recordCount;
    if (e.dataFile.content === 'data') (g.record_count += n), (g.file_count += 1);
    else if (e.dataFile.content === 'position_deletes') (g.position_delete_record_count += n), (g.position_delete_file_count += 1);
    else (g.equality_delete_record_count += n), (g.equality_delete_file_count += 1);
  }
  return { schema, rows: [...groups.values()] };
}
