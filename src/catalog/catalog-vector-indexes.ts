import { LochError } from '../core/errors.js';
import { byName, rootOf } from './catalog-lookup.js';
import type { CatalogContext, CatalogLookup, SchemaChain } from './catalog-lookup.js';
import type { ObjectName } from './catalog-types.js';
import { joinLocation } from './managed-locations.js';
import type { StoredObject } from './metastore.js';
import { displayName, normalizeName, normalizeObjectName } from './names.js';
import { newDocument } from './object-mapping.js';

/**
 * Vector indexes as the catalog keeps them: metastore objects of kind 'vector_index' under a
 * schema, in their own namespace (an index may share its name with a table), each holding the
 * ai layer's opaque JSON document (definition, sync state, file ref) under `index`. No access
 * checks here: the ai layer governs indexes through their source tables. Updates are
 * compare-and-set on the revision and report conflicts as values, so the ai layer can re-read
 * and decide. DROP SCHEMA … CASCADE removes the objects with everything else (their files are
 * the ai layer's to delete on DROP VECTOR INDEX).
 */

/** One vector index as stored. */
export interface VectorIndexRecord {
  readonly id: string;
  readonly name: ObjectName;
  readonly owner: string;
  readonly comment?: string;
  readonly createdAt: number;
  readonly createdBy: string;
  readonly updatedAt: number;
  readonly revision: number;
  /** The folder (URL or absolute path) for the index's files: `<schema managed root>/vector_indexes/<id>`. */
  readonly location: string;
  /** The ai layer's document (a deep copy). */
  readonly document: Readonly<Record<string, unknown>>;
}

export type VectorIndexUpdate =
  | { readonly status: 'updated'; readonly record: VectorIndexRecord }
  | { readonly status: 'conflict'; readonly record: VectorIndexRecord }
  | { readonly status: 'missing' };

export type VectorIndexCreate =
  | { readonly status: 'created'; readonly record: VectorIndexRecord }
  | { readonly status: 'exists'; readonly record: VectorIndexRecord };

const FOLDER = 'vector_indexes';

export class CatalogVectorIndexes {
  constructor(
    private readonly ctx: CatalogContext,
    private readonly lookup: CatalogLookup,
  ) {}

  /**
   * Records a new index owned by `owner`; 'exists' (with the existing record) when the name is
   * taken. NOT_FOUND when the schema or catalog is missing.
   */
  async createVectorIndex(name: ObjectName, owner: string, document: Readonly<Record<string, unknown>>, options: { readonly comment?: string } = {}): Promise<VectorIndexCreate> {
    const n = normalizeObjectName('vector index', name);
    const chain = await this.lookup.requireSchema(n.catalog, n.schema);
    const id = this.ctx.ids.uuid();
    const location = joinLocation(rootOf(chain, this.ctx.warehouseRoot), FOLDER, id);
    const data = newDocument({ principal: owner, comment: options.comment }, { location, index: jsonCopy(document, n) });
    const outcome = await this.ctx.metastore.create({ kind: 'vector_index', parentId: chain.schema.id, name: n.name, data, id });
    if (outcome.status === 'parent_missing') throw schemaMissing(n);
    return { status: outcome.status, record: toRecord(outcome.object, chain, this.ctx.warehouseRoot) };
  }

  async findVectorIndex(name: ObjectName): Promise<VectorIndexRecord | undefined> {
    const n = normalizeObjectName('vector index', name);
    const chain = await this.lookup.schema(n.catalog, n.schema);
    if (chain === undefined) return undefined;
    const object = await this.ctx.metastore.get('vector_index', chain.schema.id, n.name);
    return object === undefined ? undefined : toRecord(object, chain, this.ctx.warehouseRoot);
  }

  /** The indexes of a schema by name; NOT_FOUND when the schema does not exist. */
  async listVectorIndexes(catalog: string, schema: string): Promise<VectorIndexRecord[]> {
    const chain = await this.lookup.requireSchema(normalizeName('catalog', catalog), normalizeName('schema', schema));
    const objects = await this.ctx.metastore.list(['vector_index'], chain.schema.id);
    return objects.map((o) => toRecord(o, chain, this.ctx.warehouseRoot)).sort((a, b) => byName(a.name, b.name));
  }

  /** Replaces the ai document if the record is still at `expectedRevision`. */
  async updateVectorIndex(record: VectorIndexRecord, document: Readonly<Record<string, unknown>>, expectedRevision = record.revision): Promise<VectorIndexUpdate> {
    const current = await this.ctx.metastore.getById(record.id);
    if (current === undefined || current.deletedAt !== null) return { status: 'missing' };
    const data = { ...current.data, index: jsonCopy(document, record.name), updatedBy: this.ctx.principal };
    const outcome = await this.ctx.metastore.update(record.id, { expectedRevision, data });
    const chain = await this.lookup.schema(record.name.catalog, record.name.schema);
    if (outcome.status === 'missing' || chain === undefined) return { status: 'missing' };
    if (outcome.status === 'updated') return { status: 'updated', record: toRecord(outcome.object, chain, this.ctx.warehouseRoot) };
    if (outcome.status === 'conflict') return { status: 'conflict', record: toRecord(outcome.object, chain, this.ctx.warehouseRoot) };
    throw new LochError('INTERNAL', `catalog: vector index ${full(record.name)}: unexpected metastore outcome '${outcome.status}'`);
  }

  /** Removes the index object; returns what was removed (its files are the caller's to delete). */
  async dropVectorIndex(name: ObjectName): Promise<VectorIndexRecord | undefined> {
    const found = await this.findVectorIndex(name);
    if (found === undefined) return undefined;
    const removed = await this.ctx.metastore.removeTree(found.id);
    return Array.isArray(removed) && removed.length > 0 ? found : undefined;
  }
}

function toRecord(object: StoredObject, chain: SchemaChain, warehouseRoot: string): VectorIndexRecord {
  const d = object.data;
  const text = (key: string): string | undefined => (typeof d[key] === 'string' ? (d[key] as string) : undefined);
  const index = d['index'];
  return {
    id: object.id,
    name: { catalog: chain.catalog.name, schema: chain.schema.name, name: object.name },
    owner: text('owner') ?? '',
    ...(text('comment') === undefined ? {} : { comment: text('comment') }),
    createdAt: object.createdAt,
    createdBy: text('createdBy') ?? '',
    updatedAt: object.updatedAt,
    revision: object.revision,
    location: text('location') ?? joinLocation(rootOf(chain, warehouseRoot), FOLDER, object.id),
    document: index !== null && typeof index === 'object' && !Array.isArray(index) ? (index as Record<string, unknown>) : {},
  };
}

function jsonCopy(document: Readonly<Record<string, unknown>>, n: ObjectName): Record<string, unknown> {
  try {
    return JSON.parse(JSON.stringify(document)) as Record<string, unknown>;
  } catch (error) {
    throw new LochError('INVALID_ARGUMENT', `catalog: the document of vector index ${full(n)} is not JSON`, { context: { name: full(n) }, cause: error });
  }
}

function schemaMissing(n: ObjectName): LochError {
  const name = displayName(n.catalog, n.schema);
  return new LochError('NOT_FOUND', `catalog: schema ${name} does not exist (SCHEMA_NOT_FOUND)`, { context: { kind: 'schema', name } });
}

function full(n: ObjectName): string {
  return displayName(n.catalog, n.schema, n.name);
}
