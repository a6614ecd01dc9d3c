import type { TableInfo } from '../../catalog/catalog-types.js';
import { LochError } from '../../core/errors.js';
import { DeltaTable } from '../../table/delta-table.js';
import { icebergComment, openIcebergRelation } from './iceberg-relation.js';
import type { SqlEnv } from '../sql-env.js';
import { sqlString, sqlTimestampMs } from '../sql-text.js';
import { informationColumnRows, INFORMATION_COLUMNS, type TableColumnsSource } from './information-columns.js';
import { rowsSql, textColumns, type ResultColumn } from './result-rows.js';

/**
 * `<catalog>.information_schema.<view>` for the views Unity Catalog has and Loch can fill:
 * catalogs, schemata, tables, columns, views and volumes, with Databricks' column names
 * (lower case, as Databricks returns them). Each is a parenthesised SELECT over literal rows
 * read from the catalog now (and, for tables and columns, from each Delta table's latest log:
 * the source of truth for comments and schemas). A table whose log cannot be read is listed
 * with its catalog data and no columns rather than failing the query.
 */
export async function informationSchemaSql(env: SqlEnv, catalog: string, view: string): Promise<string> {
  const viewName = view.toLowerCase();
  const builder = Object.hasOwn(VIEWS, viewName) ? VIEWS[viewName] : undefined;
  if (builder === undefined) {
    throw new LochError('NOT_FOUND', `catalog: table ${catalog}.information_schema.${view} does not exist; information_schema has ${Object.keys(VIEWS).join(', ')} (TABLE_OR_VIEW_NOT_FOUND)`, {
      context: { catalog, view },
    });
  }
  const info = await env.catalog.getCatalog(catalog);
  return `(${await builder(env, info.name)})`;
}

type ViewBuilder = (env: SqlEnv, catalog: string) => Promise<string>;

const TIMESTAMP = 'TIMESTAMPTZ';
const AUDIT: ResultColumn[] = [
  { name: 'created', type: TIMESTAMP },
  { name: 'created_by', type: 'VARCHAR' },
  { name: 'last_altered', type: TIMESTAMP },
  { name: 'last_altered_by', type: 'VARCHAR' },
];

function audit(o: { createdAt: number; createdBy: string; updatedAt: number; updatedBy: string }, lastAltered = o.updatedAt): string[] {
  return [sqlTimestampMs(o.createdAt), sqlString(o.createdBy), sqlTimestampMs(lastAltered), sqlString(o.updatedBy)];
}

const VIEWS: Readonly<Record<string, ViewBuilder>> = {
  catalogs: async (env) => {
    const columns = [...textColumns('catalog_name', 'catalog_owner', 'comment'), ...AUDIT];
    const rows = (await env.catalog.listCatalogs()).map((c) => [sqlString(c.name), sqlString(c.owner), sqlString(c.comment), ...audit(c)]);
    return rowsSql(columns, rows);
  },
  schemata: async (env, catalog) => {
    const columns = [...textColumns('catalog_name', 'schema_name', 'schema_owner', 'comment'), ...AUDIT];
    const rows = (await env.catalog.listSchemas(catalog)).map((s) => [sqlString(s.catalog), sqlString(s.name), sqlString(s.owner), sqlString(s.comment), ...audit(s)]);
    return rowsSql(columns, rows);
  },
  tables: async (env, catalog) => {
    const columns = [
      ...textColumns('table_catalog', 'table_schema', 'table_name', 'table_type', 'is_insertable_into', 'commit_action', 'table_owner', 'comment'),
      ...AUDIT,
      ...textColumns('data_source_format', 'storage_sub_directory', 'storage_path'),
    ];
    const rows = (await relationsWithSnapshots(env, catalog)).map(({ info, snapshot }) => tableRow(info, snapshot));
    return rowsSql(columns, rows);
  },
  columns: async (env, catalog) => {
    const rows = (await relationsWithSnapshots(env, catalog)).flatMap(({ info, snapshot }) => informationColumnRows(info, snapshot));
    return rowsSql(INFORMATION_COLUMNS, rows);
  },
  views: async (env, catalog) => {
    const columns = textColumns('table_catalog', 'table_schema', 'table_name', 'view_definition', 'check_option', 'is_updatable', 'is_insertable_into', 'sql_path');
    const views = (await listRelations(env, catalog)).filter((t) => t.tableType === 'VIEW');
    const rows = views.map((v) => [v.catalog, v.schema, v.name, v.viewText, 'NONE', 'NO', 'NO', undefined].map((x) => sqlString(x)));
    return rowsSql(columns, rows);
  },
  volumes: async (env, catalog) => {
    const columns = [...textColumns('volume_catalog', 'volume_schema', 'volume_name', 'volume_type', 'volume_owner', 'comment'), ...AUDIT, ...textColumns('storage_location')];
    const schemas = await env.catalog.listSchemas(catalog);
    const volumes = (await Promise.all(schemas.map((s) => env.catalog.listVolumes(catalog, s.name)))).flat();
    const rows = volumes.map((v) => [...[v.catalog, v.schema, v.name, v.volumeType, v.owner, v.comment].map((x) => sqlString(x)), ...audit(v), sqlString(v.location)]);
    return rowsSql(columns, rows);
  },
};

