/**
 * Vector search over HTTP in the shape of Databricks' Vector Search API, mounted at
 * `/api/2.0/vector-search`:
 *
 *   GET    /indexes[?endpoint_name=…]   {vector_indexes: [MiniVectorIndex…]} (indexes whose source the caller can read)
 *   POST   /indexes                     create (index-request.ts) → VectorIndex
 *   GET    /indexes/{name}              VectorIndex
 *   DELETE /indexes/{name}              {}
 *   POST   /indexes/{name}/sync         {loch: {from_version, to_version, upserted, deleted, full}}
 *   POST   /indexes/{name}/query        {manifest, result} (query-request.ts)
 *
 * Loch has no vector-search endpoints: `endpoint_name` is accepted and ignored, and every index
 * reports the one implicit endpoint `loch`. Everything goes through `runtime.vectors` with the
 * caller's governed catalog, so the service's rules apply (SELECT on the source to see or query
 * an index, CREATE TABLE on the schema to create, owner/MANAGE to drop, EXECUTE on the embedding
 * endpoint to query text). Errors are `{error_code, message}` through the server's one table;
 * a failed embedding call answers as the serving routes do (502 for a failing provider, 429 with
 * Retry-After). Management requests are audited; queries only when refused (401/403). A client
 * that goes away aborts its query.
 */
import { Hono } from 'hono';
import type { Context, Handler } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Catalog } from '../../catalog/catalog-types.js';
import { isLochError, LochError } from '../../core/errors.js';
import type { SyncSummary, VectorIndexInfo, VectorIndexService } from '../../ai/vector/vector-types.js';
import { auditRequest } from '../http/audit-request.js';
import { authenticate } from '../http/auth.js';
import type { ApiDeps, ServerEnv } from '../http/context.js';
import { databricksErrorBody } from '../http/error-shape.js';
import { readJsonObject } from '../http/json-body.js';
import { aiRuntimeOf } from '../serving/model-call.js';
import { servingFailure } from '../serving/serving-failure.js';
import { indexJson, miniIndexJson } from './index-json.js';
import { fullName, indexName } from './index-names.js';
import { createIndexRequest } from './index-request.js';
import { queryIndexRequest, queryResponse } from './query-request.js';

/** Lets a handler name the index it acts on, for the audit record. */
type Handle = (c: Context<ServerEnv>, vectors: VectorIndexService, note: (index: string) => void) => Promise<Response>;

/** The Vector Search API as a hono app; mount it at `/api/2.0/vector-search`. */
export function vectorSearchApi(deps: ApiDeps): Hono<ServerEnv> {
  const app = new Hono<ServerEnv>();
  app.use('*', authenticate(deps, 'vector-search', databricksErrorBody));
  app.get('/indexes', op(deps, 'listIndexes', true, async (c, vectors) => c.json({ vector_indexes: (await visibleIndexes(vectors, c.get('caller').catalog)).map(miniIndexJson) })));
  app.post('/indexes', op(deps, 'createIndex', true, async (c, vectors, note) => {
    const request = createIndexRequest(await readJsonObject(c));
    note(fullName(request.name));
    const catalog = c.get('caller').catalog;
    const created = await vectors.create(catalog, request.name, request.spec);
    if (created.outcome === 'exists') throw new LochError('ALREADY_EXISTS', `vector search: index ${fullName(request.name)} already exists (RESOURCE_ALREADY_EXISTS)`);
    return c.json(indexJson(await vectors.describe(catalog, request.name)));
  }));
  app.get('/indexes/:name', op(deps, 'getIndex', true, async (c, vectors, note) => c.json(indexJson(await vectors.describe(c.get('caller').catalog, pathIndex(c, note))))));
  app.delete('/indexes/:name', op(deps, 'deleteIndex', true, async (c, vectors, note) => {
    const name = pathIndex(c, note);
    if ((await vectors.drop(c.get('caller').catalog, name)) === 'missing') throw new LochError('NOT_FOUND', `vector search: index ${fullName(name)} does not exist (RESOURCE_DOES_NOT_EXIST)`);
    return c.json({});
  }));
  app.post('/indexes/:name/sync', op(deps, 'syncIndex', true, async (c, vectors, note) => {
    const name = pathIndex(c, note);
    return c.json({ loch: syncJson(await vectors.sync(c.get('caller').catalog, name, { signal: c.req.raw.signal })) });
  }));
  app.post('/indexes/:name/query', op(deps, 'queryIndex', false, async (c, vectors, note) => {
    const name = pathIndex(c, note);
    const request = queryIndexRequest(await readJsonObject(c));
    const catalog = c.get('caller').catalog;
    // A query over HTTP is a trace of its own, as a serving call is: its RETRIEVER span hangs under this root.
    const root = aiRuntimeOf(deps).tracer.startTrace('vector_search', 'CHAIN', { principal: catalog.principal, source: 'http', requestId: c.get('requestId'), inputs: { index: fullName(name), ...request.query } });
    try {
      const result = await vectors.search(catalog, name, request.query, { signal: c.req.raw.signal, requestId: c.get('requestId'), trace: root.context });
      root.setOutputs({ rows: result.rows.length });
      root.end();
      return c.json(queryResponse(result, request.scoreThreshold));
    } catch (error) {
      root.end({ ok: false, error: error instanceof Error ? error.message : String(error) });
      throw error;
    }
  }));
  return app;
}

