import { LochError } from '../../core/errors.js';
import type { ObjectStore } from '../../storage/object-store.js';
import { noTableError } from './errors-context.js';
import { commitTimestamp, findCommitInfo } from './log/commit-read.js';
import { LOG_READ_CONCURRENCY, mapLimit } from './log/concurrency.js';
import { listLogFiles } from './log/listing.js';
import type { LogFileRef } from './log/listing.js';
import { COMMIT_PROVENANCE_FIELDS } from './spec/actions.js';
import type { CommitInfo, CommitProvenance } from './spec/actions.js';

/** One row of DESCRIBE HISTORY: the commit's provenance fields where recorded, and these. */
export interface HistoryEntry extends CommitProvenance {
  readonly version: number;
  /** ms: in-commit timestamp, else commitInfo.timestamp, else the commit file's mtime. */
  readonly timestamp: number;
  /** commitInfo.operation; 'UNKNOWN' for commits written without commitInfo. */
  readonly operation: string;
  readonly operationParameters: Readonly<Record<string, unknown>>;
  readonly operationMetrics: Readonly<Record<string, unknown>>;
  /** The whole commitInfo as written (empty object when the commit has none). */
  readonly commitInfo: Readonly<Record<string, unknown>>;
}

export interface ReadHistoryOptions {
  /** At most this many entries (the newest ones). */
  readonly limit?: number;
}

function toEntry(ref: LogFileRef, info: CommitInfo | undefined): HistoryEntry {
  const entry: Record<string, unknown> = {
    version: ref.version,
    timestamp: commitTimestamp(info, ref.lastModified),
    operation: info?.operation ?? 'UNKNOWN',
    operationParameters: info?.operationParameters ?? {},
    operationMetrics: info?.operationMetrics ?? {},
    commitInfo: info?.raw ?? {},
  };
  for (const key of Object.keys(COMMIT_PROVENANCE_FIELDS) as (keyof CommitProvenance)[]) {
    if (info?.[key] !== undefined) entry[key] = info[key];
  }
  return entry as unknown as HistoryEntry;
}

/**
 * The table's history, newest first, from the commitInfo of every commit file still in the log
 * (versions whose commit JSON was cleaned up are omitted). Commits are read concurrently and
 * only their commitInfo lines are parsed. An empty or missing log throws NOT_FOUND; a corrupt
 * commitInfo line CORRUPT_DATA.
 */
export async function readHistory(store: ObjectStore, table: string, opts: ReadHistoryOptions = {}): Promise<HistoryEntry[]> {
  const limit = opts.limit;
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 0)) {
    throw new LochError('INVALID_ARGUMENT', `delta history: table ${table}: limit ${limit} must be a non-negative integer`, { context: { table } });
  }
  const listing = await listLogFiles(store);
  if (listing.empty) throw noTableError(table);
  const refs = [...listing.commits.values()].sort((a, b) => b.version - a.version).slice(0, limit ?? Infinity);
  return mapLimit(refs, LOG_READ_CONCURRENCY, async (ref) => {
    const bytes = await store.get(ref.key);
    // A commit cleaned up between listing and reading is simply no longer history.
    return bytes === undefined ? undefined : toEntry(ref, findCommitInfo(bytes, { table, version: ref.version }));
  }).then((entries) => entries.filter((e): e is HistoryEntry => e !== undefined));
}
