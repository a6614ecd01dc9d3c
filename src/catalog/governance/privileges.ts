import type { Privilege, SecurableType } from './governance-types.js';
import { PRIVILEGES } from './governance-types.js';

/**
 * Which privileges exist on which securable type, and what ALL PRIVILEGES stands for.
 *
 * A privilege is *of* one type (SELECT is of TABLE, USE SCHEMA of SCHEMA); it may be granted on
 * that type or on any ancestor type, where it applies to every current and future descendant
 * of its type. Metastore privileges (CREATE CATALOG) do not flow down to catalogs.
 */
const OWN: Readonly<Record<SecurableType, readonly Privilege[]>> = {
  METASTORE: ['CREATE CATALOG'],
  CATALOG: ['USE CATALOG', 'CREATE SCHEMA'],
  SCHEMA: ['USE SCHEMA', 'CREATE TABLE', 'CREATE VOLUME', 'CREATE FUNCTION', 'CREATE MODEL ENDPOINT'],
  TABLE: ['SELECT', 'MODIFY'],
  VOLUME: ['READ VOLUME', 'WRITE VOLUME'],
  FUNCTION: ['EXECUTE'],
  MODEL_ENDPOINT: ['EXECUTE'],
};

/** Types below each type (inheritance targets). */
const DESCENDANTS: Readonly<Record<SecurableType, readonly SecurableType[]>> = {
  METASTORE: [],
  CATALOG: ['SCHEMA', 'TABLE', 'VOLUME', 'FUNCTION', 'MODEL_ENDPOINT'],
  SCHEMA: ['TABLE', 'VOLUME', 'FUNCTION', 'MODEL_ENDPOINT'],
  TABLE: [],
  VOLUME: [],
  FUNCTION: [],
  MODEL_ENDPOINT: [],
};

/** Depth of a type in the hierarchy: metastore 0, catalog 1, schema 2, objects 3. */
export function depthOf(type: SecurableType): number {
  switch (type) {
    case 'METASTORE':
      return 0;
    case 'CATALOG':
      return 1;
    case 'SCHEMA':
      return 2;
    default:
      return 3;
  }
}

/** The privileges that belong to objects of `type` itself (SELECT for TABLE). */
export function ownPrivileges(type: SecurableType): readonly Privilege[] {
  return OWN[type];
}

/**
 * The privileges that may be granted on a securable of `type`: its own, those of every
 * descendant type (inherited by children), ALL PRIVILEGES and (except on the metastore) MANAGE.
 */
export function grantablePrivileges(type: SecurableType): readonly Privilege[] {
  const set = new Set<Privilege>(OWN[type]);
  for (const child of DESCENDANTS[type]) for (const p of OWN[child]) set.add(p);
  set.add('ALL PRIVILEGES');
  if (type !== 'METASTORE') set.add('MANAGE');
  return sortPrivileges([...set]);
}

/** Whether `privilege` may be granted on a securable of `type`. */
export function appliesTo(privilege: Privilege, type: SecurableType): boolean {
  return grantablePrivileges(type).includes(privilege);
}

/**
 * What ALL PRIVILEGES granted on a securable of `type` stands for, expanded at check time so
 * privileges added later are included: every grantable privilege except MANAGE (and itself).
 */
export function expandAllPrivileges(type: SecurableType): readonly Privilege[] {
  return grantablePrivileges(type).filter((p) => p !== 'ALL PRIVILEGES' && p !== 'MANAGE');
}

/** The privilege that stands for "seeing" an object of the type, named when it is hidden. */
export function visibilityPrivilege(type: SecurableType): Privilege {
  switch (type) {
    case 'METASTORE':
      return 'CREATE CATALOG';
    case 'CATALOG':
      return 'USE CATALOG';
    case 'SCHEMA':
      return 'USE SCHEMA';
    case 'TABLE':
      return 'SELECT';
    case 'VOLUME':
      return 'READ VOLUME';
    case 'FUNCTION':
    case 'MODEL_ENDPOINT':
      return 'EXECUTE';
  }
}

/** Privileges in the canonical order of PRIVILEGES, without duplicates. */
export function sortPrivileges(privileges: Iterable<Privilege>): Privilege[] {
  const set = new Set(privileges);
  return PRIVILEGES.filter((p) => set.has(p));
}

/** A known privilege spelled as in SQL (case-insensitive, `_` or spaces), or undefined. */
export function parsePrivilege(text: string): Privilege | undefined {
  const spelled = text.trim().toUpperCase().replace(/[_\s]+/g, ' ');
  const alias = spelled === 'ALL' ? 'ALL PRIVILEGES' : spelled;
  return (PRIVILEGES as readonly string[]).includes(alias) ? (alias as Privilege) : undefined;
}
