import { LochError } from '../core/errors.js';
import { CatalogAccess } from './catalog-access.js';
import type { Located } from './catalog-access.js';
import type { ModelEndpointChange } from './catalog-endpoints.js';
import { policyFunctionName } from './catalog-functions.js';
import { GovernedObjects, objectOf, schemaRef } from './catalog-governed-objects.js';
import type {
  CreateOptions,
  DropOptions,
  FunctionInfo,
  ModelEndpointInfo,
  ObjectChange,
  ObjectName,
  RegisterOptions,
  TableInfo,
  TablePlan,
} from './catalog-types.js';
import type { ColumnMask, EffectiveGrant, FunctionDefinition, GrantChange, GrantEntry, Privilege, RowFilter, SecurableRef } from './governance/governance-types.js';
import type { StoredObject } from './metastore.js';
import { displayName, normalizeObjectName, normalizedTableNameOrUndefined } from './names.js';
import { toFunctionInfo, toModelEndpointInfo, toTableInfo } from './object-mapping.js';
import type { ViewDefinition } from './table-registry.js';

export type { CatalogParts } from './catalog-governed-objects.js';

/**
 * Tables, views, functions, model endpoints, row filters and masks, and grants, governed (see
 * GovernedObjects). Creating needs CREATE TABLE / CREATE FUNCTION / CREATE MODEL ENDPOINT on the schema (with the USE path); reading
 * needs the object to be visible; altering, dropping, undropping and policies need ownership
 * or MANAGE; Iceberg metadata commits need MODIFY.
 */
export abstract class GovernedCatalog extends GovernedObjects {
  // ---- tables and views

  async getTable(name: ObjectName): Promise<TableInfo> {
    if (this.admin) return this.parts.tables.getTable(name);
    const n = normalizeObjectName('table', name);
    return toTableInfo(objectOf(await this.parts.access.locate({ type: 'TABLE', name: n }, 'getTable')), n.catalog, n.schema);
  }

  async findTable(name: ObjectName): Promise<TableInfo | undefined> {
    if (this.admin) return this.parts.tables.findTable(name);
    const n = normalizedTableNameOrUndefined(name);
    if (n === undefined) return undefined;
    const located = await this.parts.access.locateOrUndefined({ type: 'TABLE', name: n }, 'getTable');
    return located === undefined ? undefined : toTableInfo(objectOf(located), n.catalog, n.schema);
  }

  async listTables(catalog: string, schema: string): Promise<TableInfo[]> {
    if (this.admin) return this.parts.tables.listTables(catalog, schema);
    const parent = await this.parts.access.locate(schemaRef(catalog, schema), 'listTables');
    const [c, s] = [(parent.catalog as StoredObject).name, objectOf(parent).name];
    const visible = await this.visibleChildren(parent, ['table', 'view'], 'TABLE', (o) => displayName(c, s, o.name));
    return visible.map((o) => toTableInfo(o, c, s));
  }

  async planTable(name: ObjectName, location?: string): Promise<TablePlan> {
    if (!this.admin) await this.requireOnSchema(normalizeObjectName('table', name), 'planTable', 'CREATE TABLE');
    return this.parts.tables.planTable(name, location);
  }

  async registerTable(plan: TablePlan, options?: RegisterOptions): Promise<'created' | 'exists'> {
    if (!this.admin) await this.requireOnSchema(normalizeObjectName('table', plan.name), 'registerTable', 'CREATE TABLE');
    return this.parts.tables.registerTable(plan, options);
  }

  async icebergMetadataLocation(tableId: string): Promise<string | undefined> {
    if (!this.admin && !(await this.requireById(tableId, 'icebergMetadataLocation', 'SELECT'))) return undefined;
    return this.parts.pointers.current(tableId);
  }

  async commitIcebergMetadata(tableId: string, expected: string | undefined, next: string): Promise<'committed' | 'conflict'> {
    if (!this.admin) await this.requireById(tableId, 'commitIcebergMetadata', 'MODIFY');
    return this.parts.pointers.swap(tableId, expected, next);
  }

  async discardPlan(plan: TablePlan): Promise<void> {
    if (!this.admin) {
      try {
        await this.requireOnSchema(normalizeObjectName('table', plan.name), 'discardPlan', 'CREATE TABLE');
      } catch (error) {
        if (error instanceof LochError && error.code === 'NOT_FOUND') return;
        throw error;
      }
    }
    return this.parts.tables.discardPlan(plan);
  }

