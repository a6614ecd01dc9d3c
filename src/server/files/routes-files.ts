/**
 * `/files{path}`: upload (PUT, raw body, `overwrite`), download (GET, `Range`), metadata (HEAD)
 * and delete (DELETE) of one file in a volume. Reading needs READ VOLUME, writing and deleting
 * WRITE VOLUME (each with USE CATALOG and USE SCHEMA); WRITE VOLUME alone does not allow reading,
 * as on Databricks.
 */
import type { Context, Hono } from 'hono';
import { LochError } from '../../core/errors.js';
import type { ServerEnv } from '../http/context.js';
import { databricksErrorBody } from '../http/error-shape.js';
import type { FilesAudit } from './files-operation.js';
import { filesOperation } from './files-operation.js';
import { contentRange, parseRange } from './range.js';
import type { FilesContext } from './routes.js';
import { noSuch, resolveTarget } from './target.js';
import { UploadBody, tooLarge } from './upload-body.js';
import { conflictAt, occupied } from './volume-tree.js';

/** After a refused upload, at most this much of the rest of the body is read and dropped. */
const DISCARD_CAP = 64 * 1024 * 1024;

export function fileRoutes(app: Hono<ServerEnv>, ctx: FilesContext): void {
  const { deps } = ctx;
  app.put('/files/*', filesOperation(deps, () => 'uploadFile', (c, audit) => upload(c, audit, ctx)));
  app.get('/files/*', filesOperation(deps, (c) => (c.req.method === 'HEAD' ? 'getFileMetadata' : 'downloadFile'), (c, audit) => download(c, audit, ctx)));
  app.delete('/files/*', filesOperation(deps, () => 'deleteFile', (c, audit) => remove(c, audit, ctx)));
}

async function upload(c: Context<ServerEnv>, audit: FilesAudit, ctx: FilesContext): Promise<Response> {
  const maxBytes = ctx.limits.maxUploadBytes;
  const body = new UploadBody(c.req.raw.body, maxBytes, c.req.raw.signal);
  try {
    const overwrite = overwriteOf(c.req.query('overwrite'));
    const { file, tree, trailingSlash } = await resolveTarget(c, 'files', 'write', audit, ctx.tree);
    if (file.key === '' || trailingSlash) throw new LochError('INVALID_ARGUMENT', `files: ${file.path}/ names a directory; upload to a file path`);
    if (Number(c.req.header('content-length') ?? NaN) > maxBytes) throw tooLarge(file.path, maxBytes);
    const conflict = await conflictAt(tree, file.key, 'file');
    if (conflict !== undefined) throw occupied(file.path, conflict);
    if (!overwrite && (await tree.stat(file.key))?.kind === 'file') throw exists(file.path);
    if ((await tree.writeFile(file.key, body.chunks(file.path), overwrite)) === 'exists') throw exists(file.path);
    return c.body(null, 204);
  } catch (error) {
    // Let the client finish sending so it reads the error, unless it sends too much more.
    if (!(await body.discard(DISCARD_CAP))) c.header('connection', 'close');
    throw error;
  }
}

async function download(c: Context<ServerEnv>, audit: FilesAudit, ctx: FilesContext): Promise<Response> {
  const { file, tree } = await resolveTarget(c, 'files', 'read', audit, ctx.tree);
  const opened = await tree.openFile(file.key);
  if (opened === undefined) throw noSuch('file', file.path, (await tree.stat(file.key))?.kind === 'directory' ? ': it is a directory' : '');
  const headers: Record<string, string> = {
    'content-type': 'application/octet-stream',
    'last-modified': new Date(opened.lastModified).toUTCString(),
    'accept-ranges': 'bytes',
  };
  const range = c.req.method === 'HEAD' ? undefined : parseRange(c.req.header('range'), opened.size);
  if (c.req.method === 'HEAD' || range === 'unsatisfiable') await opened.close();
  if (c.req.method === 'HEAD') return new Response(null, { status: 200, headers: { ...headers, 'content-length': String(opened.size) } });
  if (range === 'unsatisfiable') {
    // 416 is not in the status table (http/errors.ts): answered here, with the file's size.
    const message = `files: the range ${JSON.stringify(c.req.header('range')?.slice(0, 100))} is outside ${file.path} (${opened.size} bytes)`;
    return c.json(databricksErrorBody(416, 'INVALID_PARAMETER_VALUE', message) as object, 416, { 'content-range': `bytes */${opened.size}` });
  }
  const part = range ?? { start: 0, end: opened.size - 1 };
  const length = Math.max(0, part.end + 1 - part.start);
  if (length === 0) {
    await opened.close();
    return new Response(new Uint8Array(0), { status: 200, headers: { ...headers, 'content-length': '0' } });
  }
  if (range !== undefined) headers['content-range'] = contentRange(part, opened.size);
  headers['content-length'] = String(length);
  return new Response(opened.stream(part.start, part.end), { status: range === undefined ? 200 : 206, headers });
}

async function remove(c: Context<ServerEnv>, audit: FilesAudit, ctx: FilesContext): Promise<Response> {
  const { file, tree } = await resolveTarget(c, 'files', 'write', audit, ctx.tree);
  const entry = await tree.stat(file.key);
  if (entry?.kind !== 'file') throw noSuch('file', file.path, entry?.kind === 'directory' ? ': it is a directory (DELETE /directories removes an empty one)' : '');
  await tree.removeFile(file.key);
  return c.body(null, 204);
}

/** `overwrite`: absent or "true" → true, "false" → false (Databricks' default is to overwrite). */
function overwriteOf(value: string | undefined): boolean {
  if (value === undefined || value === '' || /^true$/i.test(value)) return true;
  if (/^false$/i.test(value)) return false;
  throw new LochError('INVALID_ARGUMENT', `files: overwrite must be true or false, got ${JSON.stringify(value.slice(0, 40))}`);
}

function exists(path: string): LochError {
  return new LochError('ALREADY_EXISTS', `files: ${path} already exists and overwrite is false (ALREADY_EXISTS)`, { context: { path } });
}

