import { LochError, toLochError } from '../../../core/errors.js';
import type { ObjectStore } from '../../../storage/object-store.js';
import { logError, noTableError } from '../errors-context.js';
import { parseCommitFile } from '../spec/actions.js';
import type { Action } from '../spec/actions.js';
import { commitInfoOf, commitTimestamp, findCommitInfo } from './commit-read.js';
import { LOG_READ_CONCURRENCY, mapLimit } from './concurrency.js';
import { earliestReconstructableVersion, latestListedVersion, listLogFiles } from './listing.js';
import type { LogListing } from './listing.js';
import { commitKey } from './log-files.js';
import { listLogSegment } from './segment.js';

/**
 * The actions and timestamp of one commit, for change data feed and history. The timestamp is the
 * in-commit timestamp when present, else commitInfo.timestamp, else the file's modification
 * time. A commit file that does not exist (never written, or cleaned up) throws
 * VERSION_NOT_AVAILABLE; a corrupt one CORRUPT_DATA.
 */
export async function readCommitActions(store: ObjectStore, table: string, version: number): Promise<{ actions: Action[]; timestamp: number }> {
  if (!Number.isSafeInteger(version) || version < 0) {
    throw new LochError('INVALID_ARGUMENT', `delta log: table ${table}: ${version} is not a valid version`, { context: { table, version } });
  }
  const where = { table, version };
  const key = commitKey(version);
  let bytes: Uint8Array | undefined;
  try {
    bytes = await store.get(key);
  } catch (error) {
    throw toLochError(error, 'STORAGE_ERROR', 'delta log', { table, version });
  }
  if (bytes === undefined) {
    throw logError('VERSION_NOT_AVAILABLE', 'delta log', where, `commit file ${key} does not exist`, { context: { key } });
  }
  const actions = parseCommitFile(bytes, where);
  const info = commitInfoOf(actions);
  if (info?.inCommitTimestamp !== undefined || info?.timestamp !== undefined) return { actions, timestamp: commitTimestamp(info, 0) };
  const meta = await store.head(key);
  return { actions, timestamp: meta?.lastModified ?? 0 };
}

/** The latest version of the table (validated like a snapshot load: contiguous, reconstructable). */
export async function latestVersion(store: ObjectStore, table: string): Promise<number> {
  return (await listLogSegment(store, { table })).version;
}

interface Candidate {
  readonly version: number;
  readonly key?: string;
  readonly lastModified: number;
}

/** Versions time travel can land on: commits at or after the oldest reconstructable version. */
function timestampCandidates(listing: LogListing, earliest: number): Candidate[] {
  const out: Candidate[] = [];
  if (!listing.commits.has(earliest)) {
    const cp = listing.checkpoints.find((c) => c.complete && c.version === earliest);
    if (cp !== undefined) out.push({ version: earliest, lastModified: cp.lastModified });
  }
  for (const ref of listing.commits.values()) {
    if (ref.version >= earliest) out.push({ version: ref.version, key: ref.key, lastModified: ref.lastModified });
  }
  return out.sort((a, b) => b.version - a.version);
}

async function candidateTimestamp(store: ObjectStore, table: string, c: Candidate): Promise<number> {
  if (c.key === undefined) return c.lastModified;
  const bytes = await store.get(c.key);
  if (bytes === undefined) return c.lastModified;
  return commitTimestamp(findCommitInfo(bytes, { table, version: c.version }), c.lastModified);
}

/**
 * Timestamp time travel: the latest version whose commit timestamp is ≤ `timestampMs`. A commit's
 * timestamp is its in-commit timestamp when it has one, else commitInfo.timestamp, else the
 * commit file's modification time. Commits are read newest first in bounded concurrent batches,
 * stopping at the first batch with a match, so recent timestamps are cheap. A timestamp before the
 * earliest reconstructable version throws VERSION_NOT_AVAILABLE naming that version's timestamp.
 */
export async function versionAtOrBefore(store: ObjectStore, timestampMs: number, table: string = store.url): Promise<number> {
  if (!Number.isFinite(timestampMs) || Number.isNaN(new Date(timestampMs).getTime())) {
    throw new LochError('INVALID_ARGUMENT', `delta log: table ${table}: ${timestampMs} is not a valid timestamp`, { context: { table } });
  }
  const listing = await listLogFiles(store);
  const latest = latestListedVersion(listing);
  if (listing.empty || latest === undefined) {
    throw noTableError(table);
  }
  const earliest = earliestReconstructableVersion(listing) ?? 0;
  const candidates = timestampCandidates(listing, earliest);
  let oldest: { version: number; timestamp: number } | undefined;
  for (let start = 0; start < candidates.length; start += LOG_READ_CONCURRENCY) {
    const batch = candidates.slice(start, start + LOG_READ_CONCURRENCY);
    const stamps = await mapLimit(batch, LOG_READ_CONCURRENCY, (c) => candidateTimestamp(store, table, c));
    let best: number | undefined;
    batch.forEach((c, i) => {
      if ((stamps[i] ?? Infinity) <= timestampMs && (best === undefined || c.version > best)) best = c.version;
    });
    if (best !== undefined) return best;
    const last = batch[batch.length - 1];
    if (last !== undefined) oldest = { version: last.version, timestamp: stamps[stamps.length - 1] ?? 0 };
  }
  const when = oldest === undefined ? 'unknown' : `${new Date(oldest.timestamp).toISOString()} (version ${oldest.version})`;
  throw new LochError(
    'VERSION_NOT_AVAILABLE',
    `delta log: table ${table}: timestamp ${new Date(timestampMs).toISOString()} is before the earliest available commit at ${when}`,
    { context: { table, timestamp: timestampMs, earliestVersion: oldest?.version, earliestTimestamp: oldest?.timestamp } },
  );
}
