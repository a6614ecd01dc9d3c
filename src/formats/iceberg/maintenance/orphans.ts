import { LochError } from '../../../core/errors.js';

/**
 * Orphan file clean-up (Java's DeleteOrphanFiles): files under the table location that no
 * metadata reaches. `reachable` must hold every file any metadata file still listed reaches
 * (metadata JSONs of the metadata-log and the current one, version hint, manifest lists,
 * manifests, data, delete and Puffin files, statistics files). Young files are never orphans:
 * a writer may be about to commit them.
 */

export interface ListedFile {
  /** The file's path, spelled like the entries of `reachable` (or mapped by `normalize`). */
  readonly key: string;
  /** ms since the epoch, from the store listing. */
  readonly lastModified: number;
}

export interface OrphanOptions {
  /** Maps listed keys and reachable paths to one spelling before comparing (e.g. PathRewriter.rewrite). */
  readonly normalize?: (path: string) => string;
}

/**
 * Listed keys that are not reachable and were last modified strictly before
 * `nowMs - olderThanMs`, sorted. INVALID_ARGUMENT for a negative or non-finite duration or time.
 */
export function orphanFiles(
  listed: readonly ListedFile[],
  reachable: ReadonlySet<string>,
  olderThanMs: number,
  nowMs: number,
  options: OrphanOptions = {},
): string[] {
  if (!Number.isFinite(olderThanMs) || olderThanMs < 0 || !Number.isFinite(nowMs)) {
    throw new LochError('INVALID_ARGUMENT', `iceberg orphan files: age ${olderThanMs} ms and now ${nowMs} must be finite, age ≥ 0`);
  }
  const normalize = options.normalize ?? ((p: string): string => p);
  const live = new Set([...reachable].map(normalize));
  const cutoff = nowMs - olderThanMs;
  return listed
    .filter((f) => Number.isFinite(f.lastModified) && f.lastModified < cutoff && !live.has(normalize(f.key)))
    .map((f) => f.key)
    .sort();
}
