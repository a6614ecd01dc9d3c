import { LochError } from '../core/errors.js';
import { notFound, tooManyConflicts } from './catalog-errors.js';
import { byName } from './catalog-lookup.js';
import type { CatalogContext, CatalogLookup, ObjectChain } from './catalog-lookup.js';
import { createResult, missing } from './catalog-objects.js';
import type { CreateOptions, DropOptions, ModelEndpointInfo, ObjectName } from './catalog-types.js';
import type { ObjectData } from './metastore.js';
import { displayName, normalizeName, normalizeObjectName } from './names.js';
import { changedDocument, newDocument, toModelEndpointInfo } from './object-mapping.js';
import { partsOf } from './table-registry.js';

const MAX_ATTEMPTS = 8;

/** What ALTER MODEL ENDPOINT may change (see Catalog.alterModelEndpoint). */
export interface ModelEndpointChange {
  readonly definition?: Readonly<Record<string, unknown>>;
  /** '' removes the comment. */
  readonly comment?: string;
  readonly owner?: string;
}

/**
 * Model endpoints (kind 'model_endpoint' under a schema; the document's `definition` holds the
 * ai layer's endpoint definition as opaque JSON), without access checks: LakehouseCatalog checks
 * first. Endpoints have their own metastore namespace, as serving endpoints are separate from
 * tables and functions in Databricks: an endpoint may share its name with a table or a function
 * of the same schema. DROP SCHEMA/CATALOG … CASCADE removes them with everything else (the
 * metastore's removeTree); without CASCADE an endpoint makes its schema non-empty.
 */
export class CatalogEndpoints {
  constructor(
    private readonly ctx: CatalogContext,
    private readonly lookup: CatalogLookup,
  ) {}

  /**
   * Records a new endpoint; with `orReplace` an existing one keeps its id, owner, creator and
   * grants and gets the new definition (and the new comment, when one is given).
   */
  async createModelEndpoint(name: ObjectName, definition: Readonly<Record<string, unknown>>, options: CreateOptions & { readonly orReplace?: boolean } = {}): Promise<'created' | 'exists' | 'replaced'> {
    const n = normalizeObjectName('model endpoint', name);
    const chain = await this.lookup.requireSchema(n.catalog, n.schema);
    const data = newDocument({ principal: this.ctx.principal, comment: options.comment, properties: options.properties }, { definition: definitionDocument(definition, partsOf(n)) });
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
      const outcome = await this.ctx.metastore.create({ kind: 'model_endpoint', parentId: chain.schema.id, name: n.name, data });
      if (outcome.status !== 'exists' || !options.orReplace) return createResult(outcome, options, 'model endpoint', partsOf(n));
      const existing = outcome.object;
      const next: Record<string, unknown> = { ...existing.data, definition: data['definition'], updatedBy: this.ctx.principal };
      if (data['comment'] !== undefined) next['comment'] = data['comment'];
      const updated = await this.ctx.metastore.update(existing.id, { expectedRevision: existing.revision, data: next });
      if (updated.status === 'updated') return 'replaced';
    }
    throw tooManyConflicts('model endpoint', partsOf(n));
  }

  async findModelEndpoint(name: ObjectName): Promise<ModelEndpointInfo | undefined> {
    const found = await this.find(normalizeObjectName('model endpoint', name));
    return found === undefined ? undefined : toModelEndpointInfo(found.object, found.catalog.name, found.schema.name);
  }

  /** NOT_FOUND (RESOURCE_DOES_NOT_EXIST) when the endpoint, its schema or its catalog is missing. */
  async getModelEndpoint(name: ObjectName): Promise<ModelEndpointInfo> {
    const n = normalizeObjectName('model endpoint', name);
    const found = await this.find(n);
    if (found === undefined) throw notFound('model endpoint', partsOf(n));
    return toModelEndpointInfo(found.object, n.catalog, n.schema);
  }

  /** The endpoints of a schema, by name; NOT_FOUND when the schema does not exist. */
  async listModelEndpoints(catalog: string, schema: string): Promise<ModelEndpointInfo[]> {
    const chain = await this.lookup.requireSchema(normalizeName('catalog', catalog), normalizeName('schema', schema));
    const objects = await this.ctx.metastore.list(['model_endpoint'], chain.schema.id);
    return objects.map((o) => toModelEndpointInfo(o, chain.catalog.name, chain.schema.name)).sort(byName);
  }

  /** Replaces the definition and/or comment and/or owner (compare-and-swap, retried). */
  async alterModelEndpoint(name: ObjectName, change: ModelEndpointChange): Promise<ModelEndpointInfo> {
    const n = normalizeObjectName('model endpoint', name);
    const found = await this.find(n);
    if (found === undefined) throw notFound('model endpoint', partsOf(n));
    const definition = change.definition === undefined ? undefined : definitionDocument(change.definition, partsOf(n));
    const updated = await this.lookup.update(found.object, 'model endpoint', partsOf(n), (current) => {
      const next: ObjectData = changedDocument(current.data, { ...(change.comment === undefined ? {} : { comment: change.comment }), ...(change.owner === undefined ? {} : { owner: change.owner }) }, this.ctx.principal);
      return { data: definition === undefined ? next : { ...next, definition } };
    });
    return toModelEndpointInfo(updated, n.catalog, n.schema);
  }

  async dropModelEndpoint(name: ObjectName, options: DropOptions = {}): Promise<'dropped' | 'missing'> {
    const n = normalizeObjectName('model endpoint', name);
    const found = await this.find(n);
    if (found === undefined) return missing(options, 'model endpoint', partsOf(n));
    const removed = await this.ctx.metastore.removeTree(found.object.id);
    return Array.isArray(removed) && removed.length > 0 ? 'dropped' : missing(options, 'model endpoint', partsOf(n));
  }

  private async find(n: ObjectName): Promise<ObjectChain | undefined> {
    const chain = await this.lookup.schema(n.catalog, n.schema);
    if (chain === undefined) return undefined;
    const object = await this.ctx.metastore.get('model_endpoint', chain.schema.id, n.name);
    return object === undefined ? undefined : { ...chain, object };
  }
}

/**
 * The definition as stored: a JSON object (a deep copy, so later changes of the caller's object
 * do not reach the metastore). Anything else is INVALID_ARGUMENT; what the fields mean is the ai
 * layer's business (it validates before calling).
 */
function definitionDocument(definition: Readonly<Record<string, unknown>>, parts: readonly string[]): Record<string, unknown> {
  const what = `model endpoint ${displayName(...parts)}`;
  if (definition === null || typeof definition !== 'object' || Array.isArray(definition)) {
    throw new LochError('INVALID_ARGUMENT', `catalog: the definition of ${what} must be a JSON object`, { context: { name: displayName(...parts) } });
  }
  let text: string;
  try {
    text = JSON.stringify(definition);
  } catch (error) {
    throw new LochError('INVALID_ARGUMENT', `catalog: the definition of ${what} is not JSON (cycles or BigInt values)`, { context: { name: displayName(...parts) }, cause: error });
  }
  return JSON.parse(text) as Record<string, unknown>;
}
