/**
 * Functions: POST/GET /functions (GET needs catalog_name and schema_name), GET/DELETE
 * /functions/{name} with the three-part name — the catalog's SQL functions (the ones
 * `CREATE FUNCTION` makes), governed as every Unity Catalog route. POST takes
 * `{"function_info": CreateFunction}` and runs it as SQL (function-create.ts).
 */
import type { Hono } from 'hono';
import type { ApiDeps, ServerEnv } from '../http/context.js';
import { createFunctionName, createFunctionSql } from './function-create.js';
import { functionJson } from './function-mapping.js';
import { operation } from './operation.js';
import { pageOf, pageRequest } from './paging.js';
import { optionalObject, readBody, requiredQuery, pathParam } from './request.js';
import { invalidParameter } from './uc-errors.js';
import { checkName, fullName, objectPath } from './uc-names.js';

export function functionRoutes(app: Hono<ServerEnv>, deps: ApiDeps): void {
  app.post(
    '/functions',
    operation(deps, 'createFunction', async (c, audit) => {
      const info = optionalObject(await readBody(c), 'function_info');
      if (info === undefined) throw invalidParameter('the body needs function_info (CreateFunction)');
      const name = createFunctionName(info);
      audit.object('FUNCTION', fullName(name.catalog, name.schema, name.name));
      const caller = c.get('caller');
      await (await caller.session().sql(createFunctionSql(name, info))).all();
      const catalog = caller.catalog;
      return functionJson(await catalog.getFunction(name));
    }),
  );

  app.get(
    '/functions',
    operation(deps, 'listFunctions', async (c, audit) => {
      const catalog = checkName('catalog', requiredQuery(c, 'catalog_name'));
      const schema = checkName('schema', requiredQuery(c, 'schema_name'));
      audit.object('SCHEMA', fullName(catalog, schema));
      const request = pageRequest(c, { listing: 'functions', parent: fullName(catalog, schema) }, { specMax: 1000, serverMax: 1000 });
      const page = pageOf(await c.get('caller').catalog.listFunctions(catalog, schema), (x) => x.name, request);
      return { functions: page.items.map(functionJson), ...(page.nextPageToken !== undefined ? { next_page_token: page.nextPageToken } : {}) };
    }),
  );

  app.get(
    '/functions/:name',
    operation(deps, 'getFunction', async (c, audit) => {
      const name = objectPath(pathParam(c, 'name'), 'function');
      audit.object('FUNCTION', fullName(name.catalog, name.schema, name.name));
      return functionJson(await c.get('caller').catalog.getFunction(name));
    }),
  );

  app.delete(
    '/functions/:name',
    operation(deps, 'deleteFunction', async (c, audit) => {
      const name = objectPath(pathParam(c, 'name'), 'function');
      audit.object('FUNCTION', fullName(name.catalog, name.schema, name.name));
      await c.get('caller').catalog.dropFunction(name);
      return {};
    }),
  );
}
