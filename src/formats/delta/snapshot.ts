import { LochError } from '../../core/errors.js';
import type { StructType } from '../../expr/types.js';
import type { ObjectStore } from '../../storage/object-store.js';
import { logError } from './errors-context.js';
import type { LogWhere } from './errors-context.js';
import { readCheckpointActions } from './log/checkpoint-read.js';
import type { CheckpointContents } from './log/checkpoint-read.js';
import { findCommitInfo, readCommitFiles } from './log/commit-read.js';
import { replay } from './log/replay.js';
import type { LogState } from './log/replay.js';
import { listLogSegment } from './log/segment.js';
import type { LogSegment } from './log/segment.js';
import { versionAtOrBefore } from './log/version-lookup.js';
import type { ParquetJsonReader } from './parquet-port.js';
import type { AddFile, CommitInfo, DomainMetadata, Metadata, Protocol, Txn } from './spec/actions.js';
import { columnMappingMode, inCommitTimestampsEnabled, validateReadProtocol } from './spec/protocol.js';
import type { ColumnMappingMode } from './spec/protocol.js';
import { parseDeltaSchema } from './spec/schema.js';

export { latestVersion, readCommitActions, versionAtOrBefore } from './log/version-lookup.js';

/** The checkpoint a snapshot was built from. */
export interface SnapshotCheckpoint {
  readonly version: number;
  readonly kind: 'classic' | 'multi' | 'v2';
  readonly format: 'parquet' | 'json';
  readonly files: readonly string[];
  readonly sidecarFiles: readonly string[];
}

/** One version of a Delta table, reconstructed from its log. */
export interface DeltaSnapshot {
  /** The display name given by the caller. */
  readonly table: string;
  readonly version: number;
  readonly protocol: Protocol;
  readonly metadata: Metadata;
  /** Logical schema; fields carry physical names / field ids under column mapping. */
  readonly schema: StructType;
  /** Logical names of the partition columns, in partition order. */
  readonly partitionColumns: readonly string[];
  readonly columnMapping: ColumnMappingMode;
  /** Table properties (metaData.configuration). */
  readonly properties: Readonly<Record<string, string>>;
  /** Live files (add actions after reconciliation); paths exactly as in the log. */
  readonly files: readonly AddFile[];
  readonly txns: ReadonlyMap<string, Txn>;
  readonly domainMetadata: ReadonlyMap<string, DomainMetadata>;
  /** Commit time (ms): in-commit timestamp if enabled, else commitInfo.timestamp, else file mtime. */
  readonly timestamp: number;
  readonly inCommitTimestamps: boolean;
  /** The commitInfo of this version's commit, when its commit file exists. */
  readonly commitInfo?: CommitInfo;
  readonly checkpointVersion?: number;
  readonly checkpoint?: SnapshotCheckpoint;
}

export interface LoadDeltaSnapshotOptions {
  /** Display name of the table for errors. */
  readonly table: string;
  /** Version to load; latest when neither version nor timestamp is given. */
  readonly version?: number;
  /** Load the latest version committed at or before this time (ms). */
  readonly timestamp?: number;
}

const EMPTY_CHECKPOINT: CheckpointContents = { actions: [], sidecarFiles: [] };

async function replaySegment(store: ObjectStore, parquet: ParquetJsonReader, segment: LogSegment, table: string) {
  const [checkpoint, commits] = await Promise.all([
    segment.checkpoint === undefined ? EMPTY_CHECKPOINT : readCheckpointActions(store, parquet, segment.checkpoint, table),
    readCommitFiles(store, segment.commits, table),
  ]);
  const state = replay(checkpoint.actions, commits, { table, version: segment.version, rootUrl: store.url });
  return { state, checkpoint };
}

/**
 * commitInfo and mtime of the commit at the snapshot version. When that version is the
 * checkpoint's, its commit was not replayed, so only its commitInfo line is read now.
 */
