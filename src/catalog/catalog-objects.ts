import { alreadyExists, notEmpty, notFound } from './catalog-errors.js';
import type { CatalogObjectKind } from './catalog-errors.js';
import { byName, rootOf, rootsToAvoid } from './catalog-lookup.js';
import type { CatalogContext, CatalogLookup } from './catalog-lookup.js';
import type { CatalogInfo, CreateOptions, DropOptions, ObjectChange, ObjectName, SchemaInfo, VolumeInfo } from './catalog-types.js';
import { deleteManagedFoldersOf } from './managed-folders.js';
import { checkExternalLocation, managedLocation, normalizeLocation } from './managed-locations.js';
import type { CreateOutcome, StoredObject } from './metastore.js';
import { displayName, normalizeName, normalizeObjectName } from './names.js';
import { changedDocument, newDocument, toCatalogInfo, toSchemaInfo, toVolumeInfo } from './object-mapping.js';
import { partsOf } from './table-registry.js';

export type ManagedLocationOption = { readonly managedLocation?: string };

/**
 * Catalogs, schemas and volumes without access checks (LakehouseCatalog checks first): the
 * metastore records, their managed locations, and cascading drops. Acts as ctx.principal.
 */
export class CatalogObjects {
  constructor(
    private readonly ctx: CatalogContext,
    private readonly lookup: CatalogLookup,
  ) {}

  // ---- catalogs

  async createCatalog(name: string, options: CreateOptions & ManagedLocationOption = {}): Promise<'created' | 'exists'> {
    const n = normalizeName('catalog', name);
    const data = newDocument(this.documentBase(options), { storageRoot: this.managedRoot(options, `catalog ${displayName(n)}`) });
    const outcome = await this.ctx.metastore.create({ kind: 'catalog', parentId: null, name: n, data });
    const result = createResult(outcome, options, 'catalog', [n]);
    // Databricks gives every new catalog a `default` schema, so `USE CATALOG c` lands somewhere.
    if (result === 'created') await this.createSchema(n, 'default', { ifNotExists: true });
    return result;
  }

  async getCatalog(name: string): Promise<CatalogInfo> {
    return toCatalogInfo(await this.lookup.requireCatalog(normalizeName('catalog', name)));
  }

  async listCatalogs(): Promise<CatalogInfo[]> {
    return (await this.ctx.metastore.list(['catalog'], null)).map(toCatalogInfo).sort(byName);
  }

  async alterCatalog(name: string, change: ObjectChange): Promise<CatalogInfo> {
    const n = normalizeName('catalog', name);
    const object = await this.lookup.requireCatalog(n);
    return toCatalogInfo(await this.alter(object, 'catalog', [n], change));
  }

  async dropCatalog(name: string, options: DropOptions = {}): Promise<'dropped' | 'missing'> {
    const n = normalizeName('catalog', name);
    const object = await this.lookup.catalog(n);
    if (object === undefined) return missing(options, 'catalog', [n]);
    if (!options.cascade) await this.dropEmptyDefaultSchema(object);
    return this.dropTree(object, 'catalog', [n], options);
  }

  // ---- schemas

  async createSchema(catalog: string, name: string, options: CreateOptions & ManagedLocationOption = {}): Promise<'created' | 'exists'> {
    const c = normalizeName('catalog', catalog);
    const n = normalizeName('schema', name);
    const parent = await this.lookup.requireCatalog(c);
    const data = newDocument(this.documentBase(options), { storageRoot: this.managedRoot(options, `schema ${displayName(c, n)}`) });
    const outcome = await this.ctx.metastore.create({ kind: 'schema', parentId: parent.id, name: n, data });
    return createResult(outcome, options, 'schema', [c, n]);
  }

  async getSchema(catalog: string, name: string): Promise<SchemaInfo> {
    const chain = await this.lookup.requireSchema(normalizeName('catalog', catalog), normalizeName('schema', name));
    return toSchemaInfo(chain.schema, chain.catalog.name);
  }

  async listSchemas(catalog: string): Promise<SchemaInfo[]> {
    const parent = await this.lookup.requireCatalog(normalizeName('catalog', catalog));
    const schemas = await this.ctx.metastore.list(['schema'], parent.id);
    return schemas.map((s) => toSchemaInfo(s, parent.name)).sort(byName);
  }

  async alterSchema(catalog: string, name: string, change: ObjectChange): Promise<SchemaInfo> {
    const chain = await this.lookup.requireSchema(normalizeName('catalog', catalog), normalizeName('schema', name));
    const updated = await this.alter(chain.schema, 'schema', [chain.catalog.name, chain.schema.name], change);
    return toSchemaInfo(updated, chain.catalog.name);
  }

  async dropSchema(catalog: string, name: string, options: DropOptions = {}): Promise<'dropped' | 'missing'> {
    const c = normalizeName('catalog', catalog);
    const n = normalizeName('schema', name);
    const chain = await this.lookup.schema(c, n);
    if (chain === undefined) return missing(options, 'schema', [c, n]);
    return this.dropTree(chain.schema, 'schema', [c, n], options);
  }

  // ---- volumes

