import type { Session } from '../engine/index.js';
import type { Expr } from '../expr/nodes.js';
import type { LakeRef } from './parse/index.js';

/**
 * Pruning filters for each lake reference, derived from the query's WHERE clauses (one entry per
 * ref, undefined when nothing can be derived). Only used to skip files: DuckDB still evaluates
 * the full WHERE, so an imprecise filter can only cost speed, never correctness — as long as it
 * is implied by the WHERE.
 */
export async function pushdownFilters(_session: Session, _sql: string, refs: readonly LakeRef[]): Promise<(Expr | undefined)[]> {
  return refs.map(() => undefined);
}
