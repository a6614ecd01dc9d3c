import type { CatalogStatement, CreateCatalogStatement, CreateSchemaStatement } from '../parse/catalog-ast.js';
import type { SqlEnv } from '../sql-env.js';
import { NO_ROWS, type WriteSummary } from '../write-target.js';
import { catalogChange, resolveSchema, schemaChange } from './alteration.js';

/**
 * Catalog and schema statements: CREATE, DROP, ALTER, COMMENT ON and USE. They return no rows,
 * as on Databricks.
 */

/** CREATE CATALOG (the catalog service gives a new catalog its `default` schema, as Unity Catalog does). */
export async function createCatalog(env: SqlEnv, s: CreateCatalogStatement): Promise<WriteSummary> {
  await env.catalog.createCatalog(s.name, {
    ifNotExists: s.ifNotExists,
    ...(s.comment === undefined ? {} : { comment: s.comment }),
    ...(s.managedLocation === undefined ? {} : { managedLocation: s.managedLocation }),
  });
  return { resultSql: NO_ROWS };
}

export async function createSchema(env: SqlEnv, s: CreateSchemaStatement): Promise<WriteSummary> {
  const { catalog, schema } = resolveSchema(env.state, s.name);
  await env.catalog.createSchema(catalog, schema, {
    ifNotExists: s.ifNotExists,
    properties: s.properties,
    ...(s.comment === undefined ? {} : { comment: s.comment }),
    ...(s.managedLocation === undefined ? {} : { managedLocation: s.managedLocation }),
  });
  return { resultSql: NO_ROWS };
}

type NamespaceStatement = Extract<CatalogStatement, { kind: 'drop' | 'alter' | 'comment_on' }>;

/** DROP / ALTER / COMMENT ON for a catalog or a schema. */
export async function alterNamespace(env: SqlEnv, s: NamespaceStatement): Promise<WriteSummary> {
  const parts = s.kind === 'comment_on' ? (s.target.kind === 'name' ? s.target.parts : []) : s.name;
  if (s.object === 'catalog') {
    const name = parts[0] as string;
    if (s.kind === 'drop') await env.catalog.dropCatalog(name, { ifExists: s.ifExists, cascade: s.cascade });
    else if (s.kind === 'alter') await env.catalog.alterCatalog(name, catalogChange('ALTER CATALOG', name.toLowerCase(), s.change));
    else await env.catalog.alterCatalog(name, { comment: s.comment });
    return { resultSql: NO_ROWS };
  }
  const { catalog, schema } = resolveSchema(env.state, parts);
  if (s.kind === 'drop') await env.catalog.dropSchema(catalog, schema, { ifExists: s.ifExists, cascade: s.cascade });
  else if (s.kind === 'alter') await env.catalog.alterSchema(catalog, schema, schemaChange('ALTER SCHEMA', catalog, schema, s.change));
  else await env.catalog.alterSchema(catalog, schema, { comment: s.comment });
  return { resultSql: NO_ROWS };
}

/** USE CATALOG c: the current schema becomes `default`, as on Databricks. */
export async function useCatalog(env: SqlEnv, name: string): Promise<WriteSummary> {
  const info = await env.catalog.getCatalog(name);
  env.state.catalog = info.name;
  env.state.schema = 'default';
  return { resultSql: NO_ROWS };
}

/** USE [SCHEMA] s | c.s: both must exist. */
export async function useSchema(env: SqlEnv, parts: readonly string[]): Promise<WriteSummary> {
  const { catalog, schema } = resolveSchema(env.state, parts);
  const info = await env.catalog.getSchema(catalog, schema);
  env.state.catalog = info.catalog;
  env.state.schema = info.name;
  return { resultSql: NO_ROWS };
}
