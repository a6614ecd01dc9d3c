import { LochError, isLochError } from '../../core/errors.js';
import { resolveDvLocation } from '../../formats/delta/deletion-vectors/index.js';
import { noTableError } from '../../formats/delta/errors-context.js';
import { commitInfoOf, commitTimestamp, readCommitFile } from '../../formats/delta/log/commit-read.js';
import { LOG_READ_CONCURRENCY, mapLimit } from '../../formats/delta/log/concurrency.js';
import { earliestReconstructableVersion, latestListedVersion, listLogFiles } from '../../formats/delta/log/listing.js';
import type { LogListing } from '../../formats/delta/log/listing.js';
import { loadDeltaSnapshot } from '../../formats/delta/snapshot.js';
import type { DeltaSnapshot } from '../../formats/delta/snapshot.js';
import type { Action, DeletionVectorDescriptor } from '../../formats/delta/spec/actions.js';
import type { TableContext } from '../context.js';
import type { TableLocation } from '../location.js';
import { resolveLogPath } from '../location.js';

/** The files VACUUM must keep, derived from the log. */
export interface RetainedFiles {
  /** Store keys under the table root (decoded, relative) that some version in the window references. */
  readonly keys: ReadonlySet<string>;
  /**
   * The oldest version whose files are all kept: the version in force at the cutoff (or the
   * oldest version the log can still reconstruct, when that is newer). Every version from here
   * to `latestVersion` stays readable.
   */
  readonly oldestVersion: number;
  readonly latestVersion: number;
}

/** What one commit contributes: its timestamp and the files its actions name. */
interface CommitFiles {
  readonly version: number;
  readonly timestamp: number;
  readonly keys: readonly string[];
}

/**
 * The files every version from the one in force at `cutoff` (ms) up to the latest needs: the
 * live files (and their deletion vector files) of that version's snapshot, plus every file an
 * add, remove or cdc action of a later commit names (with its DV file). Removes are kept too, as
 * Spark keeps unexpired tombstones. Tombstones are not used otherwise: checkpoints Loch writes
 * carry none.
 *
 * "In force at the cutoff" uses commit timestamps made monotonic the way Delta's history does:
 * the window starts right before the first commit whose timestamp is after the cutoff, so a
 * commit with a skewed earlier timestamp never moves the start later. When the log has already
 * been cleaned up past that version, the start is the oldest version the log can reconstruct
 * (older versions cannot be read at all). A commit missing between that start and the latest
 * version throws PROTOCOL_VIOLATION: VACUUM refuses to guess what it added. `loaded`, a snapshot
 * the caller already has, is used instead of loading the same version again.
 */
export async function retainedFiles(ctx: TableContext, table: TableLocation, cutoff: number, loaded?: DeltaSnapshot): Promise<RetainedFiles> {
  const listing = await listLogFiles(table.store);
  const latest = latestListedVersion(listing);
  const earliest = earliestReconstructableVersion(listing);
  if (latest === undefined || earliest === undefined) throw noTableError(table.name);
  const commits = await readCommits(table, listing, earliest, latest);
  const oldest = windowStart(commits, earliest, latest, cutoff, listing);
  const snapshot = loaded?.version === oldest ? loaded : await loadDeltaSnapshot(table.store, ctx.parquet, { table: table.name, version: oldest });
  const keys = new Set<string>();
  for (const add of snapshot.files) for (const key of fileKeys(table, add.path, add.deletionVector)) keys.add(key);
  for (const commit of commits) if (commit.version > oldest) for (const key of commit.keys) keys.add(key);
  return { keys, oldestVersion: oldest, latestVersion: latest };
}

/** Every commit from `earliest` to `latest`, read once; a gap after `earliest` is refused. */
async function readCommits(table: TableLocation, listing: LogListing, earliest: number, latest: number): Promise<CommitFiles[]> {
  const refs = [];
  for (let v = earliest; v <= latest; v++) {
    const ref = listing.commits.get(v);
    if (ref !== undefined) refs.push(ref);
    else if (v > earliest) {
      throw new LochError('PROTOCOL_VIOLATION', `delta vacuum: table ${table.name}: commit ${v} is missing from the log (versions ${earliest} to ${latest}); VACUUM cannot tell which files it added and deletes nothing`, {
        context: { table: table.name, missingVersion: v },
      });
    }
  }
  return mapLimit(refs, LOG_READ_CONCURRENCY, async (ref) => {
    const data = await readCommitFile(table.store, ref, table.name);
    return { version: ref.version, timestamp: commitTimestamp(commitInfoOf(data.actions), ref.lastModified), keys: actionKeys(table, data.actions) };
  });
}

/**
 * The version in force at `cutoff`: one before the first commit stamped after it (timestamps
 * taken as monotonic), never before `earliest`; the latest when no commit is after the cutoff.
 */
function windowStart(commits: readonly CommitFiles[], earliest: number, latest: number, cutoff: number, listing: LogListing): number {
  // The oldest version may be a checkpoint whose commit was cleaned up: its file time stands in.
  if (!listing.commits.has(earliest)) {
    const checkpoint = listing.checkpoints.find((c) => c.complete && c.version === earliest);
    if (checkpoint !== undefined && checkpoint.lastModified > cutoff) return earliest;
  }
  const firstAfter = commits.find((c) => c.timestamp > cutoff);
  if (firstAfter === undefined) return latest;
  return Math.max(earliest, firstAfter.version - 1);
}

function actionKeys(table: TableLocation, actions: readonly Action[]): string[] {
  const keys: string[] = [];
  for (const action of actions) {
    if (action.kind === 'add') keys.push(...fileKeys(table, action.add.path, action.add.deletionVector));
    else if (action.kind === 'remove') keys.push(...fileKeys(table, action.remove.path, action.remove.deletionVector));
    else if (action.kind === 'cdc') keys.push(...fileKeys(table, action.cdc.path, undefined));
  }
  return keys;
}

/** Keys under the table root of a data file and its DV file; files elsewhere are not VACUUM's. */
function fileKeys(table: TableLocation, path: string, dv: DeletionVectorDescriptor | undefined): string[] {
  const keys: string[] = [];
  const data = keyUnderRoot(table, path);
  if (data !== undefined) keys.push(data);
  if (dv === undefined) return keys;
  const location = resolveDvLocation(dv, `table ${table.name} file ${path}`);
  if (location.kind === 'relative') keys.push(location.path);
  else if (location.kind === 'absolute') {
    const key = keyUnderRoot(table, location.path);
    if (key !== undefined) keys.push(key);
  }
  return keys;
}

const ABSOLUTE = /^([a-zA-Z][a-zA-Z0-9+.-]*:|\/)/;

/**
 * The store key of a log path when it lies under the table root. An absolute path elsewhere is
 * not VACUUM's to delete, even when its scheme is one Loch cannot open; a path that does not
 * decode fails VACUUM rather than being guessed at.
 */
function keyUnderRoot(table: TableLocation, path: string): string | undefined {
  try {
    const ref = resolveLogPath(table, path);
    return ref.store === table.store ? ref.key : undefined;
  } catch (error) {
    if (ABSOLUTE.test(path) && isLochError(error, 'INVALID_ARGUMENT')) return undefined;
    throw error;
  }
}
