import { LochError } from '../../../core/errors.js';
import type { ObjectStore } from '../../../storage/object-store.js';
import { noTableError } from '../errors-context.js';
import { readLastCheckpointHint } from './last-checkpoint.js';
import {
  earliestReconstructableVersion,
  latestListedVersion,
  listLogFiles,
  newestCompleteCheckpoint,
} from './listing.js';
import type { CheckpointCandidate, CompactionRef, LogFileRef, LogListing } from './listing.js';

export type { LogFileRef, CompactionRef } from './listing.js';

/** The checkpoint a snapshot starts from: a complete checkpoint of the listing. */
export type SegmentCheckpoint = Omit<CheckpointCandidate, 'complete'>;

/** The log files needed to reconstruct one version of a table. */
export interface LogSegment {
  readonly table: string;
  /** The version this segment reconstructs. */
  readonly version: number;
  readonly checkpoint?: SegmentCheckpoint;
  /** Commits after the checkpoint (or from 0) up to `version`, ascending and contiguous. */
  readonly commits: readonly LogFileRef[];
  /** The commit file of `version` itself when present (also when `version` is the checkpoint's). */
  readonly versionCommit?: LogFileRef;
  /** Compaction files lying entirely within the commits above (Loch replays commits instead). */
  readonly compactions: readonly CompactionRef[];
  /** The newest version the listing saw. */
  readonly latestVersion: number;
  /** The `_last_checkpoint` version the listing started from, when the hint was usable. */
  readonly listedFromVersion?: number;
}

export interface ListLogSegmentOptions {
  /** Display name of the table for messages. */
  readonly table: string;
  /** The version to reconstruct; latest when undefined. */
  readonly version?: number;
}

function notAvailable(table: string, version: number, listing: LogListing, latest: number): LochError {
  const earliest = earliestReconstructableVersion(listing);
  const range = earliest === undefined ? `only up to version ${latest}` : `versions ${earliest} to ${latest}`;
  return new LochError('VERSION_NOT_AVAILABLE', `delta log: table ${table}: version ${version} is not available; the log can reconstruct ${range}`, {
    context: { table, version, earliest, latest },
  });
}

function missingCommit(table: string, missing: number, target: number, from: number): LochError {
  return new LochError(
    'PROTOCOL_VIOLATION',
    `delta log: table ${table}: versions are not contiguous: commit ${missing} is missing (needed to read version ${target} from ${from === 0 ? 'version 0' : `the checkpoint at ${from - 1}`})`,
    { context: { table, missingVersion: missing, version: target } },
  );
}

function unreconstructable(table: string, target: number, listing: LogListing): LochError {
  const first = listing.commits.keys().next();
  const earliestCommit = first.done === true ? 'none' : String(first.value);
  return new LochError(
    'PROTOCOL_VIOLATION',
    `delta log: table ${table}: version ${target} cannot be reconstructed: there is no complete checkpoint at or before it and commit 0 is missing (earliest commit: ${earliestCommit})`,
    { context: { table, version: target, missingVersion: 0 } },
  );
}

function toSegmentCheckpoint(cp: CheckpointCandidate): SegmentCheckpoint {
  return { version: cp.version, kind: cp.kind, format: cp.format, files: cp.files, lastModified: cp.lastModified };
}

/**
 * Builds the segment for `target` (latest when undefined) from one listing. Returns undefined when
 * the listing is partial (started at a hint) and does not contain what the target needs, so the
 * caller lists again from the start.
 */
function buildSegment(listing: LogListing, table: string, requested: number | undefined): LogSegment | undefined {
  const partial = listing.fromVersion !== undefined;
  const latest = latestListedVersion(listing);
  if (latest === undefined) {
    if (partial) return undefined;
    throw noTableError(table);
  }
  const target = requested ?? latest;
  if (target > latest) {
    if (partial) return undefined;
    throw notAvailable(table, target, listing, latest);
  }
  const checkpoint = newestCompleteCheckpoint(listing, target);
  if (checkpoint === undefined && partial) return undefined;
  const from = checkpoint === undefined ? 0 : checkpoint.version + 1;
  if (checkpoint === undefined && !listing.commits.has(0)) {
    const earliest = earliestReconstructableVersion(listing);
    if (earliest !== undefined) throw notAvailable(table, target, listing, latest);
    throw unreconstructable(table, target, listing);
  }
  const commits: LogFileRef[] = [];
  for (let v = from; v <= target; v++) {
    const ref = listing.commits.get(v);
    if (ref === undefined) throw missingCommit(table, v, target, from);
    commits.push(ref);
  }
  const compactions = listing.compactions.filter((c) => c.startVersion >= from && c.endVersion <= target);
  const versionCommit = listing.commits.get(target);
  return {
    table,
    version: target,
    ...(checkpoint === undefined ? {} : { checkpoint: toSegmentCheckpoint(checkpoint) }),
    commits,
    ...(versionCommit === undefined ? {} : { versionCommit }),
    compactions,
    latestVersion: latest,
    ...(listing.fromVersion === undefined ? {} : { listedFromVersion: listing.fromVersion }),
  };
}

/**
 * Finds the files that reconstruct a version: the newest complete checkpoint at or below it plus
 * the contiguous commits after it. `_last_checkpoint` is used as a hint to list only from the
 * checkpoint on; when the hint is missing, corrupt, newer than the requested version, or points at
 * an incomplete checkpoint (a multi-part one with a missing part), the whole log is listed.
 *
 * Errors: no versioned `_delta_log` files → NOT_FOUND ("delta: no Delta table at T: _delta_log is
 * missing or empty"); a gap in the commits the version needs → PROTOCOL_VIOLATION naming the
 * missing version; a version above the latest or below the oldest reconstructable one →
 * VERSION_NOT_AVAILABLE naming the available range.
 */
export async function listLogSegment(store: ObjectStore, opts: ListLogSegmentOptions): Promise<LogSegment> {
  const { table, version } = opts;
  if (version !== undefined && (!Number.isSafeInteger(version) || version < 0)) {
    throw new LochError('INVALID_ARGUMENT', `delta log: table ${table}: ${version} is not a valid version`, { context: { table, version } });
  }
  const hint = await readLastCheckpointHint(store);
  if (hint !== undefined && (version === undefined || hint.version <= version)) {
    const segment = buildSegment(await listLogFiles(store, hint.version), table, version);
    if (segment !== undefined) return segment;
  }
  const listing = await listLogFiles(store);
  if (listing.empty) throw noTableError(table);
  const segment = buildSegment(listing, table, version);
  if (segment === undefined) throw new LochError('INTERNAL', `delta log: table ${table}: a full listing gave no segment`);
  return segment;
}
