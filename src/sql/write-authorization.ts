import type { Privilege } from '../catalog/governance/governance-types.js';
import type { Session } from '../engine/index.js';
import { parseObjectName } from './bind/object-name.js';
import { checkQueryAccess, isConfined, lockedDown, refusePathTable } from './bind/raw-access.js';
import type { CallProcedureStatement, TableRef, WriteStatement } from './parse/write-statements.js';
import { resolveName } from './sql-env.js';
import type { SqlEnv } from './sql-env.js';

/**
 * Who may write what, decided before a write statement does any work (so a refused statement
 * leaves every table at its version). As in Unity Catalog:
 * - MODIFY (with USE CATALOG/USE SCHEMA) for changing data: INSERT [OVERWRITE], REPLACE WHERE,
 *   UPDATE, DELETE, TRUNCATE, MERGE, COPY INTO, OPTIMIZE, VACUUM, RESTORE, CALL system.*; and for
 *   the ALTER TABLE forms Databricks lists under MODIFY: ADD/ALTER/DROP COLUMN, SET/UNSET
 *   TBLPROPERTIES.
 * - Ownership (checked as MANAGE, which owners and admins hold) for every other ALTER TABLE form
 *   (RENAME COLUMN, constraints, CLUSTER BY, partition fields, and forms added later) and for
 *   replacing an existing table (CREATE OR REPLACE / REPLACE TABLE).
 * - Creating a table is checked by the catalog (planTable: CREATE TABLE on the schema).
 * Confined (non-admin) principals besides: no table by path, no LOCATION (Loch has no external
 * locations to grant), and every SQL fragment of the statement passes checkQueryAccess.
 */
export async function authorizeWrite(env: SqlEnv, session: Session, s: WriteStatement): Promise<void> {
  if (isConfined(env)) await checkFragments(env, session, s);
  const what = statementName(s);
  if (s.kind === 'call_procedure') return authorizeProcedure(env, s.args['table'], what);
  if (s.kind === 'convert_to_delta') return authorizeTableWrite(env, s.source, 'MODIFY', what);
  if (s.kind === 'create_table') {
    if (s.location !== undefined && isConfined(env)) throw lockedDown(env, `${what} … LOCATION '${s.location}'`, 'tables are created in managed storage; external locations are for admins only', { location: s.location });
    if (s.target.kind === 'path') return refusePathTable(env, s.target.format, s.target.path, what);
    if (s.orReplace || s.mustExist) await authorizeTableWrite(env, s.target, 'MANAGE', what);
    return;
  }
  return authorizeTableWrite(env, s.target, MODIFY_KINDS.has(s.kind) ? 'MODIFY' : 'MANAGE', what);
}

/** Statement kinds that need MODIFY; every other kind with a target needs ownership (MANAGE). */
const MODIFY_KINDS: ReadonlySet<string> = new Set([
  'insert',
  'delete',
  'update',
  'merge',
  'optimize',
  'vacuum',
  'restore',
  'add_columns',
  'alter_column',
  'drop_columns',
  'set_nullability',
  'set_properties',
  'unset_properties',
]);

/**
 * The check for one written table: a path is refused for confined principals; a catalog name
 * needs `privilege` on the table. A name that does not exist is left to the statement, which
 * reports it as always (the catalog refuses names its actor may not see).
 */
export async function authorizeTableWrite(env: SqlEnv, ref: TableRef, privilege: Privilege, what: string): Promise<void> {
  if (ref.kind === 'path') return refusePathTable(env, ref.format, ref.path, what);
  const name = resolveName(env.state, ref.parts);
  if ((await env.catalog.findTable(name)) === undefined) return;
  await env.catalog.authorize(privilege, { type: 'TABLE', name });
}

/** CALL system.<procedure>(table => '…'): a path or iceberg.`path`, or a catalog name. */
async function authorizeProcedure(env: SqlEnv, table: CallProcedureStatement['args'][string] | undefined, what: string): Promise<void> {
  if (table === undefined || table.kind !== 'string') return;
  const text = table.value;
  const quoted = /^iceberg\.`(.+)`$/.exec(text)?.[1];
  if (quoted !== undefined || /[/\\:]/.test(text)) return refusePathTable(env, 'iceberg', quoted ?? text, what);
  return authorizeTableWrite(env, { kind: 'name', parts: parseObjectName(text) }, 'MODIFY', what);
}

/** "INSERT", "ALTER TABLE", "CALL system.expire_snapshots": how messages name the statement. */
function statementName(s: WriteStatement): string {
  if (s.kind === 'call_procedure') return `CALL system.${s.procedure}`;
  if (s.kind === 'create_table') return s.mustExist ? 'REPLACE TABLE' : 'CREATE TABLE';
  if (s.kind === 'convert_to_delta') return 'CONVERT TO DELTA';
  return MODIFY_KINDS.has(s.kind) && !s.kind.includes('_') ? s.kind.toUpperCase() : 'ALTER TABLE';
}

/**
 * Every SQL fragment of a write statement, as DuckDB will see it: queries (the INSERT's, CREATE
 * TABLE AS), the MERGE source (a table or a parenthesised query) and expressions (conditions,
 * SET and VALUES items, DEFAULT and CHECK, partition values, RESTORE's timestamp).
 */
export function writeFragments(s: WriteStatement): string[] {
  const out: string[] = [];
  collect(s, out);
  return out;
}

function collect(value: unknown, out: string[]): void {
  if (Array.isArray(value)) {
    for (const item of value) collect(item, out);
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  for (const [key, child] of Object.entries(value)) {
    if (key === 'querySql' || key === 'asQuery') pushText(child, out, (t) => t);
    else if (key === 'sourceSql') pushText(child, out, (t) => `SELECT * FROM ${t}`);
    else if (key.endsWith('Sql')) pushText(child, out, (t) => `SELECT ${t}`);
    else collect(child, out);
  }
}

function pushText(value: unknown, out: string[], wrap: (text: string) => string): void {
  if (typeof value === 'string') out.push(wrap(value));
  else if (Array.isArray(value)) for (const item of value) pushText(item, out, wrap);
}

async function checkFragments(env: SqlEnv, session: Session, s: WriteStatement): Promise<void> {
  for (const fragment of writeFragments(s)) await checkQueryAccess(env, session, fragment);
}
