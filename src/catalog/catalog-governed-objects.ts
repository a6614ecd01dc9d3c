import { LochError } from '../core/errors.js';
import { CatalogAccess } from './catalog-access.js';
import type { Located } from './catalog-access.js';
import type { CatalogEndpoints } from './catalog-endpoints.js';
import type { CatalogFunctions } from './catalog-functions.js';
import type { CatalogGrants } from './catalog-grants.js';
import { byName } from './catalog-lookup.js';
import type { CatalogContext, CatalogLookup } from './catalog-lookup.js';
import type { CatalogObjects, ManagedLocationOption } from './catalog-objects.js';
import type { CatalogInfo, CreateOptions, DropOptions, ObjectChange, ObjectName, SchemaInfo, VolumeInfo } from './catalog-types.js';
import type { SecurableNode } from './governance/authorizer.js';
import type { SecurableRef, SecurableType } from './governance/governance-types.js';
import type { IdentityStore } from './governance/identity-store.js';
import type { IcebergPointers } from './iceberg-pointers.js';
import type { StoredObject } from './metastore.js';
import { displayName, normalizeName, normalizeObjectName } from './names.js';
import { toCatalogInfo, toSchemaInfo, toVolumeInfo } from './object-mapping.js';
import type { TableRegistry } from './table-registry.js';

/** The working parts of one catalog instance (one actor). */
export interface CatalogParts {
  readonly ctx: CatalogContext;
  readonly lookup: CatalogLookup;
  readonly access: CatalogAccess;
  readonly identity: IdentityStore;
  readonly objects: CatalogObjects;
  readonly tables: TableRegistry;
  readonly functions: CatalogFunctions;
  readonly endpoints: CatalogEndpoints;
  readonly grants: CatalogGrants;
  readonly pointers: IcebergPointers;
}

/**
 * Catalogs, schemas and volumes, governed: each method checks the actor (see the Catalog
 * interface and governance-types.ts) and then does the work unchecked. An admin actor goes
 * straight to the work.
 */
export abstract class GovernedObjects {
  constructor(protected readonly parts: CatalogParts) {}

  protected get admin(): boolean {
    return this.parts.access.admin;
  }

  async bootstrap(): Promise<void> {
    if (!this.admin && (await this.parts.lookup.schema('main', 'default')) !== undefined) return;
    await this.createCatalog('main', { ifNotExists: true });
    await this.createSchema('main', 'default', { ifNotExists: true });
  }

  // ---- catalogs

  async createCatalog(name: string, options: CreateOptions & ManagedLocationOption = {}): Promise<'created' | 'exists'> {
    if (!this.admin) this.parts.access.require('createCatalog', 'CREATE CATALOG', await this.parts.access.locate({ type: 'METASTORE' }, 'createCatalog'));
    return this.parts.objects.createCatalog(name, options);
  }

  async getCatalog(name: string): Promise<CatalogInfo> {
    if (this.admin) return this.parts.objects.getCatalog(name);
    return toCatalogInfo(objectOf(await this.parts.access.locate({ type: 'CATALOG', catalog: normalizeName('catalog', name) }, 'getCatalog')));
  }

  async listCatalogs(): Promise<CatalogInfo[]> {
    if (this.admin) return this.parts.objects.listCatalogs();
    const all = await this.parts.ctx.metastore.list(['catalog'], null);
    return all.filter((o) => this.parts.access.visible([CatalogAccess.node('CATALOG', displayName(o.name), o)])).map(toCatalogInfo).sort(byName);
  }

  async alterCatalog(name: string, change: ObjectChange): Promise<CatalogInfo> {
    if (!this.admin) await this.manage({ type: 'CATALOG', catalog: normalizeName('catalog', name) }, 'alterCatalog', change);
    return this.parts.objects.alterCatalog(name, change);
  }

  async dropCatalog(name: string, options: DropOptions = {}): Promise<'dropped' | 'missing'> {
    if (!this.admin && !(await this.manageToDrop({ type: 'CATALOG', catalog: normalizeName('catalog', name) }, 'dropCatalog', options))) return 'missing';
    return this.parts.objects.dropCatalog(name, options);
  }

  // ---- schemas

  async createSchema(catalog: string, name: string, options: CreateOptions & ManagedLocationOption = {}): Promise<'created' | 'exists'> {
    if (!this.admin) {
      const located = await this.parts.access.locate({ type: 'CATALOG', catalog: normalizeName('catalog', catalog) }, 'createSchema');
      this.parts.access.require('createSchema', 'CREATE SCHEMA', located);
    }
    return this.parts.objects.createSchema(catalog, name, options);
  }

  async getSchema(catalog: string, name: string): Promise<SchemaInfo> {
    if (this.admin) return this.parts.objects.getSchema(catalog, name);
    const located = await this.parts.access.locate(schemaRef(catalog, name), 'getSchema');
    return toSchemaInfo(objectOf(located), (located.catalog as StoredObject).name);
  }

  async listSchemas(catalog: string): Promise<SchemaInfo[]> {
    if (this.admin) return this.parts.objects.listSchemas(catalog);
    const parent = await this.parts.access.locate({ type: 'CATALOG', catalog: normalizeName('catalog', catalog) }, 'listSchemas');
    const c = objectOf(parent);
    const visible = await this.visibleChildren(parent, ['schema'], 'SCHEMA', (o) => displayName(c.name, o.name));
    return visible.map((o) => toSchemaInfo(o, c.name)).sort(byName);
  }

