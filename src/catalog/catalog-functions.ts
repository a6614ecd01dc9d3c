import { LochError } from '../core/errors.js';
import { notFound } from './catalog-errors.js';
import { byName } from './catalog-lookup.js';
import type { CatalogContext, CatalogLookup, ObjectChain } from './catalog-lookup.js';
import type { CreateOptions, DropOptions, FunctionInfo, ObjectName, TableInfo } from './catalog-types.js';
import { createResult, missing } from './catalog-objects.js';
import type { ColumnMask, FunctionDefinition, RowFilter } from './governance/governance-types.js';
import type { StoredObject } from './metastore.js';
import { displayName, normalizeName, normalizeObjectName } from './names.js';
import { newDocument, toFunctionInfo, toTableInfo } from './object-mapping.js';
import { partsOf } from './table-registry.js';

const MAX_ATTEMPTS = 8;

/**
 * SQL functions (kind 'function' under a schema; the document holds the FunctionDefinition)
 * and the row filters and column masks of tables (fields of the table's document), without
 * access checks: LakehouseCatalog checks first.
 */
export class CatalogFunctions {
  constructor(
    private readonly ctx: CatalogContext,
    private readonly lookup: CatalogLookup,
  ) {}

  async createFunction(name: ObjectName, definition: FunctionDefinition, options: CreateOptions & { readonly orReplace?: boolean } = {}): Promise<'created' | 'exists' | 'replaced'> {
    const n = normalizeObjectName('function', name);
    const chain = await this.lookup.requireSchema(n.catalog, n.schema);
    const data = newDocument({ principal: this.ctx.principal, comment: options.comment ?? definition.comment, properties: options.properties }, { definition: definitionDocument(definition, partsOf(n)) });
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
      const outcome = await this.ctx.metastore.create({ kind: 'function', parentId: chain.schema.id, name: n.name, data });
      if (outcome.status !== 'exists' || !options.orReplace) return createResult(outcome, options, 'function', partsOf(n));
      // OR REPLACE keeps id, owner, creator and grants: only the definition and comment change.
      const existing = outcome.object;
      const next = { ...existing.data, definition: data['definition'], updatedBy: this.ctx.principal, ...(data['comment'] === undefined ? {} : { comment: data['comment'] }) };
      if (data['comment'] === undefined) delete (next as Record<string, unknown>)['comment'];
      const updated = await this.ctx.metastore.update(existing.id, { expectedRevision: existing.revision, data: next });
      if (updated.status === 'updated') return 'replaced';
    }
    throw new LochError('CONFLICT', `catalog: function ${displayName(...partsOf(n))} kept changing concurrently; try again`, { retryable: true });
  }

  async findFunction(name: ObjectName): Promise<FunctionInfo | undefined> {
    const found = await this.find(normalizeObjectName('function', name));
    return found === undefined ? undefined : toFunctionInfo(found.object, found.catalog.name, found.schema.name);
  }

  async getFunction(name: ObjectName): Promise<FunctionInfo> {
    const n = normalizeObjectName('function', name);
    const found = await this.find(n);
    if (found === undefined) throw notFound('function', partsOf(n));
    return toFunctionInfo(found.object, n.catalog, n.schema);
  }

  async listFunctions(catalog: string, schema: string): Promise<FunctionInfo[]> {
    const chain = await this.lookup.requireSchema(normalizeName('catalog', catalog), normalizeName('schema', schema));
    const objects = await this.ctx.metastore.list(['function'], chain.schema.id);
    return objects.map((o) => toFunctionInfo(o, chain.catalog.name, chain.schema.name)).sort(byName);
  }

  async dropFunction(name: ObjectName, options: DropOptions = {}): Promise<'dropped' | 'missing'> {
    const n = normalizeObjectName('function', name);
    const found = await this.find(n);
    if (found === undefined) return missing(options, 'function', partsOf(n));
    const removed = await this.ctx.metastore.removeTree(found.object.id);
    return Array.isArray(removed) && removed.length > 0 ? 'dropped' : missing(options, 'function', partsOf(n));
  }

  /** SET ROW FILTER (the function must exist; columns plain names) or DROP ROW FILTER (null). */
  async setRowFilter(table: ObjectName, filter: RowFilter | null): Promise<TableInfo> {
    const n = normalizeObjectName('table', table);
    const found = await this.requireTable(n);
    const value = filter === null ? undefined : { function: await this.requireFunction(filter.function, n), columns: filter.columns.map((c) => plainColumn(c, n)) };
    return this.updateTable(found, n, (data) => {
      const next = { ...data, updatedBy: this.ctx.principal } as Record<string, unknown>;
      if (value === undefined) delete next['rowFilter'];
      else next['rowFilter'] = value;
      return next;
    });
  }

  /** ALTER COLUMN c SET MASK f [USING COLUMNS (…)], or DROP MASK (null). */
  async setColumnMask(table: ObjectName, column: string, mask: ColumnMask | null): Promise<TableInfo> {
    const n = normalizeObjectName('table', table);
    const found = await this.requireTable(n);
    const key = plainColumn(column, n);
    const value = mask === null ? undefined : { function: await this.requireFunction(mask.function, n), usingColumns: mask.usingColumns.map((c) => plainColumn(c, n)) };
    return this.updateTable(found, n, (data) => {
      const masks = { ...readMasks(data['columnMasks']) };
      if (value === undefined) delete masks[key];
      else masks[key] = value;
      const next = { ...data, updatedBy: this.ctx.principal } as Record<string, unknown>;
      if (Object.keys(masks).length === 0) delete next['columnMasks'];
      else next['columnMasks'] = masks;
      return next;
    });
  }

  private async find(n: ObjectName): Promise<ObjectChain | undefined> {
    const chain = await this.lookup.schema(n.catalog, n.schema);
    if (chain === undefined) return undefined;
    const object = await this.ctx.metastore.get('function', chain.schema.id, n.name);
    return object === undefined ? undefined : { ...chain, object };
  }

  private async requireTable(n: ObjectName): Promise<ObjectChain> {
    const found = await this.lookup.relation(n);
    if (found === undefined) throw notFound('table', partsOf(n));
    if (found.object.kind !== 'table') {
      throw new LochError('INVALID_ARGUMENT', `catalog: ${displayName(...partsOf(n))} is a view; row filters and column masks apply to tables only`, { context: { table: displayName(...partsOf(n)) } });
    }
    return found;
  }

  /** The full normalised name of an existing function, resolved against the table's schema. */
  private async requireFunction(text: string, table: ObjectName): Promise<string> {
    const n = policyFunctionName(text, table);
    if ((await this.find(n)) === undefined) throw notFound('function', partsOf(n));
    return partsOf(n).join('.');
  }

  private async updateTable(found: ObjectChain, n: ObjectName, compute: (data: StoredObject['data']) => StoredObject['data']): Promise<TableInfo> {
    const updated = await this.lookup.update(found.object, 'table', partsOf(n), (current) => ({ data: compute(current.data) }));
    return toTableInfo(updated, n.catalog, n.schema);
  }
}

