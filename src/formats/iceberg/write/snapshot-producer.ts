import { LochError } from '../../../core/errors.js';
import { stringifyJsonExact } from '../../../core/json-exact.js';
import { inheritEntries } from '../manifests/inheritance.js';
import { assignManifestFirstRowIds, encodeManifestList } from '../manifests/manifest-list.js';
import { encodeManifest } from '../manifests/manifest.js';
import type {
  DataFile,
  IcebergSchema,
  LiveEntry,
  ManifestEntry,
  ManifestFile,
  PartitionSpec,
  Snapshot,
  SnapshotOperation,
  TableMetadata,
} from '../model.js';
import { partitionSpecToJson, partitionType } from '../spec/partition-spec.js';
import { schemaToJson } from '../spec/schema.js';
import type { TableRequirement, TableUpdate } from '../spec/updates.js';
import { partitionSummaries } from './partition-summary.js';
import { isDeletionVector, snapshotSummary, type SummaryFile } from './snapshot-summary.js';

/**
 * Pure planning of one snapshot (Java's SnapshotProducer): the manifests to write, the manifest
 * list, the Snapshot and the (requirements, updates) that commit it. Nothing here does I/O: the
 * table layer writes the returned bytes under the returned paths, then commits the updates.
 */

export interface SnapshotPlanInput {
  readonly base: TableMetadata;
  /** The head of `branch` the snapshot builds on (undefined for the branch's first snapshot). */
  readonly parent?: Snapshot;
  /** The parent's manifest list (empty without a parent). */
  readonly parentManifests: readonly ManifestFile[];
  /** Files to add: data files and delete files (v3: deletion vectors, never position delete files). */
  readonly added: readonly DataFile[];
  /** Live entries to drop: their manifests are rewritten with them marked DELETED. */
  readonly removed: readonly LiveEntry[];
  /** The stored entries of every parent manifest holding a removed file (table layer reads them). */
  readonly removedFrom: ReadonlyMap<string, readonly ManifestEntry[]>;
  readonly operation: SnapshotOperation;
  readonly snapshotId: bigint;
  readonly nowMs: number;
  /** Path of the k-th manifest this plan writes (k = 0, 1, …), e.g. `<location>/metadata/<uuid>-m<k>.avro`. */
  readonly manifestPath: (k: number) => string;
  readonly manifestListPath: string;
  /** Default `main`. */
  readonly branch?: string;
  /** Spec of the added files' partition tuples; default the table's default spec. */
  readonly specId?: number;
  /** Explicit data sequence number for added data files (compaction keeping the old one); default inherited. */
  readonly addedDataSequenceNumber?: number;
  /** Extra summary entries (engine-name, engine-version, …). */
  readonly summaryExtra?: Readonly<Record<string, string>>;
  /** 16-byte Avro sync marker for byte-stable output (tests); random otherwise. */
  readonly sync?: Uint8Array;
}

export interface SnapshotPlan {
  readonly manifests: { readonly path: string; readonly bytes: Uint8Array }[];
  readonly manifestList: Uint8Array;
  readonly snapshot: Snapshot;
  /** add-snapshot + set-snapshot-ref of the branch. */
  readonly updates: TableUpdate[];
  /** The table uuid and the branch head this plan was built on (assert-ref-snapshot-id). */
  readonly requirements: TableRequirement[];
}

interface Ctx {
  readonly input: SnapshotPlanInput;
  readonly version: 1 | 2 | 3;
  readonly sequenceNumber: number;
  readonly schema: IcebergSchema;
  readonly written: { path: string; bytes: Uint8Array }[];
  readonly where: string;
}

/**
 * Plans the snapshot: sequence number = last-sequence-number + 1 (v1: 0); one new manifest for
 * the added data files and one for the added delete files (entries ADDED, explicit snapshot id,
 * sequence numbers null so they are inherited); every parent manifest listed in `removedFrom`
 * that holds a removed file rewritten with its live entries EXISTING (explicit sequence numbers
 * and first_row_id) and the removed ones DELETED; other parent manifests carried over, except
 * those without live entries (Java drops them). Manifest list entries get counts, partition
 * summaries and min_sequence_number (lowest data sequence number of live entries). v3: the
 * snapshot's first-row-id = next-row-id, data manifests without a first_row_id are assigned
 * consecutive ranges of added + existing rows, added-rows = the ids assigned.
 * Errors: CONFLICT when `parent` is not the branch head or a removed file is not live in the
 * parent manifests; INVALID_ARGUMENT for delete files in v1, position delete files in v3, two
 * deletion vectors for one data file, an unknown spec, or a removedFrom manifest not in the parent.
 */