  async createView(name: ObjectName, view: ViewDefinition, options: CreateOptions & { readonly orReplace?: boolean } = {}): Promise<'created' | 'exists' | 'replaced'> {
    if (!this.admin) {
      const n = normalizeObjectName('view', name);
      await this.requireOnSchema(n, 'createView', 'CREATE TABLE');
      // Replacing a view rewrites someone's object: that takes ownership or MANAGE, as ALTER does.
      const existing = options.orReplace ? await this.parts.access.locateOrUndefined({ type: 'TABLE', name: n }, 'createView') : undefined;
      if (existing !== undefined) this.parts.access.require('createView', 'MANAGE', existing);
    }
    return this.parts.tables.createView(name, view, options);
  }

  async alterTable(name: ObjectName, change: ObjectChange): Promise<TableInfo> {
    if (!this.admin) await this.manage({ type: 'TABLE', name: normalizeObjectName('table', name) }, 'alterTable', change);
    return this.parts.tables.alterTable(name, change);
  }

  async dropTable(name: ObjectName, kind: 'table' | 'view', options: DropOptions = {}): Promise<'dropped' | 'missing'> {
    if (!this.admin && !(await this.manageToDrop({ type: 'TABLE', name: normalizeObjectName(kind, name) }, 'dropTable', options))) return 'missing';
    return this.parts.tables.dropTable(name, kind, options);
  }

  async undropTable(name: ObjectName): Promise<TableInfo> {
    if (!this.admin) {
      const n = normalizeObjectName('table', name);
      const parent = await this.parts.access.locate(schemaRef(n.catalog, n.schema), 'undropTable');
      const dropped = await this.parts.ctx.metastore.list(['table'], objectOf(parent).id, { deleted: true });
      const newest = dropped.filter((o) => o.name === n.name).sort((a, b) => (b.deletedAt ?? 0) - (a.deletedAt ?? 0))[0];
      // Nothing dropped under the name: the unchecked path reports it (the schema is visible).
      if (newest !== undefined) this.requireOnDropped('undropTable', parent, newest);
    }
    return this.parts.tables.dropped.undropTable(name);
  }

  async listDroppedTables(catalog: string, schema: string): Promise<TableInfo[]> {
    if (this.admin) return this.parts.tables.dropped.listDroppedTables(catalog, schema);
    const parent = await this.parts.access.locate(schemaRef(catalog, schema), 'listDroppedTables');
    const all = await this.parts.tables.dropped.listDroppedTables(catalog, schema);
    const dropped = await this.parts.ctx.metastore.list(['table'], objectOf(parent).id, { deleted: true });
    const manageable = new Set(dropped.filter((o) => this.dropDecision(parent, o) === 'allow').map((o) => o.id));
    return all.filter((t) => manageable.has(t.id));
  }

  async purgeDropped(): Promise<number> {
    if (!this.admin) this.parts.access.require('purgeDropped', 'MANAGE', await this.parts.access.locate({ type: 'METASTORE' }, 'purgeDropped'));
    return this.parts.tables.dropped.purgeDropped();
  }

  // ---- functions, row filters and column masks

  async createFunction(name: ObjectName, definition: FunctionDefinition, options: CreateOptions & { readonly orReplace?: boolean } = {}): Promise<'created' | 'exists' | 'replaced'> {
    if (!this.admin) {
      const n = normalizeObjectName('function', name);
      await this.requireOnSchema(n, 'createFunction', 'CREATE FUNCTION');
      const existing = options.orReplace ? await this.parts.access.locateOrUndefined({ type: 'FUNCTION', name: n }, 'createFunction') : undefined;
      if (existing !== undefined) this.parts.access.require('createFunction', 'MANAGE', existing);
    }
    return this.parts.functions.createFunction(name, definition, options);
  }

  async getFunction(name: ObjectName): Promise<FunctionInfo> {
    if (this.admin) return this.parts.functions.getFunction(name);
    const n = normalizeObjectName('function', name);
    return toFunctionInfo(objectOf(await this.parts.access.locate({ type: 'FUNCTION', name: n }, 'getFunction')), n.catalog, n.schema);
  }

