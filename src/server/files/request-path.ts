/**
 * The volume path a Files API request names: everything after `/files` or `/directories` in
 * the request URL, e.g. `PUT /api/2.0/fs/files/Volumes/main/raw/landing/a%20b.csv` names
 * `/Volumes/main/raw/landing/a b.csv`.
 *
 * The path is taken from the URL as received (hono's `c.req.path` is half-decoded: `%2F` stays
 * encoded while `%2e` does not, and route parameters are decoded once more), and each segment
 * is percent-decoded exactly once here. A segment that decodes to something holding '/', '\' or
 * NUL is refused (PATH_ESCAPE); '.' and '..' are left for the catalog's `resolveVolumePath`,
 * which refuses them too (also when they are still encoded once more), so nothing can climb out
 * of a volume. Dot segments written plainly never get here: the URL parser of the HTTP server
 * resolves them first, so `/Volumes/c/s/v/../../x` arrives as `/Volumes/c/x` and is governed
 * and resolved as that path.
 */
import type { Context } from 'hono';
import { basePath } from 'hono/route';
import { LochError } from '../../core/errors.js';

export type Endpoint = 'files' | 'directories';

export interface RequestedPath {
  /** The decoded absolute path, e.g. `/Volumes/c/s/v/dir/a b.csv` (for resolveVolumePath). */
  readonly path: string;
  /** True when the URL path ended with '/' (a directory's spelling). */
  readonly trailingSlash: boolean;
}

/** The path after `/<endpoint>` in the request's URL, decoded (see the module comment). */
export function requestedPath(c: Context, endpoint: Endpoint): RequestedPath {
  const raw = new URL(c.req.url).pathname;
  const base = basePath(c);
  const prefix = `${base === '/' ? '' : base}/${endpoint}`;
  if (!raw.startsWith(prefix) || (raw.length > prefix.length && raw[prefix.length] !== '/')) {
    throw new LochError('INVALID_ARGUMENT', `files: the request path does not name a path under /${endpoint}`);
  }
  const rest = raw.slice(prefix.length);
  return { path: decodePath(rest), trailingSlash: rest.length > 1 && rest.endsWith('/') };
}

/** Decodes each '/'-separated segment once; empty segments are kept for the catalog to collapse. */
export function decodePath(rawPath: string): string {
  return rawPath
    .split('/')
    .map((segment) => decodeSegment(segment))
    .join('/');
}

function decodeSegment(segment: string): string {
  if (!segment.includes('%')) return refuseSeparators(segment, segment);
  let decoded: string;
  try {
    decoded = decodeURIComponent(segment);
  } catch {
    throw new LochError('INVALID_ARGUMENT', `files: the path segment ${JSON.stringify(segment.slice(0, 200))} is not valid percent-encoded UTF-8`);
  }
  return refuseSeparators(segment, decoded);
}

function refuseSeparators(segment: string, decoded: string): string {
  if (/[/\\\0]/.test(decoded)) {
    throw new LochError('PATH_ESCAPE', `files: the path segment ${JSON.stringify(segment.slice(0, 200))} holds a '/', '\\' or NUL character`, {
      context: { segment: segment.slice(0, 200) },
    });
  }
  return decoded;
}
