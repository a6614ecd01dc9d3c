import type { Session } from '../../engine/index.js';
import { bindLakeRef, prefetchSnapshots } from '../bind-lake-refs.js';
import type { ScanSummary, SnapshotCache } from '../bind-lake-refs.js';
import { replaceSpans, tokenize } from '../parse/index.js';
import type { LakeRef, SpanReplacement } from '../parse/index.js';
import { extractPredicates } from '../pushdown/extract.js';
import type { RawPredicate } from '../pushdown/index.js';
import type { SqlEnv } from '../sql-env.js';
import { PLACEHOLDER_PREFIX } from './prepare-text.js';

/** A query whose placeholders are bound to scans registered on a session. */
export interface BoundScans {
  readonly sql: string;
  readonly scans: readonly ScanSummary[];
  release(): void;
}

/**
 * Replaces every placeholder `__loch_ref_<i>` of `sql` by a scan of refs[i], registered on
 * `session`: one snapshot per table and selector for the whole statement (`snapshots`, shared
 * by every query a statement binds), loaded concurrently, each scan pruned by the WHERE conjuncts
 * DuckDB's parser shows to hold for its rows. The same table with the same conjuncts (a
 * self-join) is registered once and used at every place.
 */
export async function bindPlaceholders(env: SqlEnv, session: Session, sql: string, refs: readonly LakeRef[], snapshots: SnapshotCache): Promise<BoundScans> {
  if (refs.length === 0) return { sql, scans: [], release: () => {} };
  const releases: (() => void)[] = [];
  const release = () => releases.splice(0).forEach((r) => r());
  try {
    const [predicates] = await Promise.all([placeholderPredicates(session, sql, refs), prefetchSnapshots(env.ctx, refs, snapshots)]);
    const texts: string[] = [];
    const scans: ScanSummary[] = [];
    const bindings = new Map<string, string>();
    const mentions = new Set(tokenize(sql).filter((t) => t.kind === 'word' || t.kind === 'quoted_ident').map((t) => (t.value ?? t.text).toLowerCase()));
    for (const [i, ref] of refs.entries()) {
      const key = ref.kind === 'delta' ? JSON.stringify([ref.path, ref.version ?? null, ref.timestamp ?? null, predicates[i] ?? []]) : undefined;
      const known = key === undefined ? undefined : bindings.get(key);
      if (known !== undefined) {
        texts.push(known);
        continue;
      }
      const bound = await bindLakeRef(env.ctx, session, ref, predicates[i] ?? [], snapshots, mentions);
      releases.push(bound.release);
      texts.push(bound.replacement.text);
      if (key !== undefined) bindings.set(key, bound.replacement.text);
      if (bound.scan !== undefined) scans.push(bound.scan);
    }
    return { sql: replacePlaceholders(sql, texts), scans, release };
  } catch (error) {
    release();
    throw error;
  }
}

async function placeholderPredicates(session: Session, sql: string, refs: readonly LakeRef[]): Promise<RawPredicate[][]> {
  const none = refs.map(() => [] as RawPredicate[]);
  if (refs.every((r) => r.kind === 'table_changes')) return none;
  try {
    const rows = await (await session.query('SELECT json_serialize_sql($1::VARCHAR)', { params: [sql] })).all();
    const tree = JSON.parse(String(rows[0]?.[0])) as { error?: boolean };
    return tree.error === true ? none : extractPredicates(tree, refs.length);
  } catch {
    return none;
  }
}

const PLACEHOLDER = new RegExp(`^${PLACEHOLDER_PREFIX}(\\d+)$`);

function replacePlaceholders(sql: string, texts: readonly string[]): string {
  const spans: SpanReplacement[] = [];
  for (const token of tokenize(sql)) {
    const index = token.kind === 'word' ? PLACEHOLDER.exec(token.text)?.[1] : undefined;
    const text = index === undefined ? undefined : texts[Number(index)];
    if (text !== undefined) spans.push({ start: token.start, end: token.end, text });
  }
  return replaceSpans(sql, spans);
}
