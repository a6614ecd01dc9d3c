import { LochError } from '../../../core/errors.js';
import type { DataType, StructField, StructType } from '../../../expr/types.js';
import { field, primitive } from '../../../expr/types.js';
import type { AddFile, DeletionVectorDescriptor, DomainMetadata, Metadata, Protocol, RemoveFile, Txn } from '../spec/actions.js';
import { canonicalPropertyKey, parseBooleanProperty } from './properties.js';

/**
 * Classic (single or multi-part) parquet checkpoints (PROTOCOL.md "Checkpoints", "Checkpoint
 * Schema", "Last Checkpoint File Schema"): the schema Spark writes, one row per action of the
 * table state, and the `_last_checkpoint` JSON. Turning rows into parquet is the engine's job
 * (engine/duckdb/rows-parquet.ts); log/checkpoint-read.ts reads the result back.
 */

const STRING = primitive('string');
const LONG = primitive('long');
const INT = primitive('integer');
const BOOL = primitive('boolean');
const STRING_MAP: DataType = { kind: 'map', key: STRING, value: STRING, valueContainsNull: true };
const STRING_ARRAY: DataType = { kind: 'array', element: STRING, containsNull: true };

const struct = (...fields: StructField[]): StructType => ({ kind: 'struct', fields });

const DELETION_VECTOR = struct(
  field('storageType', STRING),
  field('pathOrInlineDv', STRING),
  field('offset', INT),
  field('sizeInBytes', INT),
  field('cardinality', LONG),
  field('maxRowIndex', LONG),
);

/** The top-level columns in Spark's order; every one is a nullable struct. */
const CHECKPOINT_SCHEMA: StructType = struct(
  field('txn', struct(field('appId', STRING), field('version', LONG), field('lastUpdated', LONG))),
  field(
    'add',
    struct(
      field('path', STRING),
      field('partitionValues', STRING_MAP),
      field('size', LONG),
      field('modificationTime', LONG),
      field('dataChange', BOOL),
      field('stats', STRING),
      field('tags', STRING_MAP),
      field('deletionVector', DELETION_VECTOR),
      field('baseRowId', LONG),
      field('defaultRowCommitVersion', LONG),
      field('clusteringProvider', STRING),
    ),
  ),
  // Checkpoint removes are VACUUM tombstones: no stats, no tags (PROTOCOL.md "Checkpoint Schema").
  field(
    'remove',
    struct(
      field('path', STRING),
      field('deletionTimestamp', LONG),
      field('dataChange', BOOL),
      field('extendedFileMetadata', BOOL),
      field('partitionValues', STRING_MAP),
      field('size', LONG),
      field('deletionVector', DELETION_VECTOR),
      field('baseRowId', LONG),
      field('defaultRowCommitVersion', LONG),
    ),
  ),
  field(
    'metaData',
    struct(
      field('id', STRING),
      field('name', STRING),
      field('description', STRING),
      field('format', struct(field('provider', STRING), field('options', STRING_MAP))),
      field('schemaString', STRING),
      field('partitionColumns', STRING_ARRAY),
      field('configuration', STRING_MAP),
      field('createdTime', LONG),
    ),
  ),
  field('protocol', struct(field('minReaderVersion', INT), field('minWriterVersion', INT), field('readerFeatures', STRING_ARRAY), field('writerFeatures', STRING_ARRAY))),
  field('domainMetadata', struct(field('domain', STRING), field('configuration', STRING), field('removed', BOOL))),
);

/**
 * The parquet schema of a classic checkpoint: top-level struct columns txn, add, remove,
 * metaData, protocol, domainMetadata with the protocol's field names; partitionValues, tags,
 * configuration and format.options as map<string,string>; add.stats as JSON text. No
 * stats_parsed / partitionValues_parsed columns (readers fall back to add.stats).
 */
export function checkpointSchema(): StructType {
  return CHECKPOINT_SCHEMA;
}

export interface CheckpointState {
  readonly protocol: Protocol;
  readonly metadata: Metadata;
  /** The live files (log replay result). */
  readonly files: Iterable<AddFile>;
  /** The application transactions to keep (expired ones already left out by the caller). */
  readonly txns: Iterable<Txn>;
  /** Domain metadata of the snapshot; removed domains are not written. */
  readonly domainMetadata: Iterable<DomainMetadata>;
  /** Unexpired remove tombstones (for VACUUM of other engines); none by default. */
  readonly tombstones?: Iterable<RemoveFile>;
}

type Row = Record<string, unknown>;

const EMPTY_ROW: Readonly<Row> = { txn: null, add: null, remove: null, metaData: null, protocol: null, domainMetadata: null };

function row(column: keyof typeof EMPTY_ROW, value: Row): Row {
  return { ...EMPTY_ROW, [column]: value };
}

/** The object with its undefined entries dropped (they become NULL in parquet). */
function defined(value: Row): Row {
  const out: Row = {};
  for (const [key, v] of Object.entries(value)) if (v !== undefined) out[key] = v;
  return out;
}

function deletionVectorRow(dv: DeletionVectorDescriptor | undefined): Row | undefined {
  return dv === undefined ? undefined : defined({ ...dv });
}

function protocolRow(p: Protocol): Row {
  // Reader version 3 / writer version 7 checkpoints must carry non-null feature lists.
  return defined({
    minReaderVersion: p.minReaderVersion,
    minWriterVersion: p.minWriterVersion,
    readerFeatures: p.readerFeatures ?? (p.minReaderVersion >= 3 ? [] : undefined),
    writerFeatures: p.writerFeatures ?? (p.minWriterVersion >= 7 ? [] : undefined),
  });
}

