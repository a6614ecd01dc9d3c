import { LochError } from '../core/errors.js';
import type { Session } from '../engine/index.js';
import type { TableContext } from '../table/context.js';
import type { RestoreStatement, VacuumStatement } from './parse/write-statements.js';
import type { WriteSummary } from './write-target.js';

/** VACUUM t [RETAIN n HOURS] [DRY RUN]. */
export async function executeVacuum(_ctx: TableContext, _session: Session, _s: VacuumStatement): Promise<WriteSummary> {
  throw new LochError('NOT_IMPLEMENTED', 'sql: VACUUM is not supported yet');
}

/** RESTORE TABLE t TO VERSION|TIMESTAMP AS OF …. */
export async function executeRestore(_ctx: TableContext, _session: Session, _s: RestoreStatement): Promise<WriteSummary> {
  throw new LochError('NOT_IMPLEMENTED', 'sql: RESTORE is not supported yet');
}
