import type { ObjectStore } from '../../storage/object-store.js';

/** A file VACUUM may delete: its key under the table root and its size. */
export interface VacuumFile {
  readonly key: string;
  readonly size: number;
}

export interface CandidateRequest {
  /** Partition column names (logical and physical): `<col>=…` directories are never hidden. */
  readonly partitionColumns: readonly string[];
  /** Only files last modified strictly before this time (ms) are candidates. */
  readonly cutoff: number;
  /** Keys some version in the retention window references. */
  readonly retained: ReadonlySet<string>;
}

export interface CandidateListing {
  readonly files: VacuumFile[];
  /** Directories holding the files looked at, plus the root (Spark's numVacuumedDirectories). */
  readonly directories: number;
}

/**
 * Spark's rule for names VACUUM leaves alone (DeltaTableUtils.isHiddenDirectory), applied to
 * every directory name and file name of a key: names starting with '_' or '.', and `metadata`
 * (UniForm's Iceberg metadata), except `_change_data`, `_delta_index` and partition directories
 * `<partition column>=…` (so `_p=1` of a column `_p` is data). `_delta_log` is hidden by it.
 */
export function isHiddenName(name: string, partitionColumns: readonly string[]): boolean {
  if (name === 'metadata') return true;
  if (!name.startsWith('_') && !name.startsWith('.')) return false;
  if (name.startsWith('_change_data') || name.startsWith('_delta_index')) return false;
  return !partitionColumns.some((column) => name.startsWith(`${column}=`));
}

/**
 * Lists every object under the table root and keeps the ones VACUUM deletes: no hidden name on
 * the way (see isHiddenName), modified before the cutoff (a writer that has written files but
 * not committed yet is protected by their fresh times), and referenced by no version in the
 * retention window. Directories are not objects: empty ones stay behind.
 */
export async function listVacuumCandidates(store: ObjectStore, request: CandidateRequest): Promise<CandidateListing> {
  const files: VacuumFile[] = [];
  const directories = new Set<string>();
  for await (const meta of store.list('')) {
    const segments = meta.key.split('/');
    if (segments.some((name) => isHiddenName(name, request.partitionColumns))) continue;
    for (let i = 1; i < segments.length; i++) directories.add(segments.slice(0, i).join('/'));
    if (meta.lastModified >= request.cutoff || request.retained.has(meta.key)) continue;
    files.push({ key: meta.key, size: meta.size });
  }
  return { files, directories: directories.size + 1 };
}
