/**
 * Databricks' Files API for Unity Catalog volumes, mounted by the server at `/api/2.0/fs`:
 *
 *   PUT    /files{path}?overwrite=true|false  raw body → the file (204); 409 when overwrite=false
 *                                             and it exists; 413 past `maxUploadBytes`
 *   GET    /files{path}                       the bytes (application/octet-stream, streamed;
 *                                             `Range: bytes=…` → 206, outside the file → 416)
 *   HEAD   /files{path}                       content-length, content-type, last-modified
 *   DELETE /files{path}                       204
 *   GET    /directories{path}                 {contents, next_page_token} (page_size, page_token)
 *   HEAD   /directories{path}                 200 when it is a directory
 *   PUT    /directories{path}                 creates it and its parents (204)
 *   DELETE /directories{path}                 removes it when empty (204; 409 when not)
 *
 * `{path}` is `/Volumes/<catalog>/<schema>/<volume>/…`, percent-encoded per segment. Every
 * request is authenticated (Bearer token) and every path goes only through the caller's governed
 * catalog (`resolveVolumePath`: READ VOLUME to read, WRITE VOLUME to write, with the USE path;
 * '..', '.', backslashes, NUL refused), so grants, the disclosure rule and audit are those of
 * SQL. Errors are `{error_code, message}` (http/errors.ts).
 *
 * Upload bodies are not JSON and are not bounded by `deps.maxBodyBytes` but by
 * `maxUploadBytes`: the server must not apply its JSON body limit to `PUT …/files/…`.
 */
import { Hono } from 'hono';
import { authenticate } from '../http/auth.js';
import type { ApiDeps, ServerEnv } from '../http/context.js';
import { databricksErrorBody } from '../http/error-shape.js';
import { directoryRoutes } from './routes-directories.js';
import { fileRoutes } from './routes-files.js';
import type { TreeOptions } from './volume-tree.js';

export interface FilesApiOptions {
  /** Largest upload in bytes (default 5 GiB, Databricks' single-request limit); larger → 413. */
  readonly maxUploadBytes?: number;
  /**
   * Largest upload to a volume outside the local file system, whose store takes whole objects
   * and so needs the upload in memory (default 256 MiB). Local volumes stream to disk.
   */
  readonly maxBufferedUploadBytes?: number;
}

/** What the route modules share. */
export interface FilesContext {
  readonly deps: ApiDeps;
  readonly limits: { readonly maxUploadBytes: number };
  readonly tree: TreeOptions;
}

export const DEFAULT_MAX_UPLOAD_BYTES = 5 * 1024 * 1024 * 1024;
export const DEFAULT_MAX_BUFFERED_UPLOAD_BYTES = 256 * 1024 * 1024;

/** The Files API as a hono app; mount it at `/api/2.0/fs`. */
export function filesApi(deps: ApiDeps, options: FilesApiOptions = {}): Hono<ServerEnv> {
  const ctx: FilesContext = {
    deps,
    limits: { maxUploadBytes: options.maxUploadBytes ?? DEFAULT_MAX_UPLOAD_BYTES },
    tree: { ids: deps.ids, maxBufferedBytes: options.maxBufferedUploadBytes ?? DEFAULT_MAX_BUFFERED_UPLOAD_BYTES },
  };
  const app = new Hono<ServerEnv>();
  app.use('*', authenticate(deps, 'files', databricksErrorBody));
  fileRoutes(app, ctx);
  directoryRoutes(app, ctx);
  return app;
}
