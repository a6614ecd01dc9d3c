import type { Catalog } from '../../catalog/catalog-types.js';
import { PRIVILEGES } from '../../catalog/governance/governance-types.js';
import type { Privilege, SecurableRef } from '../../catalog/governance/governance-types.js';
import { LochError, isLochError } from '../../core/errors.js';
import type { GovernanceStatement, GrantStatement } from '../parse/governance-ast.js';
import type { SqlEnv } from '../sql-env.js';
import { sqlString } from '../sql-text.js';
import { NO_ROWS } from '../write-target.js';
import type { WriteSummary } from '../write-target.js';
import { executeIdentityStatement } from './identity-statements.js';
import { rowsSql, textColumns } from './result-rows.js';
import { resolveSecurable, securableDepth, securableKey } from './securables.js';

/** SHOW GRANTS' columns, as Databricks SQL names them. */
const GRANT_COLUMNS = textColumns('principal', 'action_type', 'object_type', 'object_key');

/** One row of SHOW GRANTS. */
interface GrantRow {
  readonly principal: string;
  readonly privilege: Privilege;
  readonly on: SecurableRef;
}

/**
 * Runs a governance statement (see parseGovernanceStatement). GRANT/REVOKE go to
 * `catalog.updateGrants`, which decides who may grant (owner, MANAGE holder, admin) and whether
 * the privilege applies; SHOW GRANTS lists what the catalog shows the session's principal.
 * Identity statements go to the session's identity store (admins only, except SHOW).
 */
export async function executeGovernanceStatement(env: SqlEnv, statement: GovernanceStatement): Promise<WriteSummary> {
  switch (statement.kind) {
    case 'grant':
    case 'revoke':
      return grant(env, statement);
    case 'show_grants':
      return showGrants(env, resolveSecurable(env.state, statement.securable), statement.principal);
    case 'show_grants_to':
      return showGrantsTo(env, statement.principal);
    default:
      return executeIdentityStatement(env, statement);
  }
}

async function grant(env: SqlEnv, s: GrantStatement): Promise<WriteSummary> {
  const securable = resolveSecurable(env.state, s.securable);
  const change = s.kind === 'grant' ? { principal: s.principal, add: s.privileges } : { principal: s.principal, remove: s.privileges };
  await env.catalog.updateGrants(securable, [change]);
  return { resultSql: NO_ROWS };
}

/** SHOW GRANTS [principal] ON securable: direct and inherited grants (an inherited one shows where it was granted). */
async function showGrants(env: SqlEnv, securable: SecurableRef, principal: string | undefined): Promise<WriteSummary> {
  const grants = await env.catalog.getEffectiveGrants(securable, principal);
  const rows = grants.filter((g) => principal === undefined || g.principal === principal).map((g) => ({ principal: g.principal, privilege: g.privilege, on: g.on }));
  return { resultSql: grantRowsSql(dedupe(rows)) };
}

/**
 * SHOW GRANTS TO principal (a Loch extension; Databricks has it for share recipients only): the
 * grants held directly by the principal on every securable the caller can see, found by walking
 * the metastore, catalogs, schemas and their tables, volumes, functions and model endpoints (one metastore read
 * per object: meant for interactive use). Grants through the principal's groups are not shown
 * (ask for the group). Admins may ask about anyone; others about themselves or their groups.
 */
async function showGrantsTo(env: SqlEnv, principal: string): Promise<WriteSummary> {
  const actor = env.catalog.actor;
  if (!actor.admin && actor.name !== principal && !actor.groups.includes(principal)) {
    throw new LochError('PERMISSION_DENIED', `sql: ${actor.name} may not list the grants of ${principal}: only admins, the principal itself and members of the group may (PERMISSION_DENIED)`, {
      context: { principal: actor.name, subject: principal },
    });
  }
  const rows: GrantRow[] = [];
  for (const securable of await visibleSecurables(env.catalog)) {
    const entries = await quietly(() => env.catalog.getGrants(securable), []);
    for (const entry of entries) {
      if (entry.principal === principal) rows.push(...entry.privileges.map((privilege) => ({ principal, privilege, on: securable })));
    }
  }
  return { resultSql: grantRowsSql(rows) };
}

/** The metastore and every catalog, schema, table, volume, function and model endpoint the catalog lists to its actor. */
async function visibleSecurables(catalog: Catalog): Promise<SecurableRef[]> {
  const out: SecurableRef[] = [{ type: 'METASTORE' }];
  for (const c of await catalog.listCatalogs()) {
    out.push({ type: 'CATALOG', catalog: c.name });
    for (const s of await quietly(() => catalog.listSchemas(c.name), [])) {
      out.push({ type: 'SCHEMA', catalog: c.name, schema: s.name });
      const [tables, volumes, functions, endpoints] = await Promise.all([
        quietly(() => catalog.listTables(c.name, s.name), []),
        quietly(() => catalog.listVolumes(c.name, s.name), []),
        quietly(() => catalog.listFunctions(c.name, s.name), []),
        quietly(() => catalog.listModelEndpoints(c.name, s.name), []),
      ]);
      for (const t of tables) out.push({ type: 'TABLE', name: { catalog: c.name, schema: s.name, name: t.name } });
      for (const v of volumes) out.push({ type: 'VOLUME', name: { catalog: c.name, schema: s.name, name: v.name } });
      for (const f of functions) out.push({ type: 'FUNCTION', name: { catalog: c.name, schema: s.name, name: f.name } });
      for (const e of endpoints) out.push({ type: 'MODEL_ENDPOINT', name: { catalog: c.name, schema: s.name, name: e.name } });
    }
  }
  return out;
}

/** What the actor may not see (or what vanished meanwhile) is left out of the walk. */
async function quietly<T>(read: () => Promise<T>, fallback: T): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (isLochError(error, 'PERMISSION_DENIED') || isLochError(error, 'NOT_FOUND')) return fallback;
    throw error;
  }
}

function dedupe(rows: readonly GrantRow[]): GrantRow[] {
  const seen = new Set<string>();
  return rows.filter((r) => {
    const key = JSON.stringify([r.principal, r.privilege, r.on.type, securableKey(r.on) ?? null]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Rows by principal, then ancestors before descendants, then privilege in PRIVILEGES order. */
function grantRowsSql(rows: readonly GrantRow[]): string {
  const sorted = [...rows].sort(
    (a, b) =>
      compareText(a.principal, b.principal) ||
      securableDepth(a.on) - securableDepth(b.on) ||
      compareText(securableKey(a.on) ?? '', securableKey(b.on) ?? '') ||
      PRIVILEGES.indexOf(a.privilege) - PRIVILEGES.indexOf(b.privilege),
  );
  return rowsSql(
    GRANT_COLUMNS,
    sorted.map((r) => [sqlString(r.principal), sqlString(r.privilege), sqlString(r.on.type), sqlString(securableKey(r.on))]),
  );
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
