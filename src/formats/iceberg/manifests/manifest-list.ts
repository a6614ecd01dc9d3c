import { LochError, utf8Decode } from '../../../core/index.js';
import { readAvroContainer, writeAvroContainer } from '../avro/container.js';
import { fieldsById, namedTypes } from '../avro/field-ids.js';
import { manifestListSchema, type FormatVersion } from '../avro/manifest-schemas.js';
import type { FieldSummary, ManifestFile } from '../model.js';
import { AvroRecordReader } from './avro-record.js';

/**
 * Manifest lists (`snap-*.avro`): one `manifest_file` record per manifest of a snapshot. Fields
 * are read by field id: older Java writes `added_data_files_count` where newer writes
 * `added_files_count` (both 504).
 */

/** A manifest list entry's sequence number the writer has not assigned yet (Java's UNASSIGNED_SEQ). */
export const UNASSIGNED_SEQUENCE_NUMBER = -1;

const ID = {
  path: 500,
  length: 501,
  specId: 502,
  addedSnapshotId: 503,
  addedFiles: 504,
  existingFiles: 505,
  deletedFiles: 506,
  partitions: 507,
  containsNull: 509,
  lowerBound: 510,
  upperBound: 511,
  addedRows: 512,
  existingRows: 513,
  deletedRows: 514,
  sequenceNumber: 515,
  minSequenceNumber: 516,
  content: 517,
  containsNan: 518,
  keyMetadata: 519,
  firstRowId: 520,
} as const;

function listSnapshotId(metadata: ReadonlyMap<string, Uint8Array>): bigint | undefined {
  const raw = metadata.get('snapshot-id');
  if (raw === undefined) return undefined;
  const text = utf8Decode(raw).trim();
  return /^-?\d+$/.test(text) ? BigInt(text) : undefined;
}

function summaryReader(schemaFields: AvroRecordReader, schema: unknown, where: string): AvroRecordReader | undefined {
  const info = schemaFields.fields.get(ID.partitions);
  if (info === undefined) return undefined;
  const names = namedTypes(schema);
  const items = (info.type as { items?: unknown }).items;
  return new AvroRecordReader(fieldsById(items, names, where, 'field_summary'), `iceberg manifest list: ${where}`);
}

function readSummaries(raw: unknown, reader: AvroRecordReader | undefined, entry: number): FieldSummary[] | undefined {
  if (raw === undefined || reader === undefined) return undefined;
  if (!Array.isArray(raw)) throw reader.corrupt(`entry ${entry}: partitions is not an array`);
  return raw.map((summary: unknown) => {
    const containsNull = reader.boolean(summary, ID.containsNull, 'contains_null', entry);
    if (containsNull === undefined) throw reader.corrupt(`entry ${entry}: field summary without contains_null`);
    const containsNan = reader.boolean(summary, ID.containsNan, 'contains_nan', entry);
    const lowerBound = reader.bytes(summary, ID.lowerBound, 'lower_bound', entry);
    const upperBound = reader.bytes(summary, ID.upperBound, 'upper_bound', entry);
    return {
      containsNull,
      ...(containsNan === undefined ? {} : { containsNan }),
      ...(lowerBound === undefined ? {} : { lowerBound }),
      ...(upperBound === undefined ? {} : { upperBound }),
    };
  });
}

function readContent(r: AvroRecordReader, record: unknown, entry: number): 'data' | 'deletes' {
  const content = r.number(record, ID.content, 'content', entry) ?? 0;
  if (content === 0) return 'data';
  if (content === 1) return 'deletes';
  throw r.corrupt(`entry ${entry}: manifest content ${content} is neither 0 (data) nor 1 (deletes)`);
}

