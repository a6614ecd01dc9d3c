import { LochError } from '../../../core/errors.js';
import type { DataFile, LiveEntry, Snapshot, SnapshotOperation, TableMetadata } from '../../../formats/iceberg/model.js';
import { fileKey } from '../../../formats/iceberg/write/snapshot-producer.js';
import type { TableContext } from '../../context.js';
import type { TableLocation } from '../../location.js';
import { snapshotEntries } from '../snapshot-files.js';
import { currentSnapshot, tableFiles } from './snapshot-writer.js';

export interface RebaseInput {
  /** The metadata the staged change was planned on. */
  readonly before: TableMetadata;
  /** The table as a concurrent commit left it. */
  readonly after: TableMetadata;
  readonly readSchemaId: number;
  readonly readSpecId: number;
  readonly operation: SnapshotOperation;
  readonly added: readonly DataFile[];
  readonly removed: readonly LiveEntry[];
}

/**
 * The spec's "Commit Conflict Resolution" for a staged file change meeting a table that moved
 * on: appends always re-apply; otherwise the schema and default spec must be unchanged, every
 * removed file must still be live, every delete file must target a data file that is still
 * live (and no concurrent deletion vector may have landed on it), and for anything but an append
 * no concurrent snapshot may have added data files (serializable isolation: rows the change did
 * not see could match what it replaced or deleted). A failed check throws CONFLICT naming the table.
 */
export async function checkRebase(ctx: TableContext, table: TableLocation, input: RebaseInput): Promise<void> {
  const conflict = (why: string) => new LochError('CONFLICT', `iceberg commit: table ${table.name}: ${why}; retry the statement`, { context: { table: table.name } });
  const onlyAppends = input.operation === 'append' && input.removed.length === 0 && input.added.every((f) => f.content === 'data');
  if (input.after.currentSchemaId !== input.readSchemaId) throw conflict(`the schema changed concurrently (schema ${input.readSchemaId} → ${input.after.currentSchemaId})`);
  if (input.after.defaultSpecId !== input.readSpecId) throw conflict(`the partition spec changed concurrently (spec ${input.readSpecId} → ${input.after.defaultSpecId})`);
  if (onlyAppends) return;
  const head = currentSnapshot(input.after);
  const baseId = input.before.currentSnapshotId;
  const newData = concurrentDataFiles(input.after, head, baseId);
  if (newData > 0) throw conflict(`${newData} data file(s) were added concurrently since snapshot ${baseId ?? 'none'}`);
  if (head === undefined) {
    if (input.removed.length > 0) throw conflict('the files this change removes are gone');
    return;
  }
  const live = await snapshotEntries(ctx, tableFiles(table, input.after), head);
  const liveKeys = new Set([...live.data, ...live.deletes].map((e) => fileKey(e.dataFile)));
  const gone = input.removed.filter((e) => !liveKeys.has(fileKey(e.dataFile)));
  if (gone.length > 0) throw conflict(`${gone.length} file(s) this change removes were removed concurrently, e.g. ${gone[0]?.dataFile.filePath}`);
  const liveData = new Set(live.data.map((e) => e.dataFile.filePath));
  const removedKeys = new Set(input.removed.map((e) => fileKey(e.dataFile)));
  const dvTargets = new Set(live.deletes.filter((e) => e.dataFile.fileFormat === 'puffin' && !removedKeys.has(fileKey(e.dataFile))).map((e) => e.dataFile.referencedDataFile));
  for (const file of input.added) {
    const target = file.referencedDataFile;
    if (file.content === 'data' || target === undefined) continue;
    if (!liveData.has(target)) throw conflict(`data file ${target} that new deletes target was removed concurrently`);
    if (file.fileFormat === 'puffin' && dvTargets.has(target)) throw conflict(`a concurrent commit added a deletion vector for data file ${target}`);
  }
}

/** Data files added by the snapshots between `baseId` (exclusive) and `head` (inclusive). */
function concurrentDataFiles(m: TableMetadata, head: Snapshot | undefined, baseId: bigint | undefined): number {
  const byId = new Map(m.snapshots.map((s) => [s.snapshotId, s]));
  let count = 0;
  let at = head;
  const seen = new Set<bigint>();
  while (at !== undefined && at.snapshotId !== baseId && !seen.has(at.snapshotId)) {
    seen.add(at.snapshotId);
    count += Number(at.summary['added-data-files'] ?? 0);
    at = at.parentSnapshotId === undefined ? undefined : byId.get(at.parentSnapshotId);
  }
  return count;
}