  async alterSchema(catalog: string, name: string, change: ObjectChange): Promise<SchemaInfo> {
    if (!this.admin) await this.manage(schemaRef(catalog, name), 'alterSchema', change);
    return this.parts.objects.alterSchema(catalog, name, change);
  }

  async dropSchema(catalog: string, name: string, options: DropOptions = {}): Promise<'dropped' | 'missing'> {
    if (!this.admin && !(await this.manageToDrop(schemaRef(catalog, name), 'dropSchema', options))) return 'missing';
    return this.parts.objects.dropSchema(catalog, name, options);
  }

  // ---- volumes

  async createVolume(name: ObjectName, options: CreateOptions & { readonly location?: string } = {}): Promise<'created' | 'exists'> {
    if (!this.admin) await this.requireOnSchema(normalizeObjectName('volume', name), 'createVolume', 'CREATE VOLUME');
    return this.parts.objects.createVolume(name, options);
  }

  async getVolume(name: ObjectName): Promise<VolumeInfo> {
    if (this.admin) return this.parts.objects.getVolume(name);
    const n = normalizeObjectName('volume', name);
    return toVolumeInfo(objectOf(await this.parts.access.locate({ type: 'VOLUME', name: n }, 'getVolume')), n.catalog, n.schema);
  }

  async listVolumes(catalog: string, schema: string): Promise<VolumeInfo[]> {
    if (this.admin) return this.parts.objects.listVolumes(catalog, schema);
    const parent = await this.parts.access.locate(schemaRef(catalog, schema), 'listVolumes');
    const [c, s] = [(parent.catalog as StoredObject).name, objectOf(parent).name];
    const visible = await this.visibleChildren(parent, ['volume'], 'VOLUME', (o) => displayName(c, s, o.name));
    return visible.map((o) => toVolumeInfo(o, c, s)).sort(byName);
  }

  async alterVolume(name: ObjectName, change: ObjectChange): Promise<VolumeInfo> {
    if (!this.admin) await this.manage({ type: 'VOLUME', name: normalizeObjectName('volume', name) }, 'alterVolume', change);
    return this.parts.objects.alterVolume(name, change);
  }

  async dropVolume(name: ObjectName, options: DropOptions = {}): Promise<'dropped' | 'missing'> {
    if (!this.admin && !(await this.manageToDrop({ type: 'VOLUME', name: normalizeObjectName('volume', name) }, 'dropVolume', options))) return 'missing';
    return this.parts.objects.dropVolume(name, options);
  }

  // ---- shared checks

  /** Locates the securable and requires ownership or MANAGE; a new owner must be a known principal. */
  protected async manage(ref: SecurableRef, action: string, change?: ObjectChange): Promise<Located> {
    const located = await this.parts.access.locate(ref, action);
    this.parts.access.require(action, 'MANAGE', located);
    if (change?.owner !== undefined && (await this.parts.identity.getPrincipalInfo(change.owner)) === undefined) {
      throw new LochError('INVALID_ARGUMENT', `catalog: cannot make ${change.owner} the owner of ${located.type} ${located.fullName}: no such principal (PRINCIPAL_DOES_NOT_EXIST)`, {
        context: { principal: change.owner },
      });
    }
    return located;
  }

  /** manage() for a drop: false when the object is missing and IF EXISTS was given. */
  protected async manageToDrop(ref: SecurableRef, action: string, options: DropOptions): Promise<boolean> {
    try {
      await this.manage(ref, action);
      return true;
    } catch (error) {
      if (options.ifExists && error instanceof LochError && error.code === 'NOT_FOUND') return false;
      throw error;
    }
  }

  /** Requires `privilege` on the schema of `name` (with the USE path). */
  protected async requireOnSchema(name: ObjectName, action: string, privilege: 'CREATE TABLE' | 'CREATE VOLUME' | 'CREATE FUNCTION' | 'CREATE MODEL ENDPOINT'): Promise<Located> {
    const located = await this.parts.access.locate({ type: 'SCHEMA', catalog: name.catalog, schema: name.schema }, action);
    this.parts.access.require(action, privilege, located);
    return located;
  }

  /** Live children of a located catalog or schema that the actor may see. */
  protected async visibleChildren(
    parent: Located,
    kinds: readonly ('schema' | 'table' | 'view' | 'volume' | 'function' | 'model_endpoint')[],
    type: SecurableType,
    fullName: (o: StoredObject) => string,
  ): Promise<StoredObject[]> {
    const children = await this.parts.ctx.metastore.list(kinds, objectOf(parent).id);
    return children.filter((o) => this.parts.access.visible([...parent.nodes, CatalogAccess.node(type, fullName(o), o)] as readonly SecurableNode[]));
  }
}

export function schemaRef(catalog: string, schema: string): SecurableRef {
  return { type: 'SCHEMA', catalog: normalizeName('catalog', catalog), schema: normalizeName('schema', schema) };
}

/** The located securable's stored object (present for everything but the metastore). */
export function objectOf(located: Located): StoredObject {
  if (located.object === undefined) throw new LochError('INTERNAL', `catalog: ${located.type} ${located.fullName} located without its record`);
  return located.object;
}