/** A table's schema, partitioning, comment and last change: from its Delta log or its Iceberg metadata. */
interface TableFacts extends TableColumnsSource {
  readonly comment: string | undefined;
  readonly timestamp: number;
}

function tableRow(info: TableInfo, snapshot: TableFacts | undefined): string[] {
  const isView = info.tableType === 'VIEW';
  const comment = isView ? info.comment : (snapshot?.comment ?? info.comment);
  const lastAltered = Math.max(info.updatedAt, snapshot?.timestamp ?? 0);
  return [
    ...[info.catalog, info.schema, info.name, info.tableType, isView ? 'NO' : 'YES', 'PRESERVE', info.owner, comment].map((x) => sqlString(x)),
    ...audit(info, lastAltered),
    ...[isView ? undefined : (info.format ?? 'DELTA'), undefined, isView ? undefined : info.location].map((x) => sqlString(x)),
  ];
}

/** Every table and view of the catalog, by schema then name. */
async function listRelations(env: SqlEnv, catalog: string): Promise<TableInfo[]> {
  const schemas = await env.catalog.listSchemas(catalog);
  return (await Promise.all(schemas.map((s) => env.catalog.listTables(catalog, s.name)))).flat();
}

/** How many Delta logs are read at once. */
const PARALLEL_LOGS = 8;

/** The relations with each Delta table's latest snapshot (undefined for views and unreadable logs). */
async function relationsWithSnapshots(env: SqlEnv, catalog: string): Promise<{ info: TableInfo; snapshot: TableFacts | undefined }[]> {
  const relations = await listRelations(env, catalog);
  const out: { info: TableInfo; snapshot: TableFacts | undefined }[] = new Array(relations.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < relations.length) {
      const i = next++;
      const info = relations[i] as TableInfo;
      out[i] = { info, snapshot: await readSnapshot(env, info) };
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL_LOGS, relations.length) }, worker));
  return out;
}

async function readSnapshot(env: SqlEnv, info: TableInfo): Promise<TableFacts | undefined> {
  if (info.tableType === 'VIEW' || info.location === undefined) return undefined;
  try {
    if (info.format === 'ICEBERG') {
      const r = await openIcebergRelation(env.ctx, info);
      return { schema: r.schema, partitionColumns: r.partitionColumns, comment: icebergComment(r), timestamp: r.metadata.lastUpdatedMs };
    }
    const s = await DeltaTable.open(env.ctx, info.location).snapshot();
    return { schema: s.schema, partitionColumns: s.partitionColumns, comment: s.delta.metadata.description ?? undefined, timestamp: s.timestamp };
  } catch (error) {
    if (error instanceof LochError) return undefined;
    throw error;
  }
}
