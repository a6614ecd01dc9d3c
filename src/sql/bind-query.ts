import type { Session } from '../engine/index.js';
import type { TableContext } from '../table/context.js';
import { bindLakeRef, prefetchSnapshots } from './bind-lake-refs.js';
import type { ScanSummary, SnapshotCache } from './bind-lake-refs.js';
import { findLakeRefs, replaceSpans, tokenize } from './parse/index.js';
import type { Token } from './parse/index.js';
import type { SpanReplacement } from './parse/index.js';
import { pushdownPredicates } from './pushdown/index.js';

/** A query with its lake references replaced by scans registered on a session. */
export interface BoundQuery {
  readonly sql: string;
  readonly scans: readonly ScanSummary[];
  /** Unpins the files the scans hold; call when the session is done with the query. */
  release(): void;
}

/**
 * Binds every lake reference of `sql` on `session`: each becomes a scan of one snapshot, taken
 * now, pruned by the WHERE conjuncts that apply to it. Queries without references come back as is.
 */
export async function bindQuery(ctx: TableContext, session: Session, text: string): Promise<BoundQuery> {
  const sql = backticksToQuotes(text);
  const refs = findLakeRefs(sql);
  if (refs.length === 0) return { sql, scans: [], release: () => {} };
  const releases: (() => void)[] = [];
  const release = () => releases.splice(0).forEach((r) => r());
  try {
    const snapshots: SnapshotCache = new Map();
    const [predicates] = await Promise.all([pushdownPredicates(session, sql, refs), prefetchSnapshots(ctx, refs, snapshots)]);
    const replacements: SpanReplacement[] = [];
    const scans: ScanSummary[] = [];
    // The same table with the same pruning conjuncts (a self-join, a repeated subquery) is
    // planned and registered once; its relation is used at every place it is named.
    const bindings = new Map<string, string>();
    for (const [i, ref] of refs.entries()) {
      const key = ref.kind === 'delta' ? JSON.stringify([ref.path, ref.version ?? null, ref.timestamp ?? null, predicates[i] ?? []]) : undefined;
      const known = key === undefined ? undefined : bindings.get(key);
      if (known !== undefined) {
        replacements.push({ start: ref.start, end: ref.end, text: known });
        continue;
      }
      const bound = await bindLakeRef(ctx, session, ref, predicates[i] ?? [], snapshots);
      releases.push(bound.release);
      replacements.push(bound.replacement);
      if (key !== undefined) bindings.set(key, bound.replacement.text);
      if (bound.scan !== undefined) scans.push(bound.scan);
    }
    return { sql: replaceSpans(sql, replacements), scans, release };
  } catch (error) {
    release();
    throw error;
  }
}

/**
 * Spark quotes identifiers with backticks (`my col`), DuckDB with double quotes. Backticks
 * outside lake references (where they quote the path) become double quotes; DuckDB gives
 * backticks no meaning, so no valid DuckDB query changes. Text that does not lex is left alone
 * for DuckDB to report.
 */
function backticksToQuotes(sql: string): string {
  if (!sql.includes('`')) return sql;
  let tokens: Token[];
  try {
    tokens = tokenize(sql);
  } catch {
    return sql;
  }
  const refs = findLakeRefs(sql);
  const spans = tokens
    .filter((t) => t.kind === 'backtick_ident' && !refs.some((r) => t.start >= r.start && t.end <= r.end))
    .map((t) => ({ start: t.start, end: t.end, text: `"${(t.value ?? '').replaceAll('"', '""')}"` }));
  return spans.length === 0 ? sql : replaceSpans(sql, spans);
}
