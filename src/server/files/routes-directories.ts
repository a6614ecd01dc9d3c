/**
 * `/directories{path}`: list (GET, `page_size` ≤ 1000, `page_token`), exists (HEAD), create
 * with parents (PUT, idempotent) and remove when empty (DELETE). Listing and HEAD need READ
 * VOLUME, creating and removing WRITE VOLUME.
 *
 * Listing: `{contents: [{path, is_directory, file_size, last_modified, name}], next_page_token}`;
 * a directory's `path` ends with '/', it has no `file_size`, and `last_modified` (epoch ms) only
 * where the store keeps one; `next_page_token` only when more entries may follow.
 */
import type { Context, Hono } from 'hono';
import { LochError } from '../../core/errors.js';
import type { ServerEnv } from '../http/context.js';
import type { FilesAudit } from './files-operation.js';
import { filesOperation } from './files-operation.js';
import { decodePageToken, encodePageToken, pageSizeOf } from './paging.js';
import type { FilesContext } from './routes.js';
import { noSuch, resolveTarget } from './target.js';
import type { ChildEntry } from './volume-tree.js';
import { childOrderKey, conflictAt, occupied } from './volume-tree.js';

export function directoryRoutes(app: Hono<ServerEnv>, ctx: FilesContext): void {
  const { deps } = ctx;
  app.get('/directories/*', filesOperation(deps, (c) => (c.req.method === 'HEAD' ? 'getDirectoryMetadata' : 'listDirectoryContents'), (c, audit) => list(c, audit, ctx)));
  app.put('/directories/*', filesOperation(deps, () => 'createDirectory', (c, audit) => create(c, audit, ctx)));
  app.delete('/directories/*', filesOperation(deps, () => 'deleteDirectory', (c, audit) => remove(c, audit, ctx)));
}

async function list(c: Context<ServerEnv>, audit: FilesAudit, ctx: FilesContext): Promise<Response> {
  const pageSize = pageSizeOf(c.req.query('page_size'));
  const after = decodePageToken(c.req.query('page_token'));
  const { file, tree } = await resolveTarget(c, 'directories', 'read', audit, ctx.tree);
  const entry = await tree.stat(file.key);
  if (entry?.kind !== 'directory') throw noSuch('directory', file.path, entry?.kind === 'file' ? ': it is a file' : '');
  if (c.req.method === 'HEAD') return c.body(null, 200);
  const page = await tree.listChildren(file.key, after, pageSize);
  const contents = page.entries.map((child) => entryJson(file.path, child));
  const last = page.entries.at(-1);
  const next = page.more && last !== undefined ? { next_page_token: encodePageToken(childOrderKey(last)) } : {};
  return c.json({ contents, ...next });
}

async function create(c: Context<ServerEnv>, audit: FilesAudit, ctx: FilesContext): Promise<Response> {
  const { file, tree } = await resolveTarget(c, 'directories', 'write', audit, ctx.tree);
  if (file.key === '') return c.body(null, 204);
  const conflict = await conflictAt(tree, file.key, 'directory');
  if (conflict !== undefined) throw occupied(file.path, conflict);
  await tree.makeDirectory(file.key);
  return c.body(null, 204);
}

async function remove(c: Context<ServerEnv>, audit: FilesAudit, ctx: FilesContext): Promise<Response> {
  const { file, tree } = await resolveTarget(c, 'directories', 'write', audit, ctx.tree);
  if (file.key === '') throw new LochError('INVALID_ARGUMENT', `files: ${file.path} is the root of the volume; DROP VOLUME removes a volume`);
  const entry = await tree.stat(file.key);
  if (entry?.kind !== 'directory') throw noSuch('directory', file.path, entry?.kind === 'file' ? ': it is a file (DELETE /files removes it)' : '');
  if ((await tree.removeDirectory(file.key)) === 'not-empty') {
    throw new LochError('CONFLICT', `files: directory ${file.path} is not empty; remove its files and directories first (DIRECTORY_NOT_EMPTY)`, { context: { path: file.path } });
  }
  return c.body(null, 204);
}

function entryJson(dirPath: string, child: ChildEntry): Record<string, unknown> {
  return {
    path: `${dirPath}/${child.name}${child.directory ? '/' : ''}`,
    is_directory: child.directory,
    ...(child.size === undefined ? {} : { file_size: child.size }),
    ...(child.lastModified === undefined ? {} : { last_modified: child.lastModified }),
    name: child.name,
  };
}