/** Runs a handler for the authenticated caller; failures answer `{error_code, message}`; audited as `auditAll` says. */
function op(deps: ApiDeps, action: string, auditAll: boolean, handle: Handle): Handler<ServerEnv> {
  return async (c) => {
    let index: string | undefined;
    const note = (name: string): void => void (index = name);
    const record = (statusCode: number, errorMessage?: string): void =>
      auditRequest(deps, c.get('caller'), { action, statusCode, ...(index === undefined ? {} : { params: { index } }), ...(errorMessage === undefined ? {} : { errorMessage }) });
    try {
      const response = await handle(c, aiRuntimeOf(deps).vectors, note);
      if (auditAll) record(200);
      return response;
    } catch (error) {
      const failure = servingFailure(error);
      if (auditAll || failure.status === 401 || failure.status === 403) record(failure.status, failure.message);
      if (!isLochError(error)) throw error;
      if (failure.retryAfterSeconds !== undefined) c.header('retry-after', String(failure.retryAfterSeconds));
      return c.json(databricksErrorBody(failure.status, failure.errorCode, failure.message) as object, failure.status as ContentfulStatusCode);
    }
  };
}

function pathIndex(c: Context<ServerEnv>, note: (index: string) => void): ReturnType<typeof indexName> {
  const name = indexName(decodeURIComponent(c.req.param('name') ?? ''), 'index name');
  note(fullName(name));
  return name;
}

/** Indexes in every schema the caller can use (schemas it cannot are skipped, not errors). */
async function visibleIndexes(vectors: VectorIndexService, catalog: Catalog): Promise<VectorIndexInfo[]> {
  const out: VectorIndexInfo[] = [];
  for (const cat of await catalog.listCatalogs()) {
    const schemas = await catalog.listSchemas(cat.name).catch(skipRefusal([]));
    for (const schema of schemas) out.push(...(await vectors.list(catalog, { catalog: cat.name, schema: schema.name }).catch(skipRefusal([]))));
  }
  return out;
}

function skipRefusal<T>(empty: T): (error: unknown) => T {
  return (error) => {
    if (isLochError(error, 'PERMISSION_DENIED') || isLochError(error, 'NOT_FOUND')) return empty;
    throw error;
  };
}

function syncJson(summary: SyncSummary): Record<string, unknown> {
  return { from_version: summary.fromVersion, to_version: summary.toVersion, upserted: summary.upserted, deleted: summary.deleted, full: summary.full };
}