/**
 * The function a row filter or column mask names (`f`, `schema.f` or `catalog.schema.f`),
 * resolved against the table's catalog and schema, normalised.
 */
export function policyFunctionName(text: string, table: ObjectName): ObjectName {
  const parts = text.split('.');
  const raw = parts.length === 3 ? parts : parts.length === 2 ? [table.catalog, ...parts] : parts.length === 1 ? [table.catalog, table.schema, ...parts] : undefined;
  if (raw === undefined) throw new LochError('INVALID_ARGUMENT', `catalog: ${JSON.stringify(text)} is not a function name (catalog.schema.function)`, { context: { function: text } });
  return normalizeObjectName('function', { catalog: raw[0] as string, schema: raw[1] as string, name: raw[2] as string });
}

/** A column of a filter or mask: a plain (top-level) column name, lower-cased. */
function plainColumn(column: string, table: ObjectName): string {
  const lower = column.trim().toLowerCase();
  if (lower === '' || lower.includes('.') || /\p{Cc}/u.test(lower)) {
    throw new LochError('INVALID_ARGUMENT', `catalog: ${JSON.stringify(column)} is not a plain column name of table ${displayName(...partsOf(table))}`, {
      context: { column, table: displayName(...partsOf(table)) },
    });
  }
  return lower;
}

function readMasks(raw: unknown): Record<string, unknown> {
  return raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? { ...(raw as Record<string, unknown>) } : {};
}

function definitionDocument(definition: FunctionDefinition, parts: readonly string[]): Record<string, unknown> {
  if (definition.body.trim() === '' || definition.returnType.trim() === '') {
    throw new LochError('INVALID_ARGUMENT', `catalog: function ${displayName(...parts)} needs a return type and a body`, { context: { function: displayName(...parts) } });
  }
  const names = new Set<string>();
  for (const p of definition.parameters) {
    const lower = p.name.toLowerCase();
    if (lower === '' || names.has(lower)) {
      throw new LochError('INVALID_ARGUMENT', `catalog: function ${displayName(...parts)} has an empty or repeated parameter name ${JSON.stringify(p.name)}`, { context: { function: displayName(...parts) } });
    }
    names.add(lower);
  }
  return JSON.parse(JSON.stringify(definition)) as Record<string, unknown>;
}