async function versionCommitInfo(store: ObjectStore, segment: LogSegment, state: LogState, table: string) {
  const ref = segment.versionCommit;
  if (ref === undefined) return { info: undefined, lastModified: segment.checkpoint?.lastModified ?? 0 };
  if (segment.commits[segment.commits.length - 1]?.version === segment.version) {
    return { info: state.commitInfos.get(segment.version), lastModified: ref.lastModified };
  }
  const bytes = await store.get(ref.key);
  const info = bytes === undefined ? undefined : findCommitInfo(bytes, { table, version: segment.version });
  return { info, lastModified: ref.lastModified };
}

function partitionColumnsOf(metadata: Metadata, schema: StructType, where: LogWhere): string[] {
  const names = new Set(schema.fields.map((f) => f.name));
  for (const column of metadata.partitionColumns) {
    if (!names.has(column)) {
      throw logError('PROTOCOL_VIOLATION', 'delta log', where, `partition column '${column}' is not a column of the schema`, { context: { column } });
    }
  }
  return [...metadata.partitionColumns];
}

function snapshotCheckpoint(segment: LogSegment, contents: CheckpointContents): SnapshotCheckpoint | undefined {
  const cp = segment.checkpoint;
  if (cp === undefined) return undefined;
  return { version: cp.version, kind: cp.kind, format: cp.format, files: cp.files, sidecarFiles: contents.sidecarFiles };
}

/**
 * Loads one version of a Delta table: lists the log segment (using `_last_checkpoint`), reads the
 * checkpoint (parquet through `parquet`) and the commits after it concurrently, replays them,
 * validates the reader protocol, and parses the schema with the table's column mapping mode.
 * `timestamp` travels to the latest version committed at or before it (see versionAtOrBefore).
 * Errors are those of listLogSegment, readCheckpointActions, parseCommitFile, replay,
 * validateReadProtocol and parseDeltaSchema; giving both version and timestamp is INVALID_ARGUMENT.
 */
export async function loadDeltaSnapshot(store: ObjectStore, parquet: ParquetJsonReader, opts: LoadDeltaSnapshotOptions): Promise<DeltaSnapshot> {
  const { table } = opts;
  if (opts.version !== undefined && opts.timestamp !== undefined) {
    throw new LochError('INVALID_ARGUMENT', `delta: table ${table}: give a version or a timestamp to travel to, not both`, { context: { table } });
  }
  const version = opts.timestamp === undefined ? opts.version : await versionAtOrBefore(store, opts.timestamp, table);
  const segment = await listLogSegment(store, version === undefined ? { table } : { table, version });
  const { state, checkpoint } = await replaySegment(store, parquet, segment, table);
  const where: LogWhere = { table, version: segment.version };
  validateReadProtocol(state.protocol, where);
  const columnMapping = columnMappingMode(state.metadata, state.protocol, where);
  const schema = parseDeltaSchema(state.metadata.schemaString, where, { columnMapping });
  const partitionColumns = partitionColumnsOf(state.metadata, schema, where);
  const inCommitTimestamps = inCommitTimestampsEnabled(state.metadata);
  const { info, lastModified } = await versionCommitInfo(store, segment, state, table);
  const ict = inCommitTimestamps ? info?.inCommitTimestamp : undefined;
  const cp = snapshotCheckpoint(segment, checkpoint);
  return {
    table,
    version: segment.version,
    protocol: state.protocol,
    metadata: state.metadata,
    schema,
    partitionColumns,
    columnMapping,
    properties: state.metadata.configuration,
    files: [...state.files.values()],
    txns: state.txns,
    domainMetadata: state.domainMetadata,
    timestamp: ict ?? info?.timestamp ?? lastModified,
    inCommitTimestamps,
    ...(info === undefined ? {} : { commitInfo: info }),
    ...(cp === undefined ? {} : { checkpointVersion: cp.version, checkpoint: cp }),
  };
}
