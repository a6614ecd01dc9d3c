/**
 * Iceberg's table model as typed values: what the pure format code parses from metadata JSON and
 * Avro manifests, and what the writer serialises. Field names follow the spec's JSON/Avro names
 * in camelCase. Conventions:
 * - snapshot ids are `bigint` (Java writes random 63-bit ids; JSON.parse would round them);
 * - sequence numbers, row counts, sizes, offsets and field ids are `number` (all < 2^53);
 * - "absent" is `undefined`, never null, except where the spec gives null a meaning
 *   (noted on the field);
 * - everything is readonly: updates produce new values (see updates.ts).
 */

export type IcebergPrimitiveName =
  | 'unknown'
  | 'boolean'
  | 'int'
  | 'long'
  | 'float'
  | 'double'
  | 'date'
  | 'time'
  | 'timestamp'
  | 'timestamptz'
  | 'timestamp_ns'
  | 'timestamptz_ns'
  | 'string'
  | 'uuid'
  | 'binary'
  | 'variant';

export type IcebergType =
  | IcebergPrimitive
  | IcebergDecimal
  | IcebergFixed
  | IcebergGeo
  | IcebergStruct
  | IcebergList
  | IcebergMap;

export interface IcebergPrimitive {
  readonly kind: 'primitive';
  readonly name: IcebergPrimitiveName;
}
export interface IcebergDecimal {
  readonly kind: 'decimal';
  readonly precision: number;
  readonly scale: number;
}
export interface IcebergFixed {
  readonly kind: 'fixed';
  readonly length: number;
}
/** geometry(C) / geography(C, A): parsed so a table with them opens; Loch cannot read their values yet. */
export interface IcebergGeo {
  readonly kind: 'geometry' | 'geography';
  /** The type as written in the metadata, e.g. "geometry(OGC:CRS84)". */
  readonly text: string;
}

/**
 * One field of a struct or schema. Defaults are kept as the raw JSON single values of the spec's
 * Appendix D (values/json-value.ts converts them), with JSON numbers kept exact as `JsonNumber`
 * (see core/json-exact.ts) so a long default survives.
 */
export interface IcebergField {
  readonly id: number;
  readonly name: string;
  readonly required: boolean;
  readonly type: IcebergType;
  readonly doc?: string;
  readonly initialDefault?: unknown;
  readonly writeDefault?: unknown;
}
export interface IcebergStruct {
  readonly kind: 'struct';
  readonly fields: readonly IcebergField[];
}
export interface IcebergList {
  readonly kind: 'list';
  readonly elementId: number;
  readonly elementRequired: boolean;
  readonly element: IcebergType;
}
export interface IcebergMap {
  readonly kind: 'map';
  readonly keyId: number;
  readonly key: IcebergType;
  readonly valueId: number;
  readonly valueRequired: boolean;
  readonly value: IcebergType;
}

export interface IcebergSchema {
  readonly schemaId: number;
  readonly identifierFieldIds: readonly number[];
  readonly fields: readonly IcebergField[];
}

export interface PartitionField {
  /** Source column ids: one for every transform of v1/v2; v3 multi-argument transforms may have several. */
  readonly sourceIds: readonly number[];
  /** Partition field id (v1 files omit it: assigned 1000, 1001, … in order). */
  readonly fieldId: number;
  readonly name: string;
  /** As written: "identity", "bucket[16]", "truncate[4]", "year", "month", "day", "hour", "void", or unknown text. */
  readonly transform: string;
}
export interface PartitionSpec {
  readonly specId: number;
  readonly fields: readonly PartitionField[];
}

export interface SortField {
  readonly sourceIds: readonly number[];
  readonly transform: string;
  readonly direction: 'asc' | 'desc';
  readonly nullOrder: 'nulls-first' | 'nulls-last';
}
export interface SortOrder {
  readonly orderId: number;
  readonly fields: readonly SortField[];
}

export type SnapshotOperation = 'append' | 'replace' | 'overwrite' | 'delete';

export interface Snapshot {
  readonly snapshotId: bigint;
  readonly parentSnapshotId?: bigint;
  /** 0 for v1 tables (no sequence numbers). */
  readonly sequenceNumber: number;
  readonly timestampMs: number;
  /** Path of the manifest list; absent for v1 snapshots that list `manifests` inline. */
  readonly manifestList?: string;
  /** v1 only: manifest paths listed inline instead of a manifest list. */
  readonly manifests?: readonly string[];
  /** `operation` plus string-valued summary entries, as written. */
  readonly summary: Readonly<Record<string, string>>;
  readonly schemaId?: number;
  /** v3 row lineage. */
  readonly firstRowId?: number;
  readonly addedRows?: number;
  readonly keyId?: string;
}

export interface SnapshotRef {
  readonly snapshotId: bigint;
  readonly type: 'branch' | 'tag';
  readonly minSnapshotsToKeep?: number;
  readonly maxSnapshotAgeMs?: number;
  readonly maxRefAgeMs?: number;
}

export interface SnapshotLogEntry {
  readonly timestampMs: number;
  readonly snapshotId: bigint;
}
export interface MetadataLogEntry {
  readonly timestampMs: number;
  readonly metadataFile: string;
}

/**
 * One table metadata file, normalised across format versions: v1's `schema` / `partition-spec`
 * become one-element `schemas` / `partitionSpecs`, `current-snapshot-id: -1` becomes undefined,
 * and `refs` always holds `main` when there is a current snapshot.
 */
