import type { WrittenColumnStats } from '../expr/file-facts.js';
import type { DataType } from '../expr/types.js';

/**
 * What the table layer hands the engine to write data files: source rows, the target columns as
 * the files must hold them, partitioning and row checks. Format-neutral: Delta and Iceberg
 * writers both describe their files this way and turn `WrittenFile`s into their own metadata.
 */
export interface ParquetWriteSpec {
  /**
   * A DuckDB query (SELECT/VALUES/…) producing the rows; its output columns are addressed by
   * the `source` names below. Nested struct fields are matched by their LOGICAL names (DuckDB
   * casts structs by field name; a field the source lacks becomes NULL).
   */
  readonly sourceSql: string;
  /** Data-file columns in file order. At least one. */
  readonly columns: readonly WriteColumn[];
  /** Partition columns (not written into files): values become directories and `WrittenFile.partitionValues`. */
  readonly partitionColumns: readonly WritePartitionColumn[];
  /**
   * Row checks applied while writing, over the source column names (values already cast to
   * their column types). NOT NULL checks implied by `WriteColumn.nullable` and by non-nullable
   * nested fields/elements/values are derived by the writer; list only extra constraints here.
   */
  readonly constraints: readonly WriteConstraint[];
  /** Local directory; created if missing. Existing files in it are left alone. */
  readonly outputDir: string;
  /** Unique per write (from the injected IdSource); goes into file names. Letters, digits, '-' and '_' only. */
  readonly fileId: string;
  /**
   * Bytes; default 128 MiB. Unpartitioned writes start a new file once the current one exceeds
   * it (checked after each row group, so a file holds at least one row group). DuckDB cannot
   * rotate files of partitioned writes: each partition gets one file (more only when DuckDB
   * closes files to stay under its open-file limit).
   */
  readonly targetFileSize?: number;
  /** Rows per parquet row group; default DuckDB's (122 880). */
  readonly rowGroupRows?: number;
  /** Default snappy. */
  readonly compression?: 'snappy' | 'zstd';
  /**
   * Key-value metadata written into every file's footer (e.g. `iceberg.schema`, which Iceberg
   * readers use to find columns by field id when the file names them differently).
   */
  readonly keyValueMetadata?: Readonly<Record<string, string>>;
}

export interface WriteColumn {
  /** The column of `sourceSql` holding the values. */
  readonly source: string;
  /** Logical name (for messages). */
  readonly name: string;
  /** The column's name in the file. */
  readonly physicalName: string;
  /** Parquet field id of the column; nested ids come from `type`'s StructFields. */
  readonly fieldId?: number;
  /** Logical type; nested StructFields carry physicalName (the file's field names) and fieldId. */
  readonly type: DataType;
  /** False: a NULL value fails the write with CONSTRAINT_VIOLATION. */
  readonly nullable: boolean;
}

export interface WritePartitionColumn {
  readonly source: string;
  /** The key in `WrittenFile.partitionValues` and in directory names. */
  readonly physicalName: string;
  /** A primitive or decimal type; binary is UNSUPPORTED_FEATURE, nested types INVALID_ARGUMENT. */
  readonly type: DataType;
}

export interface WriteConstraint {
  /** Constraint name (CHECK) or column path (NOT NULL), for the error message. */
  readonly name: string;
  /**
   * A boolean SQL condition over the source column names. The row passes only when it is TRUE:
   * FALSE and NULL both fail (Delta's CHECK semantics, unlike the SQL standard's).
   */
  readonly sql: string;
  /** Only changes the wording of the error message. */
  readonly kind: 'not_null' | 'check';
}

export interface WrittenFile {
  /** Absolute path of the file. */
  readonly localPath: string;
  /** Relative to outputDir, '/' separators, exactly as on disk (partition directories percent-encoded by DuckDB). */
  readonly relativePath: string;
  /**
   * Partition column physicalName → Delta partition value text (null for NULL and for the
   * empty string, which Delta reads as NULL): integers and booleans as text, decimals with
   * exactly their scale, float/double as DuckDB's shortest round-trip text with NaN/Infinity/
   * -Infinity spelled as Java does, dates 'YYYY-MM-DD', timestamps 'YYYY-MM-DD HH:MM:SS[.ffffff]'
   * (timestamp in UTC whatever the session TimeZone, timestamp_ntz the wall clock), strings as is.
   */
  readonly partitionValues: Readonly<Record<string, string | null>>;
  readonly rowCount: number;
  readonly sizeBytes: number;
  /**
   * One entry per parquet leaf column, in schema order, with PHYSICAL path segments as DuckDB
   * names them: struct fields by physical name, 'element' for list elements, 'key'/'value' for
   * map entries. Null counts are given for every leaf, but leaves inside lists or maps count
   * elements, not rows: callers use only leaves outside lists and maps, and only those have
   * min/max. Bounds, in the Literal value representation of the leaf's type, are exact except:
   * strings longer than 256 bytes get a prefix as min and an incremented prefix as max (still
   * true bounds) or no bounds; binary, infinite dates/timestamps and NaN-only columns get none;
   * a float/double column holding NaN gets no max (NaN sorts above every number).
   */
  readonly columnStats: readonly WrittenColumnStats[];
}