  async findFunction(name: ObjectName): Promise<FunctionInfo | undefined> {
    if (this.admin) return this.parts.functions.findFunction(name);
    const n = normalizeObjectName('function', name);
    const located = await this.parts.access.locateOrUndefined({ type: 'FUNCTION', name: n }, 'getFunction');
    return located === undefined ? undefined : toFunctionInfo(objectOf(located), n.catalog, n.schema);
  }

  async listFunctions(catalog: string, schema: string): Promise<FunctionInfo[]> {
    if (this.admin) return this.parts.functions.listFunctions(catalog, schema);
    const parent = await this.parts.access.locate(schemaRef(catalog, schema), 'listFunctions');
    const [c, s] = [(parent.catalog as StoredObject).name, objectOf(parent).name];
    const visible = await this.visibleChildren(parent, ['function'], 'FUNCTION', (o) => displayName(c, s, o.name));
    return visible.map((o) => toFunctionInfo(o, c, s));
  }

  // ---- model endpoints (governed like functions)

  async createModelEndpoint(name: ObjectName, definition: Readonly<Record<string, unknown>>, options: CreateOptions & { readonly orReplace?: boolean } = {}): Promise<'created' | 'exists' | 'replaced'> {
    if (!this.admin) {
      const n = normalizeObjectName('model endpoint', name);
      await this.requireOnSchema(n, 'createModelEndpoint', 'CREATE MODEL ENDPOINT');
      const existing = options.orReplace ? await this.parts.access.locateOrUndefined({ type: 'MODEL_ENDPOINT', name: n }, 'createModelEndpoint') : undefined;
      if (existing !== undefined) this.parts.access.require('createModelEndpoint', 'MANAGE', existing);
    }
    return this.parts.endpoints.createModelEndpoint(name, definition, options);
  }

  async getModelEndpoint(name: ObjectName): Promise<ModelEndpointInfo> {
    if (this.admin) return this.parts.endpoints.getModelEndpoint(name);
    const n = normalizeObjectName('model endpoint', name);
    return toModelEndpointInfo(objectOf(await this.parts.access.locate({ type: 'MODEL_ENDPOINT', name: n }, 'getModelEndpoint')), n.catalog, n.schema);
  }

  async findModelEndpoint(name: ObjectName): Promise<ModelEndpointInfo | undefined> {
    if (this.admin) return this.parts.endpoints.findModelEndpoint(name);
    const n = normalizeObjectName('model endpoint', name);
    const located = await this.parts.access.locateOrUndefined({ type: 'MODEL_ENDPOINT', name: n }, 'getModelEndpoint');
    return located === undefined ? undefined : toModelEndpointInfo(objectOf(located), n.catalog, n.schema);
  }

  async listModelEndpoints(catalog: string, schema: string): Promise<ModelEndpointInfo[]> {
    if (this.admin) return this.parts.endpoints.listModelEndpoints(catalog, schema);
    const parent = await this.parts.access.locate(schemaRef(catalog, schema), 'listModelEndpoints');
    const [c, s] = [(parent.catalog as StoredObject).name, objectOf(parent).name];
    const visible = await this.visibleChildren(parent, ['model_endpoint'], 'MODEL_ENDPOINT', (o) => displayName(c, s, o.name));
    return visible.map((o) => toModelEndpointInfo(o, c, s));
  }

  async alterModelEndpoint(name: ObjectName, change: ModelEndpointChange): Promise<ModelEndpointInfo> {
    if (!this.admin) {
      const owner = change.owner === undefined ? {} : { owner: change.owner };
      await this.manage({ type: 'MODEL_ENDPOINT', name: normalizeObjectName('model endpoint', name) }, 'alterModelEndpoint', owner);
    }
    return this.parts.endpoints.alterModelEndpoint(name, change);
  }

  async dropModelEndpoint(name: ObjectName, options: DropOptions = {}): Promise<'dropped' | 'missing'> {
    if (!this.admin && !(await this.manageToDrop({ type: 'MODEL_ENDPOINT', name: normalizeObjectName('model endpoint', name) }, 'dropModelEndpoint', options))) return 'missing';
    return this.parts.endpoints.dropModelEndpoint(name, options);
  }

