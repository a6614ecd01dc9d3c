/**
 * Tables: POST/GET /tables (GET needs catalog_name and schema_name; at most 50 per page, as the
 * spec says), GET/DELETE /tables/{full_name}. Views are listed and returned as table_type VIEW
 * with their definition. Creating: see table-create.ts.
 */
import type { Hono } from 'hono';
import type { ApiDeps, ServerEnv } from '../http/context.js';
import { operation } from './operation.js';
import { pageOf, pageRequest } from './paging.js';
import { readBody, requiredQuery, pathParam } from './request.js';
import { createTable, createTableName } from './table-create.js';
import { tableJson, tablesJson } from './table-mapping.js';
import { checkName, fullName, objectPath } from './uc-names.js';

export function tableRoutes(app: Hono<ServerEnv>, deps: ApiDeps): void {
  app.post(
    '/tables',
    operation(deps, 'createTable', async (c, audit) => {
      const body = await readBody(c);
      const name = createTableName(body);
      audit.object('TABLE', fullName(name.catalog, name.schema, name.name));
      return tableJson(deps.loch, await createTable(deps.loch, c.get('caller'), body));
    }),
  );

  app.get(
    '/tables',
    operation(deps, 'listTables', async (c, audit) => {
      const catalog = checkName('catalog', requiredQuery(c, 'catalog_name'));
      const schema = checkName('schema', requiredQuery(c, 'schema_name'));
      audit.object('SCHEMA', fullName(catalog, schema));
      const request = pageRequest(c, { listing: 'tables', parent: fullName(catalog, schema) }, { specMax: 50, serverMax: 50 });
      const page = pageOf(await c.get('caller').catalog.listTables(catalog, schema), (x) => x.name, request);
      return { tables: await tablesJson(deps.loch, page.items), ...(page.nextPageToken !== undefined ? { next_page_token: page.nextPageToken } : {}) };
    }),
  );

  app.get(
    '/tables/:full_name',
    operation(deps, 'getTable', async (c, audit) => {
      const name = objectPath(pathParam(c, 'full_name'), 'table');
      audit.object('TABLE', fullName(name.catalog, name.schema, name.name));
      return tableJson(deps.loch, await c.get('caller').catalog.getTable(name));
    }),
  );

  app.delete(
    '/tables/:full_name',
    operation(deps, 'deleteTable', async (c, audit) => {
      const name = objectPath(pathParam(c, 'full_name'), 'table');
      audit.object('TABLE', fullName(name.catalog, name.schema, name.name));
      const catalog = c.get('caller').catalog;
      const info = await catalog.getTable(name);
      await catalog.dropTable(name, info.tableType === 'VIEW' ? 'view' : 'table');
      return {};
    }),
  );
}
