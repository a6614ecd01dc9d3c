/**
 * The Iceberg REST catalog (Apache Iceberg's REST catalog OpenAPI), mounted by the server at
 * `/api/2.1/unity-catalog/iceberg-rest` (Databricks' path; clients append `/v1/...`).
 *
 * Routes exist twice: `/v1/{prefix}/…` where the prefix (the Iceberg "warehouse", handed out by
 * `GET /v1/config?warehouse=`) is a Loch catalog, and `/v1/…` without a prefix for catalog
 * `main` (iceberg-js without a warehouse never calls /v1/config). The prefix-less routes are
 * registered first and win where a path could be read both ways, so a catalog named
 * `namespaces`, `tables`, `transactions` or `views` is reachable only through SQL and the Unity
 * Catalog API.
 *
 * Every route authenticates with a bearer token and acts as its principal through the governed
 * catalog (which checks privileges and audits decisions). What is served: namespaces (= schemas,
 * one level), Iceberg tables (list, create incl. stage-create, load, exists, drop, rename within
 * a namespace, register, commit, single-table transactions), Delta tables with UniForm
 * (read-only) and views (read-only, synthesised). See config.ts for the endpoint list.
 */
import { Hono } from 'hono';
import { authenticate } from '../http/auth.js';
import type { ApiDeps, ServerEnv } from '../http/context.js';
import { commitRoutes } from './commit.js';
import { configRoute } from './config.js';
import { createRoutes } from './create.js';
import { authErrorBody } from './errors.js';
import { namespaceRoutes } from './namespaces.js';
import { tableRoutes } from './tables.js';
import { viewRoutes } from './views.js';

/** The Iceberg REST API: mount at `/api/2.1/unity-catalog/iceberg-rest`. */
export function icebergRestApi(deps: ApiDeps): Hono<ServerEnv> {
  const app = new Hono<ServerEnv>();
  app.use('*', authenticate(deps, 'iceberg-rest', authErrorBody));
  const v1 = new Hono<ServerEnv>();
  configRoute(v1, deps);
  app.route('/v1', catalogRoutes(deps));
  app.route('/v1', v1);
  app.route('/v1/:prefix', catalogRoutes(deps));
  return app;
}

/** The routes under `/v1` or `/v1/{prefix}`. */
function catalogRoutes(deps: ApiDeps): Hono<ServerEnv> {
  const routes = new Hono<ServerEnv>();
  namespaceRoutes(routes, deps);
  createRoutes(routes, deps);
  commitRoutes(routes, deps);
  tableRoutes(routes, deps);
  viewRoutes(routes, deps);
  return routes;
}
