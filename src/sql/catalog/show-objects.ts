import type { TableInfo } from '../../catalog/catalog-types.js';
import type { CatalogStatement, NameParts } from '../parse/catalog-ast.js';
import type { SqlEnv } from '../sql-env.js';
import { sqlString } from '../sql-text.js';
import type { WriteSummary } from '../write-target.js';
import { resolveSchema } from './alteration.js';
import { likeMatcher } from './like-pattern.js';
import { rowsSql, sqlBoolean, textColumns } from './result-rows.js';

/**
 * SHOW CATALOGS / SCHEMAS / TABLES / VIEWS / VOLUMES / TABLES DROPPED, with Databricks' output
 * columns. Names are listed in name order, filtered by the LIKE pattern (see likeMatcher).
 */

export async function showCatalogs(env: SqlEnv, pattern: string | undefined): Promise<WriteSummary> {
  const matches = likeMatcher(pattern);
  const names = (await env.catalog.listCatalogs()).map((c) => c.name).filter(matches);
  return { resultSql: rowsSql(textColumns('catalog'), names.map((n) => [sqlString(n)])) };
}

export async function showSchemas(env: SqlEnv, catalog: string | undefined, pattern: string | undefined): Promise<WriteSummary> {
  const matches = likeMatcher(pattern);
  const schemas = await env.catalog.listSchemas(catalog?.toLowerCase() ?? env.state.catalog);
  const names = schemas.map((s) => s.name).filter(matches);
  return { resultSql: rowsSql(textColumns('databaseName'), names.map((n) => [sqlString(n)])) };
}

/** SHOW TABLES lists tables and views (Databricks does); SHOW VIEWS only views. */
export async function showRelations(env: SqlEnv, s: Extract<CatalogStatement, { kind: 'show_relations' }>): Promise<WriteSummary> {
  const { catalog, schema } = schemaOf(env, s.schema);
  const matches = likeMatcher(s.pattern);
  const relations = (await env.catalog.listTables(catalog, schema)).filter((t) => matches(t.name) && (s.relation === 'tables' || t.tableType === 'VIEW'));
  if (s.relation === 'tables') {
    const columns = [...textColumns('database', 'tableName'), { name: 'isTemporary', type: 'BOOLEAN' }];
    return { resultSql: rowsSql(columns, relations.map((t) => [sqlString(t.schema), sqlString(t.name), sqlBoolean(false)])) };
  }
  const columns = [...textColumns('namespace', 'viewName'), { name: 'isTemporary', type: 'BOOLEAN' }, { name: 'isMaterialized', type: 'BOOLEAN' }];
  return { resultSql: rowsSql(columns, relations.map((t) => [sqlString(t.schema), sqlString(t.name), sqlBoolean(false), sqlBoolean(false)])) };
}

export async function showVolumes(env: SqlEnv, schemaParts: NameParts | undefined, pattern: string | undefined): Promise<WriteSummary> {
  const { catalog, schema } = schemaOf(env, schemaParts);
  const matches = likeMatcher(pattern);
  const volumes = (await env.catalog.listVolumes(catalog, schema)).filter((v) => matches(v.name));
  return { resultSql: rowsSql(textColumns('database', 'volume_name'), volumes.map((v) => [sqlString(v.schema), sqlString(v.name)])) };
}

const DROPPED_COLUMNS = textColumns('catalogName', 'schemaName', 'tableName', 'tableId', 'tableType', 'deletedAt', 'createdAt', 'updatedAt', 'createdBy', 'owner', 'comment');

/** SHOW TABLES DROPPED: the tables UNDROP can bring back, newest drop first; times as ISO 8601 text. */
export async function showDroppedTables(env: SqlEnv, schemaParts: NameParts | undefined, limit: number | undefined): Promise<WriteSummary> {
  const { catalog, schema } = schemaOf(env, schemaParts);
  const dropped = await env.catalog.listDroppedTables(catalog, schema);
  const rows = dropped.slice(0, limit ?? dropped.length).map((t) => droppedRow(t));
  return { resultSql: rowsSql(DROPPED_COLUMNS, rows) };
}

function droppedRow(t: TableInfo): string[] {
  return [t.catalog, t.schema, t.name, t.id, t.tableType, isoTime(t.deletedAt), isoTime(t.createdAt), isoTime(t.updatedAt), t.createdBy, t.owner, t.comment].map((v) => sqlString(v));
}

function isoTime(ms: number | undefined): string | undefined {
  return ms === undefined || !Number.isFinite(ms) ? undefined : new Date(ms).toISOString();
}

function schemaOf(env: SqlEnv, parts: NameParts | undefined): { catalog: string; schema: string } {
  return parts === undefined ? { catalog: env.state.catalog, schema: env.state.schema } : resolveSchema(env.state, parts);
}
