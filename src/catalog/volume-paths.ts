import { LochError } from '../core/errors.js';

/** A `/Volumes/…` path taken apart; names as written (not yet normalised), key case kept. */
export interface VolumePath {
  readonly catalog: string;
  readonly schema: string;
  readonly volume: string;
  /** The key under the volume root ('' for the root), '/'-separated, no empty segments. */
  readonly key: string;
}

const DBFS_PREFIX = /^dbfs:/i;
const ROOT = 'Volumes';

/**
 * Parses `/Volumes/<catalog>/<schema>/<volume>[/<rest>]`, also written `dbfs:/Volumes/…`.
 * Empty segments (double or trailing slashes) collapse. Refuses with PATH_ESCAPE a path holding
 * a NUL or a backslash, or a segment that is `.` or `..` — also once percent-decoded (`%2e%2e`,
 * since some readers decode paths) — or that decodes to something holding '/', '\' or NUL.
 * Refuses with INVALID_ARGUMENT a path that does not start with /Volumes/ followed by the three
 * names. Pure: nothing is looked up.
 */
export function parseVolumePath(path: string): VolumePath {
  if (path.includes('\0')) throw escape(path, 'it contains a NUL character');
  if (path.includes('\\')) throw escape(path, 'it contains a backslash');
  const bare = path.replace(DBFS_PREFIX, '');
  if (!bare.startsWith('/')) throw invalid(path);
  const segments = bare.split('/').filter((s) => s !== '');
  for (const segment of segments) checkSegment(path, segment);
  const [root, catalog, schema, volume, ...rest] = segments;
  if (root !== ROOT || catalog === undefined || schema === undefined || volume === undefined) throw invalid(path);
  return { catalog, schema, volume, key: rest.join('/') };
}

/** True when `path` is meant as a volume path (so callers can route it here rather than to a store). */
export function isVolumePath(path: string): boolean {
  const bare = path.replace(DBFS_PREFIX, '');
  return bare === `/${ROOT}` || bare.startsWith(`/${ROOT}/`);
}

/**
 * Volumes hold files, never tables or other volumes (as on Databricks): a table or external
 * volume location under /Volumes is refused before anything is written, instead of becoming a
 * folder named /Volumes on the host.
 */
export function refuseVolumeLocation(location: string, what: string): void {
  if (!/^(dbfs:)?\/volumes(\/|$)/i.test(location.trim())) return;
  throw new LochError('INVALID_ARGUMENT', `catalog: ${what} location ${location} is inside /Volumes; volumes hold files, not tables or volumes: choose a location outside /Volumes (INVALID_PARAMETER_VALUE.LOCATION)`, {
    context: { location },
  });
}

/** The canonical text of a volume path: /Volumes/<catalog>/<schema>/<volume>[/<key>]. */
export function formatVolumePath(parts: VolumePath): string {
  const base = `/${ROOT}/${parts.catalog}/${parts.schema}/${parts.volume}`;
  return parts.key === '' ? base : `${base}/${parts.key}`;
}

function checkSegment(path: string, segment: string): void {
  if (segment === '.' || segment === '..') throw escape(path, `it has a '${segment}' segment`);
  // Decoded repeatedly: a reader further down may decode once more than expected (%252e).
  let decoded = segment;
  for (let round = 0; round < 3 && decoded.includes('%'); round += 1) {
    decoded = percentDecoded(decoded);
    if (decoded === '.' || decoded === '..') throw escape(path, `the segment '${segment}' decodes to '${decoded}'`);
    if (/[/\\\0]/.test(decoded)) throw escape(path, `the segment '${segment}' decodes to a separator or NUL`);
  }
}

/** Decodes %XX escapes; malformed UTF-8 sequences are decoded byte by byte instead. */
function percentDecoded(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment.replace(/%([0-9a-fA-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  }
}

function escape(path: string, reason: string): LochError {
  return new LochError('PATH_ESCAPE', `volume: path ${JSON.stringify(path)} is not allowed: ${reason}`, { context: { path } });
}

function invalid(path: string): LochError {
  return new LochError(
    'INVALID_ARGUMENT',
    `volume: path ${JSON.stringify(path)} is not a volume path; expected /Volumes/<catalog>/<schema>/<volume>[/<path>]`,
    { context: { path } },
  );
}
