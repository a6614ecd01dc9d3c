import { LochError } from '../core/errors.js';
import { METASTORE_OBJECT_NAME } from './catalog-access.js';
import type { CatalogAccess } from './catalog-access.js';
import type { Located } from './catalog-access.js';
import { tooManyConflicts } from './catalog-errors.js';
import type { SecurableNode } from './governance/authorizer.js';
import type { EffectiveGrant, GrantChange, GrantEntry, Privilege, SecurableRef, SecurableType } from './governance/governance-types.js';
import type { IdentityStore } from './governance/identity-store.js';
import { appliesTo, sortPrivileges } from './governance/privileges.js';
import { readGrants } from './grant-documents.js';
import type { Metastore, StoredObject } from './metastore.js';

const MAX_ATTEMPTS = 16;

/**
 * GRANT, REVOKE and SHOW GRANTS over the `grants` field of securables' documents (the metastore
 * singleton of kind 'metastore' for metastore grants, created when first granted on). Access:
 * reading grants needs the securable to be visible; changing them needs ownership, MANAGE or
 * admin (metastore grants: admin only).
 */
export class CatalogGrants {
  constructor(
    private readonly metastore: Metastore,
    private readonly access: CatalogAccess,
    private readonly identity: IdentityStore,
  ) {}

  async getGrants(ref: SecurableRef): Promise<GrantEntry[]> {
    const located = await this.access.locate(ref, 'getGrants');
    return entriesOf(located.object === undefined ? {} : readGrants(located.object.data));
  }

  async getEffectiveGrants(ref: SecurableRef, principal?: string): Promise<EffectiveGrant[]> {
    const located = await this.access.locate(ref, 'getEffectiveGrants');
    const out: EffectiveGrant[] = [];
    const last = located.nodes.length - 1;
    located.nodes.forEach((node, i) => {
      for (const entry of entriesOf(node.grants)) {
        if (principal !== undefined && entry.principal !== principal) continue;
        for (const privilege of entry.privileges) {
          // An ancestor's privilege shows only where it applies (USE CATALOG is no table's).
          if (i < last && !appliesTo(privilege, located.type)) continue;
          out.push({ principal: entry.principal, privilege, on: refOf(node, located), inherited: i < last });
        }
      }
    });
    return out;
  }

  async updateGrants(ref: SecurableRef, changes: readonly GrantChange[]): Promise<GrantEntry[]> {
    const located = await this.access.locate(ref, 'updateGrants');
    this.access.require('updateGrants', 'MANAGE', located);
    await this.validate(located, changes);
    let object = located.object ?? (await this.metastoreObject());
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
      const grants = applyChanges(readGrants(object.data), changes);
      const outcome = await this.metastore.update(object.id, { expectedRevision: object.revision, data: { ...object.data, grants } });
      if (outcome.status === 'updated') return entriesOf(grants);
      if (outcome.status !== 'conflict') {
        throw new LochError('NOT_FOUND', `catalog: ${located.type.toLowerCase()} ${located.fullName} no longer exists`, { context: { securable: located.fullName } });
      }
      object = outcome.object;
    }
    throw tooManyConflicts('catalog', [located.fullName || 'metastore']);
  }

  private async validate(located: Located, changes: readonly GrantChange[]): Promise<void> {
    const what = located.fullName === '' ? located.type : `${located.type} ${located.fullName}`;
    for (const change of changes) {
      for (const privilege of [...(change.add ?? []), ...(change.remove ?? [])]) {
        if (!appliesTo(privilege, located.type)) {
          throw new LochError('INVALID_ARGUMENT', `catalog: privilege ${privilege} does not apply to ${what} (INVALID_PARAMETER_VALUE)`, {
            context: { privilege, securableType: located.type },
          });
        }
      }
      if ((change.add ?? []).length > 0 && (await this.identity.getPrincipalInfo(change.principal)) === undefined) {
        throw new LochError('INVALID_ARGUMENT', `catalog: cannot grant on ${what}: principal ${change.principal} does not exist (PRINCIPAL_DOES_NOT_EXIST)`, {
          context: { principal: change.principal },
        });
      }
    }
  }

  /** The singleton of metastore grants, created on first use (racing creators share one). */
  private async metastoreObject(): Promise<StoredObject> {
    const outcome = await this.metastore.create({ kind: 'metastore', parentId: null, name: METASTORE_OBJECT_NAME, data: { grants: {} } });
    if (outcome.status === 'parent_missing') throw new LochError('INTERNAL', 'catalog: metastore grants: unexpected outcome parent_missing');
    return outcome.object;
  }
}

/** The grants after the changes: removals first, then additions; empty entries vanish. */
export function applyChanges(current: Readonly<Record<string, readonly Privilege[]>>, changes: readonly GrantChange[]): Record<string, Privilege[]> {
  const next: Record<string, Privilege[]> = {};
  for (const [principal, privileges] of Object.entries(current)) next[principal] = [...privileges];
  for (const change of changes) {
    const removed = new Set(change.remove ?? []);
    const kept = (next[change.principal] ?? []).filter((p) => !removed.has(p));
    const merged = sortPrivileges([...kept, ...(change.add ?? [])]);
    if (merged.length === 0) delete next[change.principal];
    else next[change.principal] = merged;
  }
  return next;
}

/** Grant entries sorted by principal, privileges in canonical order. */
export function entriesOf(grants: Readonly<Record<string, readonly Privilege[]>>): GrantEntry[] {
  return Object.keys(grants)
    .sort()
    .map((principal) => ({ principal, privileges: sortPrivileges(grants[principal] ?? []) }))
    .filter((e) => e.privileges.length > 0);
}

/** The SecurableRef of the i-th node of a located chain. */
function refOf(node: SecurableNode, located: Located): SecurableRef {
  const type: SecurableType = node.type;
  const catalog = located.catalog?.name ?? '';
  if (type === 'METASTORE') return { type };
  if (type === 'CATALOG') return { type, catalog };
  const schema = located.schema?.name ?? '';
  if (type === 'SCHEMA') return { type, catalog, schema };
  return { type, name: { catalog, schema, name: located.object?.name ?? '' } };
}
