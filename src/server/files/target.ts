/**
 * Resolving the volume path of a Files API request, governed: only through the caller's
 * catalog (`resolveVolumePath`, which checks READ VOLUME or WRITE VOLUME with the USE path and
 * refuses '..', '.', backslashes and NUL), never by joining strings onto a location.
 */
import type { Context } from 'hono';
import type { VolumeFile } from '../../catalog/catalog-types.js';
import { LochError } from '../../core/errors.js';
import type { ServerEnv } from '../http/context.js';
import type { FilesAudit } from './files-operation.js';
import type { Endpoint } from './request-path.js';
import { requestedPath } from './request-path.js';
import type { TreeOptions, VolumeTree } from './volume-tree.js';
import { treeFor } from './volume-tree.js';

export interface Target {
  readonly file: VolumeFile;
  readonly tree: VolumeTree;
  /** The URL path ended with '/'. */
  readonly trailingSlash: boolean;
}

/** The file or directory a request names, resolved for `access` as the caller. */
export async function resolveTarget(c: Context<ServerEnv>, endpoint: Endpoint, access: 'read' | 'write', audit: FilesAudit, options: TreeOptions): Promise<Target> {
  const requested = requestedPath(c, endpoint);
  const file = await c.get('caller').catalog.resolveVolumePath(requested.path, access);
  audit.target(file);
  return { file, tree: treeFor(file, options), trailingSlash: requested.trailingSlash };
}

/** 404 for a path holding no file (or something else than what the operation needs). */
export function noSuch(what: 'file' | 'directory', path: string, detail = ''): LochError {
  return new LochError('NOT_FOUND', `files: there is no ${what} at ${path}${detail} (NOT_FOUND)`, { context: { path } });
}
