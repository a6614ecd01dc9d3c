/**
 * Namespaces = the schemas of the prefix's catalog. Every call goes through the caller's
 * governed catalog: listings leave out what the caller may not see, creating needs CREATE
 * SCHEMA, dropping and altering need ownership (the catalog decides and audits).
 */
import type { Hono } from 'hono';
import type { SchemaInfo } from '../../catalog/catalog-types.js';
import type { ApiDeps, ServerEnv } from '../http/context.js';
import { IcebergRestError, alreadyExists, notFound } from './errors.js';
import { handler, json, noContent } from './handler.js';
import type { RestContext } from './handler.js';
import { NAMESPACE_SEPARATOR, checkedName, schemaOfBody, schemaOfPath } from './identifiers.js';
import { paginate } from './paging.js';
import { readJsonObject, stringArray, stringMap } from './request.js';

/** Registers the namespace routes on `app` (paths relative to `/v1[/{prefix}]`). */
export function namespaceRoutes(app: Hono<ServerEnv>, deps: ApiDeps): void {
  app.get('/namespaces', handler(deps, 'namespace', 'listNamespaces', async (c, rc) => {
    const page = paginate(c, await listNamespaces(c.req.query('parent'), rc), (s) => s);
    return json(c, { namespaces: page.items.map((s) => [s]), 'next-page-token': page.nextPageToken });
  }));
  app.post('/namespaces', handler(deps, 'namespace', 'createNamespace', async (c, rc) => {
    const body = await readJsonObject(c, deps.maxBodyBytes, 'createNamespace');
    const namespace = stringArray(body, 'namespace', 'createNamespace');
    const schema = schemaOfBody(namespace, 'createNamespace');
    const properties = stringMap(body, 'properties', 'createNamespace');
    await createNamespace(rc, schema, properties);
    const info = await rc.catalog.getSchema(rc.warehouse, schema);
    return json(c, { namespace: [info.name], properties: namespaceProperties(info) });
  }));
  // Also namespaceExists: hono answers HEAD with the GET route (c.req.method stays HEAD).
  app.get('/namespaces/:namespace', handler(deps, 'namespace', 'loadNamespaceMetadata', async (c, rc) => {
    const info = await rc.catalog.getSchema(rc.warehouse, schemaOfPath(c));
    if (c.req.method === 'HEAD') return noContent(c);
    return json(c, { namespace: [info.name], properties: namespaceProperties(info) });
  }));
  app.delete('/namespaces/:namespace', handler(deps, 'namespace', 'dropNamespace', async (c, rc) => {
    const schema = schemaOfPath(c);
    const outcome = await rc.catalog.dropSchema(rc.warehouse, schema);
    if (outcome === 'missing') throw notFound('namespace', `namespace ${schema} does not exist in ${rc.warehouse}`);
    return noContent(c);
  }));
  app.post('/namespaces/:namespace/properties', handler(deps, 'namespace', 'updateProperties', async (c, rc) => {
    const schema = schemaOfPath(c);
    const body = await readJsonObject(c, deps.maxBodyBytes, 'updateProperties');
    const result = await updateProperties(rc, schema, stringArray(body, 'removals', 'updateProperties'), stringMap(body, 'updates', 'updateProperties'));
    return json(c, result);
  }));
}

/** Schema names of the catalog (the caller's view), or [] under a one-level `parent`. */
async function listNamespaces(parent: string | undefined, rc: RestContext): Promise<string[]> {
  if (parent !== undefined && parent !== '') {
    const parts = parent.split(NAMESPACE_SEPARATOR);
    if (parts.length !== 1) throw notFound('namespace', `namespace ${parts.join('.')} does not exist: Loch namespaces have exactly one level`);
    // Checks that the parent exists (and is visible); a schema has no child namespaces.
    await rc.catalog.getSchema(rc.warehouse, checkedName('namespace', parent));
    return [];
  }
  const schemas = await rc.catalog.listSchemas(rc.warehouse);
  return schemas.map((s) => s.name).sort();
}

/** The `comment` property is the schema's comment (as Unity Catalog's Iceberg endpoint shows it). */
const COMMENT = 'comment';

async function createNamespace(rc: RestContext, schema: string, properties: Record<string, string>): Promise<void> {
  const { [COMMENT]: comment, ...rest } = properties;
  const outcome = await rc.catalog.createSchema(rc.warehouse, schema, { properties: rest, ...(comment === undefined ? {} : { comment }) });
  if (outcome === 'exists') throw alreadyExists(`namespace ${schema} already exists in ${rc.warehouse}`);
}

function namespaceProperties(info: SchemaInfo): Record<string, string> {
  return { ...info.properties, ...(info.comment === undefined ? {} : { [COMMENT]: info.comment }) };
}

/**
 * Sets and removes namespace properties. The same key in both lists is 422 (the spec's
 * UnprocessableEntityException). `missing` lists removals the namespace did not have.
 */
async function updateProperties(
  rc: RestContext,
  schema: string,
  removals: readonly string[],
  updates: Readonly<Record<string, string>>,
): Promise<{ updated: string[]; removed: string[]; missing: string[] }> {
  const both = removals.filter((key) => Object.hasOwn(updates, key));
  if (both.length > 0) {
    throw new IcebergRestError(422, 'UnprocessableEntityException', `iceberg rest: updateProperties: keys ${JSON.stringify(both)} are both set and removed`);
  }
  const before = namespaceProperties(await rc.catalog.getSchema(rc.warehouse, schema));
  const missing = removals.filter((key) => !Object.hasOwn(before, key));
  const removed = removals.filter((key) => Object.hasOwn(before, key));
  const { [COMMENT]: comment, ...set } = updates;
  const unset = removed.filter((key) => key !== COMMENT);
  const change = {
    ...(Object.keys(set).length > 0 ? { setProperties: set } : {}),
    ...(unset.length > 0 ? { unsetProperties: unset } : {}),
    ...(comment !== undefined ? { comment } : removed.includes(COMMENT) ? { comment: null } : {}),
  };
  // Called even for an empty change: the catalog checks the caller may alter the schema.
  await rc.catalog.alterSchema(rc.warehouse, schema, change);
  return { updated: Object.keys(updates), removed, missing };
}
