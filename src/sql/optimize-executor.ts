import { LochError } from '../core/errors.js';
import type { Session } from '../engine/index.js';
import type { TableContext } from '../table/context.js';
import type { OptimizeStatement } from './parse/write-statements.js';
import type { WriteSummary } from './write-target.js';

/** OPTIMIZE t [WHERE …] [ZORDER BY (…)]. */
export async function executeOptimize(_ctx: TableContext, _session: Session, _s: OptimizeStatement): Promise<WriteSummary> {
  throw new LochError('NOT_IMPLEMENTED', 'sql: OPTIMIZE is not supported yet');
}
