import type { DataFile, SnapshotOperation } from '../model.js';

/**
 * Snapshot summaries as Java's SnapshotSummary.Builder writes them: `added-*` / `deleted-*` /
 * `removed-*` counts only when non-zero, `changed-partition-count` always, and running
 * `total-*` values carried from the parent's summary (zeros for the first snapshot; a total the
 * parent lacks or that would go negative is left out, as Java does). Delta's UniForm validation
 * and engines' table stats read `total-data-files`, `total-records`, `total-files-size`.
 */

export interface SummaryFile {
  readonly file: DataFile;
  /** Partition identity (spec id + tuple) for changed-partition-count. */
  readonly partitionKey: string;
}

interface Counts {
  dataFiles: number;
  records: number;
  size: number;
  deleteFiles: number;
  posDeleteFiles: number;
  dvs: number;
  eqDeleteFiles: number;
  posDeletes: number;
  eqDeletes: number;
}

function count(files: readonly SummaryFile[]): Counts {
  const c: Counts = { dataFiles: 0, records: 0, size: 0, deleteFiles: 0, posDeleteFiles: 0, dvs: 0, eqDeleteFiles: 0, posDeletes: 0, eqDeletes: 0 };
  for (const { file } of files) {
    c.size += file.fileSizeInBytes;
    if (file.content === 'data') {
      c.dataFiles += 1;
      c.records += file.recordCount;
      continue;
    }
    c.deleteFiles += 1;
    if (file.content === 'equality_deletes') {
      c.eqDeleteFiles += 1;
      c.eqDeletes += file.recordCount;
    } else {
      if (isDeletionVector(file)) c.dvs += 1;
      else c.posDeleteFiles += 1;
      c.posDeletes += file.recordCount;
    }
  }
  return c;
}

/** A deletion vector: a position delete "file" that is a blob of a Puffin file. */
export function isDeletionVector(file: DataFile): boolean {
  return file.content === 'position_deletes' && file.fileFormat.toLowerCase() === 'puffin';
}

const TOTALS: readonly [total: string, added: keyof Counts][] = [
  ['total-records', 'records'],
  ['total-files-size', 'size'],
  ['total-data-files', 'dataFiles'],
  ['total-delete-files', 'deleteFiles'],
  ['total-position-deletes', 'posDeletes'],
  ['total-equality-deletes', 'eqDeletes'],
];

/**
 * The summary of a snapshot that adds `added` and removes `removed` on top of a parent with
 * `parentSummary` (undefined: no parent). `extra` entries (engine-name, …) come last and never
 * override the computed ones.
 */
export function snapshotSummary(
  operation: SnapshotOperation,
  added: readonly SummaryFile[],
  removed: readonly SummaryFile[],
  parentSummary: Readonly<Record<string, string>> | undefined,
  extra: Readonly<Record<string, string>> = {},
): Record<string, string> {
  const a = count(added);
  const r = count(removed);
  const out: Record<string, string> = { operation };
  const setIf = (key: string, value: number): void => {
    if (value > 0) out[key] = String(value);
  };
  setIf('added-data-files', a.dataFiles);
  setIf('deleted-data-files', r.dataFiles);
  setIf('added-delete-files', a.deleteFiles);
  setIf('added-equality-delete-files', a.eqDeleteFiles);
  setIf('removed-equality-delete-files', r.eqDeleteFiles);
  setIf('added-position-delete-files', a.posDeleteFiles);
  setIf('removed-position-delete-files', r.posDeleteFiles);
  setIf('added-dvs', a.dvs);
  setIf('removed-dvs', r.dvs);
  setIf('removed-delete-files', r.deleteFiles);
  setIf('added-records', a.records);
  setIf('deleted-records', r.records);
  setIf('added-files-size', a.size);
  setIf('removed-files-size', r.size);
  setIf('added-position-deletes', a.posDeletes);
  setIf('removed-position-deletes', r.posDeletes);
  setIf('added-equality-deletes', a.eqDeletes);
  setIf('removed-equality-deletes', r.eqDeletes);
  out['changed-partition-count'] = String(new Set([...added, ...removed].map((f) => f.partitionKey)).size);
  const previous = parentSummary ?? Object.fromEntries(TOTALS.map(([total]) => [total, '0']));
  for (const [total, key] of TOTALS) {
    const before = previous[total];
    if (before === undefined || !/^\d+$/.test(before)) continue;
    const value = Number(before) + a[key] - r[key];
    if (value >= 0) out[total] = String(value);
  }
  for (const [key, value] of Object.entries(extra)) if (!(key in out)) out[key] = value;
  return out;
}
