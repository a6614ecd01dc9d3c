/**
 * The serving-endpoints management API in Databricks' shape, mounted at
 * `/api/2.0/serving-endpoints`:
 *
 *   POST   /                      create {name, config, rate_limits?, tags?, description?, loch?} → ServingEndpoint
 *   GET    /                      {endpoints: [ServingEndpoint…]} (the endpoints the caller may see)
 *   GET    /{name}                ServingEndpoint
 *   PUT    /{name}                update: the create body without name, every part optional → ServingEndpoint
 *   PUT    /{name}/config         Databricks' updateConfig: body = config → ServingEndpoint
 *   PUT    /{name}/rate-limits    {rate_limits} → {rate_limits}
 *   DELETE /{name}                {}
 *
 * Names are Loch full names `catalog.schema.name` (1–3 parts resolve against main.default).
 * Bodies map to endpoint definitions (endpoint-request.ts), validated by parseEndpointDefinition;
 * everything goes through the caller's governed catalog (CREATE MODEL ENDPOINT on the schema to
 * create, ownership or MANAGE to change or drop, visibility to read). Storing a definition that
 * references a secret needs READ on its scope, on create and on every update: otherwise anyone
 * allowed to change an endpoint could point it at their own server with someone else's key.
 * Responses show a key only as `{{secrets/scope/key}}`. Errors are `{error_code, message}`.
 */
import { Hono } from 'hono';
import type { Context } from 'hono';
import type { ModelEndpointInfo, ObjectName } from '../../catalog/catalog-types.js';
import { LochError } from '../../core/errors.js';
import { definitionDocument, parseEndpointDefinition } from '../../ai/endpoint-definition.js';
import type { EndpointDefinition } from '../../ai/endpoint-types.js';
import { authenticate } from '../http/auth.js';
import type { ApiDeps, Caller, ServerEnv } from '../http/context.js';
import { databricksErrorBody } from '../http/error-shape.js';
import { readJsonObject } from '../http/json-body.js';
import { createRequestOf, updateRequestOf } from './endpoint-request.js';
import { servingEndpointJson } from './endpoint-json.js';
import { visibleEndpoints } from './endpoint-listing.js';
import { aiRuntimeOf } from './model-call.js';
import { answer } from './serving-answer.js';
import type { EndpointNote, ServingHandler } from './serving-answer.js';
import { endpointName, fullNameOf } from './serving-names.js';

type Json = Readonly<Record<string, unknown>>;

/** The management API as a hono app; mount it at `/api/2.0/serving-endpoints`. */
export function servingEndpointsApi(deps: ApiDeps): Hono<ServerEnv> {
  const app = new Hono<ServerEnv>();
  app.use('*', authenticate(deps, 'serving-endpoints', databricksErrorBody));
  const op = (action: string, handler: ServingHandler) => answer(deps, { action, errorBody: databricksErrorBody, auditAll: true }, handler);
  app.post('/', op('createServingEndpoint', (c, note) => createEndpoint(deps, c, note)));
  app.get('/', op('listServingEndpoints', async (c) => c.json({ endpoints: (await visibleEndpoints(c.get('caller').catalog)).map(servingEndpointJson) })));
  app.get('/:name', op('getServingEndpoint', async (c, note) => c.json(servingEndpointJson(await c.get('caller').catalog.getModelEndpoint(pathName(c, note))))));
  app.put('/:name', op('updateServingEndpoint', async (c, note) => {
    const name = pathName(c, note);
    return c.json(servingEndpointJson(await update(deps, c, name, await readJsonObject(c))));
  }));
  app.put('/:name/config', op('updateServingEndpointConfig', async (c, note) => {
    const name = pathName(c, note);
    return c.json(servingEndpointJson(await update(deps, c, name, { config: await readJsonObject(c) })));
  }));
  app.put('/:name/rate-limits', op('putServingEndpointRateLimits', async (c, note) => {
    const name = pathName(c, note);
    const body = await readJsonObject(c);
    const updated = servingEndpointJson(await update(deps, c, name, { rate_limits: body['rate_limits'] ?? [] }));
    return c.json({ rate_limits: updated['rate_limits'] ?? [] });
  }));
  app.delete('/:name', op('deleteServingEndpoint', async (c, note) => {
    const name = pathName(c, note);
    if ((await c.get('caller').catalog.dropModelEndpoint(name)) === 'missing') {
      throw new LochError('NOT_FOUND', `serving: endpoint ${fullNameOf(name)} does not exist (RESOURCE_DOES_NOT_EXIST)`);
    }
    return c.json({});
  }));
  return app;
}

/** POST /: validate, check the key's scope, create as the caller, answer the stored endpoint. */
async function createEndpoint(deps: ApiDeps, c: Context<ServerEnv>, note: EndpointNote): Promise<Response> {
  const request = createRequestOf(await readJsonObject(c));
  const full = fullNameOf(request.name);
  note.endpoint(full);
  const definition = parseEndpointDefinition(request.document, full);
  const caller = c.get('caller');
  await checkKeyAccess(deps, caller, definition);
  await caller.catalog.createModelEndpoint(request.name, definitionDocument(definition), {
    ...(request.comment === undefined || request.comment === '' ? {} : { comment: request.comment }),
    ...(request.tags === undefined ? {} : { properties: request.tags }),
  });
  return c.json(servingEndpointJson(await caller.catalog.getModelEndpoint(request.name)));
}

/** Applies an update body to the stored definition (read, merge, validate, key check, alter). */
async function update(deps: ApiDeps, c: Context<ServerEnv>, name: ObjectName, body: Json): Promise<ModelEndpointInfo> {
  const full = fullNameOf(name);
  const catalog = c.get('caller').catalog;
  const current = await catalog.getModelEndpoint(name);
  if (body['name'] !== undefined && (typeof body['name'] !== 'string' || fullNameOf(endpointName(body['name'], 'name')) !== full)) {
    throw new LochError('INVALID_ARGUMENT', `serving: name cannot change (endpoint ${full}); create a new endpoint instead`);
  }
  if (body['tags'] !== undefined && !sameTags(body['tags'], current.properties)) {
    throw new LochError('UNSUPPORTED_FEATURE', `serving: tags of endpoint ${full} are set when it is created and cannot be changed`);
  }
  const request = updateRequestOf(current.definition, body);
  const definition = parseEndpointDefinition(request.document, full);
  await checkKeyAccess(deps, c.get('caller'), definition);
  return catalog.alterModelEndpoint(name, { definition: definitionDocument(definition), ...(request.comment === undefined ? {} : { comment: request.comment }) });
}

/** READ on the scope of the definition's key, or PERMISSION_DENIED (a definition without a key needs nothing). */
async function checkKeyAccess(deps: ApiDeps, caller: Caller, definition: EndpointDefinition): Promise<void> {
  if (definition.apiKey === undefined) return;
  await aiRuntimeOf(deps).secrets.check(caller.principal, definition.apiKey.scope, 'READ');
}

/** The endpoint named by the path (noted for the audit record). */
function pathName(c: Context<ServerEnv>, note: EndpointNote): ObjectName {
  const name = endpointName(c.req.param('name') ?? '', 'endpoint name');
  note.endpoint(fullNameOf(name));
  return name;
}

function sameTags(tags: unknown, properties: Readonly<Record<string, string>>): boolean {
  if (!Array.isArray(tags)) return false;
  const given = new Map(tags.map((t: unknown) => [(t as Json | null)?.['key'], (t as Json | null)?.['value'] ?? '']));
  return given.size === Object.keys(properties).length && Object.entries(properties).every(([k, v]) => given.get(k) === v);
}
