import type { Session } from '../engine/index.js';
import type { Expr } from '../expr/nodes.js';
import type { TableContext } from '../table/context.js';
import { DeltaTable } from '../table/delta-table.js';
import { pruningFilter } from './bind-lake-refs.js';
import { findLakeRefs } from './parse/index.js';
import { pushdownPredicates } from './pushdown/index.js';

/** The REPLACE WHERE condition as a pruning filter, via the same pushdown a query's WHERE gets. */
export async function conditionExpr(ctx: TableContext, session: Session, path: string, conditionSql: string, alias?: string): Promise<{ filter?: Expr }> {
  const text = `SELECT * FROM delta.\`${path.replaceAll('`', '``')}\`${alias !== undefined ? ` AS "${alias.replaceAll('"', '""')}"` : ''} WHERE ${conditionSql}`;
  const refs = findLakeRefs(text);
  const predicates = await pushdownPredicates(session, text, refs);
  const snapshot = await DeltaTable.open(ctx, path).snapshot();
  const filter = pruningFilter(predicates[0] ?? [], snapshot.schema);
  return filter === undefined ? {} : { filter };
}

