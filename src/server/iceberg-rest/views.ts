/**
 * Views, read-only. Loch views are SQL text in the catalog, not Iceberg view metadata files, so
 * listViews/loadView synthesise ViewMetadata: view-uuid = the view's id, one version whose
 * representation is the SQL as written (dialect `spark`: Loch's SQL is Databricks SQL), the
 * schema from the columns recorded at creation. There is no metadata file: `metadata-location`
 * and `location` are `loch-view://` URIs naming the view and its last change, which no FileIO
 * opens. Creating, replacing, renaming and dropping views go through SQL.
 */
import type { Context, Hono } from 'hono';
import type { ObjectName, TableInfo } from '../../catalog/catalog-types.js';
import type { StructField } from '../../expr/types.js';
import { fromLochSchema, schemaToJson } from '../../formats/iceberg/spec/schema.js';
import { duckDbTypeAsDataType } from '../../sql/catalog/spark-types.js';
import type { ApiDeps, ServerEnv } from '../http/context.js';
import { notFound } from './errors.js';
import { handler, json, noContent } from './handler.js';
import type { RestContext } from './handler.js';
import { objectName, objectOfPath, schemaOfPath } from './identifiers.js';
import { paginate } from './paging.js';
import { fullName } from './table-access.js';

/** Registers listViews, loadView and viewExists on `app` (paths relative to `/v1[/{prefix}]`). */
export function viewRoutes(app: Hono<ServerEnv>, deps: ApiDeps): void {
  app.get('/namespaces/:namespace/views', handler(deps, 'namespace', 'listViews', async (c, rc) => {
    const schema = schemaOfPath(c);
    const views = (await rc.catalog.listTables(rc.warehouse, schema)).filter((t) => t.tableType === 'VIEW').map((t) => t.name).sort();
    const page = paginate(c, views, (v) => v);
    return json(c, { identifiers: page.items.map((name) => ({ namespace: [schema], name })), 'next-page-token': page.nextPageToken });
  }));
  // Also viewExists: hono answers HEAD with the GET route (c.req.method stays HEAD).
  app.get('/namespaces/:namespace/views/:view', handler(deps, 'view', 'loadView', async (c, rc) => {
    const head = c.req.method === 'HEAD';
    const info = await viewInfo(c, rc, !head);
    if (head) return noContent(c);
    return json(c, { 'metadata-location': `${viewUri(info)}/v${info.updatedAt}`, metadata: viewMetadata(info), config: {} });
  }));
}

/** The view; loading its definition needs SELECT on it (as DESCRIBE of its text does). */
async function viewInfo(c: Context, rc: RestContext, load: boolean): Promise<TableInfo> {
  const name: ObjectName = objectName(rc.warehouse, schemaOfPath(c), objectOfPath(c, 'view'), 'view');
  const info = await rc.catalog.getTable(name);
  if (info.tableType !== 'VIEW') throw notFound('view', `view ${fullName(name)} does not exist (it is a table)`);
  if (load) await rc.catalog.authorize('SELECT', { type: 'TABLE', name });
  return info;
}

function viewUri(info: TableInfo): string {
  return `loch-view://${[info.catalog, info.schema, info.name].map(encodeURIComponent).join('/')}`;
}

function viewMetadata(info: TableInfo): Record<string, unknown> {
  const context = info.viewContext ?? { catalog: info.catalog, schema: info.schema };
  return {
    'view-uuid': info.id,
    'format-version': 1,
    location: viewUri(info),
    'current-version-id': 1,
    versions: [
      {
        'version-id': 1,
        'timestamp-ms': info.updatedAt,
        'schema-id': 0,
        summary: { 'engine-name': 'loch', operation: 'create' },
        representations: [{ type: 'sql', sql: info.viewText ?? '', dialect: 'spark' }],
        'default-catalog': context.catalog,
        'default-namespace': [context.schema],
      },
    ],
    'version-log': [{ 'version-id': 1, 'timestamp-ms': info.updatedAt }],
    schemas: [schemaToJson(viewSchema(info))],
    properties: { ...info.properties, ...(info.comment === undefined ? {} : { comment: info.comment }) },
  };
}

/** The recorded columns as an Iceberg schema (ids 1…); types no table can hold read as string. */
function viewSchema(info: TableInfo): ReturnType<typeof fromLochSchema> {
  const fields: StructField[] = (info.viewColumns ?? []).map((column) => ({
    name: column.name,
    type: duckDbTypeAsDataType(column.type, column.name) ?? { kind: 'primitive', name: 'string' },
    nullable: true,
    physicalName: column.name,
  }));
  let next = 0;
  try {
    return fromLochSchema({ kind: 'struct', fields }, 0, () => ++next);
  } catch {
    next = 0;
    const plain = fields.map((f) => ({ ...f, type: { kind: 'primitive', name: 'string' } as const }));
    return fromLochSchema({ kind: 'struct', fields: plain }, 0, () => ++next);
  }
}
