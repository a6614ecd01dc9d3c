import type { TableContext } from '../context.js';
import type { TableLocation } from '../location.js';
import { convertToIceberg } from './convert.js';

/** The `process.emitWarning` code of a failed UniForm conversion. */
export const UNIFORM_WARNING_CODE = 'LOCH_UNIFORM_CONVERSION';

/**
 * The post-commit step of a UniForm Iceberg table: converts the committed Delta version into
 * Iceberg metadata. The Delta commit has already happened, so a failure never reaches the
 * writer: it becomes a process warning (code LOCH_UNIFORM_CONVERSION) naming the table and the
 * version, and the next commit's conversion starts again from the Delta version the Iceberg
 * metadata last recorded (`delta-version`), so nothing is lost.
 */
export async function convertAfterCommit(ctx: TableContext, table: TableLocation, version: number): Promise<void> {
  try {
    await convertToIceberg(ctx, table, { version });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    process.emitWarning(`delta uniform: table ${table.name}: converting version ${version} to Iceberg metadata failed (the Delta commit stands; the next commit retries): ${reason}`, {
      code: UNIFORM_WARNING_CODE,
    });
  }
}
