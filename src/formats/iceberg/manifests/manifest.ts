import { utf8Decode } from '../../../core/index.js';
import type { LiteralValue } from '../../../expr/nodes.js';
import { readAvroContainer } from '../avro/container.js';
import { fieldsById, namedTypes, type AvroFieldInfo } from '../avro/field-ids.js';
import type { DataFile, DataFileContent, EntryStatus, IcebergStruct, ManifestEntry, ManifestMetadata } from '../model.js';
import { AvroRecordReader } from './avro-record.js';
import { decodePartitionValue } from './partition-values.js';

/** Field ids of `manifest_entry` and `data_file` (spec §Manifests). */
export const ENTRY_ID = { status: 0, snapshotId: 1, dataFile: 2, sequenceNumber: 3, fileSequenceNumber: 4 } as const;
export const FILE_ID = {
  filePath: 100,
  fileFormat: 101,
  partition: 102,
  recordCount: 103,
  fileSize: 104,
  columnSizes: 108,
  valueCounts: 109,
  nullValueCounts: 110,
  lowerBounds: 125,
  upperBounds: 128,
  keyMetadata: 131,
  splitOffsets: 132,
  content: 134,
  equalityIds: 135,
  nanValueCounts: 137,
  sortOrderId: 140,
  firstRowId: 142,
  referencedDataFile: 143,
  contentOffset: 144,
  contentSize: 145,
} as const;

const STATUSES: readonly EntryStatus[] = ['existing', 'added', 'deleted'];
const CONTENTS: readonly DataFileContent[] = ['data', 'position_deletes', 'equality_deletes'];

type Names = ReturnType<typeof namedTypes>;

interface Readers {
  readonly entry: AvroRecordReader;
  readonly file: AvroRecordReader;
  readonly partition: ReadonlyMap<number, AvroFieldInfo>;
  readonly names: Names;
  readonly prefix: string;
}

function buildReaders(schema: unknown, where: string): Readers {
  const names = namedTypes(schema);
  const prefix = `iceberg manifest: ${where}`;
  const entry = new AvroRecordReader(fieldsById(schema, names, where, 'manifest schema'), prefix);
  const dataFileInfo = entry.fields.get(ENTRY_ID.dataFile);
  if (dataFileInfo === undefined) throw entry.corrupt('schema has no data_file field (id 2)');
  const file = new AvroRecordReader(fieldsById(dataFileInfo.type, names, where, 'data_file'), prefix);
  const partitionInfo = file.fields.get(FILE_ID.partition);
  const partition = partitionInfo === undefined ? new Map<number, AvroFieldInfo>() : fieldsById(partitionInfo.type, names, where, 'partition');
  return { entry, file, partition, names, prefix };
}

function metadataOf(metadata: ReadonlyMap<string, Uint8Array>): ManifestMetadata {
  const text = (key: string): string | undefined => {
    const raw = metadata.get(key);
    return raw === undefined ? undefined : utf8Decode(raw);
  };
  const int = (key: string): number | undefined => {
    const value = text(key)?.trim();
    return value !== undefined && /^-?\d+$/.test(value) ? Number(value) : undefined;
  };
  const content = text('content');
  const out: Record<string, unknown> = {
    schemaJson: text('schema'),
    schemaId: int('schema-id'),
    partitionSpecJson: text('partition-spec'),
    partitionSpecId: int('partition-spec-id'),
    formatVersion: int('format-version'),
    content: content === 'data' || content === 'deletes' ? content : undefined,
  };
  for (const key of Object.keys(out)) if (out[key] === undefined) delete out[key];
  return out as ManifestMetadata;
}

function decodePartition(raw: unknown, r: Readers, partitionType: IcebergStruct | undefined, entry: number): Map<number, LiteralValue> {
  const tuple = new Map<number, LiteralValue>();
  const record = (raw ?? {}) as Record<string, unknown>;
  const context = `${r.prefix}: entry ${entry}`;
  for (const field of partitionType?.fields ?? []) {
    const info = r.partition.get(field.id);
    if (info === undefined) throw r.file.corrupt(`entry ${entry}: partition field ${field.id} (${field.name}) of the spec is not in the manifest's partition record`);
    tuple.set(field.id, decodePartitionValue(record[info.name], info.type, field.type, field.id, context));
  }
  for (const [id, info] of r.partition) {
    if (!tuple.has(id)) tuple.set(id, decodePartitionValue(record[info.name], info.type, undefined, id, context));
  }
  return tuple;
}

/** Java's map encoding (array of key/value records) or a plain Avro map → Map keyed by field id. */
function readIdMap<V>(raw: unknown, info: AvroFieldInfo | undefined, convert: (value: unknown) => V, r: AvroRecordReader, label: string, entry: number): Map<number, V> | undefined {
  if (raw === undefined || info === undefined) return undefined;
  const out = new Map<number, V>();
  if (Array.isArray(raw)) {
    const fields = ((info.type as { items?: { fields?: { name: string }[] } }).items?.fields ?? []).map((f) => f.name);
    const [keyName = 'key', valueName = 'value'] = fields;
    for (const pair of raw as Record<string, unknown>[]) out.set(Number(pair[keyName]), convert(pair[valueName]));
  } else if (typeof raw === 'object' && raw !== null) {
    for (const [key, value] of Object.entries(raw)) out.set(Number(key), convert(value));
  } else {
    throw r.corrupt(`entry ${entry}: ${label} is not a map`);
  }
  return out;
}

const toNumber = (value: unknown): number => Number(value as number | bigint);
const toBytes = (value: unknown): Uint8Array => new Uint8Array(value as Uint8Array);

