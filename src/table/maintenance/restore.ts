import { LochError } from '../../core/errors.js';
import type { TableContext } from '../context.js';
import type { TableLocation } from '../location.js';
import type { CommitResult } from '../write/commit-loop.js';

export interface RestoreTarget {
  readonly version?: number;
  /** Epoch milliseconds. */
  readonly timestamp?: number;
}

/** Databricks' RESTORE result columns. */
export interface RestoreMetrics {
  readonly tableSizeAfterRestore: number;
  readonly numOfFilesAfterRestore: number;
  readonly numRemovedFiles: number;
  readonly numRestoredFiles: number;
  readonly removedFilesSize: number;
  readonly restoredFilesSize: number;
}

export async function restoreTable(_ctx: TableContext, table: TableLocation, _target: RestoreTarget): Promise<{ commit: CommitResult; metrics: RestoreMetrics }> {
  throw new LochError('NOT_IMPLEMENTED', `delta restore: table ${table.name}: not built yet`);
}
