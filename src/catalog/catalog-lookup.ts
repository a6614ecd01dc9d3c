import type { Clock } from '../core/clock.js';
import type { IdSource } from '../core/ids.js';
import type { OpenStoreOptions } from '../storage/open-store.js';
import { alreadyExists, notFound, tooManyConflicts, unexpected } from './catalog-errors.js';
import type { CatalogObjectKind } from './catalog-errors.js';
import type { ObjectName } from './catalog-types.js';
import { managedRoot } from './managed-locations.js';
import type { Metastore, ObjectUpdate, StoredObject } from './metastore.js';

/** What the parts of the catalog service share. */
export interface CatalogContext {
  readonly metastore: Metastore;
  /** Canonical (absolute path or URL without trailing slash). */
  readonly warehouseRoot: string;
  readonly storeOptions: OpenStoreOptions;
  readonly clock: Clock;
  readonly ids: IdSource;
  readonly principal: string;
  readonly retentionMs: number;
}

/** A live schema with its live catalog. */
export interface SchemaChain {
  readonly catalog: StoredObject;
  readonly schema: StoredObject;
}

/** A live table, view or volume with its schema and catalog. */
export interface ObjectChain extends SchemaChain {
  readonly object: StoredObject;
}

/** How many optimistic (compare-and-swap) attempts an ALTER makes before giving up. */
const MAX_ATTEMPTS = 8;

/** Finds live objects by normalised names, and updates them with compare-and-swap. */
export class CatalogLookup {
  constructor(private readonly metastore: Metastore) {}

  catalog(name: string): Promise<StoredObject | undefined> {
    return this.metastore.get('catalog', null, name);
  }

  async requireCatalog(name: string): Promise<StoredObject> {
    const catalog = await this.catalog(name);
    if (catalog === undefined) throw notFound('catalog', [name]);
    return catalog;
  }

  async schema(catalogName: string, schemaName: string): Promise<SchemaChain | undefined> {
    const catalog = await this.catalog(catalogName);
    if (catalog === undefined) return undefined;
    const schema = await this.metastore.get('schema', catalog.id, schemaName);
    return schema === undefined ? undefined : { catalog, schema };
  }

  /** NOT_FOUND naming the catalog when it is missing, else the schema. */
  async requireSchema(catalogName: string, schemaName: string): Promise<SchemaChain> {
    const catalog = await this.requireCatalog(catalogName);
    const schema = await this.metastore.get('schema', catalog.id, schemaName);
    if (schema === undefined) throw notFound('schema', [catalogName, schemaName]);
    return { catalog, schema };
  }

  /** The live table or view of that name (they share a namespace). */
  async relation(name: ObjectName): Promise<ObjectChain | undefined> {
    const chain = await this.schema(name.catalog, name.schema);
    if (chain === undefined) return undefined;
    const object =
      (await this.metastore.get('table', chain.schema.id, name.name)) ?? (await this.metastore.get('view', chain.schema.id, name.name));
    return object === undefined ? undefined : { ...chain, object };
  }

  async volume(name: ObjectName): Promise<ObjectChain | undefined> {
    const chain = await this.schema(name.catalog, name.schema);
    if (chain === undefined) return undefined;
    const object = await this.metastore.get('volume', chain.schema.id, name.name);
    return object === undefined ? undefined : { ...chain, object };
  }

  /**
   * Applies `compute(current)` to a live object with compare-and-swap, re-reading and retrying
   * when another writer got in between. A taken new name is ALREADY_EXISTS; an object dropped
   * meanwhile is NOT_FOUND. `parts` names the object in messages.
   */
  async update(
    object: StoredObject,
    kind: CatalogObjectKind,
    parts: readonly string[],
    compute: (current: StoredObject) => Omit<ObjectUpdate, 'expectedRevision'>,
  ): Promise<StoredObject> {
    let current = object;
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
      const outcome = await this.metastore.update(current.id, { ...compute(current), expectedRevision: current.revision });
      switch (outcome.status) {
        case 'updated':
          return outcome.object;
        case 'conflict':
          current = outcome.object;
          continue;
        case 'missing':
          throw notFound(kind, parts);
        case 'name_taken': {
          const next = compute(current).name ?? current.name;
          throw alreadyExists(kind, [...parts.slice(0, -1), next]);
        }
        default:
          throw unexpected(`update of ${kind}`, (outcome as { status: string }).status);
      }
    }
    throw tooManyConflicts(kind, parts);
  }
}

/** Where the managed tables and volumes of a schema go (see managedRoot). */
export function rootOf(chain: SchemaChain, warehouseRoot: string): string {
  const schemaRoot = chain.schema.data['storageRoot'];
  const catalogRoot = chain.catalog.data['storageRoot'];
  return managedRoot(
    typeof schemaRoot === 'string' ? schemaRoot : undefined,
    typeof catalogRoot === 'string' ? catalogRoot : undefined,
    warehouseRoot,
  );
}

/** Every managed root an external location must stay clear of, for a schema. */
export function rootsToAvoid(chain: SchemaChain, warehouseRoot: string): string[] {
  const roots = [warehouseRoot, chain.catalog.data['storageRoot'], chain.schema.data['storageRoot']];
  return [...new Set(roots.filter((r): r is string => typeof r === 'string'))];
}

/** Code-point order of names, as the metastore lists (not locale, not UTF-16 unit order). */
export function byName<T extends { readonly name: string }>(a: T, b: T): number {
  return compareCodePoints(a.name, b.name);
}

export function compareCodePoints(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a.codePointAt(i) as number;
    const y = b.codePointAt(j) as number;
    if (x !== y) return x < y ? -1 : 1;
    i += x > 0xffff ? 2 : 1;
    j += y > 0xffff ? 2 : 1;
  }
  return i < a.length ? 1 : j < b.length ? -1 : 0;
}
