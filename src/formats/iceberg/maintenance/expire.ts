import { LochError } from '../../../core/errors.js';
import type { Snapshot, TableMetadata } from '../model.js';
import type { TableUpdate } from '../spec/updates.js';

/**
 * Snapshot expiry (spec "Snapshot Retention Policy", Java's RemoveSnapshots):
 * 1. refs other than `main` whose snapshot is older than their max-ref-age-ms (ref setting, else
 *    table property `history.expire.max-ref-age-ms`, else forever) expire;
 * 2. every remaining ref keeps its snapshot; each branch also keeps its ancestors while fewer than
 *    min-snapshots-to-keep are kept or the ancestor is younger than max-snapshot-age-ms (the
 *    branch's own settings first, else the options / table defaults);
 * 3. snapshots in no ref's history stay while younger than the default max age;
 * 4. everything else expires.
 */

export interface ExpireOptions {
  /** The current time, ms (injected). */
  readonly nowMs: number;
  /**
   * A duration: snapshots older than `nowMs - olderThanMs` may expire. Default: table property
   * `history.expire.max-snapshot-age-ms`, else 5 days. A branch's own max-snapshot-age-ms wins.
   */
  readonly olderThanMs?: number;
  /** Snapshots each branch keeps whatever their age. Default: `history.expire.min-snapshots-to-keep`, else 1. */
  readonly retainLast?: number;
}

export interface ExpiryPlan {
  /** Snapshot ids to remove, in metadata order. */
  readonly expireSnapshotIds: bigint[];
  /** Refs to remove (expired by age, or pointing at a snapshot that does not exist). */
  readonly expiredRefs: string[];
}

const DEFAULT_MAX_SNAPSHOT_AGE_MS = 432_000_000;
const DEFAULT_MIN_SNAPSHOTS = 1;

/** The snapshot ids that expire (see the module comment). */
export function snapshotsToExpire(m: TableMetadata, options: ExpireOptions): bigint[] {
  return planExpiry(m, options).expireSnapshotIds;
}

/** Expired snapshots and refs. INVALID_ARGUMENT for negative or non-finite durations and counts below 1. */
export function planExpiry(m: TableMetadata, options: ExpireOptions): ExpiryPlan {
  const where = `iceberg expire: table ${m.location}`;
  const maxAge = options.olderThanMs ?? numberProperty(m, 'history.expire.max-snapshot-age-ms', DEFAULT_MAX_SNAPSHOT_AGE_MS, where);
  const minKeep = options.retainLast ?? numberProperty(m, 'history.expire.min-snapshots-to-keep', DEFAULT_MIN_SNAPSHOTS, where);
  const maxRefAge = numberProperty(m, 'history.expire.max-ref-age-ms', Number.POSITIVE_INFINITY, where);
  if (!Number.isFinite(options.nowMs) || !(maxAge >= 0) || !Number.isInteger(minKeep) || minKeep < 1) {
    throw new LochError('INVALID_ARGUMENT', `${where}: now ${options.nowMs}, max snapshot age ${maxAge} ms and snapshots to keep ${minKeep} must be finite, age ≥ 0, keep ≥ 1`);
  }
  const byId = new Map(m.snapshots.map((s) => [s.snapshotId, s]));
  const retained = new Set<bigint>();
  const referenced = new Set<bigint>();
  const expiredRefs: string[] = [];
  for (const [name, ref] of Object.entries(m.refs)) {
    const snapshot = byId.get(ref.snapshotId);
    const refAge = ref.maxRefAgeMs ?? maxRefAge;
    if (snapshot === undefined || (name !== 'main' && options.nowMs - snapshot.timestampMs > refAge)) {
      expiredRefs.push(name);
      continue;
    }
    retained.add(snapshot.snapshotId);
    for (const ancestor of ancestors(snapshot, byId)) referenced.add(ancestor.snapshotId);
    if (ref.type === 'tag') continue;
    const keep = ref.minSnapshotsToKeep ?? minKeep;
    const cutoff = options.nowMs - (ref.maxSnapshotAgeMs ?? maxAge);
    let kept = 0;
    for (const ancestor of ancestors(snapshot, byId)) {
      if (kept >= keep && ancestor.timestampMs < cutoff) break;
      retained.add(ancestor.snapshotId);
      kept += 1;
    }
  }
  if (m.currentSnapshotId !== undefined) retained.add(m.currentSnapshotId);
  const defaultCutoff = options.nowMs - maxAge;
  for (const s of m.snapshots) if (!referenced.has(s.snapshotId) && s.timestampMs >= defaultCutoff) retained.add(s.snapshotId);
  return { expireSnapshotIds: m.snapshots.filter((s) => !retained.has(s.snapshotId)).map((s) => s.snapshotId), expiredRefs };
}

/** The updates that carry out a plan: remove-snapshot-ref per expired ref, then remove-snapshots. */
export function expiryUpdates(plan: ExpiryPlan): TableUpdate[] {
  return [
    ...plan.expiredRefs.map((refName): TableUpdate => ({ action: 'remove-snapshot-ref', refName })),
    ...(plan.expireSnapshotIds.length === 0 ? [] : [{ action: 'remove-snapshots', snapshotIds: plan.expireSnapshotIds } as const]),
  ];
}

/**
 * Files that only expired snapshots reach (manifest lists, manifests, data and delete files,
 * statistics), sorted: the ones expiry may delete. Both sets must spell paths the same way.
 */
export function filesToDelete(expiredReachable: ReadonlySet<string>, retainedReachable: ReadonlySet<string>): string[] {
  return [...expiredReachable].filter((path) => !retainedReachable.has(path)).sort();
}

/** The snapshot and its ancestors, newest first; stops at a missing parent or a cycle. */
function* ancestors(start: Snapshot, byId: ReadonlyMap<bigint, Snapshot>): Generator<Snapshot> {
  const seen = new Set<bigint>();
  let current: Snapshot | undefined = start;
  while (current !== undefined && !seen.has(current.snapshotId)) {
    seen.add(current.snapshotId);
    yield current;
    current = current.parentSnapshotId === undefined ? undefined : byId.get(current.parentSnapshotId);
  }
}

function numberProperty(m: TableMetadata, key: string, fallback: number, where: string): number {
  const text = m.properties[key];
  if (text === undefined) return fallback;
  const value = Number(text.trim());
  if (!Number.isFinite(value) || !/^\s*\d+\s*$/.test(text)) {
    throw new LochError('INVALID_ARGUMENT', `${where}: table property ${key} = "${text}" is not a non-negative integer`);
  }
  return value;
}
