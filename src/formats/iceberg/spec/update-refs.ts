import { LochError } from '../../../core/errors.js';
import type { SnapshotRef } from '../model.js';
import type { Draft } from './update-apply.js';
import type { TableUpdate } from './updates.js';
import { sameValue } from './update-apply.js';
import { jsonBigInt } from './updates-json.js';

/** Snapshot refs, snapshot removal and the snapshot log: the part of applyUpdates that moves branches. */

export interface RefState {
  readonly m: Draft;
  readonly nowMs: number;
  /** Snapshots added by this list of updates (their timestamps date the changes, as in Java). */
  readonly addedSnapshotIds: Set<bigint>;
  /** The last-updated-ms the result gets; undefined until a snapshot is added or main moves. */
  updatedMs?: number;
}

const MAIN = 'main';

/** set-snapshot-ref, remove-snapshot-ref and remove-snapshots; anything else is INVALID_ARGUMENT. */
export function applyRefUpdate(state: RefState, u: TableUpdate, where: string): void {
  switch (u.action) {
    case 'set-snapshot-ref':
      return setRef(state, u.refName, u.ref, where);
    case 'remove-snapshot-ref':
      return removeRef(state.m, u.refName);
    case 'remove-snapshots':
      return removeSnapshots(state.m, u.snapshotIds);
    default:
      throw new LochError('INVALID_ARGUMENT', `${where}: unknown update action ${(u as { action: string }).action}`);
  }
}

function setRef(state: RefState, name: string, ref: SnapshotRef, where: string): void {
  const m = state.m;
  const at = `${where}: ref ${name}`;
  if (name === '') throw new LochError('INVALID_ARGUMENT', `${at}: a ref needs a name`);
  if (ref.type === 'tag' && (ref.minSnapshotsToKeep !== undefined || ref.maxSnapshotAgeMs !== undefined)) {
    throw new LochError('INVALID_ARGUMENT', `${at}: a tag cannot have min-snapshots-to-keep or max-snapshot-age-ms`);
  }
  if (name === MAIN && ref.type !== 'branch') throw new LochError('INVALID_ARGUMENT', `${at}: main must be a branch`);
  const snapshot = m.snapshots.find((s) => s.snapshotId === ref.snapshotId);
  if (snapshot === undefined) throw new LochError('INVALID_ARGUMENT', `${at}: unknown snapshot ${ref.snapshotId}`);
  const current = m.refs[name];
  if (current !== undefined && sameValue(current, ref)) return;
  if (state.addedSnapshotIds.has(ref.snapshotId)) state.updatedMs = snapshot.timestampMs;
  m.refs = { ...m.refs, [name]: ref };
  if (name === MAIN) {
    state.updatedMs ??= state.nowMs;
    m.currentSnapshotId = ref.snapshotId;
    m.snapshotLog = [...m.snapshotLog, { timestampMs: state.updatedMs, snapshotId: ref.snapshotId }];
  }
}

function removeRef(m: Draft, name: string): void {
  const next = { ...m.refs };
  delete next[name];
  m.refs = next;
  if (name === MAIN) m.currentSnapshotId = undefined;
}

/** Removes the snapshots, the refs that point at them and their statistics; unknown ids are ignored. */
function removeSnapshots(m: Draft, ids: readonly bigint[]): void {
  const gone = new Set(ids);
  m.snapshots = m.snapshots.filter((s) => !gone.has(s.snapshotId));
  const refs: Record<string, SnapshotRef> = {};
  for (const [name, ref] of Object.entries(m.refs)) if (!gone.has(ref.snapshotId)) refs[name] = ref;
  m.refs = refs;
  if (m.currentSnapshotId !== undefined && gone.has(m.currentSnapshotId)) m.currentSnapshotId = undefined;
  const keepStats = (s: unknown): boolean => {
    const id = typeof s === 'object' && s !== null ? jsonBigInt((s as Record<string, unknown>)['snapshot-id']) : undefined;
    return id === undefined || !gone.has(id);
  };
  m.statistics = m.statistics.filter(keepStats);
  m.partitionStatistics = m.partitionStatistics.filter(keepStats);
}

/**
 * Java's rule: an entry whose snapshot no longer exists drops every entry before it, so that
 * time travel never lands between snapshots it cannot read.
 */
export function finishSnapshotLog(m: Draft): void {
  const live = new Set(m.snapshots.map((s) => s.snapshotId));
  let start = 0;
  m.snapshotLog.forEach((entry, i) => {
    if (!live.has(entry.snapshotId)) start = i + 1;
  });
  if (start > 0) m.snapshotLog = m.snapshotLog.slice(start);
}
