import { LochError } from '../../core/errors.js';
import type { CopyIntoStatement } from '../parse/file-statement.js';
import { applyFilter, listFiles } from './file-listing.js';
import type { FileEntry, ListingFilter } from './file-listing.js';
import type { FileLocation } from './file-location.js';

/**
 * The files a COPY INTO considers, before skipping loaded ones: FILES = (…) names files relative
 * to the source (each must exist: NOT_FOUND otherwise), PATTERN = '<glob>' matches keys relative
 * to it, and without either every file below the source is taken (recursively, hidden names
 * skipped). A FILES name or PATTERN that is absolute or holds a '.' or '..' segment is
 * PATH_ESCAPE: nothing outside the source directory is ever read.
 */
export async function selectSourceFiles(location: FileLocation, statement: CopyIntoStatement, filter: ListingFilter): Promise<FileEntry[]> {
  if (statement.pattern !== undefined) return listFiles(below(location, statement.pattern, 'PATTERN'), filter);
  if (statement.files === undefined) return listFiles(location, filter);
  const out: FileEntry[] = [];
  const seen = new Set<string>();
  for (const name of statement.files) {
    const file = below(location, name, 'FILES');
    if (seen.has(file.key)) continue;
    seen.add(file.key);
    const meta = await file.store.head(file.key);
    if (meta === undefined) {
      throw new LochError('NOT_FOUND', `files: COPY INTO: file ${file.display(file.key)} listed in FILES does not exist (PATH_NOT_FOUND)`, { context: { path: file.display(file.key) } });
    }
    out.push({ key: file.key, path: file.display(file.key), size: meta.size, lastModified: meta.lastModified });
  }
  return applyFilter(out, filter).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** The source location narrowed to `relative`, refusing names that would leave it. */
function below(location: FileLocation, relative: string, clause: string): FileLocation {
  const segments = relative.split('/');
  const bad = relative.startsWith('/') || relative.includes('\\') || relative.includes('\0') || segments.some((s) => s === '.' || s === '..') || relative === '';
  if (bad) {
    throw new LochError('PATH_ESCAPE', `files: COPY INTO ${clause} ${JSON.stringify(relative)} is not allowed: it must be a path inside the source directory ${location.display(location.key)}`, {
      context: { clause, path: relative },
    });
  }
  const inner = segments.filter((s) => s !== '').join('/');
  return { ...location, key: location.key === '' ? inner : `${location.key}/${inner}` };
}
