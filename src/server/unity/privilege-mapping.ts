/**
 * Privilege spelling between Loch and the Unity Catalog API.
 *
 * The spec's Privilege enum (spaces: `USE CATALOG`) lacks three privileges Loch has: ALL
 * PRIVILEGES, WRITE VOLUME and MANAGE. So that every response validates against the spec:
 * - `privileges` holds enum values only: ALL PRIVILEGES is expanded into the enum privileges it
 *   stands for on that securable type; WRITE VOLUME and MANAGE are left out there.
 * - `loch_privileges` (an extension field; PrivilegeAssignment allows extra properties) holds
 *   the privileges exactly as granted, in SQL spelling, including the three above.
 * Requests accept the enum values, the three extras, and Databricks' underscore spelling of any
 * of them (`USE_CATALOG`, `ALL_PRIVILEGES`), case-insensitively. Enum privileges Loch has no use
 * for (CREATE MODEL, READ FILES, external locations, credentials …) are 400.
 */
import type { GrantEntry, Privilege, SecurableType } from '../../catalog/governance/governance-types.js';
import { expandAllPrivileges, parsePrivilege, sortPrivileges } from '../../catalog/governance/privileges.js';
import { invalidParameter } from './uc-errors.js';

/** The spec's Privilege enum, in its order. */
export const UC_PRIVILEGES: readonly string[] = [
  'CREATE CATALOG', 'USE CATALOG', 'CREATE SCHEMA', 'USE SCHEMA', 'CREATE TABLE', 'SELECT', 'MODIFY',
  'CREATE FUNCTION', 'EXECUTE', 'CREATE VOLUME', 'READ VOLUME', 'CREATE MODEL', 'CREATE EXTERNAL LOCATION',
  'READ FILES', 'WRITE FILES', 'CREATE EXTERNAL TABLE', 'CREATE EXTERNAL VOLUME', 'CREATE MANAGED STORAGE',
  'CREATE STORAGE CREDENTIAL',
];

/** One PrivilegeAssignment of the API. */
export interface PrivilegeAssignmentJson {
  principal: string;
  privileges: string[];
  loch_privileges: string[];
}

/** The enum privileges that `granted` (on a securable of `type`) amount to, in enum order. */
export function ucPrivileges(granted: readonly Privilege[], type: SecurableType): string[] {
  const out = new Set<string>();
  for (const p of granted) {
    const expanded = p === 'ALL PRIVILEGES' ? expandAllPrivileges(type) : [p];
    for (const e of expanded) if (UC_PRIVILEGES.includes(e)) out.add(e);
  }
  return UC_PRIVILEGES.filter((p) => out.has(p));
}

/** PermissionsList.privilege_assignments of direct grants, by principal. */
export function assignmentsJson(grants: readonly GrantEntry[], type: SecurableType): PrivilegeAssignmentJson[] {
  return [...grants]
    .sort((a, b) => (a.principal < b.principal ? -1 : a.principal > b.principal ? 1 : 0))
    .map((g) => ({ principal: g.principal, privileges: ucPrivileges(g.privileges, type), loch_privileges: sortPrivileges(g.privileges) }));
}

/** A privilege of a request (enum value, extra, or underscore spelling). */
export function requestPrivilege(value: unknown): Privilege {
  if (typeof value !== 'string' || value.length > 64) throw invalidParameter('privileges must be strings such as "SELECT" or "USE CATALOG"');
  const parsed = parsePrivilege(value);
  if (parsed !== undefined) return parsed;
  const spelled = value.trim().toUpperCase().replace(/[_\s]+/g, ' ');
  if (UC_PRIVILEGES.includes(spelled)) throw invalidParameter(`privilege ${spelled} is not supported by Loch (no models, external locations or storage credentials)`);
  throw invalidParameter(`unknown privilege '${value.slice(0, 64)}'`);
}
