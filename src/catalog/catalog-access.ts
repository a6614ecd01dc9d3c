import type { Clock } from '../core/clock.js';
import { LochError } from '../core/errors.js';
import { notFound } from './catalog-errors.js';
import type { CatalogObjectKind } from './catalog-errors.js';
import type { ObjectName } from './catalog-types.js';
import { absentNode, decide, decideVisible, describeDenial } from './governance/authorizer.js';
import type { Decision, Denial, SecurableNode } from './governance/authorizer.js';
import type { AuditSink, Principal, Privilege, RequestContext, SecurableRef, SecurableType } from './governance/governance-types.js';
import type { Metastore, StoredObject } from './metastore.js';
import { displayName } from './names.js';
import { readGrants } from './grant-documents.js';

/** The singleton holding metastore-level grants (kind 'metastore', parent null). */
export const METASTORE_OBJECT_NAME = 'metastore';

/** A securable found with everything above it: stored objects and decision nodes alike. */
export interface Located {
  readonly type: SecurableType;
  /** The target's stored object (the metastore singleton may be absent: no grants yet). */
  readonly object: StoredObject | undefined;
  readonly catalog?: StoredObject;
  readonly schema?: StoredObject;
  /** From the catalog (or the metastore, for a METASTORE target) down to the target. */
  readonly nodes: readonly SecurableNode[];
  /** The target's full dotted name ('' for the metastore). */
  readonly fullName: string;
}

type Outcome = { readonly located: Located } | { readonly denied: Denial } | { readonly missing: LochError };

/** Which metastore kinds a leaf securable type is stored as. */
type LeafType = 'TABLE' | 'VOLUME' | 'FUNCTION' | 'MODEL_ENDPOINT';

const LEAF_KINDS: Readonly<Record<LeafType, readonly ('table' | 'view' | 'volume' | 'function' | 'model_endpoint')[]>> = {
  TABLE: ['table', 'view'],
  VOLUME: ['volume'],
  FUNCTION: ['function'],
  MODEL_ENDPOINT: ['model_endpoint'],
};

const LEAF_ERROR_KIND: Readonly<Record<LeafType, CatalogObjectKind>> = { TABLE: 'table', VOLUME: 'volume', FUNCTION: 'function', MODEL_ENDPOINT: 'model endpoint' };

/**
 * Finds securables for one actor under the disclosure rule (governance-types.ts): a catalog or
 * schema the actor may not see is PERMISSION_DENIED whether or not it exists (decided on an
 * absent node when it does not); NOT_FOUND is only said inside a catalog or schema the actor
 * may see. Refusals are audited. For an admin nothing is decided, only looked up.
 */
export class CatalogAccess {
  constructor(
    private readonly metastore: Metastore,
    readonly actor: Principal,
    private readonly audit: AuditSink,
    private readonly request: RequestContext,
    private readonly clock: Clock,
  ) {}

  get admin(): boolean {
    return this.actor.admin;
  }

  /** Locates a securable (names already normalised); throws PERMISSION_DENIED (audited as `action`) or NOT_FOUND. */
  async locate(ref: SecurableRef, action: string): Promise<Located> {
    return this.unwrap(await this.find(ref), action);
  }

  /** Like locate, but a missing leaf (in a visible schema) or missing container is undefined. */
  async locateOrUndefined(ref: SecurableRef, action: string): Promise<Located | undefined> {
    const outcome = await this.find(ref);
    if ('missing' in outcome) return undefined;
    return this.unwrap(outcome, action);
  }

  /** Locates without auditing or throwing: undefined when hidden or missing. */
  async locateQuietly(ref: SecurableRef): Promise<Located | undefined> {
    const outcome = await this.find(ref);
    return 'located' in outcome ? outcome.located : undefined;
  }

  /** PERMISSION_DENIED (audited as `action`) unless the actor holds `privilege` on the located securable. */
  require(action: string, privilege: Privilege, located: Located): void {
    if (this.admin) return;
    const decision = decide(this.actor, privilege, located.nodes);
    if (decision !== 'allow') throw this.refuse(action, decision);
  }

  decide(privilege: Privilege, nodes: readonly SecurableNode[]): Decision {
    return decide(this.actor, privilege, nodes);
  }

  visible(nodes: readonly SecurableNode[]): boolean {
    return this.admin || decideVisible(this.actor, nodes) === 'allow';
  }

  /** Records an allowed or refused decision of `authorize`. */
  record(action: string, decision: Decision, type: SecurableType, name: string): void {
    const denied = decision !== 'allow';
    this.audit.record({
      time: this.clock.now(),
      request: this.request,
      principal: this.actor.name,
      action,
      objectType: type,
      ...(name === '' ? {} : { objectName: name }),
      allowed: !denied,
      statusCode: denied ? 403 : 200,
      ...(denied ? { errorMessage: describeDenial(decision) } : {}),
    });
  }

