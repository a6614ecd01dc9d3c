import type { LochError } from '../core/errors.js';
import type { Clock } from '../core/clock.js';
import type { IdSource } from '../core/ids.js';
import { systemRandom } from '../core/random.js';
import { openStore } from '../storage/open-store.js';
import type { OpenStoreOptions } from '../storage/open-store.js';
import { CatalogAccess, deniedError } from './catalog-access.js';
import { CatalogEndpoints } from './catalog-endpoints.js';
import { CatalogFunctions } from './catalog-functions.js';
import { CatalogVectorIndexes } from './catalog-vector-indexes.js';
import type { VectorIndexCreate, VectorIndexRecord, VectorIndexUpdate } from './catalog-vector-indexes.js';
import { GovernedCatalog, normalizedRef } from './catalog-governed.js';
import type { CatalogParts } from './catalog-governed.js';
import { CatalogGrants } from './catalog-grants.js';
import { CatalogLookup } from './catalog-lookup.js';
import type { CatalogContext } from './catalog-lookup.js';
import { CatalogObjects } from './catalog-objects.js';
import type { Catalog, ObjectName, VolumeFile } from './catalog-types.js';
import { DEFAULT_RETENTION_MS } from './dropped-tables.js';
import { ALL_USERS_GROUP, NO_AUDIT } from './governance/governance-types.js';
import type { AuditSink, Principal, Privilege, RequestContext, SecurableRef } from './governance/governance-types.js';
import type { IdentityStore } from './governance/identity-store.js';
import { MetastoreIdentityStore } from './governance/metastore-identity-store.js';
import { IcebergPointers } from './iceberg-pointers.js';
import { normalizeLocation } from './managed-locations.js';
import type { Metastore } from './metastore.js';
import { displayName, normalizeObjectName } from './names.js';
import { TableRegistry } from './table-registry.js';
import { formatVolumePath, parseVolumePath } from './volume-paths.js';

export interface LakehouseCatalogOptions {
  readonly metastore: Metastore;
  /** Where managed tables and volumes go by default: an absolute or relative local path, or a URL. */
  readonly warehouseRoot: string;
  /** How table and volume locations are opened (S3 settings, the cwd of relative paths). */
  readonly storeOptions: OpenStoreOptions;
  readonly clock: Clock;
  readonly ids: IdSource;
  /** Who acts: owner and creator of what this instance creates (the actor's name). */
  readonly principal: string;
  /** The acting principal resolved; default: `principal` as an admin user (embedded use, tests). */
  readonly actor?: Principal;
  /** Users, groups and tokens (grantees and new owners must exist); default: over `metastore`. */
  readonly identity?: IdentityStore;
  /** Where decisions and refusals are recorded; default: nowhere. */
  readonly audit?: AuditSink;
  /** Where the requests come from, for audit events; default: the embedded SQL door. */
  readonly request?: RequestContext;
  /** How long a dropped table can be undropped before a purge deletes it; default 7 days. */
  readonly retentionMs?: number;
}

/** The request context of embedded use (no server). */
export const EMBEDDED_REQUEST: RequestContext = { requestId: 'embedded', service: 'sql' };

/**
 * The Catalog service (see the Catalog interface for the contract of every method) over a
 * Metastore for identity and the object stores for managed data, acting as one principal:
 * every method checks the actor's privileges first (GovernedCatalog; admins skip the checks
 * after one flag test). `withActor` gives the same catalog acting as someone else, sharing
 * the metastore, identity store and settings. Names are normalised here; the metastore's atomic
 * create/update/remove make concurrent processes safe.
 */
export class LakehouseCatalog extends GovernedCatalog implements Catalog {
  readonly principal: string;
  readonly actor: Principal;
  /** The warehouse root in canonical form (absolute path or URL). */
  readonly warehouseRoot: string;
  readonly identity: IdentityStore;
  private readonly options: LakehouseCatalogOptions;
  private readonly audit: AuditSink;
  private readonly request: RequestContext;
  private readonly ctx: CatalogContext;
  /** Definer catalogs by owner name, for views expanded repeatedly within this catalog's life. */
  private readonly definers = new Map<string, Promise<Catalog>>();
  private readonly vectorIndexes: CatalogVectorIndexes;

  constructor(options: LakehouseCatalogOptions) {
    const warehouseRoot = normalizeLocation(options.warehouseRoot, 'warehouse', options.storeOptions.cwd);
    const actor = options.actor ?? { name: options.principal, kind: 'user', admin: true, groups: [ALL_USERS_GROUP] };
    const ctx: CatalogContext = {
      metastore: options.metastore,
      warehouseRoot,
      storeOptions: options.storeOptions,
      clock: options.clock,
      ids: options.ids,
      principal: actor.name,
      retentionMs: options.retentionMs ?? DEFAULT_RETENTION_MS,
    };
    const identity = options.identity ?? new MetastoreIdentityStore({ metastore: options.metastore, clock: options.clock, ids: options.ids, random: systemRandom });
    const audit = options.audit ?? NO_AUDIT;
    const request = options.request ?? EMBEDDED_REQUEST;
    const lookup = new CatalogLookup(options.metastore);
    const access = new CatalogAccess(options.metastore, actor, audit, request, options.clock);
    const parts: CatalogParts = {
      ctx,
      lookup,
      access,
      identity,
      objects: new CatalogObjects(ctx, lookup),
      tables: new TableRegistry(ctx, lookup),
      functions: new CatalogFunctions(ctx, lookup),
      endpoints: new CatalogEndpoints(ctx, lookup),
      grants: new CatalogGrants(options.metastore, access, identity),
      pointers: new IcebergPointers(options.metastore),
    };
    super(parts);
    this.options = { ...options, warehouseRoot };
    this.principal = actor.name;
    this.actor = actor;
    this.warehouseRoot = warehouseRoot;
    this.identity = identity;
    this.audit = audit;
    this.request = request;
    this.ctx = ctx;
    this.vectorIndexes = new CatalogVectorIndexes(ctx, lookup);
  }

