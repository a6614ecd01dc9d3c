import type { Dirent } from 'node:fs';
import { lstat, readdir, rm, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { toLochError } from '../../core/errors.js';
import { LOCAL_TEMP_PREFIX } from '../../storage/check-key.js';
import type { ObjectStore } from '../../storage/object-store.js';
import type { VacuumFile } from './vacuum-candidates.js';

/** Folder under a local table's root where writers stage files (see write/data-files.ts). */
export const STAGING_DIR = '_loch_staging';

/** What crashed Loch writers left in a local table folder, old enough to go. */
export interface Leftovers {
  /** Every file that goes, keyed relative to the table root. */
  readonly files: VacuumFile[];
  /** `_loch_staging/<write id>` folders removed whole. */
  readonly stagingDirs: string[];
  /** `.loch-tmp-*` files removed one by one. */
  readonly tempFiles: string[];
}

const NONE: Leftovers = { files: [], stagingDirs: [], tempFiles: [] };

/** The local folder of a store rooted on the local file system, if it is one. */
function localRoot(store: ObjectStore): string | undefined {
  if (!store.url.startsWith('file:') || store.localPath === undefined) return undefined;
  return fileURLToPath(store.url);
}

/**
 * Finds the leftovers of crashed writers in a local table folder (other stores have none: their
 * writers stage in the OS temp folder and put objects atomically): `.loch-tmp-*` files anywhere
 * (a put or commit that died before its rename/link; the store hides them from listings) and
 * `_loch_staging/<id>` folders (a write that died before moving its files into place). Only
 * those whose every file and folder was last modified before `cutoff` are returned, so a write
 * in progress is never touched. Symbolic links are not followed.
 */
export async function findLocalLeftovers(store: ObjectStore, cutoff: number): Promise<Leftovers> {
  const root = localRoot(store);
  if (root === undefined) return NONE;
  const out = { files: [] as VacuumFile[], stagingDirs: [] as string[], tempFiles: [] as string[] };
  await walk(root, '', cutoff, out);
  return out;
}

async function walk(root: string, dirKey: string, cutoff: number, out: { files: VacuumFile[]; stagingDirs: string[]; tempFiles: string[] }): Promise<void> {
  for (const entry of await entries(join(root, dirKey))) {
    const key = `${dirKey}${entry.name}`;
    if (entry.isDirectory()) {
      if (dirKey === '' && entry.name === STAGING_DIR) await stagingFolders(root, cutoff, out);
      else await walk(root, `${key}/`, cutoff, out);
    } else if (entry.isFile() && entry.name.startsWith(LOCAL_TEMP_PREFIX)) {
      const stats = await lstat(join(root, key)).catch(() => undefined);
      if (stats !== undefined && stats.mtimeMs < cutoff) {
        out.files.push({ key, size: stats.size });
        out.tempFiles.push(key);
      }
    }
  }
}

async function stagingFolders(root: string, cutoff: number, out: { files: VacuumFile[]; stagingDirs: string[] }): Promise<void> {
  for (const entry of await entries(join(root, STAGING_DIR))) {
    const key = `${STAGING_DIR}/${entry.name}`;
    const found: VacuumFile[] = [];
    const newest = await newestTime(root, key, found);
    if (newest >= cutoff) continue;
    out.files.push(...found);
    out.stagingDirs.push(key);
  }
}

/** The newest modification time of a file or folder tree (folders count too); collects its files. */
async function newestTime(root: string, key: string, files: VacuumFile[]): Promise<number> {
  const stats = await lstat(join(root, key)).catch(() => undefined);
  if (stats === undefined) return Number.POSITIVE_INFINITY;
  if (stats.isFile()) files.push({ key, size: stats.size });
  let newest = stats.mtimeMs;
  if (stats.isDirectory()) {
    for (const entry of await entries(join(root, key))) newest = Math.max(newest, await newestTime(root, `${key}/${entry.name}`, files));
  }
  return newest;
}

async function entries(dir: string): Promise<Dirent[]> {
  try {
    return await readdir(dir, { withFileTypes: true });
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return [];
    throw toLochError(error, 'STORAGE_ERROR', `delta vacuum: cannot list ${dir}`, { dir });
  }
}

/** Deletes what findLocalLeftovers found; returns the number of files removed. */
export async function removeLocalLeftovers(store: ObjectStore, leftovers: Leftovers): Promise<number> {
  const root = localRoot(store);
  if (root === undefined) return 0;
  try {
    for (const key of leftovers.tempFiles) await unlink(join(root, key)).catch(ignoreMissing);
    for (const key of leftovers.stagingDirs) await rm(join(root, key), { recursive: true, force: true });
  } catch (error) {
    throw toLochError(error, 'STORAGE_ERROR', `delta vacuum: cannot remove a crashed writer's leftovers in ${root}`, { root });
  }
  return leftovers.files.length;
}

function ignoreMissing(error: unknown): void {
  if ((error as { code?: unknown }).code !== 'ENOENT') throw error;
}
