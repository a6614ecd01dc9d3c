import { LochError } from '../core/errors.js';
import type { ObjectStore } from '../storage/object-store.js';
import { openStore } from '../storage/open-store.js';
import type { OpenStoreOptions } from '../storage/open-store.js';

/** A table's root: the store rooted at it and the text used to name it in messages. */
export interface TableLocation {
  readonly store: ObjectStore;
  /** The location as the user wrote it (path or URL): errors name the table by it. */
  readonly name: string;
  readonly options: OpenStoreOptions;
}

export function locateTable(location: string, options: OpenStoreOptions): TableLocation {
  if (location.trim() === '') throw new LochError('INVALID_ARGUMENT', 'table: the table location is empty');
  return { store: openStore(location.replace(/\/+$/, '') || '/', options), name: location, options };
}

/** A data file, DV or CDC file named by a log path: the store to read it from and its key. */
export interface FileRef {
  readonly store: ObjectStore;
  readonly key: string;
}

const SCHEME = /^[a-zA-Z][a-zA-Z0-9+.-]*:/;

/**
 * Resolves a path from the log. Relative paths are URL-encoded keys under the table root (a
 * `..` in them is refused by the store as PATH_ESCAPE); absolute URIs (shallow clones, `file:`
 * paths some writers emit) are opened as a store on their parent folder.
 */
export function resolveLogPath(table: TableLocation, logPath: string): FileRef {
  // Some writers put plain absolute paths in the log; they are file URLs without the scheme.
  if (logPath.startsWith('/') && table.store.url.startsWith('file:')) return resolveLogPath(table, `file://${logPath}`);
  if (!SCHEME.test(logPath)) return { store: table.store, key: decodePath(table, logPath) };
  const tableUrl = table.store.url.replace(/\/+$/, '');
  const normalized = normalizeFileUrl(logPath);
  const decoded = safeDecode(table, normalized);
  if (decoded.startsWith(`${decodeURIComponentSafe(tableUrl)}/`)) {
    return { store: table.store, key: decoded.slice(decodeURIComponentSafe(tableUrl).length + 1) };
  }
  const slash = decoded.lastIndexOf('/');
  return { store: openStore(decoded.slice(0, slash), table.options), key: decoded.slice(slash + 1) };
}

/** `file:/a/b` and `file:///a/b` name the same file; stores use the `file:///` form. */
function normalizeFileUrl(url: string): string {
  if (/^file:\/(?!\/)/.test(url)) return `file:///${url.slice('file:/'.length)}`;
  if (/^file:\/\/localhost\//.test(url)) return `file:///${url.slice('file://localhost/'.length)}`;
  return url;
}

function decodePath(table: TableLocation, path: string): string {
  return safeDecode(table, path);
}

function safeDecode(table: TableLocation, path: string): string {
  try {
    return decodeURIComponent(path);
  } catch (cause) {
    throw new LochError('CORRUPT_DATA', `table ${table.name}: the log names a file with an invalid URL encoding: ${path}`, { cause, context: { table: table.name, path } });
  }
}

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