export function planSnapshot(input: SnapshotPlanInput): SnapshotPlan {
  const { base } = input;
  const branch = input.branch ?? 'main';
  const where = `iceberg commit: table ${base.location}: snapshot ${input.snapshotId}`;
  const head = base.refs[branch];
  if (head?.snapshotId !== input.parent?.snapshotId) {
    throw new LochError('CONFLICT', `${where}: branch ${branch} is at ${head?.snapshotId ?? 'no snapshot'}, not at the parent ${input.parent?.snapshotId ?? 'none'}`, { retryable: true });
  }
  if (head !== undefined && head.type !== 'branch') throw new LochError('INVALID_ARGUMENT', `${where}: ${branch} is a tag, not a branch`);
  checkAdded(input, base.formatVersion, where);
  const ctx: Ctx = {
    input,
    version: base.formatVersion,
    sequenceNumber: base.formatVersion === 1 ? 0 : base.lastSequenceNumber + 1,
    schema: currentSchema(base, where),
    written: [],
    where,
  };
  const addedFiles = addedManifests(ctx);
  const parentFiles = rewrittenManifests(ctx);
  const firstRowId = base.formatVersion === 3 ? (base.nextRowId ?? 0) : undefined;
  const assigned = firstRowId === undefined ? { files: [...addedFiles, ...parentFiles], nextRowId: 0 } : assignManifestFirstRowIds([...addedFiles, ...parentFiles], firstRowId);
  const snapshot = buildSnapshot(ctx, firstRowId, assigned.nextRowId);
  const manifestList = encodeManifestList(assigned.files, {
    formatVersion: base.formatVersion,
    snapshotId: input.snapshotId,
    ...(input.parent === undefined ? {} : { parentSnapshotId: input.parent.snapshotId }),
    sequenceNumber: ctx.sequenceNumber,
    ...(firstRowId === undefined ? {} : { firstRowId }),
    ...(input.sync === undefined ? {} : { sync: input.sync }),
  });
  const ref = { ...(head ?? { type: 'branch' as const }), snapshotId: input.snapshotId };
  return {
    manifests: ctx.written,
    manifestList,
    snapshot,
    updates: [
      { action: 'add-snapshot', snapshot },
      { action: 'set-snapshot-ref', refName: branch, ref },
    ],
    requirements: [
      ...(base.tableUuid === undefined ? [] : [{ type: 'assert-table-uuid' as const, uuid: base.tableUuid }]),
      { type: 'assert-ref-snapshot-id', ref: branch, snapshotId: input.parent?.snapshotId ?? null },
    ],
  };
}

function checkAdded(input: SnapshotPlanInput, version: number, where: string): void {
  const dvTargets = new Set<string>();
  for (const file of input.added) {
    const at = `${where}: added file ${file.filePath}`;
    if (version === 1 && file.content !== 'data') throw new LochError('INVALID_ARGUMENT', `${at}: format version 1 has no delete files`);
    if (file.content !== 'position_deletes') continue;
    if (version === 3 && !isDeletionVector(file)) {
      throw new LochError('INVALID_ARGUMENT', `${at}: format version 3 takes deletion vectors, not position delete files`);
    }
    if (isDeletionVector(file)) {
      const target = file.referencedDataFile;
      if (target === undefined) throw new LochError('INVALID_ARGUMENT', `${at}: a deletion vector needs referenced_data_file`);
      if (dvTargets.has(target)) throw new LochError('INVALID_ARGUMENT', `${at}: a second deletion vector for data file ${target}`);
      dvTargets.add(target);
    }
  }
}

function currentSchema(m: TableMetadata, where: string): IcebergSchema {
  const schema = m.schemas.find((s) => s.schemaId === m.currentSchemaId);
  if (schema === undefined) throw new LochError('INVALID_ARGUMENT', `${where}: current schema ${m.currentSchemaId} is not in the metadata`);
  return schema;
}

