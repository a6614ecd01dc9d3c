import { LochError } from '../../core/errors.js';
import type { ObjectMeta } from '../../storage/object-store.js';
import { globRegExp, hasGlob, splitGlob } from './file-glob.js';
import type { FileLocation } from './file-location.js';

/** One file a path or glob selected. */
export interface FileEntry {
  /** The key in the location's store. */
  readonly key: string;
  /** The path users see (/Volumes/…, s3://…, /abs/…). */
  readonly path: string;
  readonly size: number;
  /** Epoch milliseconds. */
  readonly lastModified: number;
}

/** Filters of read_files / COPY INTO FORMAT_OPTIONS that narrow a listing. */
export interface ListingFilter {
  /** A glob the file name (last segment) must match (`pathGlobFilter`, `fileNamePattern`). */
  readonly nameGlob?: string;
  /** Keep files modified strictly after / before these instants (epoch ms). */
  readonly modifiedAfter?: number;
  readonly modifiedBefore?: number;
}

/**
 * The files a location names, in key order: a glob → the files it matches, plus every file
 * below a directory it matches; a file → that file; a directory → every file below it,
 * recursively (Databricks reads directories recursively). Below a named or matched directory,
 * hidden names are skipped as Spark skips them: names starting with '.', and names starting
 * with '_' unless they hold '=' (partition folders). An empty result is a value, not an error.
 */
export async function listFiles(location: FileLocation, filter: ListingFilter = {}): Promise<FileEntry[]> {
  const found = hasGlob(location.key) ? await listGlob(location) : await listPath(location);
  return applyFilter(found, filter).map((m) => ({ key: m.key, path: location.display(m.key), size: m.size, lastModified: m.lastModified }));
}

/** The entries that pass the name glob and modification-time bounds of `filter`. */
export function applyFilter<T extends { readonly key: string; readonly lastModified: number }>(entries: readonly T[], filter: ListingFilter): T[] {
  const name = filter.nameGlob === undefined ? undefined : globRegExp(filter.nameGlob);
  return entries.filter(
    (e) =>
      (name === undefined || name.test(e.key.slice(e.key.lastIndexOf('/') + 1))) &&
      (filter.modifiedAfter === undefined || e.lastModified > filter.modifiedAfter) &&
      (filter.modifiedBefore === undefined || e.lastModified < filter.modifiedBefore),
  );
}

/**
 * Like `listFiles`, but an empty selection is NOT_FOUND naming the path and `what` (a missing
 * file, an empty directory, a glob matching nothing).
 */
export async function requireFiles(location: FileLocation, what: string, filter: ListingFilter = {}): Promise<FileEntry[]> {
  const files = await listFiles(location, filter);
  if (files.length === 0) {
    const path = location.display(location.key);
    throw new LochError('NOT_FOUND', `files: ${what}: no files at ${path}${hasGlob(location.key) ? ' match the pattern' : ''} (PATH_NOT_FOUND)`, { context: { path } });
  }
  return files;
}

/**
 * DuckDB's glob semantics for its own readers: only the keys the pattern matches as a whole
 * (no directory expansion, no hidden-name filter); a plain key names one file, if it exists.
 */
export async function globFiles(location: FileLocation): Promise<FileEntry[]> {
  const toEntry = (m: ObjectMeta): FileEntry => ({ key: m.key, path: location.display(m.key), size: m.size, lastModified: m.lastModified });
  if (!hasGlob(location.key)) {
    const meta = location.key === '' ? undefined : await location.store.head(location.key);
    return meta === undefined ? [] : [toEntry({ ...meta, key: location.key })];
  }
  const pattern = globRegExp(location.key);
  const out: FileEntry[] = [];
  for await (const meta of location.store.list(splitGlob(location.key).base)) if (pattern.test(meta.key)) out.push(toEntry(meta));
  return out;
}

async function listPath(location: FileLocation): Promise<ObjectMeta[]> {
  const key = location.key;
  if (key !== '') {
    const meta = await location.store.head(key);
    if (meta !== undefined) return [{ ...meta, key }];
  }
  const prefix = key === '' ? '' : `${key}/`;
  const out: ObjectMeta[] = [];
  for await (const meta of location.store.list(prefix)) {
    if (!isHiddenBelow(meta.key, prefix.length)) out.push(meta);
  }
  return out;
}

async function listGlob(location: FileLocation): Promise<ObjectMeta[]> {
  const { base } = splitGlob(location.key);
  const pattern = globRegExp(location.key);
  const out: ObjectMeta[] = [];
  for await (const meta of location.store.list(base)) {
    const matchedUpTo = globMatchEnd(pattern, meta.key, base.length);
    if (matchedUpTo !== undefined && !isHiddenBelow(meta.key, matchedUpTo)) out.push(meta);
  }
  return out;
}

/**
 * Where the glob's match of `key` ends: the key's length when the glob matches the whole key,
 * else the end (after '/') of the shortest directory prefix it matches; undefined when neither.
 */
function globMatchEnd(pattern: RegExp, key: string, from: number): number | undefined {
  if (pattern.test(key)) return key.length;
  for (let slash = key.indexOf('/', from); slash >= 0; slash = key.indexOf('/', slash + 1)) {
    if (pattern.test(key.slice(0, slash))) return slash + 1;
  }
  return undefined;
}

/** True when a segment of `key` after offset `from` is a name Spark treats as hidden. */
function isHiddenBelow(key: string, from: number): boolean {
  if (from >= key.length) return false;
  return key
    .slice(from)
    .split('/')
    .some((name) => name.startsWith('.') || (name.startsWith('_') && !name.includes('=')));
}