function optionalNumbers(r: AvroRecordReader, record: unknown, entry: number): Partial<ManifestFile> {
  const out: Record<string, number> = {};
  const fields: [keyof ManifestFile, number, string][] = [
    ['addedFilesCount', ID.addedFiles, 'added_files_count'],
    ['existingFilesCount', ID.existingFiles, 'existing_files_count'],
    ['deletedFilesCount', ID.deletedFiles, 'deleted_files_count'],
    ['addedRowsCount', ID.addedRows, 'added_rows_count'],
    ['existingRowsCount', ID.existingRows, 'existing_rows_count'],
    ['deletedRowsCount', ID.deletedRows, 'deleted_rows_count'],
    ['firstRowId', ID.firstRowId, 'first_row_id'],
  ];
  for (const [key, id, label] of fields) {
    const value = r.number(record, id, label, entry);
    if (value !== undefined) out[key] = value;
  }
  return out as Partial<ManifestFile>;
}

/**
 * Decodes a manifest list. v1 lists lack content and sequence numbers: content 'data', sequence
 * numbers 0 (spec Appendix E); a v1 list without `added_snapshot_id` falls back to the list's
 * `snapshot-id` metadata. Missing required fields or wrong values → CORRUPT_DATA.
 */
export function decodeManifestList(bytes: Uint8Array, where: string): ManifestFile[] {
  const container = readAvroContainer(bytes, where);
  const r = new AvroRecordReader(fieldsById(container.schema, namedTypes(container.schema), where, 'manifest list schema'), `iceberg manifest list: ${where}`);
  const summaries = summaryReader(r, container.schema, where);
  const fallbackSnapshotId = listSnapshotId(container.metadata);
  return container.records.map((record, entry) => {
    const addedSnapshotId = r.bigint(record, ID.addedSnapshotId, 'added_snapshot_id', entry) ?? fallbackSnapshotId;
    if (addedSnapshotId === undefined) throw r.corrupt(`entry ${entry}: added_snapshot_id (id 503) is missing and the list has no snapshot-id`);
    const manifestPath = r.required(record, ID.path, 'manifest_path', entry);
    if (typeof manifestPath !== 'string') throw r.corrupt(`entry ${entry}: manifest_path is not a string`);
    const partitions = readSummaries(r.value(record, ID.partitions), summaries, entry);
    const keyMetadata = r.bytes(record, ID.keyMetadata, 'key_metadata', entry);
    return {
      manifestPath,
      manifestLength: r.requiredNumber(record, ID.length, 'manifest_length', entry),
      partitionSpecId: r.requiredNumber(record, ID.specId, 'partition_spec_id', entry),
      content: readContent(r, record, entry),
      sequenceNumber: r.number(record, ID.sequenceNumber, 'sequence_number', entry) ?? 0,
      minSequenceNumber: r.number(record, ID.minSequenceNumber, 'min_sequence_number', entry) ?? 0,
      addedSnapshotId,
      ...optionalNumbers(r, record, entry),
      ...(partitions === undefined ? {} : { partitions }),
      ...(keyMetadata === undefined ? {} : { keyMetadata }),
    };
  });
}

/**
 * v3 row lineage, as Java's manifest list writer does it: every data manifest without a
 * `firstRowId` gets the next id, which then advances by its added + existing rows. Delete
 * manifests get none. Returns the files and the table's next row id after them.
 */
export function assignManifestFirstRowIds(files: readonly ManifestFile[], firstRowId: number): { files: ManifestFile[]; nextRowId: number } {
  let next = firstRowId;
  const out = files.map((file) => {
    if (file.content !== 'data' || file.firstRowId !== undefined) return file;
    const assigned = { ...file, firstRowId: next };
    next += (file.addedRowsCount ?? 0) + (file.existingRowsCount ?? 0);
    return assigned;
  });
  return { files: out, nextRowId: next };
}

export interface ManifestListOptions {
  readonly formatVersion: FormatVersion;
  readonly snapshotId: bigint;
  readonly parentSnapshotId?: bigint;
  /** The snapshot's sequence number; replaces UNASSIGNED_SEQUENCE_NUMBER (-1) in the files. */
  readonly sequenceNumber: number;
  /** v3: the snapshot's first-row-id; data manifests without one are assigned ids from here. */
  readonly firstRowId?: number;
  /** 16-byte Avro sync marker, for byte-stable output (random otherwise). */
  readonly sync?: Uint8Array;
}