function specById(ctx: Ctx, specId: number): PartitionSpec {
  const spec = ctx.input.base.partitionSpecs.find((s) => s.specId === specId);
  if (spec === undefined) throw new LochError('INVALID_ARGUMENT', `${ctx.where}: unknown partition spec ${specId}`);
  return spec;
}

/**
 * The schema a spec's partition type is derived from: the current one when it still has every
 * source column, else the newest schema that does (a spec over a dropped column keeps its types).
 */
function schemaForSpec(ctx: Ctx, spec: PartitionSpec): IcebergSchema {
  const has = (schema: IcebergSchema): boolean => spec.fields.every((f) => f.sourceIds.every((id) => hasField(schema, id)));
  if (has(ctx.schema)) return ctx.schema;
  return [...ctx.input.base.schemas].reverse().find(has) ?? ctx.schema;
}

function hasField(schema: IcebergSchema, id: number): boolean {
  const stack = [...schema.fields];
  while (stack.length > 0) {
    const f = stack.pop()!;
    if (f.id === id) return true;
    if (f.type.kind === 'struct') stack.push(...f.type.fields);
  }
  return false;
}

/** Writes one manifest and returns its manifest-list entry. */
function writeManifest(ctx: Ctx, entries: readonly ManifestEntry[], spec: PartitionSpec, content: 'data' | 'deletes'): ManifestFile {
  const partType = partitionType(spec, schemaForSpec(ctx, spec));
  const bytes = encodeManifest(entries, {
    formatVersion: ctx.version,
    schema: ctx.schema,
    schemaJson: stringifyJsonExact(schemaToJson(ctx.schema)),
    spec,
    specJson: stringifyJsonExact((partitionSpecToJson(spec) as { fields: unknown }).fields),
    partitionType: partType,
    content,
    ...(ctx.input.sync === undefined ? {} : { sync: ctx.input.sync }),
  });
  const path = ctx.input.manifestPath(ctx.written.length);
  ctx.written.push({ path, bytes });
  const live = entries.filter((e) => e.status !== 'deleted');
  const sum = (status: ManifestEntry['status']): [number, number] => {
    const matching = entries.filter((e) => e.status === status);
    return [matching.length, matching.reduce((n, e) => n + e.dataFile.recordCount, 0)];
  };
  const [addedFiles, addedRows] = sum('added');
  const [existingFiles, existingRows] = sum('existing');
  const [deletedFiles, deletedRows] = sum('deleted');
  const liveSeqs = live.map((e) => e.sequenceNumber ?? ctx.sequenceNumber);
  return {
    manifestPath: path,
    manifestLength: bytes.length,
    partitionSpecId: spec.specId,
    content,
    sequenceNumber: ctx.sequenceNumber,
    minSequenceNumber: Math.min(ctx.sequenceNumber, ...liveSeqs),
    addedSnapshotId: ctx.input.snapshotId,
    addedFilesCount: addedFiles,
    existingFilesCount: existingFiles,
    deletedFilesCount: deletedFiles,
    addedRowsCount: addedRows,
    existingRowsCount: existingRows,
    deletedRowsCount: deletedRows,
    partitions: partitionSummaries(
      entries.map((e) => e.dataFile.partition),
      partType,
    ),
  };
}

function addedManifests(ctx: Ctx): ManifestFile[] {
  const { input } = ctx;
  const spec = specById(ctx, input.specId ?? input.base.defaultSpecId);
  const entry = (file: DataFile): ManifestEntry => ({
    status: 'added',
    snapshotId: input.snapshotId,
    ...(file.content === 'data' && input.addedDataSequenceNumber !== undefined && ctx.version > 1 ? { sequenceNumber: input.addedDataSequenceNumber } : {}),
    dataFile: file.firstRowId === undefined ? file : withoutFirstRowId(file),
  });
  const data = input.added.filter((f) => f.content === 'data').map(entry);
  const deletes = input.added.filter((f) => f.content !== 'data').map(entry);
  return [
    ...(data.length > 0 ? [writeManifest(ctx, data, spec, 'data')] : []),
    ...(deletes.length > 0 ? [writeManifest(ctx, deletes, spec, 'deletes')] : []),
  ];
}

/** New data files get their row ids from the manifest; a stale explicit one would collide. */
function withoutFirstRowId(file: DataFile): DataFile {
  const { firstRowId: _dropped, ...rest } = file;
  return rest;
}

