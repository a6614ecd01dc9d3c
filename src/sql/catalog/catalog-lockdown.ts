import { isConfined, lockedDown, refusePathTable } from '../bind/raw-access.js';
import type { CatalogStatement } from '../parse/catalog-ast.js';
import type { TableRef } from '../parse/write-clauses.js';
import type { SqlEnv } from '../sql-env.js';

/**
 * What catalog statements may not do for a principal that is not an admin (the catalog checks
 * privileges on named objects itself): address a table by path (DESCRIBE, SHOW COLUMNS /
 * TBLPROPERTIES / CREATE TABLE, COMMENT ON delta.`p`), or choose where data lives (MANAGED
 * LOCATION of a catalog or schema, LOCATION of an external volume): Loch has no external
 * locations to grant, so these are admin-only. PERMISSION_DENIED before anything runs.
 */
export function refuseCatalogPathAccess(env: SqlEnv, s: CatalogStatement): void {
  if (!isConfined(env)) return;
  const table = tableOf(s);
  if (table?.kind === 'path') refusePathTable(env, table.format, table.path, statementName(s.kind));
  const location = s.kind === 'create_catalog' || s.kind === 'create_schema' ? s.managedLocation : s.kind === 'create_volume' ? s.location : undefined;
  if (location !== undefined) {
    throw lockedDown(env, `${statementName(s.kind)} … LOCATION '${location}'`, 'data lives in managed storage; choosing a location is for admins only', { location });
  }
}

function tableOf(s: CatalogStatement): TableRef | undefined {
  switch (s.kind) {
    case 'comment_on':
      return s.target;
    case 'show_columns':
    case 'show_tblproperties':
    case 'show_create_table':
    case 'describe_table':
      return s.table;
    default:
      return undefined;
  }
}

function statementName(kind: string): string {
  return kind.replaceAll('_', ' ').toUpperCase();
}
