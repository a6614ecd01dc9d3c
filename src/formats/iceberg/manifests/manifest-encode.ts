import { LochError } from '../../../core/index.js';
import { writeAvroContainer } from '../avro/container.js';
import { V1_BLOCK_SIZE, avroName, manifestEntrySchema, type FormatVersion } from '../avro/manifest-schemas.js';
import type { DataFile, IcebergSchema, IcebergStruct, ManifestEntry, PartitionSpec } from '../model.js';
import { encodePartitionValue } from './partition-values.js';

/** Options of `encodeManifest`: the table state the manifest is written for. */
export interface ManifestWriteOptions {
  readonly formatVersion: FormatVersion;
  readonly schema: IcebergSchema;
  /** The table schema as Iceberg JSON (written as the `schema` metadata entry). */
  readonly schemaJson: string;
  readonly spec: PartitionSpec;
  /** The spec's fields array as Iceberg JSON (the `partition-spec` metadata entry, as Java writes it). */
  readonly specJson: string;
  /** The spec's partition type: field ids = partition field ids, types = transform result types. */
  readonly partitionType: IcebergStruct;
  readonly content: 'data' | 'deletes';
  /** 16-byte Avro sync marker, for byte-stable output (random otherwise). */
  readonly sync?: Uint8Array;
}

const STATUS_CODE = { existing: 0, added: 1, deleted: 2 } as const;
const CONTENT_CODE = { data: 0, position_deletes: 1, equality_deletes: 2 } as const;

const long = (value: number | undefined): bigint | null => (value === undefined ? null : BigInt(value));

function idMap<V>(map: ReadonlyMap<number, V> | undefined, convert: (value: V) => unknown): unknown {
  if (map === undefined) return null;
  return [...map].map(([key, value]) => ({ key, value: convert(value) }));
}

function partitionRecord(file: DataFile, partitionType: IcebergStruct): Record<string, unknown> {
  const record: Record<string, unknown> = {};
  for (const field of partitionType.fields) {
    record[avroName(field.name)] = encodePartitionValue(file.partition.get(field.id) ?? null, field.type, field.id);
  }
  return record;
}

function dataFileRecord(file: DataFile, options: ManifestWriteOptions): Record<string, unknown> {
  return {
    content: CONTENT_CODE[file.content],
    file_path: file.filePath,
    // Java writes the enum name; readers compare case-insensitively.
    file_format: file.fileFormat.toUpperCase(),
    partition: partitionRecord(file, options.partitionType),
    record_count: BigInt(file.recordCount),
    file_size_in_bytes: BigInt(file.fileSizeInBytes),
    block_size_in_bytes: BigInt(V1_BLOCK_SIZE),
    column_sizes: idMap(file.columnSizes, BigInt),
    value_counts: idMap(file.valueCounts, BigInt),
    null_value_counts: idMap(file.nullValueCounts, BigInt),
    nan_value_counts: idMap(file.nanValueCounts, BigInt),
    lower_bounds: idMap(file.lowerBounds, (v) => v),
    upper_bounds: idMap(file.upperBounds, (v) => v),
    key_metadata: file.keyMetadata ?? null,
    split_offsets: file.splitOffsets?.map(BigInt) ?? null,
    equality_ids: file.equalityIds === undefined ? null : [...file.equalityIds],
    sort_order_id: file.sortOrderId ?? null,
    first_row_id: long(file.firstRowId),
    referenced_data_file: file.referencedDataFile ?? null,
    content_offset: long(file.contentOffset),
    content_size_in_bytes: long(file.contentSizeInBytes),
  };
}

function checkEntry(entry: ManifestEntry, index: number, options: ManifestWriteOptions): void {
  const fail = (detail: string): never => {
    throw new LochError('INVALID_ARGUMENT', `iceberg manifest: entry ${index} (${entry.dataFile.filePath}): ${detail}`, {
      context: { file: entry.dataFile.filePath },
    });
  };
  const isData = entry.dataFile.content === 'data';
  if (isData !== (options.content === 'data')) fail(`a ${entry.dataFile.content} file cannot go into a ${options.content} manifest`);
  if (options.formatVersion === 1 && entry.snapshotId === undefined) fail('format version 1 needs an explicit snapshot id');
  if (options.formatVersion >= 2 && entry.status !== 'added' && entry.sequenceNumber === undefined) fail(`a ${entry.status} entry needs an explicit data sequence number`);
  if (entry.dataFile.content === 'equality_deletes' && (entry.dataFile.equalityIds?.length ?? 0) === 0) fail('an equality delete file needs equality ids');
}

/**
 * Encodes a manifest with Java's Avro schema for the format version (every field id, Java's
 * record names, all types inlined) and Java's key-value metadata (`schema`, `schema-id`,
 * `partition-spec`, `partition-spec-id`, `format-version`, and `content` for v2+). Partition
 * values are encoded per Iceberg's Avro mapping of `partitionType`; file formats are written
 * upper-case as Java does. Undefined sequence numbers / snapshot ids are written null
 * (inherited on read). v1 allows data only and needs snapshot ids. Bad input → INVALID_ARGUMENT.
 */
export function encodeManifest(entries: readonly ManifestEntry[], options: ManifestWriteOptions): Uint8Array {
  if (options.formatVersion === 1 && options.content !== 'data') {
    throw new LochError('INVALID_ARGUMENT', 'iceberg manifest: format version 1 has no delete manifests');
  }
  const records = entries.map((entry, index) => {
    checkEntry(entry, index, options);
    return {
      status: STATUS_CODE[entry.status],
      snapshot_id: entry.snapshotId ?? null,
      sequence_number: long(entry.sequenceNumber),
      file_sequence_number: long(entry.fileSequenceNumber),
      data_file: dataFileRecord(entry.dataFile, options),
    };
  });
  const metadata: Record<string, string> = {
    schema: options.schemaJson,
    'schema-id': String(options.schema.schemaId),
    'partition-spec': options.specJson,
    'partition-spec-id': String(options.spec.specId),
    'format-version': String(options.formatVersion),
  };
  if (options.formatVersion >= 2) metadata.content = options.content;
  return writeAvroContainer(manifestEntrySchema(options.formatVersion, options.partitionType), records, metadata, 'null', options.sync);
}
