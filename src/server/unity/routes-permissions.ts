/**
 * Grants: GET/PATCH /permissions/{securable_type}/{full_name}.
 *
 * GET answers the direct grants on the securable (optionally of one `principal`); PATCH applies
 * `changes: [{principal, add, remove}]` atomically and answers the direct grants afterwards.
 * Both through the governed catalog: the caller must see the securable, and only its owner, a
 * MANAGE holder or an admin may change grants. Privilege spelling: privilege-mapping.ts.
 *
 * Removing a privilege that a principal holds only through a direct ALL PRIVILEGES grant
 * narrows that grant: ALL PRIVILEGES is replaced by the privileges it stands for minus the
 * removed ones (Databricks refuses partial revokes; the API shows ALL PRIVILEGES expanded, so a
 * client removing one of the shown privileges expects exactly that).
 *
 * Securable types: metastore (full_name = the metastore id of /metastore_summary), catalog,
 * schema, table (views too), function, volume; registered_model, external_location and
 * credential are 501.
 */
import type { Hono } from 'hono';
import type { GrantChange, GrantEntry, Privilege, SecurableRef, SecurableType } from '../../catalog/governance/governance-types.js';
import { expandAllPrivileges } from '../../catalog/governance/privileges.js';
import { LochError } from '../../core/errors.js';
import type { ApiDeps, ServerEnv } from '../http/context.js';
import { metastoreId } from './metastore-id.js';
import { operation } from './operation.js';
import { assignmentsJson, requestPrivilege } from './privilege-mapping.js';
import { optionalArray, readBody, pathParam } from './request.js';
import { invalidParameter, notImplemented } from './uc-errors.js';
import { catalogPath, fullName, objectPath, schemaPath } from './uc-names.js';

const MAX_CHANGES = 1000;

export function permissionRoutes(app: Hono<ServerEnv>, deps: ApiDeps): void {
  app.get(
    '/permissions/:securable_type/:full_name',
    operation(deps, 'getPermissions', async (c, audit) => {
      const securable = securableOf(deps, pathParam(c, 'securable_type'), pathParam(c, 'full_name'));
      audit.object(securable.type, describe(securable));
      const principal = c.req.query('principal');
      const grants = await c.get('caller').catalog.getGrants(securable);
      const shown = principal === undefined || principal === '' ? grants : grants.filter((g) => g.principal === principal);
      return { privilege_assignments: assignmentsJson(shown, securable.type) };
    }),
  );

  app.patch(
    '/permissions/:securable_type/:full_name',
    operation(deps, 'updatePermissions', async (c, audit) => {
      const securable = securableOf(deps, pathParam(c, 'securable_type'), pathParam(c, 'full_name'));
      audit.object(securable.type, describe(securable));
      const body = await readBody(c);
      const list = optionalArray(body, 'changes');
      if (list === undefined) throw invalidParameter('the body needs changes: [{principal, add, remove}]');
      if (list.length > MAX_CHANGES) throw invalidParameter(`at most ${MAX_CHANGES} changes per request (got ${list.length})`);
      const requested = list.map(parseChange);
      const catalog = c.get('caller').catalog;
      const current = requested.some((ch) => (ch.remove ?? []).length > 0) ? await catalog.getGrants(securable) : [];
      const changes = requested.map((ch) => narrowAllPrivileges(ch, current, securable.type));
      const after = await catalog.updateGrants(securable, changes);
      return { privilege_assignments: assignmentsJson(after, securable.type) };
    }),
  );
}

function securableOf(deps: ApiDeps, typeText: string, name: string): SecurableRef {
  switch (typeText.toLowerCase()) {
    case 'metastore':
      if (name !== metastoreId(deps.loch.warehouse)) {
        throw new LochError('NOT_FOUND', `unity catalog: metastore ${name.slice(0, 80)} does not exist; this server's metastore id is in GET /metastore_summary (METASTORE_DOES_NOT_EXIST)`);
      }
      return { type: 'METASTORE' };
    case 'catalog':
      return { type: 'CATALOG', catalog: catalogPath(name) };
    case 'schema':
      return { type: 'SCHEMA', ...schemaPath(name) };
    case 'table':
      return { type: 'TABLE', name: objectPath(name, 'table') };
    case 'function':
      return { type: 'FUNCTION', name: objectPath(name, 'function') };
    case 'volume':
      return { type: 'VOLUME', name: objectPath(name, 'volume') };
    case 'registered_model':
    case 'external_location':
    case 'credential':
      throw notImplemented(`securable type ${typeText.toLowerCase()}: Loch has no models, external locations or credentials`);
    default:
      throw invalidParameter(`unknown securable_type '${typeText.slice(0, 40)}' (metastore, catalog, schema, table, function, volume)`);
  }
}

function parseChange(value: unknown, index: number): GrantChange {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw invalidParameter(`changes[${index}] must be an object`);
  const body = value as Record<string, unknown>;
  const principal = body['principal'];
  if (typeof principal !== 'string' || principal === '' || principal.length > 255 || /\p{Cc}/u.test(principal)) {
    throw invalidParameter(`changes[${index}].principal must be a principal name of 1–255 characters`);
  }
  const add = privilegeList(body, 'add', index);
  const remove = privilegeList(body, 'remove', index);
  return { principal, add, remove };
}

function privilegeList(body: Record<string, unknown>, field: string, index: number): Privilege[] {
  const value = body[field];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw invalidParameter(`changes[${index}].${field} must be an array of privileges`);
  if (value.length > 64) throw invalidParameter(`changes[${index}].${field} has too many privileges`);
  return [...new Set(value.map(requestPrivilege))];
}

/** Partial revoke of a direct ALL PRIVILEGES grant: see the module comment. */
function narrowAllPrivileges(change: GrantChange, current: readonly GrantEntry[], type: SecurableType): GrantChange {
  const remove = change.remove ?? [];
  const held = current.find((g) => g.principal === change.principal)?.privileges ?? [];
  const narrowing = remove.filter((p) => p !== 'ALL PRIVILEGES' && p !== 'MANAGE');
  if (!held.includes('ALL PRIVILEGES') || remove.includes('ALL PRIVILEGES') || narrowing.length === 0) return change;
  const kept = expandAllPrivileges(type).filter((p) => !(narrowing as readonly Privilege[]).includes(p));
  const add = [...new Set([...(change.add ?? []).filter((p) => p !== 'ALL PRIVILEGES'), ...kept])];
  return { principal: change.principal, add, remove: [...remove, 'ALL PRIVILEGES'] };
}

function describe(s: SecurableRef): string {
  switch (s.type) {
    case 'METASTORE':
      return 'metastore';
    case 'CATALOG':
      return s.catalog;
    case 'SCHEMA':
      return fullName(s.catalog, s.schema);
    default:
      return fullName(s.name.catalog, s.name.schema, s.name.name);
  }
}
