import type { AddFile } from '../../formats/delta/spec/actions.js';
import { deletedRows } from './optimize-bins.js';

/** Databricks' FileSizeMetrics: min/max are absent when there are no files. */
export interface FileSizeMetrics {
  readonly min?: number;
  readonly max?: number;
  readonly avg: number;
  readonly totalFiles: number;
  readonly totalSize: number;
}

/** Databricks' OPTIMIZE metrics (the `metrics` struct of its result), the fields Loch fills. */
export interface OptimizeMetrics {
  readonly numFilesAdded: number;
  readonly numFilesRemoved: number;
  readonly filesAdded: FileSizeMetrics;
  readonly filesRemoved: FileSizeMetrics;
  readonly partitionsOptimized: number;
  /** Groups written: bins for compaction, partitions for ZORDER, one for clustering. */
  readonly numBatches: number;
  /** Files of the selected partitions (all files without WHERE). */
  readonly totalConsideredFiles: number;
  readonly totalFilesSkipped: number;
  readonly deletionVectorStats: { readonly numDeletionVectorsRemoved: number; readonly numDeletionVectorRowsRemoved: number };
}

export function fileSizeMetrics(files: readonly AddFile[]): FileSizeMetrics {
  if (files.length === 0) return { avg: 0, totalFiles: 0, totalSize: 0 };
  const sizes = files.map((f) => f.size);
  const totalSize = sizes.reduce((a, b) => a + b, 0);
  return { min: Math.min(...sizes), max: Math.max(...sizes), avg: totalSize / sizes.length, totalFiles: sizes.length, totalSize };
}

export interface OptimizeOutcome {
  readonly added: readonly AddFile[];
  readonly removed: readonly AddFile[];
  readonly partitionsOptimized: number;
  readonly numBatches: number;
  readonly totalConsideredFiles: number;
}

export function optimizeMetrics(outcome: OptimizeOutcome): OptimizeMetrics {
  const withDv = outcome.removed.filter((f) => f.deletionVector !== undefined);
  return {
    numFilesAdded: outcome.added.length,
    numFilesRemoved: outcome.removed.length,
    filesAdded: fileSizeMetrics(outcome.added),
    filesRemoved: fileSizeMetrics(outcome.removed),
    partitionsOptimized: outcome.partitionsOptimized,
    numBatches: outcome.numBatches,
    totalConsideredFiles: outcome.totalConsideredFiles,
    totalFilesSkipped: outcome.totalConsideredFiles - outcome.removed.length,
    deletionVectorStats: { numDeletionVectorsRemoved: withDv.length, numDeletionVectorRowsRemoved: withDv.reduce((n, f) => n + deletedRows(f), 0) },
  };
}

/**
 * The operationMetrics of the OPTIMIZE commit, under Delta's names: percentiles of the added
 * file sizes (Delta's FileSizeStatsWithHistogram), counts and bytes, deletion vectors removed.
 */
export function commitMetrics(outcome: OptimizeOutcome): Record<string, string> {
  const sizes = outcome.added.map((f) => f.size).sort((a, b) => a - b);
  const at = (i: number) => String(sizes[Math.min(sizes.length - 1, i)] ?? 0);
  const total = (files: readonly AddFile[]) => String(files.reduce((n, f) => n + f.size, 0));
  const withDv = outcome.removed.filter((f) => f.deletionVector !== undefined);
  const n = sizes.length;
  return {
    numRemovedFiles: String(outcome.removed.length),
    numRemovedBytes: total(outcome.removed),
    p25FileSize: at(Math.floor(n / 4)),
    numDeletionVectorsRemoved: String(withDv.length),
    minFileSize: at(0),
    numAddedFiles: String(n),
    maxFileSize: at(n - 1),
    p75FileSize: at(Math.floor((n * 3) / 4)),
    p50FileSize: at(Math.floor(n / 2)),
    numAddedBytes: total(outcome.added),
    numDeletionVectorRowsRemoved: String(withDv.reduce((k, f) => k + deletedRows(f), 0)),
    numDeletionVectorBytesRemoved: String(withDv.reduce((k, f) => k + (f.deletionVector?.sizeInBytes ?? 0), 0)),
  };
}