function requiredCount(file: ManifestFile, value: number | undefined, label: string, version: FormatVersion): bigint | number {
  if (value !== undefined) return value;
  throw new LochError('INVALID_ARGUMENT', `iceberg manifest list: manifest ${file.manifestPath} has no ${label}, which format version ${version} requires`, {
    context: { manifest: file.manifestPath },
  });
}

function countFields(file: ManifestFile, version: FormatVersion): Record<string, unknown> {
  const count = (value: number | undefined, label: string, long: boolean): unknown => {
    if (version === 1 && value === undefined) return null;
    const n = requiredCount(file, value, label, version);
    return long ? BigInt(n) : n;
  };
  return {
    added_files_count: count(file.addedFilesCount, 'added_files_count', false),
    existing_files_count: count(file.existingFilesCount, 'existing_files_count', false),
    deleted_files_count: count(file.deletedFilesCount, 'deleted_files_count', false),
    added_rows_count: count(file.addedRowsCount, 'added_rows_count', true),
    existing_rows_count: count(file.existingRowsCount, 'existing_rows_count', true),
    deleted_rows_count: count(file.deletedRowsCount, 'deleted_rows_count', true),
  };
}

function toRecord(file: ManifestFile, options: ManifestListOptions): Record<string, unknown> {
  const seq = (n: number): bigint => BigInt(n === UNASSIGNED_SEQUENCE_NUMBER ? options.sequenceNumber : n);
  const partitions =
    file.partitions?.map((s) => ({
      contains_null: s.containsNull,
      contains_nan: s.containsNan ?? null,
      lower_bound: s.lowerBound ?? null,
      upper_bound: s.upperBound ?? null,
    })) ?? null;
  return {
    manifest_path: file.manifestPath,
    manifest_length: BigInt(file.manifestLength),
    partition_spec_id: file.partitionSpecId,
    content: file.content === 'data' ? 0 : 1,
    sequence_number: seq(file.sequenceNumber),
    min_sequence_number: seq(file.minSequenceNumber),
    added_snapshot_id: file.addedSnapshotId,
    ...countFields(file, options.formatVersion),
    partitions,
    key_metadata: file.keyMetadata ?? null,
    first_row_id: file.firstRowId === undefined ? null : BigInt(file.firstRowId),
  };
}

/**
 * Encodes a manifest list with Java's schema for the format version and Java's key-value
 * metadata (`snapshot-id`, `parent-snapshot-id` ("null" when none), `sequence-number` (v2+),
 * `format-version`, `first-row-id` (v3)). v1 refuses delete manifests; v2+ need every count
 * (INVALID_ARGUMENT otherwise: a missing count would read as "assume non-zero" in v1 only).
 */
export function encodeManifestList(files: readonly ManifestFile[], options: ManifestListOptions): Uint8Array {
  const version = options.formatVersion;
  if (version === 1) {
    const deletes = files.find((file) => file.content !== 'data');
    if (deletes !== undefined) throw new LochError('INVALID_ARGUMENT', `iceberg manifest list: v1 cannot list delete manifest ${deletes.manifestPath}`);
  }
  const assigned = version === 3 && options.firstRowId !== undefined ? assignManifestFirstRowIds(files, options.firstRowId).files : files;
  const metadata: Record<string, string> = {
    'snapshot-id': options.snapshotId.toString(),
    'parent-snapshot-id': options.parentSnapshotId === undefined ? 'null' : options.parentSnapshotId.toString(),
    'format-version': String(version),
  };
  if (version >= 2) metadata['sequence-number'] = String(options.sequenceNumber);
  if (version === 3 && options.firstRowId !== undefined) metadata['first-row-id'] = String(options.firstRowId);
  const records = assigned.map((file) => toRecord(file, options));
  return writeAvroContainer(manifestListSchema(version), records, metadata, 'null', options.sync);
}
