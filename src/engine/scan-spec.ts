import type { Literal } from '../expr/nodes.js';
import type { Expr } from '../expr/nodes.js';
import type { DataType, StructField } from '../expr/types.js';

/**
 * A format-neutral description of "these rows": what the table layer hands the engine after log
 * replay and file pruning. The engine turns it into a DuckDB relation; it never reads a log.
 */
export interface ScanSpec {
  /** Output columns in order: logical names, types, physical names / field ids for the files. */
  readonly columns: readonly StructField[];
  /** Names (logical, top-level) of the columns whose values come from `ScanFile.partitionValues`. */
  readonly partitionColumns: readonly string[];
  readonly files: readonly ScanFile[];
  /**
   * How to find a column inside a file: by physical name (Delta name mapping, no mapping) or by
   * parquet field id (Delta id mapping, Iceberg).
   */
  readonly resolveBy: 'name' | 'field_id';
  /** Optional filter over the logical columns, applied by DuckDB after the files are read. */
  readonly filter?: Expr;
  /** Top-level logical column names to output (projection); all columns when undefined. */
  readonly projection?: readonly string[];
  /**
   * Top-level logical columns whose physical type differs between files (type widening). DuckDB
   * 1.5 pushes filters on such columns into each file's reader in that file's narrower type and
   * gets them wrong (a DATE file compared with a TIMESTAMP constant, a FLOAT file with a DOUBLE);
   * the engine keeps filters on these columns above the scan.
   */
  readonly mixedTypeColumns?: readonly string[];
  /**
   * Names and types of the `ScanFile.extraColumns`, in output order. Optional: without it they
   * are discovered from the files (typed by their first literal), so a scan of zero files has
   * none; declare them when the relation must have them whatever the file list.
   */
  readonly extraColumns?: readonly ExtraColumn[];
  /**
   * Appends two columns after all others that identify each row for row-level changes:
   * `__loch_file` (INTEGER, the file's index in `files`) and `__loch_row` (BIGINT, the row's
   * 0-based position in its parquet file, the position deletion vectors use).
   */
  readonly rowIdentity?: boolean;
  /**
   * Top-level logical column → the value of that column for rows of files that do not contain
   * it (Iceberg `initial-default`); without an entry such rows are NULL. A file contains the
   * column when it has the column's field id (resolveBy 'field_id') or physical name, up to
   * case (resolveBy 'name'). A file that has the column keeps its stored NULLs. Ignored for
   * partition columns (their values come from `ScanFile.partitionValues`).
   */
  readonly columnDefaults?: Readonly<Record<string, Literal>>;
  /**
   * Iceberg equality deletes; only for resolveBy 'field_id' (INVALID_ARGUMENT otherwise). A row
   * of a data file in a set's `appliesTo` is dropped when some row of the set's delete files
   * equals it on every column of the set, NULL equal to NULL. Applied before `filter`, together
   * with `deletedRows`; file indexes are positions in `files`.
   */
  readonly equalityDeletes?: readonly EqualityDeleteSet[];
}

/** Delete files sharing one list of equality columns (see ScanSpec.equalityDeletes). */
export interface EqualityDeleteSet {
  /** Local parquet paths of the delete files. */
  readonly files: readonly string[];
  /**
   * The equality columns, found by field id in data and delete files alike; they need not be
   * among the scan's columns. `type` is the table type both sides are read as; `default` is
   * the value for files that lack the column (initial default), NULL when absent.
   */
  readonly columns: readonly { readonly fieldId: number; readonly type: DataType; readonly default?: Literal }[];
  /** Indexes into `ScanSpec.files` of the data files this set applies to. */
  readonly appliesTo: readonly number[];
}

/** The row identity columns of a scan with `rowIdentity` (see ScanSpec.rowIdentity). */
export const ROW_FILE_COLUMN = '__loch_file';
export const ROW_POSITION_COLUMN = '__loch_row';

/** A per-file constant column appended after the table columns (see `ScanFile.extraColumns`). */
export interface ExtraColumn {
  readonly name: string;
  readonly type: DataType;
}

export interface ScanFile {
  /** Absolute path of the parquet file on the local file system (or in the file cache). */
  readonly localPath: string;
  /** Partition column (logical name) → typed value; columns not listed are NULL. */
  readonly partitionValues: Readonly<Record<string, Literal>>;
  /**
   * 0-based row positions within the file that are deleted (deletion vector), ascending.
   * Undefined or empty when nothing is deleted.
   */
  readonly deletedRows?: ArrayLike<number>;
  /**
   * When given, only these 0-based row positions (ascending) are read, before `deletedRows` is
   * applied. Change data feed uses it for rows a replaced deletion vector newly hides or shows.
   */
  readonly keepOnlyRows?: ArrayLike<number>;
  /** Extra constant columns to attach to every row of this file (e.g. _commit_version for CDF). */
  readonly extraColumns?: Readonly<Record<string, Literal>>;
}
