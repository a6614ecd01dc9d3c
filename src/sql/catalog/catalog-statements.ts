import type { Session } from '../../engine/index.js';
import type { CatalogStatement } from '../parse/catalog-ast.js';
import type { SqlEnv } from '../sql-env.js';
import type { WriteSummary } from '../write-target.js';
import { refuseCatalogPathAccess } from './catalog-lockdown.js';
import { describeCatalog, describeSchema, describeVolume } from './describe-objects.js';
import { describeTable } from './describe-table.js';
import { alterNamespace, createCatalog, createSchema, useCatalog, useSchema } from './namespace-ddl.js';
import { alterRelation, createVolume } from './relation-ddl.js';
import { showCatalogs, showDroppedTables, showRelations, showSchemas, showVolumes } from './show-objects.js';
import { showColumns, showCreateTable, showTableProperties } from './show-table.js';
import { createView, redefineView } from './view-definition.js';

export { parseCatalogStatement } from '../parse/catalog-parser.js';
export type { CatalogStatement } from '../parse/catalog-ast.js';

/**
 * Runs a catalog statement (see parseCatalogStatement) against env.catalog and returns the
 * SELECT that produces its result on `session`: no rows for DDL and USE (as on Databricks),
 * Databricks' columns for SHOW and DESCRIBE. USE changes env.state. Unknown objects fail with the
 * catalog's NOT_FOUND; wrong object kinds, moves across schemas and the like with
 * INVALID_ARGUMENT "sql: …". Names are resolved against env.state (resolveName).
 */
export async function executeCatalogStatement(env: SqlEnv, session: Session, statement: CatalogStatement): Promise<WriteSummary> {
  refuseCatalogPathAccess(env, statement);
  const s = statement;
  switch (s.kind) {
    case 'create_catalog':
      return createCatalog(env, s);
    case 'create_schema':
      return createSchema(env, s);
    case 'create_view':
      return createView(env, session, s);
    case 'redefine_view':
      return redefineView(env, session, s.name, s.query);
    case 'create_volume':
      return createVolume(env, s);
    case 'drop':
    case 'alter':
      return s.object === 'catalog' || s.object === 'schema' ? alterNamespace(env, s) : alterRelation(env, session, s);
    case 'comment_on':
      return s.object === 'catalog' || s.object === 'schema' ? alterNamespace(env, s) : alterRelation(env, session, s);
    case 'undrop_table':
      return alterRelation(env, session, s);
    case 'use_catalog':
      return useCatalog(env, s.name);
    case 'use_schema':
      return useSchema(env, s.name);
    default:
      return executeQueryLike(env, s);
  }
}

type ReadStatement = Extract<CatalogStatement, { kind: `show_${string}` | `describe_${string}` }>;

/** SHOW and DESCRIBE: read-only. */
function executeQueryLike(env: SqlEnv, s: ReadStatement): Promise<WriteSummary> {
  switch (s.kind) {
    case 'show_catalogs':
      return showCatalogs(env, s.pattern);
    case 'show_schemas':
      return showSchemas(env, s.catalog, s.pattern);
    case 'show_relations':
      return showRelations(env, s);
    case 'show_tables_dropped':
      return showDroppedTables(env, s.schema, s.limit);
    case 'show_volumes':
      return showVolumes(env, s.schema, s.pattern);
    case 'show_columns':
      return showColumns(env, s.table, s.schema);
    case 'show_tblproperties':
      return showTableProperties(env, s.table, s.key);
    case 'show_create_table':
      return showCreateTable(env, s.table);
    case 'describe_table':
      return describeTable(env, s.table, s.extended, s.column);
    case 'describe_catalog':
      return describeCatalog(env, s.name, s.extended);
    case 'describe_schema':
      return describeSchema(env, s.name, s.extended);
    case 'describe_volume':
      return describeVolume(env, s.name);
  }
}