  async createVolume(name: ObjectName, options: CreateOptions & { readonly location?: string } = {}): Promise<'created' | 'exists'> {
    const n = normalizeObjectName('volume', name);
    const chain = await this.lookup.requireSchema(n.catalog, n.schema);
    const id = this.ctx.ids.uuid();
    const what = `volume ${displayName(...partsOf(n))}`;
    const placement =
      options.location === undefined
        ? { volumeType: 'MANAGED', location: managedLocation(rootOf(chain, this.ctx.warehouseRoot), 'volumes', id) }
        : { volumeType: 'EXTERNAL', location: checkExternalLocation(options.location, rootsToAvoid(chain, this.ctx.warehouseRoot), what, this.ctx.storeOptions.cwd) };
    const data = newDocument(this.documentBase(options), placement);
    const outcome = await this.ctx.metastore.create({ kind: 'volume', parentId: chain.schema.id, name: n.name, data, id });
    return createResult(outcome, options, 'volume', partsOf(n));
  }

  async getVolume(name: ObjectName): Promise<VolumeInfo> {
    const n = normalizeObjectName('volume', name);
    const found = await this.lookup.volume(n);
    if (found === undefined) throw notFound('volume', partsOf(n));
    return toVolumeInfo(found.object, n.catalog, n.schema);
  }

  async listVolumes(catalog: string, schema: string): Promise<VolumeInfo[]> {
    const chain = await this.lookup.requireSchema(normalizeName('catalog', catalog), normalizeName('schema', schema));
    const volumes = await this.ctx.metastore.list(['volume'], chain.schema.id);
    return volumes.map((v) => toVolumeInfo(v, chain.catalog.name, chain.schema.name)).sort(byName);
  }

  async alterVolume(name: ObjectName, change: ObjectChange): Promise<VolumeInfo> {
    const n = normalizeObjectName('volume', name);
    const found = await this.lookup.volume(n);
    if (found === undefined) throw notFound('volume', partsOf(n));
    return toVolumeInfo(await this.alter(found.object, 'volume', partsOf(n), change), n.catalog, n.schema);
  }

  async dropVolume(name: ObjectName, options: DropOptions = {}): Promise<'dropped' | 'missing'> {
    const n = normalizeObjectName('volume', name);
    const found = await this.lookup.volume(n);
    if (found === undefined) return missing(options, 'volume', partsOf(n));
    return this.dropTree(found.object, 'volume', partsOf(n), { ...options, cascade: true });
  }

  // ---- shared steps

  private documentBase(options: CreateOptions): { principal: string; comment?: string; properties?: Readonly<Record<string, string>> } {
    return { principal: this.ctx.principal, comment: options.comment, properties: options.properties };
  }

  private managedRoot(options: ManagedLocationOption, what: string): string | undefined {
    return options.managedLocation === undefined ? undefined : normalizeLocation(options.managedLocation, `${what} managed`, this.ctx.storeOptions.cwd);
  }

  private alter(object: StoredObject, kind: CatalogObjectKind, parts: readonly string[], change: ObjectChange): Promise<StoredObject> {
    const newName = change.newName === undefined ? undefined : normalizeName(kind, change.newName);
    return this.lookup.update(object, kind, parts, (current) => ({
      ...(newName !== undefined && newName !== current.name ? { name: newName } : {}),
      data: changedDocument(current.data, change, this.ctx.principal),
    }));
  }

  /**
   * The `default` schema every catalog gets does not make it "non-empty": when it is the only
   * schema and holds nothing, RESTRICT removes it with the catalog, as Databricks does.
   */
  private async dropEmptyDefaultSchema(catalog: StoredObject): Promise<void> {
    const schemas = await this.ctx.metastore.list(['schema'], catalog.id);
    if (schemas.length !== 1 || schemas[0]?.name !== 'default') return;
    await this.ctx.metastore.removeTree(schemas[0].id, { onlyIfLeaf: true });
  }

  /**
   * Removes an object with its descendants in one metastore transaction (only when it has no live
   * children unless `cascade`), then deletes the managed folders of every table (live or
   * dropped) and volume removed with it, best effort.
   */
  private async dropTree(object: StoredObject, kind: CatalogObjectKind, parts: readonly string[], options: DropOptions): Promise<'dropped' | 'missing'> {
    const removed = await this.ctx.metastore.removeTree(object.id, options.cascade ? {} : { onlyIfLeaf: true });
    if (removed === 'has_children') throw notEmpty(kind === 'catalog' ? 'catalog' : 'schema', parts);
    if (removed.length === 0) return missing(options, kind, parts);
    await deleteManagedFoldersOf(removed, this.ctx.storeOptions);
    return 'dropped';
  }
}

export function createResult(outcome: CreateOutcome, options: CreateOptions, kind: CatalogObjectKind, parts: readonly string[]): 'created' | 'exists' {
  switch (outcome.status) {
    case 'created':
      return 'created';
    case 'exists':
      if (options.ifNotExists) return 'exists';
      throw alreadyExists(kind, parts);
    case 'parent_missing':
      throw kind === 'schema' ? notFound('catalog', parts.slice(0, 1)) : notFound('schema', parts.slice(0, 2));
  }
}

export function missing(options: DropOptions, kind: CatalogObjectKind, parts: readonly string[]): 'missing' {
  if (options.ifExists) return 'missing';
  throw notFound(kind, parts);
}