  /** Records a refusal decided outside the catalog (the SQL front end's lockdown, a guard). */
  recordRefusal(action: string, message: string, objectName?: string): void {
    this.audit.record({
      time: this.clock.now(),
      request: this.request,
      principal: this.actor.name,
      action,
      ...(objectName === undefined ? {} : { objectName }),
      allowed: false,
      statusCode: 403,
      errorMessage: message,
    });
  }

  /** The PERMISSION_DENIED error of a denial, recorded in the audit sink as a refused `action`. */
  refuse(action: string, denial: Denial): LochError {
    this.record(action, denial, denial.on.type, denial.on.name);
    return deniedError(denial);
  }

  /** The decision node of a stored catalog object. */
  static node(type: SecurableType, name: string, object: StoredObject | undefined): SecurableNode {
    if (object === undefined) return absentNode(type, name);
    const owner = object.data['owner'];
    return { type, name, owner: typeof owner === 'string' ? owner : undefined, grants: readGrants(object.data) };
  }

  private unwrap(outcome: Outcome, action: string): Located {
    if ('located' in outcome) return outcome.located;
    if ('denied' in outcome) throw this.refuse(action, outcome.denied);
    throw outcome.missing;
  }

  private async find(ref: SecurableRef): Promise<Outcome> {
    switch (ref.type) {
      case 'METASTORE': {
        const object = await this.metastore.get('metastore', null, METASTORE_OBJECT_NAME);
        return { located: { type: 'METASTORE', object, nodes: [CatalogAccess.node('METASTORE', '', object)], fullName: '' } };
      }
      case 'CATALOG':
        return this.findCatalog(ref.catalog);
      case 'SCHEMA':
        return this.findSchema(ref.catalog, ref.schema);
      default:
        return this.findLeaf(ref.type, ref.name);
    }
  }

  private async findCatalog(name: string): Promise<Outcome> {
    const object = await this.metastore.get('catalog', null, name);
    const nodes = [CatalogAccess.node('CATALOG', displayName(name), object)];
    const hidden = this.hidden(nodes);
    if (hidden !== undefined) return { denied: hidden };
    if (object === undefined) return { missing: notFound('catalog', [name]) };
    return { located: { type: 'CATALOG', object, catalog: object, nodes, fullName: displayName(name) } };
  }

  private async findSchema(catalog: string, name: string): Promise<Outcome> {
    const parent = await this.findCatalog(catalog);
    if (!('located' in parent)) return parent;
    const catalogObject = parent.located.object as StoredObject;
    const object = await this.metastore.get('schema', catalogObject.id, name);
    const fullName = displayName(catalog, name);
    const nodes = [...parent.located.nodes, CatalogAccess.node('SCHEMA', fullName, object)];
    const hidden = this.hidden(nodes);
    if (hidden !== undefined) return { denied: hidden };
    if (object === undefined) return { missing: notFound('schema', [catalog, name]) };
    return { located: { type: 'SCHEMA', object, catalog: catalogObject, schema: object, nodes, fullName } };
  }

  private async findLeaf(type: LeafType, name: ObjectName): Promise<Outcome> {
    const parent = await this.findSchema(name.catalog, name.schema);
    if (!('located' in parent)) return parent;
    const schema = parent.located.object as StoredObject;
    let object: StoredObject | undefined;
    for (const kind of LEAF_KINDS[type]) {
      object ??= await this.metastore.get(kind, schema.id, name.name);
    }
    if (object === undefined) return { missing: notFound(LEAF_ERROR_KIND[type], [name.catalog, name.schema, name.name]) };
    const fullName = displayName(name.catalog, name.schema, name.name);
    const nodes = [...parent.located.nodes, CatalogAccess.node(type, fullName, object)];
    const hidden = this.hidden(nodes);
    if (hidden !== undefined) return { denied: hidden };
    return { located: { type, object, ...(parent.located.catalog ? { catalog: parent.located.catalog } : {}), schema, nodes, fullName } };
  }

  private hidden(nodes: readonly SecurableNode[]): Denial | undefined {
    if (this.admin) return undefined;
    const decision = decideVisible(this.actor, nodes);
    return decision === 'allow' ? undefined : decision;
  }
}

/** PERMISSION_DENIED naming the principal, the missing privilege and the securable, nothing else; always recorded before it is thrown. */
export function deniedError(denial: Denial): LochError {
  return new LochError('PERMISSION_DENIED', describeDenial(denial), {
    // `audited`: the refusal is in the audit sink already (callers record only unaudited ones).
    context: { privilege: denial.deny, securableType: denial.on.type, ...(denial.on.name === '' ? {} : { securable: denial.on.name }), audited: true },
  });
}
