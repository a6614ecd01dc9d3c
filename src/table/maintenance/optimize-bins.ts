import type { AddFile } from '../../formats/delta/spec/actions.js';

/**
 * Which files OPTIMIZE compacts and how they are grouped (Delta's OptimizeExecutor rules):
 * a file is a candidate when it is smaller than `minFileSize` or when its deletion vector hides
 * more than `maxDeletedRowsRatio` of its rows; candidates of one partition, smallest first, are
 * packed greedily into bins of at most `maxFileSize` input bytes; each bin becomes one file.
 */
export interface BinPolicy {
  readonly minFileSize: number;
  readonly maxFileSize: number;
  /** Delta's spark.databricks.delta.optimize.maxDeletedRowsRatio (default 0.05). */
  readonly maxDeletedRowsRatio: number;
}

export const DEFAULT_MAX_DELETED_ROWS_RATIO = 0.05;

/** numRecords of the file's statistics (physical rows, deleted ones included), when recorded. */
export function physicalRecords(add: AddFile): number | undefined {
  if (add.stats === undefined) return undefined;
  try {
    const parsed = JSON.parse(add.stats) as { numRecords?: unknown };
    return typeof parsed.numRecords === 'number' ? parsed.numRecords : undefined;
  } catch {
    return undefined;
  }
}

/** Rows a deletion vector hides (0 without one). */
export function deletedRows(add: AddFile): number {
  return add.deletionVector?.cardinality ?? 0;
}

/**
 * True when the file's deleted rows justify rewriting it: a deletion vector over the ratio, or
 * one on a file without numRecords (rewriting gives it statistics, as Delta does).
 */
export function hasTooManyDeletedRows(add: AddFile, maxRatio: number): boolean {
  const deleted = deletedRows(add);
  if (deleted === 0) return false;
  const records = physicalRecords(add);
  return records === undefined || records === 0 || deleted / records > maxRatio;
}

export function isCompactionCandidate(add: AddFile, policy: BinPolicy): boolean {
  return add.size < policy.minFileSize || hasTooManyDeletedRows(add, policy.maxDeletedRowsRatio);
}

/** Files of one partition packed into bins, smallest first, each at most maxFileSize bytes (or one file). */
export function packBins(files: readonly AddFile[], maxFileSize: number): AddFile[][] {
  const sorted = [...files].sort((a, b) => a.size - b.size || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const bins: AddFile[][] = [];
  let current: AddFile[] = [];
  let bytes = 0;
  for (const file of sorted) {
    if (current.length > 0 && bytes + file.size > maxFileSize) {
      bins.push(current);
      current = [];
      bytes = 0;
    }
    current.push(file);
    bytes += file.size;
  }
  if (current.length > 0) bins.push(current);
  return bins;
}

/**
 * A bin of one file is left alone unless rewriting it purges deleted rows: merging nothing
 * would only copy the file.
 */
export function binWorthRewriting(bin: readonly AddFile[]): boolean {
  return bin.length > 1 || bin.some((f) => deletedRows(f) > 0);
}

/** The bins to rewrite for one partition's files. */
export function compactionBins(files: readonly AddFile[], policy: BinPolicy): AddFile[][] {
  const candidates = files.filter((f) => isCompactionCandidate(f, policy));
  return packBins(candidates, policy.maxFileSize).filter(binWorthRewriting);
}
