/**
 * The Unity Catalog REST API (UC OSS OpenAPI, /work/shared/specs/unity-catalog-api.yaml), mounted
 * by the server at `/api/2.1/unity-catalog` (after the Iceberg REST app, whose routes live
 * below it).
 *
 * Every request is authenticated (Bearer token → caller) and every operation works only through
 * the caller's governed catalog (`c.get('caller').catalog`), never the admin catalog: grants,
 * the disclosure rule (403 for what the caller may not see, existing or not) and audit apply
 * exactly as in SQL. Bodies over `deps.maxBodyBytes` are 413; errors are
 * `{"error_code", "message"}` with Databricks' codes (http/errors.ts). Unknown paths fall through
 * to the server's 404 ENDPOINT_NOT_FOUND, and bugs to its error handler (500, logged), both in
 * the same body shape.
 *
 * Endpoints: catalogs, schemas, tables, volumes, functions (CRUD as the spec has them),
 * permissions (GET/PATCH), metastore_summary; temporary credentials, staging tables, models,
 * credentials, external locations and Delta commits are 501 (routes-unsupported.ts).
 */
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { authenticate } from '../http/auth.js';
import { ICEBERG_REST_PREFIX } from '../http/error-shape.js';
import type { ApiDeps, ServerEnv } from '../http/context.js';
import { catalogRoutes } from './routes-catalogs.js';
import { functionRoutes } from './routes-functions.js';
import { permissionRoutes } from './routes-permissions.js';
import { schemaRoutes } from './routes-schemas.js';
import { tableRoutes } from './routes-tables.js';
import { unsupportedRoutes } from './routes-unsupported.js';
import { volumeRoutes } from './routes-volumes.js';
import { ucErrorBody } from './uc-errors.js';

/** The Unity Catalog API as a hono app; mount it at `/api/2.1/unity-catalog`. */
export function unityCatalogApi(deps: ApiDeps): Hono<ServerEnv> {
  const app = new Hono<ServerEnv>();
  const auth = authenticate(deps, 'unity-catalog', ucErrorBody);
  const limit = bodyLimit({
    maxSize: deps.maxBodyBytes,
    onError: (c) => c.json(ucErrorBody(413, 'RESOURCE_EXHAUSTED', `unity catalog: the request body is larger than ${deps.maxBodyBytes} bytes`) as object, 413),
  });
  // Mounted under the same prefix as the Iceberg REST app: its paths are not ours to guard.
  app.use('*', (c, next) => (isIcebergPath(c.req.path) ? next() : auth(c, next)));
  app.use('*', (c, next) => (isIcebergPath(c.req.path) ? next() : limit(c, next)));
  catalogRoutes(app, deps);
  schemaRoutes(app, deps);
  tableRoutes(app, deps);
  volumeRoutes(app, deps);
  functionRoutes(app, deps);
  permissionRoutes(app, deps);
  unsupportedRoutes(app, deps);
  return app;
}

function isIcebergPath(path: string): boolean {
  return path === ICEBERG_REST_PREFIX || path.startsWith(`${ICEBERG_REST_PREFIX}/`);
}
