import { LochError } from '../core/errors.js';
import type { Session } from '../engine/index.js';
import type { TableContext } from '../table/context.js';
import type { DeleteStatement, MergeStatement, UpdateStatement } from './parse/write-statements.js';
import type { WriteSummary } from './write-target.js';

/** DELETE, UPDATE and MERGE INTO on a Delta table. */
export async function executeDml(_ctx: TableContext, _session: Session, s: DeleteStatement | UpdateStatement | MergeStatement): Promise<WriteSummary> {
  throw new LochError('NOT_IMPLEMENTED', `sql: ${s.kind.toUpperCase()} is not supported yet`);
}
