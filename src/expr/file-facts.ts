import type { LiteralValue } from './nodes.js';

/**
 * What Loch knows about one data file without opening it: the input of file pruning.
 * Column keys are logical column paths joined with '.', e.g. "a" or "s.inner".
 * Values use the Literal value representation of nodes.ts for the column's type.
 */
export interface FileFacts {
  /** Partition column → value (null for a null partition). Absent for non-partition columns. */
  readonly partitionValues: ReadonlyMap<string, LiteralValue>;
  readonly stats?: FileStats;
}

export interface FileStats {
  readonly numRecords?: number;
  /** Lower bounds; when tightBounds is false they still bound the live rows from below. */
  readonly minValues: ReadonlyMap<string, LiteralValue>;
  readonly maxValues: ReadonlyMap<string, LiteralValue>;
  readonly nullCount: ReadonlyMap<string, number>;
  /** False after deletion vectors hid rows without recomputing stats (Delta tightBounds). */
  readonly tightBounds: boolean;
}

/**
 * Statistics of one leaf column of one written data file, as a parquet writer reports them.
 * `path` holds physical names (the names in the file), outermost first. Bounds are exact
 * (tight) bounds of the non-null values, in the Literal value representation of the column's
 * type; absent when the writer has none (all nulls, or a type without ordering).
 */
export interface WrittenColumnStats {
  readonly path: readonly string[];
  readonly min?: LiteralValue;
  readonly max?: LiteralValue;
  readonly nullCount?: number;
}