  async dropFunction(name: ObjectName, options: DropOptions = {}): Promise<'dropped' | 'missing'> {
    if (!this.admin && !(await this.manageToDrop({ type: 'FUNCTION', name: normalizeObjectName('function', name) }, 'dropFunction', options))) return 'missing';
    return this.parts.functions.dropFunction(name, options);
  }

  async setRowFilter(table: ObjectName, filter: RowFilter | null): Promise<TableInfo> {
    if (!this.admin) await this.managePolicy(table, filter?.function, 'setRowFilter');
    return this.parts.functions.setRowFilter(table, filter);
  }

  async setColumnMask(table: ObjectName, column: string, mask: ColumnMask | null): Promise<TableInfo> {
    if (!this.admin) await this.managePolicy(table, mask?.function, 'setColumnMask');
    return this.parts.functions.setColumnMask(table, column, mask);
  }

  /** Policies: ownership or MANAGE on the table, and EXECUTE on the function set (as in Unity Catalog). */
  private async managePolicy(table: ObjectName, fn: string | undefined, action: string): Promise<void> {
    const n = normalizeObjectName('table', table);
    await this.manage({ type: 'TABLE', name: n }, action);
    if (fn === undefined) return;
    const located = await this.parts.access.locate({ type: 'FUNCTION', name: policyFunctionName(fn, n) }, action);
    this.parts.access.require(action, 'EXECUTE', located);
  }

  // ---- grants

  getGrants(securable: SecurableRef): Promise<GrantEntry[]> {
    return this.parts.grants.getGrants(normalizedRef(securable));
  }

  getEffectiveGrants(securable: SecurableRef, principal?: string): Promise<EffectiveGrant[]> {
    return this.parts.grants.getEffectiveGrants(normalizedRef(securable), principal);
  }

  updateGrants(securable: SecurableRef, changes: readonly GrantChange[]): Promise<GrantEntry[]> {
    return this.parts.grants.updateGrants(normalizedRef(securable), changes);
  }

  // ---- checks by id and on dropped tables

  /**
   * Requires `privilege` on the live table with this id (USE path included); false when no
   * live table has it (the unchecked path then answers as it always does).
   */
  private async requireById(tableId: string, action: string, privilege: Privilege): Promise<boolean> {
    const table = await this.parts.ctx.metastore.getById(tableId);
    if (table === undefined || table.deletedAt !== null || (table.kind !== 'table' && table.kind !== 'view')) return false;
    const schema = table.parentId === null ? undefined : await this.parts.ctx.metastore.getById(table.parentId);
    const catalog = schema?.parentId == null ? undefined : await this.parts.ctx.metastore.getById(schema.parentId);
    if (schema === undefined || catalog === undefined) return false;
    const nodes = [
      CatalogAccess.node('CATALOG', displayName(catalog.name), catalog),
      CatalogAccess.node('SCHEMA', displayName(catalog.name, schema.name), schema),
      CatalogAccess.node('TABLE', displayName(catalog.name, schema.name, table.name), table),
    ];
    const fullName = displayName(catalog.name, schema.name, table.name);
    this.parts.access.require(action, privilege, { type: 'TABLE', object: table, catalog, schema, nodes, fullName });
    return true;
  }

  private dropDecision(parent: Located, object: StoredObject): ReturnType<CatalogAccess['decide']> {
    const [c, s] = [(parent.catalog as StoredObject).name, objectOf(parent).name];
    return this.parts.access.decide('MANAGE', [...parent.nodes, CatalogAccess.node('TABLE', displayName(c, s, object.name), object)]);
  }

  private requireOnDropped(action: string, parent: Located, object: StoredObject): void {
    const decision = this.dropDecision(parent, object);
    if (decision !== 'allow') throw this.parts.access.refuse(action, decision);
  }
}

/** Names lower-cased and validated, as the metastore holds them. */
export function normalizedRef(ref: SecurableRef): SecurableRef {
  switch (ref.type) {
    case 'METASTORE':
      return ref;
    case 'CATALOG':
      return { type: 'CATALOG', catalog: normalizeObjectName('x', { catalog: ref.catalog, schema: 'x', name: 'x' }).catalog };
    case 'SCHEMA':
      return schemaRef(ref.catalog, ref.schema);
    default:
      return { type: ref.type, name: normalizeObjectName(ref.type.toLowerCase(), ref.name) };
  }
}

