/**
 * Catalogs: POST/GET /catalogs, GET/PATCH/DELETE /catalogs/{name}. Every call goes through the
 * caller's governed catalog, so listings hold only what the caller may see and a catalog it may
 * not see is 403 whether or not it exists.
 */
import type { Hono } from 'hono';
import type { ApiDeps, ServerEnv } from '../http/context.js';
import { checkExternalLocation } from './external-locations.js';
import { catalogJson } from './mapping.js';
import { operation } from './operation.js';
import { pageOf, pageRequest } from './paging.js';
import { booleanQuery, optionalComment, optionalProperties, optionalString, readBody, requiredString, pathParam } from './request.js';
import { catalogPath, checkName } from './uc-names.js';
import { isEmptyChange, objectChange } from './updates.js';

export function catalogRoutes(app: Hono<ServerEnv>, deps: ApiDeps): void {
  app.post(
    '/catalogs',
    operation(deps, 'createCatalog', async (c, audit) => {
      const body = await readBody(c);
      const name = checkName('catalog', requiredString(body, 'name'));
      audit.object('CATALOG', name);
      const comment = optionalComment(body);
      const properties = optionalProperties(body);
      const storageRoot = optionalString(body, 'storage_root');
      if (storageRoot !== undefined && storageRoot !== '') checkExternalLocation(c.get('caller').principal, storageRoot, 'catalog', name);
      const catalog = c.get('caller').catalog;
      await catalog.createCatalog(name, {
        ...(comment !== undefined && comment !== '' ? { comment } : {}),
        ...(properties !== undefined ? { properties } : {}),
        ...(storageRoot !== undefined && storageRoot !== '' ? { managedLocation: storageRoot } : {}),
      });
      return catalogJson(await catalog.getCatalog(name));
    }),
  );

  app.get(
    '/catalogs',
    operation(deps, 'listCatalogs', async (c) => {
      const request = pageRequest(c, { listing: 'catalogs', parent: '' }, { specMax: 1000, serverMax: 1000 });
      const page = pageOf(await c.get('caller').catalog.listCatalogs(), (x) => x.name, request);
      return { catalogs: page.items.map(catalogJson), ...(page.nextPageToken !== undefined ? { next_page_token: page.nextPageToken } : {}) };
    }),
  );

  app.get(
    '/catalogs/:name',
    operation(deps, 'getCatalog', async (c, audit) => {
      const name = catalogPath(pathParam(c, 'name'));
      audit.object('CATALOG', name);
      return catalogJson(await c.get('caller').catalog.getCatalog(name));
    }),
  );

  app.patch(
    '/catalogs/:name',
    operation(deps, 'updateCatalog', async (c, audit) => {
      const name = catalogPath(pathParam(c, 'name'));
      audit.object('CATALOG', name);
      const body = await readBody(c);
      const catalog = c.get('caller').catalog;
      const current = await catalog.getCatalog(name);
      const change = objectChange(body, 'catalog', current.properties);
      return catalogJson(isEmptyChange(change) ? current : await catalog.alterCatalog(name, change));
    }),
  );

  app.delete(
    '/catalogs/:name',
    operation(deps, 'deleteCatalog', async (c, audit) => {
      const name = catalogPath(pathParam(c, 'name'));
      audit.object('CATALOG', name);
      await c.get('caller').catalog.dropCatalog(name, { cascade: booleanQuery(c, 'force') });
      return {};
    }),
  );
}
