import { LochError, isLochError } from '../core/errors.js';
import type { Session } from '../engine/index.js';
import { and } from '../expr/nodes.js';
import type { Expr } from '../expr/nodes.js';
import { planChangeFeed } from '../table/change-feed.js';
import type { TableContext } from '../table/context.js';
import { DeltaTable, parseTimestamp } from '../table/delta-table.js';
import type { SnapshotSelector, TableSnapshot } from '../table/delta-table.js';
import type { LakeRef, SpanReplacement } from './parse/index.js';
import { rawToExpr } from './pushdown/index.js';
import type { RawPredicate } from './pushdown/index.js';
import { bindIcebergRef } from './bind-iceberg-ref.js';
import { sqlIdent } from './sql-text.js';

/** What binding a lake reference produced: the SQL to put in its place and what to release. */
export interface BoundRef {
  readonly replacement: SpanReplacement;
  readonly release: () => void;
  readonly scan?: ScanSummary;
}

/** What a query read from one lake table: reported with the result (a query profile in miniature). */
export interface ScanSummary {
  readonly table: string;
  readonly version: number;
  readonly filesTotal: number;
  readonly filesPruned: number;
}

/**
 * Replaces one lake reference by a DuckDB subquery registered on `session`: a Delta snapshot
 * scan (pruned with `filter` when the query's WHERE gave one), a change data feed, or an Iceberg
 * snapshot scan (`mentions`: lower-cased words of the statement, for Iceberg's row lineage columns).
 */
export async function bindLakeRef(ctx: TableContext, session: Session, ref: LakeRef, predicates: readonly RawPredicate[], snapshots?: SnapshotCache, mentions: ReadonlySet<string> = new Set()): Promise<BoundRef> {
  if (ref.kind === 'iceberg') return bindIcebergRef(ctx, session, ref, predicates, mentions);
  const table = DeltaTable.open(ctx, ref.path);
  if (ref.kind === 'delta') {
    const snapshot = await cachedSnapshot(table, selectorOf(ref), snapshots);
    const filter = pruningFilter(predicates, snapshot.schema);
    const planned = await snapshot.plan(filter === undefined ? {} : { filter });
    try {
      const registered = await session.registerScan(planned.spec);
      return {
        replacement: { start: ref.start, end: ref.end, text: registered.sql },
        release: planned.release,
        scan: { table: table.name, version: snapshot.version, filesTotal: planned.filesTotal, filesPruned: planned.filesPruned },
      };
    } catch (error) {
      planned.release();
      throw error;
    }
  }
  return bindChanges(ctx, session, table, ref);
}

/**
 * Snapshots already loaded for one query, by path and selector: a table named twice is read once
 * and, without time travel, both references see the same version.
 */
export type SnapshotCache = Map<string, Promise<TableSnapshot>>;

/** Starts loading the snapshot of every Delta reference at once (log reads overlap); errors surface when a reference is bound. */
export async function prefetchSnapshots(ctx: TableContext, refs: readonly LakeRef[], cache: SnapshotCache): Promise<void> {
  const loads = refs.filter((r) => r.kind === 'delta').map((ref) => cachedSnapshot(DeltaTable.open(ctx, ref.path), selectorOf(ref), cache));
  await Promise.allSettled(loads);
}

function selectorOf(ref: LakeRef): SnapshotSelector {
  return ref.version !== undefined ? { version: ref.version } : ref.timestamp !== undefined ? { timestamp: ref.timestamp } : {};
}

function cachedSnapshot(table: DeltaTable, selector: SnapshotSelector, cache: SnapshotCache | undefined): Promise<TableSnapshot> {
  if (cache === undefined) return table.snapshot(selector);
  const key = JSON.stringify([table.name, selector.version ?? null, selector.timestamp ?? null]);
  let found = cache.get(key);
  if (found === undefined) {
    found = table.snapshot(selector);
    cache.set(key, found);
  }
  return found;
}

async function bindChanges(ctx: TableContext, session: Session, table: DeltaTable, ref: LakeRef): Promise<BoundRef> {
  const end = await table.snapshot(
    ref.endVersion !== undefined ? { version: ref.endVersion } : ref.endTimestamp !== undefined ? { timestamp: ref.endTimestamp } : {},
  );
  const start = ref.startVersion ?? (ref.startTimestamp !== undefined ? await startVersionAt(table, ref.startTimestamp) : undefined);
  if (start === undefined) throw new LochError('INVALID_ARGUMENT', `table_changes: table ${table.name}: a start version or timestamp is required`);
  const planned = await planChangeFeed(ctx, end, start);
  try {
    const cdc = await session.registerScan(planned.cdcSpec);
    const derived = await session.registerScan(planned.derivedSpec);
    const columns = [...end.schema.fields.map((f) => f.name), '_change_type', '_commit_version', '_commit_timestamp'].map(sqlIdent).join(', ');
    const text = `(SELECT ${columns} FROM ${cdc.sql} AS cdc UNION ALL SELECT ${columns} FROM ${derived.sql} AS derived)`;
    return { replacement: { start: ref.start, end: ref.end, text }, release: planned.release };
  } catch (error) {
    planned.release();
    throw error;
  }
}

/**
 * The first version committed at or after the timestamp, as Databricks' table_changes reads a
 * start timestamp; one before the first commit starts at the beginning of the log.
 */
async function startVersionAt(table: DeltaTable, timestamp: string): Promise<number> {
  const instant = parseTimestamp(table.name, timestamp);
  try {
    const snapshot = await table.snapshot({ timestamp: instant });
    return snapshot.timestamp < instant ? snapshot.version + 1 : snapshot.version;
  } catch (error) {
    if (isLochError(error, 'VERSION_NOT_AVAILABLE')) return 0;
    throw error;
  }
}

/** The conjuncts expressible over the table's columns, as one filter for file pruning. */
export function pruningFilter(predicates: readonly RawPredicate[], schema: TableSnapshot['schema']): Expr | undefined {
  const parts = predicates.map((p) => rawToExpr(p, schema)).filter((e): e is Expr => e !== undefined);
  return parts.length === 0 ? undefined : parts.length === 1 ? parts[0] : and(...parts);
}
