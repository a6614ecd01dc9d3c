import { LochError } from '../core/errors.js';
import { alreadyExists, notFound, tooManyConflicts, unexpected, wrongCommand } from './catalog-errors.js';
import { byName, rootOf, rootsToAvoid } from './catalog-lookup.js';
import type { CatalogContext, CatalogLookup, ObjectChain } from './catalog-lookup.js';
import type { CreateOptions, DropOptions, ObjectChange, ObjectName, RegisterOptions, TableInfo, TablePlan } from './catalog-types.js';
import { deleteManagedFolder } from './managed-folders.js';
import { checkExternalLocation, isManagedLocation, managedLocation } from './managed-locations.js';
import type { ObjectData, StoredObject } from './metastore.js';
import { displayName, normalizeName, normalizeObjectName, normalizedTableNameOrUndefined } from './names.js';
import { changedDocument, newDocument, toTableInfo } from './object-mapping.js';
import { DroppedTables } from './dropped-tables.js';

/** A view's definition as createView receives it. */
export interface ViewDefinition {
  readonly text: string;
  readonly context: { readonly catalog: string; readonly schema: string };
  readonly columns: readonly { readonly name: string; readonly type: string }[];
}

const MAX_ATTEMPTS = 8;

/** The table and view half of the Catalog service (see the Catalog interface for the contract). */
export class TableRegistry {
  readonly dropped: DroppedTables;

  constructor(
    private readonly ctx: CatalogContext,
    private readonly lookup: CatalogLookup,
  ) {
    this.dropped = new DroppedTables(ctx, lookup);
  }

  async getTable(name: ObjectName): Promise<TableInfo> {
    const n = normalizeObjectName('table', name);
    const found = await this.lookup.relation(n);
    if (found === undefined) throw notFound('table', partsOf(n));
    return infoOf(found);
  }

  async findTable(name: ObjectName): Promise<TableInfo | undefined> {
    const n = normalizedTableNameOrUndefined(name);
    if (n === undefined) return undefined;
    const found = await this.lookup.relation(n);
    return found === undefined ? undefined : infoOf(found);
  }

  async listTables(catalog: string, schema: string): Promise<TableInfo[]> {
    const chain = await this.lookup.requireSchema(normalizeName('catalog', catalog), normalizeName('schema', schema));
    const objects = await this.ctx.metastore.list(['table', 'view'], chain.schema.id);
    return objects.map((o) => toTableInfo(o, chain.catalog.name, chain.schema.name)).sort(byName);
  }

  async planTable(name: ObjectName, location?: string): Promise<TablePlan> {
    const n = normalizeObjectName('table', name);
    const chain = await this.lookup.requireSchema(n.catalog, n.schema);
    const id = this.ctx.ids.uuid();
    if (location === undefined) {
      return { id, name: n, tableType: 'MANAGED', location: managedLocation(rootOf(chain, this.ctx.warehouseRoot), 'tables', id) };
    }
    const what = `table ${displayName(...partsOf(n))}`;
    const external = checkExternalLocation(location, rootsToAvoid(chain, this.ctx.warehouseRoot), what, this.ctx.storeOptions.cwd);
    return { id, name: n, tableType: 'EXTERNAL', location: external };
  }

  async registerTable(plan: TablePlan, options: RegisterOptions = {}): Promise<'created' | 'exists'> {
    const n = normalizeObjectName('table', plan.name);
    const chain = await this.lookup.requireSchema(n.catalog, n.schema);
    const data = newDocument({ principal: this.ctx.principal, comment: options.comment }, { tableType: plan.tableType, location: plan.location, ...formatFields(options, partsOf(n)) });
    const outcome = await this.ctx.metastore.create({ kind: 'table', parentId: chain.schema.id, name: n.name, data, id: plan.id });
    if (outcome.status === 'parent_missing') throw notFound('schema', [n.catalog, n.schema]);
    return outcome.status;
  }

  async discardPlan(plan: TablePlan): Promise<void> {
    if (plan.tableType !== 'MANAGED' || !isManagedLocation(plan.location, 'tables', plan.id)) return;
    // A registered plan's folder is a live table's data: never delete it here.
    if ((await this.ctx.metastore.getById(plan.id)) !== undefined) return;
    await deleteManagedFolder({ folder: 'tables', id: plan.id, location: plan.location }, this.ctx.storeOptions);
  }

