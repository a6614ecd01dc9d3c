import { LochError } from '../../../core/errors.js';
import { parseLogKey } from '../log/log-files.js';

/**
 * Metadata clean-up of `_delta_log` (PROTOCOL.md "Metadata Cleanup"): which commit, checkpoint,
 * checksum and compaction files no retained version needs any more.
 */

export interface ListedLogFile {
  /** Store key relative to the table root, e.g. `_delta_log/00000000000000000003.json`. */
  readonly key: string;
  /** ms since the epoch, from the store listing. */
  readonly lastModified: number;
}

export interface LogCleanupOptions {
  /** How long versions stay reconstructable (`delta.logRetentionDuration`), ms. */
  readonly retentionMs: number;
  /** The current time, ms (injected). */
  readonly now: number;
  /** The newest committed version; files of later versions are never considered. */
  readonly latestVersion: number;
}

interface Checkpoint {
  readonly version: number;
  readonly complete: boolean;
}

/**
 * The keys to delete, oldest version first (so that an interrupted clean-up always leaves a
 * readable suffix of the log). Following the protocol:
 * 1. cutoff = now − retention. Commit times are the file modification times made strictly
 *    increasing in version order (a commit is treated as at least 1 ms after its predecessor, as
 *    Delta does), so one late clock cannot expose younger versions. The cutoff commit is the
 *    newest commit at or before the cutoff.
 * 2. C is the newest complete checkpoint (all parts of a multi-part one present) at or below the
 *    cutoff commit and latestVersion. Without such a checkpoint nothing is deleted.
 * 3. Deleted: commits, checkpoints (complete or not, any kind), `.crc` files of versions below C,
 *    and compaction files starting below C. Kept: C itself and its commit, everything from C on,
 *    `_last_checkpoint`, `_sidecars/` and any name the protocol does not define.
 * Every version whose commit is younger than the cutoff is at or above C, so it stays
 * reconstructable, and so does time travel to the cutoff itself. A negative or non-finite
 * retention or time throws INVALID_ARGUMENT; a commit without a finite time counts as young.
 */
export function expiredLogFiles(files: readonly ListedLogFile[], options: LogCleanupOptions): string[] {
  const { retentionMs, now, latestVersion } = options;
  if (!Number.isFinite(retentionMs) || retentionMs < 0 || !Number.isFinite(now) || !Number.isInteger(latestVersion)) {
    throw new LochError('INVALID_ARGUMENT', `delta log cleanup: retention ${retentionMs} ms, now ${now} and latest version ${latestVersion} must be finite, retention ≥ 0`, {
      context: { retentionMs, now, latestVersion },
    });
  }
  const cutoffCommit = newestCommitBefore(files, now - retentionMs, latestVersion);
  if (cutoffCommit === undefined) return [];
  const checkpoint = newestCompleteCheckpoint(files, cutoffCommit);
  if (checkpoint === undefined) return [];
  const expired: { key: string; version: number }[] = [];
  for (const file of files) {
    const name = parseLogKey(file.key);
    if (name.kind === 'commit' || name.kind === 'checkpoint' || name.kind === 'crc' || name.kind === 'compaction') {
      if (name.version < checkpoint) expired.push({ key: file.key, version: name.version });
    }
  }
  expired.sort((a, b) => a.version - b.version || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return expired.map((e) => e.key);
}

/** The newest version ≤ latestVersion whose (monotonically adjusted) commit time is ≤ cutoff. */
function newestCommitBefore(files: readonly ListedLogFile[], cutoff: number, latestVersion: number): number | undefined {
  const commits: { version: number; lastModified: number }[] = [];
  for (const file of files) {
    const name = parseLogKey(file.key);
    if (name.kind === 'commit' && name.version <= latestVersion) commits.push({ version: name.version, lastModified: file.lastModified });
  }
  commits.sort((a, b) => a.version - b.version);
  let previous = Number.NEGATIVE_INFINITY;
  let newest: number | undefined;
  for (const commit of commits) {
    // A time the store could not give counts as young: never delete on a guess.
    const time = Math.max(Number.isFinite(commit.lastModified) ? commit.lastModified : Number.POSITIVE_INFINITY, previous + 1);
    if (time > cutoff) break;
    newest = commit.version;
    previous = time;
  }
  return newest;
}

/** The newest version ≤ `limit` with a complete checkpoint. */
function newestCompleteCheckpoint(files: readonly ListedLogFile[], limit: number): number | undefined {
  const parts = new Map<string, { version: number; parts: number; seen: Set<number> }>();
  const checkpoints: Checkpoint[] = [];
  for (const file of files) {
    const name = parseLogKey(file.key);
    if (name.kind !== 'checkpoint' || name.version > limit) continue;
    if (name.checkpointKind !== 'multi') {
      checkpoints.push({ version: name.version, complete: true });
      continue;
    }
    const id = `${name.version}/${name.parts}`;
    const set = parts.get(id) ?? { version: name.version, parts: name.parts ?? 0, seen: new Set<number>() };
    set.seen.add(name.part ?? 0);
    parts.set(id, set);
  }
  for (const set of parts.values()) checkpoints.push({ version: set.version, complete: set.seen.size === set.parts });
  let newest: number | undefined;
  for (const cp of checkpoints) if (cp.complete && (newest === undefined || cp.version > newest)) newest = cp.version;
  return newest;
}