function optionalMaps(record: unknown, r: Readers, entry: number): Partial<DataFile> {
  const f = r.file;
  const map = <V>(id: number, label: string, convert: (v: unknown) => V): Map<number, V> | undefined =>
    readIdMap(f.value(record, id), f.fields.get(id), convert, f, label, entry);
  const out: Record<string, unknown> = {
    columnSizes: map(FILE_ID.columnSizes, 'column_sizes', toNumber),
    valueCounts: map(FILE_ID.valueCounts, 'value_counts', toNumber),
    nullValueCounts: map(FILE_ID.nullValueCounts, 'null_value_counts', toNumber),
    nanValueCounts: map(FILE_ID.nanValueCounts, 'nan_value_counts', toNumber),
    lowerBounds: map(FILE_ID.lowerBounds, 'lower_bounds', toBytes),
    upperBounds: map(FILE_ID.upperBounds, 'upper_bounds', toBytes),
  };
  const splitOffsets = f.value(record, FILE_ID.splitOffsets);
  if (Array.isArray(splitOffsets)) out.splitOffsets = splitOffsets.map(toNumber);
  const equalityIds = f.value(record, FILE_ID.equalityIds);
  if (Array.isArray(equalityIds)) out.equalityIds = equalityIds.map(toNumber);
  out.keyMetadata = f.bytes(record, FILE_ID.keyMetadata, 'key_metadata', entry);
  out.sortOrderId = f.number(record, FILE_ID.sortOrderId, 'sort_order_id', entry);
  out.firstRowId = f.number(record, FILE_ID.firstRowId, 'first_row_id', entry);
  out.referencedDataFile = f.string(record, FILE_ID.referencedDataFile, 'referenced_data_file', entry);
  out.contentOffset = f.number(record, FILE_ID.contentOffset, 'content_offset', entry);
  out.contentSizeInBytes = f.number(record, FILE_ID.contentSize, 'content_size_in_bytes', entry);
  for (const key of Object.keys(out)) if (out[key] === undefined) delete out[key];
  return out as Partial<DataFile>;
}

function decodeDataFile(record: unknown, r: Readers, partitionType: IcebergStruct | undefined, entry: number): DataFile {
  const f = r.file;
  const contentCode = f.number(record, FILE_ID.content, 'content', entry) ?? 0;
  const content = CONTENTS[contentCode];
  if (content === undefined) throw f.corrupt(`entry ${entry}: data file content ${contentCode} is not 0, 1 or 2`);
  const filePath = f.string(record, FILE_ID.filePath, 'file_path', entry);
  const fileFormat = f.string(record, FILE_ID.fileFormat, 'file_format', entry);
  if (filePath === undefined || fileFormat === undefined) throw f.corrupt(`entry ${entry}: file_path or file_format is missing`);
  return {
    content,
    filePath,
    fileFormat: fileFormat.toLowerCase(),
    partition: decodePartition(f.value(record, FILE_ID.partition), r, partitionType, entry),
    recordCount: f.requiredNumber(record, FILE_ID.recordCount, 'record_count', entry),
    fileSizeInBytes: f.requiredNumber(record, FILE_ID.fileSize, 'file_size_in_bytes', entry),
    ...optionalMaps(record, r, entry),
  };
}

function decodeEntry(record: unknown, r: Readers, partitionType: IcebergStruct | undefined, entry: number): ManifestEntry {
  const e = r.entry;
  const statusCode = e.requiredNumber(record, ENTRY_ID.status, 'status', entry);
  const status = STATUSES[statusCode];
  if (status === undefined) throw e.corrupt(`entry ${entry}: status ${statusCode} is not 0, 1 or 2`);
  const dataFile = e.required(record, ENTRY_ID.dataFile, 'data_file', entry);
  const snapshotId = e.bigint(record, ENTRY_ID.snapshotId, 'snapshot_id', entry);
  const sequenceNumber = e.number(record, ENTRY_ID.sequenceNumber, 'sequence_number', entry);
  const fileSequenceNumber = e.number(record, ENTRY_ID.fileSequenceNumber, 'file_sequence_number', entry);
  return {
    status,
    ...(snapshotId === undefined ? {} : { snapshotId }),
    ...(sequenceNumber === undefined ? {} : { sequenceNumber }),
    ...(fileSequenceNumber === undefined ? {} : { fileSequenceNumber }),
    dataFile: decodeDataFile(dataFile, r, partitionType, entry),
  };
}

/**
 * Decodes a manifest. Fields are found by field id. Partition values become Literal values of
 * the partition field's Iceberg result type when `partitionType` is given (its fields' ids are
 * the partition field ids): a day partition Java wrote as Avro int + logicalType date is a
 * number of days, as the day transform's result type is int. Without `partitionType` the Avro
 * logical types decide (date → "YYYY-MM-DD", decimal → text, uuid → text). `fileFormat` is
 * lower-cased; null sequence numbers and snapshot ids stay undefined (see inheritance.ts).
 * A spec partition field missing from the file, an Avro type that cannot hold the spec's type,
 * unknown status/content codes or missing required fields → CORRUPT_DATA.
 */
export function decodeManifest(bytes: Uint8Array, where: string, partitionType?: IcebergStruct): { metadata: ManifestMetadata; entries: ManifestEntry[] } {
  const container = readAvroContainer(bytes, where);
  const readers = buildReaders(container.schema, where);
  const entries = container.records.map((record, index) => decodeEntry(record, readers, partitionType, index));
  return { metadata: metadataOf(container.metadata), entries };
}

export { encodeManifest, type ManifestWriteOptions } from './manifest-encode.js';
