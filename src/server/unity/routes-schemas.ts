/**
 * Schemas: POST/GET /schemas (GET needs catalog_name), GET/PATCH/DELETE /schemas/{full_name}
 * with full_name `catalog.schema`. Governed as every Unity Catalog route.
 */
import type { Hono } from 'hono';
import type { ApiDeps, ServerEnv } from '../http/context.js';
import { checkExternalLocation } from './external-locations.js';
import { schemaJson } from './mapping.js';
import { operation } from './operation.js';
import { pageOf, pageRequest } from './paging.js';
import { booleanQuery, optionalComment, optionalProperties, optionalString, readBody, requiredQuery, requiredString, pathParam } from './request.js';
import { checkName, fullName, schemaPath } from './uc-names.js';
import { isEmptyChange, objectChange } from './updates.js';

export function schemaRoutes(app: Hono<ServerEnv>, deps: ApiDeps): void {
  app.post(
    '/schemas',
    operation(deps, 'createSchema', async (c, audit) => {
      const body = await readBody(c);
      const catalogName = checkName('catalog', requiredString(body, 'catalog_name'));
      const name = checkName('schema', requiredString(body, 'name'));
      audit.object('SCHEMA', fullName(catalogName, name));
      const comment = optionalComment(body);
      const properties = optionalProperties(body);
      const storageRoot = optionalString(body, 'storage_root');
      if (storageRoot !== undefined && storageRoot !== '') checkExternalLocation(c.get('caller').principal, storageRoot, 'schema', fullName(catalogName, name));
      const catalog = c.get('caller').catalog;
      await catalog.createSchema(catalogName, name, {
        ...(comment !== undefined && comment !== '' ? { comment } : {}),
        ...(properties !== undefined ? { properties } : {}),
        ...(storageRoot !== undefined && storageRoot !== '' ? { managedLocation: storageRoot } : {}),
      });
      return schemaJson(await catalog.getSchema(catalogName, name));
    }),
  );

  app.get(
    '/schemas',
    operation(deps, 'listSchemas', async (c, audit) => {
      const catalogName = checkName('catalog', requiredQuery(c, 'catalog_name'));
      audit.object('CATALOG', catalogName);
      const request = pageRequest(c, { listing: 'schemas', parent: catalogName }, { specMax: 1000, serverMax: 1000 });
      const page = pageOf(await c.get('caller').catalog.listSchemas(catalogName), (x) => x.name, request);
      return { schemas: page.items.map(schemaJson), ...(page.nextPageToken !== undefined ? { next_page_token: page.nextPageToken } : {}) };
    }),
  );

  app.get(
    '/schemas/:full_name',
    operation(deps, 'getSchema', async (c, audit) => {
      const { catalog, schema } = schemaPath(pathParam(c, 'full_name'));
      audit.object('SCHEMA', fullName(catalog, schema));
      return schemaJson(await c.get('caller').catalog.getSchema(catalog, schema));
    }),
  );

  app.patch(
    '/schemas/:full_name',
    operation(deps, 'updateSchema', async (c, audit) => {
      const { catalog: catalogName, schema } = schemaPath(pathParam(c, 'full_name'));
      audit.object('SCHEMA', fullName(catalogName, schema));
      const body = await readBody(c);
      const catalog = c.get('caller').catalog;
      const current = await catalog.getSchema(catalogName, schema);
      const change = objectChange(body, 'schema', current.properties);
      return schemaJson(isEmptyChange(change) ? current : await catalog.alterSchema(catalogName, schema, change));
    }),
  );

  app.delete(
    '/schemas/:full_name',
    operation(deps, 'deleteSchema', async (c, audit) => {
      const { catalog, schema } = schemaPath(pathParam(c, 'full_name'));
      audit.object('SCHEMA', fullName(catalog, schema));
      await c.get('caller').catalog.dropSchema(catalog, schema, { cascade: booleanQuery(c, 'force') });
      return {};
    }),
  );
}
