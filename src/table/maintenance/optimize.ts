import { LochError } from '../../core/errors.js';
import type { Session } from '../../engine/index.js';
import type { Expr } from '../../expr/nodes.js';
import type { TableContext } from '../context.js';
import type { TableLocation } from '../location.js';

export interface OptimizeOptions {
  /** Only files in partitions matching this condition (partition columns only, as on Databricks). */
  readonly where?: { readonly sql: string; readonly filter?: Expr };
  /** Rewrite the selected files ordered along a Z-order curve over these columns. */
  readonly zorderBy?: readonly string[];
  /** Bytes; default delta.targetFileSize or 128 MiB (Databricks' maxFileSize default is 1 GiB). */
  readonly targetFileSize?: number;
}

/** Databricks' OPTIMIZE metrics (the struct in its result). */
export interface OptimizeMetrics {
  readonly numFilesAdded: number;
  readonly numFilesRemoved: number;
  readonly filesAdded: { readonly min: number; readonly max: number; readonly totalSize: number };
  readonly filesRemoved: { readonly min: number; readonly max: number; readonly totalSize: number };
  readonly partitionsOptimized: number;
  readonly totalConsideredFiles: number;
}

export async function optimizeTable(_ctx: TableContext, table: TableLocation, _options: OptimizeOptions, _session: Session): Promise<{ version: number | undefined; metrics: OptimizeMetrics }> {
  throw new LochError('NOT_IMPLEMENTED', `delta optimize: table ${table.name}: not built yet`);
}
