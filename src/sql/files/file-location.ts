import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LochError } from '../../core/errors.js';
import type { VolumeInfo } from '../../catalog/catalog-types.js';
import { isVolumePath } from '../../catalog/volume-paths.js';
import { openStore } from '../../storage/open-store.js';
import type { ObjectStore } from '../../storage/object-store.js';
import { refuseHostPath } from '../bind/raw-access.js';
import type { SqlEnv } from '../sql-env.js';

/**
 * Where a user-written file path (read_files, LIST, COPY INTO, DuckDB readers) points: a store
 * and a key inside it (possibly a glob), plus how to show any key of that store to the user.
 */
export { isVolumePath };

export interface FileLocation {
  readonly store: ObjectStore;
  /** The key the path names ('' for the store's root); may hold glob characters. */
  readonly key: string;
  /** The volume the path is in, for /Volumes paths. */
  readonly volume?: VolumeInfo;
  /** The path users see for `key` of this store: /Volumes/c/s/v/k, s3://b/k, /abs/k. */
  display(key: string): string;
  /**
   * A stable name of the object at `key` for load bookkeeping (COPY INTO): the volume's id plus
   * the key for volumes, so renaming a volume does not make its files look new; else the display path.
   */
  identity(key: string): string;
}

/**
 * Resolves a path for file statements and functions:
 * - `/Volumes/<catalog>/<schema>/<volume>/…` and `dbfs:/Volumes/…` through the catalog (PATH_ESCAPE
 *   for `..`/`.` segments, NOT_FOUND for a missing volume);
 * - `s3://bucket/…`, `s3a://…` and `memory://name/…` as a store rooted at the bucket (or name);
 * - local paths and `file:` URLs (relative paths against the store options' cwd).
 * Other schemes are INVALID_ARGUMENT naming `what` (the statement or function).
 * Volume paths need READ VOLUME (`access` 'read', the default) or WRITE VOLUME ('write'), as the
 * catalog checks them; every other path is PERMISSION_DENIED for a principal that is not an admin.
 */
export async function locateFiles(env: SqlEnv, path: string, what: string, access: 'read' | 'write' = 'read'): Promise<FileLocation> {
  refuseHostPath(env, path, what);
  if (isVolumePath(path)) {
    const file = await env.catalog.resolveVolumePath(path, access);
    const v = file.volume;
    const root = `/Volumes/${v.catalog}/${v.schema}/${v.name}`;
    return {
      store: file.store,
      key: file.key,
      volume: v,
      display: (key) => (key === '' ? root : `${root}/${key}`),
      identity: (key) => `volume:${v.id}/${key}`,
    };
  }
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(path)?.[1]?.toLowerCase();
  if (scheme === 's3' || scheme === 's3a' || scheme === 'memory') return urlLocation(env, path, what);
  if (scheme === undefined || scheme === 'file') return localLocation(env, path, what);
  throw new LochError('INVALID_ARGUMENT', `files: ${what} ${path}: unsupported location (use /Volumes/<catalog>/<schema>/<volume>/…, a local path, s3:// or memory://)`, {
    context: { path },
  });
}

function urlLocation(env: SqlEnv, path: string, what: string): FileLocation {
  const match = /^([a-zA-Z0-9+.-]+:\/\/[^/]+)(?:\/(.*))?$/.exec(path);
  if (match === null) throw new LochError('INVALID_ARGUMENT', `files: ${what} ${path}: expected <scheme>://<bucket>/<path>`, { context: { path } });
  const root = match[1] as string;
  const key = trimSlashes(match[2] ?? '');
  const display = (k: string) => (k === '' ? root : `${root}/${k}`);
  return { store: openStore(root, env.ctx.storeOptions), key, display, identity: display };
}

function localLocation(env: SqlEnv, path: string, what: string): FileLocation {
  let absolute: string;
  try {
    const plain = path.startsWith('file:') ? fileURLToPath(path) : path;
    absolute = isAbsolute(plain) ? resolve(plain) : resolve(env.ctx.storeOptions.cwd ?? process.cwd(), plain);
  } catch (cause) {
    throw new LochError('INVALID_ARGUMENT', `files: ${what} ${path}: not a valid file path`, { cause, context: { path } });
  }
  // Rooted at '/', so keys are the absolute path without its leading slash.
  const display = (k: string) => `/${k}`;
  return { store: openStore('/', env.ctx.storeOptions), key: trimSlashes(absolute), display, identity: (k) => `file:///${k}` };
}

function trimSlashes(text: string): string {
  return text.replace(/^\/+|\/+$/g, '');
}