  /**
   * Vector indexes (kind 'vector_index', see catalog-vector-indexes.ts): admin-level storage
   * without access checks; the ai layer governs them through their source tables.
   */
  createVectorIndex(name: ObjectName, owner: string, document: Readonly<Record<string, unknown>>, options: { readonly comment?: string } = {}): Promise<VectorIndexCreate> {
    return this.vectorIndexes.createVectorIndex(name, owner, document, options);
  }

  findVectorIndex(name: ObjectName): Promise<VectorIndexRecord | undefined> {
    return this.vectorIndexes.findVectorIndex(name);
  }

  listVectorIndexes(catalog: string, schema: string): Promise<VectorIndexRecord[]> {
    return this.vectorIndexes.listVectorIndexes(catalog, schema);
  }

  /** Compare-and-set on the record's revision (or `expectedRevision`); a conflict returns the current record. */
  updateVectorIndex(record: VectorIndexRecord, document: Readonly<Record<string, unknown>>, expectedRevision?: number): Promise<VectorIndexUpdate> {
    return this.vectorIndexes.updateVectorIndex(record, document, expectedRevision);
  }

  dropVectorIndex(name: ObjectName): Promise<VectorIndexRecord | undefined> {
    return this.vectorIndexes.dropVectorIndex(name);
  }

  /**
   * The same catalog acting as `principal` (resolved: groups and admin flag as given), sharing
   * the metastore, identity store and settings; audit sink and request context default to this
   * catalog's.
   */
  withActor(principal: Principal, options: { readonly audit?: AuditSink; readonly request?: RequestContext } = {}): LakehouseCatalog {
    return new LakehouseCatalog({
      ...this.options,
      identity: this.identity,
      principal: principal.name,
      actor: principal,
      audit: options.audit ?? this.audit,
      request: options.request ?? this.request,
    });
  }

  /**
   * The same catalog acting as the named principal (a view's owner): definer rights. An owner
   * unknown to the identity store (dropped since) acts with no privileges at all.
   */
  definer(owner: string): Promise<Catalog> {
    if (owner === this.actor.name) return Promise.resolve(this);
    let found = this.definers.get(owner);
    if (found === undefined) {
      found = this.identity.resolve(owner).then((resolved) => this.withActor(resolved ?? { name: owner, kind: 'user', admin: false, groups: [] }));
      this.definers.set(owner, found);
    }
    return found;
  }

  async authorize(privilege: Privilege, securable: SecurableRef): Promise<void> {
    const ref = normalizedRef(securable);
    if (this.actor.admin) {
      this.parts.access.record(privilege, 'allow', ref.type, refDisplayName(ref));
      return;
    }
    const located = await this.parts.access.locate(ref, privilege);
    const decision = this.parts.access.decide(privilege, located.nodes);
    this.parts.access.record(privilege, decision, located.type, located.fullName);
    if (decision !== 'allow') throw deniedError(decision);
  }

  recordRefusal(action: string, error: LochError): void {
    if (error.code !== 'PERMISSION_DENIED' || error.context['audited'] === true) return;
    const object = error.context['path'] ?? error.context['name'] ?? error.context['securable'];
    this.parts.access.recordRefusal(action, error.message, typeof object === 'string' ? object : undefined);
  }

  async mayAccess(privilege: Privilege, securable: SecurableRef): Promise<boolean> {
    if (this.actor.admin) return true;
    const located = await this.parts.access.locateQuietly(normalizedRef(securable));
    return located !== undefined && this.parts.access.decide(privilege, located.nodes) === 'allow';
  }

  async resolveVolumePath(path: string, access: 'read' | 'write' = 'read'): Promise<VolumeFile> {
    const parsed = parseVolumePath(path);
    const n = normalizeObjectName('volume', { catalog: parsed.catalog, schema: parsed.schema, name: parsed.volume });
    if (!this.actor.admin) {
      const located = await this.parts.access.locate({ type: 'VOLUME', name: n }, 'resolveVolumePath');
      this.parts.access.require('resolveVolumePath', access === 'write' ? 'WRITE VOLUME' : 'READ VOLUME', located);
    }
    const volume = await this.parts.objects.getVolume(n);
    return {
      volume,
      store: openStore(volume.location, this.ctx.storeOptions),
      key: parsed.key,
      path: formatVolumePath({ catalog: n.catalog, schema: n.schema, volume: n.name, key: parsed.key }),
    };
  }
}

/** A securable's full dotted name ('' for the metastore). */
function refDisplayName(ref: SecurableRef): string {
  switch (ref.type) {
    case 'METASTORE':
      return '';
    case 'CATALOG':
      return displayName(ref.catalog);
    case 'SCHEMA':
      return displayName(ref.catalog, ref.schema);
    default:
      return displayName(ref.name.catalog, ref.name.schema, ref.name.name);
  }
}
