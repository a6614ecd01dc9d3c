/**
 * `GET /v1/config[?warehouse=<catalog>]`: a warehouse is a Loch catalog, and the answer tells
 * the client to use its name as the path prefix. Without `warehouse` the client uses no prefix
 * (catalog `main`). `endpoints` lists exactly the routes this server implements (Java and
 * PyIceberg check it); no `idempotency-key-lifetime`, since Idempotency-Key replay is not
 * implemented (its presence would promise it).
 */
import type { Hono } from 'hono';
import type { ApiDeps, ServerEnv } from '../http/context.js';
import { handler, json } from './handler.js';
import { checkedName } from './identifiers.js';

/** Every route this server implements, as `<VERB> <path template>` exactly as in the spec. */
export const ENDPOINTS: readonly string[] = [
  'GET /v1/{prefix}/namespaces',
  'POST /v1/{prefix}/namespaces',
  'GET /v1/{prefix}/namespaces/{namespace}',
  'HEAD /v1/{prefix}/namespaces/{namespace}',
  'DELETE /v1/{prefix}/namespaces/{namespace}',
  'POST /v1/{prefix}/namespaces/{namespace}/properties',
  'GET /v1/{prefix}/namespaces/{namespace}/tables',
  'POST /v1/{prefix}/namespaces/{namespace}/tables',
  'GET /v1/{prefix}/namespaces/{namespace}/tables/{table}',
  'HEAD /v1/{prefix}/namespaces/{namespace}/tables/{table}',
  'POST /v1/{prefix}/namespaces/{namespace}/tables/{table}',
  'DELETE /v1/{prefix}/namespaces/{namespace}/tables/{table}',
  'POST /v1/{prefix}/namespaces/{namespace}/register',
  'POST /v1/{prefix}/tables/rename',
  'POST /v1/{prefix}/transactions/commit',
  'GET /v1/{prefix}/namespaces/{namespace}/views',
  'GET /v1/{prefix}/namespaces/{namespace}/views/{view}',
  'HEAD /v1/{prefix}/namespaces/{namespace}/views/{view}',
];

/** Registers `GET /config` on `app` (mounted at `/v1`). */
export function configRoute(app: Hono<ServerEnv>, deps: ApiDeps): void {
  app.get('/config', handler(deps, 'catalog', 'getConfig', async (c, rc) => {
    const warehouse = c.req.query('warehouse');
    if (warehouse === undefined || warehouse === '') return json(c, { defaults: {}, overrides: {}, endpoints: ENDPOINTS });
    // Governed: an unknown catalog is 404 NoSuchWarehouseException, one the caller may not see 403.
    const info = await rc.catalog.getCatalog(checkedName('warehouse', warehouse));
    return json(c, { defaults: {}, overrides: { prefix: info.name }, endpoints: ENDPOINTS });
  }));
}
