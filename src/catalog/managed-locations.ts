import { LochError } from '../core/errors.js';
import { parseLocation } from '../storage/open-store.js';
import type { StoreLocation } from '../storage/open-store.js';
import { refuseVolumeLocation } from './volume-paths.js';

/** The folders of a storage root that hold managed objects, each named by the object's id. */
export type ManagedFolder = 'tables' | 'volumes' | 'vector_indexes';

export const MANAGED_FOLDERS: readonly ManagedFolder[] = ['tables', 'volumes', 'vector_indexes'];

/**
 * The storage root of a schema's managed objects: the schema's MANAGED LOCATION, else its
 * catalog's, else the warehouse root (Unity Catalog's inheritance).
 */
export function managedRoot(schemaRoot: string | undefined, catalogRoot: string | undefined, warehouseRoot: string): string {
  return schemaRoot ?? catalogRoot ?? warehouseRoot;
}

/** `<root>/<folder>/<id>`: where a managed table or volume lives. The id never changes on rename. */
export function managedLocation(root: string, folder: ManagedFolder, id: string): string {
  return joinLocation(root, folder, id);
}

/**
 * True when `location` has the shape of the managed folder of `id` (`…/<folder>/<id>`). Checked
 * before deleting a folder, so a damaged metastore document cannot point a delete elsewhere.
 */
export function isManagedLocation(location: string, folder: ManagedFolder, id: string): boolean {
  return id !== '' && !id.includes('/') && location.replace(/\/+$/, '').endsWith(`/${folder}/${id}`);
}

/**
 * Appends '/'-separated parts to a root that is a local path or a URL, with exactly one slash at
 * each join: `s3://b/p/` + `tables` → `s3://b/p/tables`, `/` + `tables` → `/tables`,
 * `file:///` + `tables` → `file:///tables`.
 */
export function joinLocation(root: string, ...parts: readonly string[]): string {
  const inner = parts.map((p) => p.replace(/^\/+|\/+$/g, '')).filter((p) => p !== '');
  const trimmed = root.replace(/\/+$/, '');
  // A root that is only slashes after its scheme ("/", "file:///") keeps them.
  const base = trimmed === '' || /^[a-zA-Z][a-zA-Z0-9+.-]*:$/.test(trimmed) ? root : `${trimmed}/`;
  return base + inner.join('/');
}

/**
 * Validates a location given by a user (a MANAGED LOCATION or an external LOCATION) and returns
 * it in canonical form: a local path or file: URL becomes an absolute path (relative ones are
 * resolved against `cwd`), a URL loses trailing slashes. Refuses with INVALID_ARGUMENT an empty
 * location, an unknown scheme, and a URL with '.' or '..' segments.
 */
export function normalizeLocation(location: string, what: string, cwd?: string): string {
  if (location.trim() === '') throw invalidLocation(location, what, 'the location is empty');
  const parsed = parse(location, what, cwd);
  if (parsed.kind === 'local') return parsed.path;
  const trimmed = location.replace(/\/+$/, '');
  const path = trimmed.replace(/^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//, '');
  if (path.split('/').some((s) => s === '.' || s === '..')) throw invalidLocation(location, what, "it has a '.' or '..' segment");
  return trimmed;
}

/**
 * Validates an external location (see normalizeLocation) and refuses with INVALID_ARGUMENT one
 * that overlaps the managed `tables/` or `volumes/` folder of any of `managedRoots` (inside it,
 * or containing it): Unity Catalog keeps external and managed storage apart, so that dropping a
 * managed object can never delete external data and the reverse.
 */
export function checkExternalLocation(location: string, managedRoots: readonly string[], what: string, cwd?: string): string {
  refuseVolumeLocation(location, what);
  const normalized = normalizeLocation(location, what, cwd);
  const key = locationKey(normalized, cwd);
  for (const root of managedRoots) {
    for (const folder of MANAGED_FOLDERS) {
      const managed = joinLocation(root, folder);
      if (overlaps(key, locationKey(managed, cwd))) {
        throw new LochError(
          'INVALID_ARGUMENT',
          `catalog: ${what} location ${normalized} overlaps the managed storage ${managed} (INVALID_PARAMETER_VALUE.LOCATION_OVERLAP)`,
          { context: { location: normalized, managed } },
        );
      }
    }
  }
  return normalized;
}

/** A form of a location in which two spellings of one place compare equal (for overlap checks). */
export function locationKey(location: string, cwd?: string): string {
  const parsed = parse(location, 'storage', cwd);
  switch (parsed.kind) {
    case 'local':
      return parsed.path.replace(/\/+$/, '') || '/';
    case 's3':
      return parsed.prefix === '' ? `s3://${parsed.bucket}` : `s3://${parsed.bucket}/${parsed.prefix}`;
    case 'memory':
      return `memory://${parsed.name.replace(/\/+$/, '')}`;
  }
}

/** True when one location lies inside the other or both are the same. */
export function overlaps(a: string, b: string): boolean {
  return a === b || a.startsWith(withSlash(b)) || b.startsWith(withSlash(a));
}

function withSlash(text: string): string {
  return text.endsWith('/') ? text : `${text}/`;
}

function parse(location: string, what: string, cwd: string | undefined): StoreLocation {
  try {
    return parseLocation(location, cwd);
  } catch (error) {
    const reason = error instanceof Error ? error.message.replace(/^storage: /, '') : String(error);
    throw invalidLocation(location, what, reason, error);
  }
}

function invalidLocation(location: string, what: string, reason: string, cause?: unknown): LochError {
  return new LochError('INVALID_ARGUMENT', `catalog: invalid ${what} location ${JSON.stringify(location)}: ${reason}`, {
    context: { location },
    ...(cause === undefined ? {} : { cause }),
  });
}
