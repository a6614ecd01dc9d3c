import { LochError } from '../../core/errors.js';
import type { CatalogStatement, NameParts } from '../parse/catalog-ast.js';
import type { FileStatement } from '../parse/file-statement.js';
import type { TableRef, WriteStatement } from '../parse/write-statements.js';
import { resolveName } from '../sql-env.js';
import type { SessionState } from '../sql-env.js';
import { SYSTEM_CATALOG } from './system-tables.js';

/** A statement the SQL front end is about to run, by where it was recognised. */
export type GuardedStatement =
  | { readonly kind: 'catalog'; readonly statement: CatalogStatement }
  | { readonly kind: 'write'; readonly statement: WriteStatement }
  | { readonly kind: 'file'; readonly statement: FileStatement };

/**
 * Catalog `system` is Loch's own (as in Databricks, the name is reserved): its tables are written
 * only by the governance log, through the table layer. Through SQL nobody — admins included —
 * may create, write, alter, drop or undrop anything in it, nor create or drop the catalog
 * itself: PERMISSION_DENIED naming the object (names only; nothing is looked up, so nothing
 * leaks). OPTIMIZE and VACUUM, which keep every row, follow the ordinary MODIFY rule. Reading, DESCRIBE/SHOW, and GRANT/REVOKE on it stay with the ordinary rules, so an
 * admin can `GRANT SELECT ON SCHEMA system.access TO auditors`.
 */
export function refuseSystemWrite(state: SessionState, guarded: GuardedStatement): void {
  const name = systemTarget(state, guarded);
  if (name === undefined) return;
  throw new LochError('PERMISSION_DENIED', `sql: ${name} belongs to the system catalog, which only Loch writes (its audit and lineage tables are read-only) (PERMISSION_DENIED)`, { context: { name } });
}

/** Maintenance that keeps every row (compacting the log's one file per flush), left to the ordinary MODIFY rule. */
const MAINTENANCE: ReadonlySet<string> = new Set(['optimize', 'vacuum']);

/** The written object's name when it lies in catalog `system`. */
function systemTarget(state: SessionState, guarded: GuardedStatement): string | undefined {
  if (guarded.kind === 'write') {
    const s = guarded.statement;
    if (MAINTENANCE.has(s.kind)) return undefined;
    return 'target' in s ? inSystem(state, s.target) : undefined;
  }
  if (guarded.kind === 'file') return guarded.statement.kind === 'copy_into' ? inSystem(state, guarded.statement.target) : undefined;
  const s = guarded.statement;
  switch (s.kind) {
    case 'create_catalog':
      return s.name.toLowerCase() === SYSTEM_CATALOG ? SYSTEM_CATALOG : undefined;
    case 'create_schema':
      return objectInSystem(state, 'schema', s.name);
    case 'create_view':
    case 'create_volume':
    case 'redefine_view':
    case 'undrop_table':
      return objectInSystem(state, 'table', s.name);
    case 'drop':
    case 'alter':
      return objectInSystem(state, s.object, s.name);
    case 'comment_on':
      return s.target.kind === 'name' ? objectInSystem(state, s.object, s.target.parts) : undefined;
    default:
      return undefined;
  }
}

function inSystem(state: SessionState, ref: TableRef): string | undefined {
  return ref.kind === 'name' ? objectInSystem(state, 'table', ref.parts) : undefined;
}

/** `catalog` names the catalog itself; `schema` is `s` or `c.s`; anything else is a 1–3 part object name. */
function objectInSystem(state: SessionState, object: string, parts: NameParts): string | undefined {
  const lower = parts.map((p) => p.toLowerCase());
  if (object === 'catalog') return lower[0] === SYSTEM_CATALOG ? SYSTEM_CATALOG : undefined;
  if (object === 'schema') {
    const catalog = lower.length >= 2 ? lower[0] : state.catalog;
    return catalog === SYSTEM_CATALOG ? `${SYSTEM_CATALOG}.${lower.at(-1) ?? ''}` : undefined;
  }
  try {
    const name = resolveName(state, parts);
    return name.catalog === SYSTEM_CATALOG ? `${name.catalog}.${name.schema}.${name.name}` : undefined;
  } catch {
    return undefined;
  }
}
