import type { ObjectStore } from '../../../storage/object-store.js';
import { LOG_DIR, VERSIONED_PREFIX, padVersion, parseLogKey } from './log-files.js';

/** One versioned file of `_delta_log` as listed. */
export interface LogFileRef {
  readonly key: string;
  readonly version: number;
  readonly size: number;
  /** ms since the epoch, from the store listing. */
  readonly lastModified: number;
}

/** A checkpoint found in the listing: one file, or all parts seen of a multi-part one. */
export interface CheckpointCandidate {
  readonly version: number;
  readonly kind: 'classic' | 'multi' | 'v2';
  readonly format: 'parquet' | 'json';
  /** Keys; multi-part ones ordered by part number. */
  readonly files: readonly string[];
  /** False for a multi-part checkpoint with missing parts: readers must ignore it. */
  readonly complete: boolean;
  readonly lastModified: number;
}

export interface CompactionRef {
  readonly startVersion: number;
  readonly endVersion: number;
  readonly key: string;
}

/** What one listing of `_delta_log` found, grouped by kind. */
export interface LogListing {
  /** Commit files by version, ascending. */
  readonly commits: ReadonlyMap<number, LogFileRef>;
  readonly checkpoints: readonly CheckpointCandidate[];
  readonly compactions: readonly CompactionRef[];
  /** The version the listing started after (exclusive of older files), if any. */
  readonly fromVersion?: number;
  /** True when the listing returned no versioned file at all. */
  readonly empty: boolean;
}

interface PartSet {
  version: number;
  parts: number;
  seen: Map<number, { key: string; lastModified: number }>;
}

/**
 * Lists the versioned files of `_delta_log`, optionally only from `fromVersion` on (files of that
 * version included), and groups them. Unrecognised names are ignored.
 */
export async function listLogFiles(store: ObjectStore, fromVersion?: number): Promise<LogListing> {
  const commits = new Map<number, LogFileRef>();
  const checkpoints: CheckpointCandidate[] = [];
  const compactions: CompactionRef[] = [];
  const multi = new Map<string, PartSet>();
  let empty = true;
  // Every key of version v starts with `_delta_log/<v padded>`, which itself is never a key.
  const options = fromVersion === undefined ? {} : { startAfter: `${LOG_DIR}${padVersion(fromVersion)}` };
  for await (const meta of store.list(VERSIONED_PREFIX, options)) {
    const name = parseLogKey(meta.key);
    if (name.kind === 'other' || name.kind === 'last_checkpoint') continue;
    empty = false;
    if (name.kind === 'commit') {
      commits.set(name.version, { key: meta.key, version: name.version, size: meta.size, lastModified: meta.lastModified });
    } else if (name.kind === 'compaction') {
      compactions.push({ startVersion: name.version, endVersion: name.endVersion, key: meta.key });
    } else if (name.kind === 'checkpoint') {
      if (name.checkpointKind === 'multi') {
        const id = `${name.version}/${name.parts}`;
        const set = multi.get(id) ?? { version: name.version, parts: name.parts ?? 0, seen: new Map() };
        set.seen.set(name.part ?? 0, { key: meta.key, lastModified: meta.lastModified });
        multi.set(id, set);
      } else {
        const { version, checkpointKind: kind, format } = name;
        checkpoints.push({ version, kind, format, files: [meta.key], complete: true, lastModified: meta.lastModified });
      }
    }
  }
  for (const set of multi.values()) checkpoints.push(multiPartCandidate(set));
  checkpoints.sort((a, b) => a.version - b.version);
  return { commits: sortedByVersion(commits), checkpoints, compactions, empty, ...(fromVersion === undefined ? {} : { fromVersion }) };
}

function multiPartCandidate(set: PartSet): CheckpointCandidate {
  const parts = [...set.seen.entries()].sort((a, b) => a[0] - b[0]);
  const complete = parts.length === set.parts && parts.every(([part], i) => part === i + 1);
  const lastModified = Math.max(...parts.map(([, p]) => p.lastModified));
  return { version: set.version, kind: 'multi', format: 'parquet', files: parts.map(([, p]) => p.key), complete, lastModified };
}

function sortedByVersion(commits: Map<number, LogFileRef>): Map<number, LogFileRef> {
  // Listings are in key order, which is version order for zero-padded names; sort defensively
  // for stores whose order differs.
  let sorted = true;
  let previous = -1;
  for (const version of commits.keys()) {
    if (version < previous) sorted = false;
    previous = version;
  }
  return sorted ? commits : new Map([...commits.entries()].sort((a, b) => a[0] - b[0]));
}

/** Preference among complete checkpoints of the same version: V2 (has all actions), classic, multi. */
const KIND_RANK: Readonly<Record<CheckpointCandidate['kind'], number>> = { v2: 0, classic: 1, multi: 2 };

/** The newest complete checkpoint at or below `version`, if any. */
export function newestCompleteCheckpoint(listing: LogListing, version: number): CheckpointCandidate | undefined {
  let best: CheckpointCandidate | undefined;
  for (const candidate of listing.checkpoints) {
    if (!candidate.complete || candidate.version > version) continue;
    if (best === undefined || candidate.version > best.version || (candidate.version === best.version && KIND_RANK[candidate.kind] < KIND_RANK[best.kind])) {
      best = candidate;
    }
  }
  return best;
}

/** The latest version the listing can show: the newest commit or complete checkpoint. */
export function latestListedVersion(listing: LogListing): number | undefined {
  let latest: number | undefined;
  for (const version of listing.commits.keys()) latest = latest === undefined ? version : Math.max(latest, version);
  for (const cp of listing.checkpoints) {
    if (cp.complete) latest = latest === undefined ? cp.version : Math.max(latest, cp.version);
  }
  return latest;
}

/**
 * The earliest version that can be reconstructed from this listing: the oldest complete
 * checkpoint, or 0 when commit 0 is still there. Undefined when neither exists.
 */
export function earliestReconstructableVersion(listing: LogListing): number | undefined {
  if (listing.commits.has(0)) return 0;
  let earliest: number | undefined;
  for (const cp of listing.checkpoints) {
    if (cp.complete && (earliest === undefined || cp.version < earliest)) earliest = cp.version;
  }
  return earliest;
}
