import { LochError } from '../../core/errors.js';
import type { TableContext } from '../context.js';
import type { TableLocation } from '../location.js';

export interface VacuumOptions {
  /** Keep files a version committed in the last `retentionHours` needs; default delta.deletedFileRetentionDuration (7 days). */
  readonly retentionHours?: number;
  /** List what would be deleted, delete nothing. */
  readonly dryRun?: boolean;
  /** Allow a retention shorter than the table's (Spark: spark.databricks.delta.retentionDurationCheck.enabled = false). */
  readonly allowShortRetention?: boolean;
}

export interface VacuumResult {
  /** Paths relative to the table root, sorted. */
  readonly files: readonly string[];
  readonly bytes: number;
  readonly dryRun: boolean;
}

export async function vacuumTable(_ctx: TableContext, table: TableLocation, _options: VacuumOptions): Promise<VacuumResult> {
  throw new LochError('NOT_IMPLEMENTED', `delta vacuum: table ${table.name}: not built yet`);
}