export interface TableMetadata {
  readonly formatVersion: 1 | 2 | 3;
  readonly tableUuid?: string;
  readonly location: string;
  readonly lastSequenceNumber: number;
  readonly lastUpdatedMs: number;
  readonly lastColumnId: number;
  readonly schemas: readonly IcebergSchema[];
  readonly currentSchemaId: number;
  readonly partitionSpecs: readonly PartitionSpec[];
  readonly defaultSpecId: number;
  readonly lastPartitionId: number;
  readonly properties: Readonly<Record<string, string>>;
  readonly currentSnapshotId?: bigint;
  readonly snapshots: readonly Snapshot[];
  readonly snapshotLog: readonly SnapshotLogEntry[];
  readonly metadataLog: readonly MetadataLogEntry[];
  readonly sortOrders: readonly SortOrder[];
  readonly defaultSortOrderId: number;
  readonly refs: Readonly<Record<string, SnapshotRef>>;
  /** Kept as written (JSON values) so a rewrite preserves them; readers ignore them. */
  readonly statistics: readonly unknown[];
  readonly partitionStatistics: readonly unknown[];
  /** v3 row lineage: the next row id to assign. */
  readonly nextRowId?: number;
  /** v3 encryption keys, as written; a table that has any is refused by readers. */
  readonly encryptionKeys?: readonly unknown[];
}

/** manifest_file: one entry of a manifest list. */
export interface ManifestFile {
  readonly manifestPath: string;
  readonly manifestLength: number;
  readonly partitionSpecId: number;
  readonly content: 'data' | 'deletes';
  /** Inherited by ADDED entries with a null sequence number. 0 in v1. */
  readonly sequenceNumber: number;
  readonly minSequenceNumber: number;
  readonly addedSnapshotId: bigint;
  /** Counts: undefined when a v1 writer left them out ("assume non-zero"). */
  readonly addedFilesCount?: number;
  readonly existingFilesCount?: number;
  readonly deletedFilesCount?: number;
  readonly addedRowsCount?: number;
  readonly existingRowsCount?: number;
  readonly deletedRowsCount?: number;
  /** One summary per partition field of the manifest's spec, in order. */
  readonly partitions?: readonly FieldSummary[];
  readonly keyMetadata?: Uint8Array;
  /** v3: first row id of the manifest's ADDED/EXISTING data files with a null first_row_id. */
  readonly firstRowId?: number;
}
export interface FieldSummary {
  readonly containsNull: boolean;
  readonly containsNan?: boolean;
  /** Appendix-D binary single values of the partition field's result type. */
  readonly lowerBound?: Uint8Array;
  readonly upperBound?: Uint8Array;
}

export type EntryStatus = 'existing' | 'added' | 'deleted';
export type DataFileContent = 'data' | 'position_deletes' | 'equality_deletes';

/**
 * A partition tuple: partition field id → value, in the Literal value representation of
 * expr/nodes.ts for the partition field's result type (null for a null value).
 */
export type PartitionTuple = ReadonlyMap<number, import('../../expr/nodes.js').LiteralValue>;

export interface DataFile {
  readonly content: DataFileContent;
  /** As written in the manifest (absolute URI or path; resolve through metadata/paths.ts). */
  readonly filePath: string;
  /** Lower-cased: "parquet", "avro", "orc", "puffin". */
  readonly fileFormat: string;
  readonly partition: PartitionTuple;
  readonly recordCount: number;
  readonly fileSizeInBytes: number;
  /** Field id → value; Appendix-D bytes for the bounds. */
  readonly columnSizes?: ReadonlyMap<number, number>;
  readonly valueCounts?: ReadonlyMap<number, number>;
  readonly nullValueCounts?: ReadonlyMap<number, number>;
  readonly nanValueCounts?: ReadonlyMap<number, number>;
  readonly lowerBounds?: ReadonlyMap<number, Uint8Array>;
  readonly upperBounds?: ReadonlyMap<number, Uint8Array>;
  readonly keyMetadata?: Uint8Array;
  readonly splitOffsets?: readonly number[];
  /** Equality deletes: the field ids rows are matched on. */
  readonly equalityIds?: readonly number[];
  readonly sortOrderId?: number;
  /** v3: explicit first row id (null/undefined = inherit from the manifest). */
  readonly firstRowId?: number;
  /** Position deletes / DVs: the one data file they apply to. */
  readonly referencedDataFile?: string;
  /** Deletion vectors: where the blob lies in the Puffin file. */
  readonly contentOffset?: number;
  readonly contentSizeInBytes?: number;
}

/**
 * One manifest entry as stored: `snapshotId`, `sequenceNumber` and `fileSequenceNumber` are
 * undefined when the writer left them null for inheritance (see manifests/inheritance.ts).
 */
export interface ManifestEntry {
  readonly status: EntryStatus;
  readonly snapshotId?: bigint;
  readonly sequenceNumber?: number;
  readonly fileSequenceNumber?: number;
  readonly dataFile: DataFile;
}

/** A manifest entry after inheritance: every number is known. */
export interface LiveEntry {
  readonly status: EntryStatus;
  readonly snapshotId: bigint;
  /** The data sequence number the delete rules compare. */
  readonly sequenceNumber: number;
  readonly fileSequenceNumber: number;
  readonly specId: number;
  readonly dataFile: DataFile;
  /** v3: the row id of the file's first row (stored or inherited); undefined when unknown. */
  readonly firstRowId?: number;
}

/** A manifest file's Avro key-value metadata, as far as Iceberg defines it. */
export interface ManifestMetadata {
  readonly schemaJson?: string;
  readonly schemaId?: number;
  readonly partitionSpecJson?: string;
  readonly partitionSpecId?: number;
  readonly formatVersion?: number;
  readonly content?: 'data' | 'deletes';
}
