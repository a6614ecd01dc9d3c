import type { Session } from '../../engine/index.js';
import type { LakeRef } from '../parse/index.js';
import { replaceSpans } from '../parse/index.js';
import { PLACEHOLDER, extractPredicates } from './extract.js';
import type { RawPredicate } from './raw-predicate.js';

export type { RawPredicate } from './raw-predicate.js';
export { rawToExpr } from './to-expr.js';

/**
 * The WHERE conjuncts that hold for rows of each lake reference (one list per ref, possibly
 * empty), found by letting DuckDB's own parser read the query with each reference replaced by a
 * placeholder table. Used only to prune files: DuckDB still evaluates the whole WHERE, so the
 * worst a missed conjunct can do is read more files. A query DuckDB cannot parse yields no
 * conjuncts; running it reports the syntax error.
 */
export async function pushdownPredicates(session: Session, sql: string, refs: readonly LakeRef[]): Promise<RawPredicate[][]> {
  const none = refs.map(() => [] as RawPredicate[]);
  if (refs.every((r) => r.kind === 'table_changes')) return none;
  const text = replaceSpans(
    sql,
    refs.map((r, i) => ({ start: r.start, end: r.end, text: `${PLACEHOLDER}${i}` })),
  );
  try {
    const rows = await (await session.query('SELECT json_serialize_sql($1::VARCHAR)', { params: [text] })).all();
    const tree = JSON.parse(String(rows[0]?.[0])) as { error?: boolean };
    return tree.error === true ? none : extractPredicates(tree, refs.length);
  } catch {
    return none;
  }
}