/** Identity of a file in a snapshot: its path, plus the blob offset for deletion vectors sharing a Puffin file. */
export function fileKey(file: DataFile): string {
  return `${file.filePath}\u0000${file.contentOffset ?? ''}`;
}

function rewrittenManifests(ctx: Ctx): ManifestFile[] {
  const { input } = ctx;
  const removedKeys = new Set(input.removed.map((e) => fileKey(e.dataFile)));
  const parentPaths = new Set(input.parentManifests.map((m) => m.manifestPath));
  for (const path of input.removedFrom.keys()) {
    if (!parentPaths.has(path)) throw new LochError('INVALID_ARGUMENT', `${ctx.where}: removedFrom names ${path}, which is not a manifest of the parent snapshot`);
  }
  const found = new Set<string>();
  const out: ManifestFile[] = [];
  for (const manifest of input.parentManifests) {
    const stored = input.removedFrom.get(manifest.manifestPath);
    const hits = stored?.some((e) => e.status !== 'deleted' && removedKeys.has(fileKey(e.dataFile))) ?? false;
    if (stored === undefined || !hits) {
      if (hasLiveFiles(manifest)) out.push(manifest);
      continue;
    }
    out.push(rewriteManifest(ctx, manifest, stored, removedKeys, found));
  }
  const missing = [...removedKeys].filter((k) => !found.has(k));
  if (missing.length > 0) {
    const names = missing.slice(0, 3).map((k) => k.split('\u0000')[0]);
    throw new LochError('CONFLICT', `${ctx.where}: ${missing.length} file(s) to remove are not live in the parent snapshot, e.g. ${names.join(', ')}`, {
      context: { missing: missing.length },
    });
  }
  return out;
}

/** v1 manifests may lack counts: "assume non-zero". */
function hasLiveFiles(m: ManifestFile): boolean {
  return m.addedFilesCount === undefined || m.existingFilesCount === undefined || m.addedFilesCount > 0 || m.existingFilesCount > 0;
}

function rewriteManifest(ctx: Ctx, manifest: ManifestFile, stored: readonly ManifestEntry[], removedKeys: ReadonlySet<string>, found: Set<string>): ManifestFile {
  const spec = specById(ctx, manifest.partitionSpecId);
  const entries: ManifestEntry[] = [];
  for (const live of inheritEntries(stored, manifest, manifest.partitionSpecId)) {
    if (live.status === 'deleted') continue;
    const key = fileKey(live.dataFile);
    const removed = removedKeys.has(key);
    if (removed) found.add(key);
    entries.push({
      status: removed ? 'deleted' : 'existing',
      snapshotId: removed ? ctx.input.snapshotId : live.snapshotId,
      ...(ctx.version > 1 ? { sequenceNumber: live.sequenceNumber, fileSequenceNumber: live.fileSequenceNumber } : {}),
      dataFile: live.firstRowId === undefined ? live.dataFile : { ...live.dataFile, firstRowId: live.firstRowId },
    });
  }
  return writeManifest(ctx, entries, spec, manifest.content);
}

function buildSnapshot(ctx: Ctx, firstRowId: number | undefined, nextRowId: number): Snapshot {
  const { input } = ctx;
  const keyOf = (specId: number, file: DataFile): string =>
    `${specId}:${[...file.partition].map(([id, v]) => `${id}=${v instanceof Uint8Array ? [...v].join(',') : typeof v}:${String(v)}`).join('/')}`;
  const addedSpec = input.specId ?? input.base.defaultSpecId;
  const added: SummaryFile[] = input.added.map((file) => ({ file, partitionKey: keyOf(addedSpec, file) }));
  const removed: SummaryFile[] = input.removed.map((e) => ({ file: e.dataFile, partitionKey: keyOf(e.specId, e.dataFile) }));
  return {
    snapshotId: input.snapshotId,
    ...(input.parent === undefined ? {} : { parentSnapshotId: input.parent.snapshotId }),
    sequenceNumber: ctx.sequenceNumber,
    timestampMs: input.nowMs,
    manifestList: input.manifestListPath,
    summary: snapshotSummary(input.operation, added, removed, input.parent?.summary, input.summaryExtra),
    schemaId: ctx.schema.schemaId,
    ...(firstRowId === undefined ? {} : { firstRowId, addedRows: nextRowId - firstRowId }),
  };
}