  async createView(
    name: ObjectName,
    view: ViewDefinition,
    options: CreateOptions & { readonly orReplace?: boolean } = {},
  ): Promise<'created' | 'exists' | 'replaced'> {
    const n = normalizeObjectName('view', name);
    const chain = await this.lookup.requireSchema(n.catalog, n.schema);
    const data = newDocument({ principal: this.ctx.principal, comment: options.comment, properties: options.properties }, viewDocument(view));
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
      const outcome = await this.ctx.metastore.create({ kind: 'view', parentId: chain.schema.id, name: n.name, data });
      if (outcome.status === 'created') return 'created';
      if (outcome.status === 'parent_missing') throw notFound('schema', [n.catalog, n.schema]);
      if (!options.orReplace) {
        if (options.ifNotExists) return 'exists';
        throw alreadyExists(outcome.object.kind === 'view' ? 'view' : 'table', partsOf(n));
      }
      if (outcome.object.kind !== 'view') throw notAView(partsOf(n));
      if (await this.replaceView(outcome.object, data)) return 'replaced';
    }
    throw tooManyConflicts('view', partsOf(n));
  }

  async alterTable(name: ObjectName, change: ObjectChange): Promise<TableInfo> {
    const n = normalizeObjectName('table', name);
    const found = await this.lookup.relation(n);
    if (found === undefined) throw notFound('table', partsOf(n));
    const kind = found.object.kind === 'view' ? 'view' : 'table';
    if (kind === 'table') refuseFormatChanges(change, found.object.data['format'] === 'ICEBERG' ? 'Iceberg metadata' : 'Delta log', partsOf(n));
    const newName = change.newName === undefined ? undefined : normalizeName(kind, change.newName);
    const updated = await this.lookup.update(found.object, kind, partsOf(n), (current) => ({
      ...(newName !== undefined && newName !== current.name ? { name: newName } : {}),
      data: changedDocument(current.data, change, this.ctx.principal),
    }));
    return toTableInfo(updated, n.catalog, n.schema);
  }

  async dropTable(name: ObjectName, kind: 'table' | 'view', options: DropOptions = {}): Promise<'dropped' | 'missing'> {
    const n = normalizeObjectName(kind, name);
    const found = await this.lookup.relation(n);
    const missing = (): 'missing' => {
      if (options.ifExists) return 'missing';
      throw notFound(kind, partsOf(n));
    };
    if (found === undefined) return missing();
    if (found.object.kind !== kind) throw wrongCommand(found.object.kind === 'view' ? 'view' : 'table', partsOf(n));
    if (kind === 'view') {
      const removed = await this.ctx.metastore.removeTree(found.object.id);
      if (removed === 'has_children') throw unexpected(`drop of view ${displayName(...partsOf(n))}`, removed);
      return removed.length === 0 ? missing() : 'dropped';
    }
    const result = await this.ctx.metastore.softDelete(found.object.id, this.ctx.clock.now());
    if (result === 'has_children') throw unexpected(`drop of table ${displayName(...partsOf(n))}`, result);
    return result === undefined ? missing() : 'dropped';
  }

  /** OR REPLACE: the view keeps its id, owner, creator and grants; false when it changed or vanished meanwhile. */
  private async replaceView(existing: StoredObject, data: ObjectData): Promise<boolean> {
    const next = {
      ...data,
      owner: existing.data['owner'] ?? this.ctx.principal,
      createdBy: existing.data['createdBy'] ?? this.ctx.principal,
      ...(existing.data['grants'] === undefined ? {} : { grants: existing.data['grants'] }),
    };
    const outcome = await this.ctx.metastore.update(existing.id, { expectedRevision: existing.revision, data: next });
    return outcome.status === 'updated';
  }
}

/** The three parts of a normalised name, for messages. */
export function partsOf(name: ObjectName): string[] {
  return [name.catalog, name.schema, name.name];
}

function infoOf(found: ObjectChain): TableInfo {
  return toTableInfo(found.object, found.catalog.name, found.schema.name);
}


function viewDocument(view: ViewDefinition): Record<string, unknown> {
  return {
    tableType: 'VIEW',
    viewText: view.text,
    viewContext: { catalog: view.context.catalog, schema: view.context.schema },
    viewColumns: view.columns.map((c) => ({ name: c.name, type: c.type })),
  };
}

/** The format and pointer fields of a new table's document. */
function formatFields(options: RegisterOptions, parts: readonly string[]): Record<string, string> {
  const format = options.format ?? 'DELTA';
  const location = options.metadataLocation;
  if (format === 'ICEBERG' && (location === undefined || location.trim() === '')) {
    throw new LochError('INVALID_ARGUMENT', `catalog: Iceberg table ${displayName(...parts)} needs the metadata location of its first commit to be registered`);
  }
  if (format === 'DELTA' && location !== undefined) {
    throw new LochError('INVALID_ARGUMENT', `catalog: Delta table ${displayName(...parts)} has no metadata location (its log is found by its location)`);
  }
  return format === 'ICEBERG' ? { format, metadataLocation: location as string } : { format };
}

/** A table's comment and properties live in its Delta log or Iceberg metadata; the SQL layer changes them there. */
function refuseFormatChanges(change: ObjectChange, where: string, parts: readonly string[]): void {
  const fields = [
    change.comment !== undefined ? 'comment' : undefined,
    change.setProperties !== undefined ? 'setProperties' : undefined,
    change.unsetProperties !== undefined ? 'unsetProperties' : undefined,
  ].filter((f): f is string => f !== undefined);
  if (fields.length === 0) return;
  throw new LochError(
    'INVALID_ARGUMENT',
    `catalog: table ${displayName(...parts)} keeps its comment and properties in its ${where}; change ${fields.join(', ')} on the table, not in the catalog`,
    { context: { table: displayName(...parts), fields } },
  );
}

function notAView(parts: readonly string[]): LochError {
  return new LochError('INVALID_ARGUMENT', `catalog: ${displayName(...parts)} is a table, not a view; CREATE OR REPLACE VIEW cannot replace it (EXPECT_VIEW_NOT_TABLE.NO_ALTERNATIVE)`, {
    context: { name: displayName(...parts) },
  });
}