function metadataRow(m: Metadata): Row {
  return defined({
    id: m.id,
    name: m.name,
    description: m.description,
    format: { provider: m.format.provider, options: { ...m.format.options } },
    schemaString: m.schemaString,
    partitionColumns: [...m.partitionColumns],
    configuration: { ...m.configuration },
    createdTime: m.createdTime,
  });
}

/** Spark stores state files with dataChange=false: a checkpoint changes no data. */
function addRow(a: AddFile, withStats: boolean): Row {
  return defined({
    path: a.path,
    partitionValues: { ...a.partitionValues },
    size: a.size,
    modificationTime: a.modificationTime,
    dataChange: false,
    stats: withStats ? a.stats : undefined,
    tags: a.tags,
    deletionVector: deletionVectorRow(a.deletionVector),
    baseRowId: a.baseRowId,
    defaultRowCommitVersion: a.defaultRowCommitVersion,
    clusteringProvider: a.clusteringProvider,
  });
}

function removeRow(r: RemoveFile): Row {
  return defined({
    path: r.path,
    deletionTimestamp: r.deletionTimestamp,
    dataChange: false,
    extendedFileMetadata: r.extendedFileMetadata,
    partitionValues: r.partitionValues,
    size: r.size,
    deletionVector: deletionVectorRow(r.deletionVector),
    baseRowId: r.baseRowId,
    defaultRowCommitVersion: r.defaultRowCommitVersion,
  });
}

/** delta.checkpoint.writeStatsAsJson (any key case; default true, also for unreadable values). */
function writeStatsAsJson(metadata: Metadata): boolean {
  for (const [key, value] of Object.entries(metadata.configuration)) {
    if (canonicalPropertyKey(key) === 'delta.checkpoint.writeStatsAsJson') return parseBooleanProperty(value) ?? true;
  }
  return true;
}

/**
 * The rows of a classic checkpoint of `state`, one per action with the other top-level columns
 * null: protocol, metaData, then txns, live domain metadata, adds and tombstones. Map values are
 * plain objects; absent optional fields are left out (NULL). add.stats is kept unless the table
 * sets delta.checkpoint.writeStatsAsJson=false; adds and removes carry dataChange=false, as
 * Spark writes them. Rows are produced lazily, so millions of files stream through.
 */
export function* checkpointRows(state: CheckpointState): Iterable<Record<string, unknown>> {
  const withStats = writeStatsAsJson(state.metadata);
  yield row('protocol', protocolRow(state.protocol));
  yield row('metaData', metadataRow(state.metadata));
  for (const t of state.txns) yield row('txn', defined({ appId: t.appId, version: t.version, lastUpdated: t.lastUpdated }));
  for (const d of state.domainMetadata) {
    if (!d.removed) yield row('domainMetadata', { domain: d.domain, configuration: d.configuration, removed: false });
  }
  for (const a of state.files) yield row('add', addRow(a, withStats));
  for (const r of state.tombstones ?? []) yield row('remove', removeRow(r));
}

function integerAtLeast(name: string, value: number, min: number): void {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new LochError('INVALID_ARGUMENT', `delta checkpoint: ${name} must be an integer of at least ${min}, got ${value}`, { context: { [name]: value } });
  }
}

/**
 * The number of parts for a checkpoint of `totalActions` rows when a part holds at most
 * `maxActionsPerPart`: 1 (a classic single file) up to that size, else ceil(total / max)
 * (`<v>.checkpoint.<i>.<n>.parquet`). Rows may be split into consecutive slices; readers union
 * the parts. Negative totals or a non-positive maximum throw INVALID_ARGUMENT.
 */
export function splitCheckpointParts(totalActions: number, maxActionsPerPart: number): number {
  integerAtLeast('totalActions', totalActions, 0);
  integerAtLeast('maxActionsPerPart', maxActionsPerPart, 1);
  return Math.max(1, Math.ceil(totalActions / maxActionsPerPart));
}

export interface LastCheckpointInfo {
  readonly version: number;
  /** Number of actions (rows) in the checkpoint. */
  readonly size: number;
  /** Number of parts of a multi-part checkpoint; leave out for a single file. */
  readonly parts?: number;
  readonly sizeInBytes?: number;
  readonly numOfAddFiles?: number;
}

/**
 * The content of `_delta_log/_last_checkpoint` (PROTOCOL.md "Last Checkpoint File Schema"):
 * `{"version":v,"size":n[,"parts":p][,"sizeInBytes":b][,"numOfAddFiles":f]}`. The optional
 * checksum is not written (readers validate it only when present). Values that are not
 * non-negative integers (parts: positive) throw INVALID_ARGUMENT.
 */
export function lastCheckpointJson(info: LastCheckpointInfo): string {
  integerAtLeast('version', info.version, 0);
  integerAtLeast('size', info.size, 0);
  if (info.parts !== undefined) integerAtLeast('parts', info.parts, 1);
  if (info.sizeInBytes !== undefined) integerAtLeast('sizeInBytes', info.sizeInBytes, 0);
  if (info.numOfAddFiles !== undefined) integerAtLeast('numOfAddFiles', info.numOfAddFiles, 0);
  return JSON.stringify(
    defined({ version: info.version, size: info.size, parts: info.parts, sizeInBytes: info.sizeInBytes, numOfAddFiles: info.numOfAddFiles }),
  );
}
