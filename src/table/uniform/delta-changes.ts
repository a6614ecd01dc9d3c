import { isLochError } from '../../core/errors.js';
import { readCommitActions } from '../../formats/delta/snapshot.js';
import type { AddFile } from '../../formats/delta/spec/actions.js';
import type { SnapshotOperation } from '../../formats/iceberg/model.js';
import type { ObjectStore } from '../../storage/object-store.js';
import { icebergFilePath } from './data-file.js';

/** The file changes of a range of Delta commits, netted, keyed by the Iceberg file path. */
export interface DeltaChanges {
  readonly added: ReadonlyMap<string, AddFile>;
  /** Files live before the range and gone after it. */
  readonly removed: ReadonlySet<string>;
  /** Every add and remove of the range had dataChange = false (OPTIMIZE, purges). */
  readonly rearrangeOnly: boolean;
  /** A metaData action changed the partition columns inside the range. */
  readonly partitioningChanged: boolean;
}

/**
 * Replays the commits `from`..`to` (inclusive) of a Delta log as delta-spark's converter does:
 * removes then adds of each commit, a file added and removed inside the range cancelling out.
 * Undefined when some commit file is gone (log clean-up): the caller converts the whole table.
 */
export async function readDeltaChanges(store: ObjectStore, table: string, tableUrl: string, from: number, to: number, partitionColumns: readonly string[]): Promise<DeltaChanges | undefined> {
  const added = new Map<string, AddFile>();
  const removed = new Set<string>();
  let rearrangeOnly = true;
  let partitioningChanged = false;
  for (let version = from; version <= to; version++) {
    let actions;
    try {
      actions = (await readCommitActions(store, table, version)).actions;
    } catch (error) {
      if (isLochError(error) && error.code === 'VERSION_NOT_AVAILABLE') return undefined;
      throw error;
    }
    for (const action of actions) {
      if (action.kind === 'metaData' && JSON.stringify(action.metaData.partitionColumns) !== JSON.stringify(partitionColumns)) partitioningChanged = true;
      if (action.kind !== 'remove') continue;
      const key = icebergFilePath(tableUrl, action.remove.path);
      if (action.remove.dataChange) rearrangeOnly = false;
      if (added.delete(key)) continue;
      removed.add(key);
    }
    for (const action of actions) {
      if (action.kind !== 'add') continue;
      if (action.add.dataChange) rearrangeOnly = false;
      added.set(icebergFilePath(tableUrl, action.add.path), action.add);
    }
  }
  return { added, removed, rearrangeOnly, partitioningChanged };
}

/**
 * The Iceberg operation of a set of changes (delta-spark's mapping): adds only → append; removes
 * only → delete; both → replace when no row changed (OPTIMIZE), else overwrite; none → undefined.
 */
export function operationOf(changes: { readonly added: ReadonlyMap<string, unknown>; readonly removed: ReadonlySet<string>; readonly rearrangeOnly: boolean }): SnapshotOperation | undefined {
  const adds = changes.added.size > 0;
  const removes = changes.removed.size > 0;
  if (adds && !removes) return 'append';
  if (removes && !adds) return 'delete';
  if (adds && removes) return changes.rearrangeOnly ? 'replace' : 'overwrite';
  return undefined;
}
