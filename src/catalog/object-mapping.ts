import { LochError } from '../core/errors.js';
import type { CatalogInfo, FunctionInfo, ModelEndpointInfo, ObjectChange, ObjectCommon, SchemaInfo, TableFormat, TableInfo, TableType, VolumeInfo, VolumeType } from './catalog-types.js';
import type { ColumnMask, FunctionDefinition, FunctionParameter, RowFilter } from './governance/governance-types.js';
import type { ObjectData, StoredObject } from './metastore.js';
import { displayName } from './names.js';

/**
 * The `data` document of a metastore object and the catalog's *Info types, in both directions.
 * Document fields: comment, owner, properties, createdBy, updatedBy (every kind); storageRoot
 * (catalogs, schemas); tableType, format ('DELTA' when absent), location, metadataLocation
 * (ICEBERG tables), viewText, viewContext, viewColumns (tables and views); volumeType, location
 * (volumes); grants (every securable); rowFilter, columnMasks (tables); definition (functions: the FunctionDefinition; model endpoints: the ai layer's
 * opaque JSON object). Unknown fields are kept on update, so a newer Loch's additions survive an older
 * one's ALTER.
 */

/** What a new object's document starts with. */
export interface NewDocument {
  readonly principal: string;
  readonly comment?: string | undefined;
  readonly properties?: Readonly<Record<string, string>> | undefined;
}

/** The common fields of a new object's document; `extra` adds the kind's own fields. */
export function newDocument(base: NewDocument, extra: Readonly<Record<string, unknown>> = {}): ObjectData {
  const comment = cleanComment(base.comment);
  return withoutUndefined({
    ...extra,
    ...(comment === undefined ? {} : { comment }),
    owner: base.principal,
    properties: { ...(base.properties ?? {}) },
    createdBy: base.principal,
    updatedBy: base.principal,
  });
}

/**
 * The document after an ALTER: comment set (null or '' removes it), owner changed, properties
 * merged then unset, updatedBy the principal. A rename is not a document change.
 */
export function changedDocument(data: ObjectData, change: ObjectChange, principal: string): ObjectData {
  const next: Record<string, unknown> = { ...data, updatedBy: principal };
  if (change.comment !== undefined) {
    const comment = cleanComment(change.comment ?? undefined);
    if (comment === undefined) delete next['comment'];
    else next['comment'] = comment;
  }
  if (change.owner !== undefined) next['owner'] = change.owner;
  if (change.setProperties !== undefined || change.unsetProperties !== undefined) {
    const properties: Record<string, string> = { ...readProperties(data), ...(change.setProperties ?? {}) };
    for (const key of change.unsetProperties ?? []) delete properties[key];
    next['properties'] = properties;
  }
  return next;
}

export function toCatalogInfo(object: StoredObject): CatalogInfo {
  const storageRoot = optionalString(object.data, 'storageRoot');
  return { ...common(object), name: object.name, ...(storageRoot === undefined ? {} : { storageRoot }) };
}

export function toSchemaInfo(object: StoredObject, catalog: string): SchemaInfo {
  const storageRoot = optionalString(object.data, 'storageRoot');
  return { ...common(object), catalog, name: object.name, ...(storageRoot === undefined ? {} : { storageRoot }) };
}

export function toTableInfo(object: StoredObject, catalog: string, schema: string): TableInfo {
  const what = `table ${displayName(catalog, schema, object.name)}`;
  const tableType = oneOf<TableType>(object, 'tableType', ['MANAGED', 'EXTERNAL', 'VIEW'], what);
  const base = { ...common(object), catalog, schema, name: object.name, tableType };
  const deleted = object.deletedAt === null ? {} : { deletedAt: object.deletedAt };
  if (tableType === 'VIEW') return { ...base, ...viewFields(object, what), ...deleted };
  const location = requiredString(object, 'location', what);
  const format = object.data['format'] === undefined ? 'DELTA' : oneOf<TableFormat>(object, 'format', ['DELTA', 'ICEBERG'], what);
  const policies = policyFields(object.data);
  if (format === 'DELTA') return { ...base, format, location, ...policies, ...deleted };
  return { ...base, format, location, metadataLocation: requiredString(object, 'metadataLocation', what), ...policies, ...deleted };
}

export function toFunctionInfo(object: StoredObject, catalog: string, schema: string): FunctionInfo {
  const what = `function ${displayName(catalog, schema, object.name)}`;
  const raw = object.data['definition'] as Partial<Record<keyof FunctionDefinition, unknown>> | undefined;
  if (raw === null || typeof raw !== 'object' || typeof raw.body !== 'string' || typeof raw.returnType !== 'string' || !Array.isArray(raw.parameters)) {
    throw corrupt(object, what, 'has no valid definition');
  }
  const parameters: FunctionParameter[] = (raw.parameters as unknown[]).filter(isParameter).map((p) => ({
    name: p.name,
    type: p.type,
    ...(typeof p.comment === 'string' ? { comment: p.comment } : {}),
  }));
  const definition: FunctionDefinition = {
    parameters,
    returnType: raw.returnType,
    body: raw.body,
    ...(typeof raw.comment === 'string' ? { comment: raw.comment } : {}),
    ...(typeof raw.deterministic === 'boolean' ? { deterministic: raw.deterministic } : {}),
  };
  return { ...common(object), catalog, schema, name: object.name, definition };
}

/** A model endpoint: its definition document is handed back as stored (a deep copy). */
export function toModelEndpointInfo(object: StoredObject, catalog: string, schema: string): ModelEndpointInfo {
  const raw = object.data['definition'];
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw corrupt(object, `model endpoint ${displayName(catalog, schema, object.name)}`, 'has no valid definition');
  }
  const definition = JSON.parse(JSON.stringify(raw)) as Record<string, unknown>;
  return { ...common(object), catalog, schema, name: object.name, definition };
}

function isParameter(value: unknown): value is { name: string; type: string; comment?: unknown } {
  if (value === null || typeof value !== 'object') return false;
  const p = value as { name?: unknown; type?: unknown };
  return typeof p.name === 'string' && typeof p.type === 'string';
}

/** A table's row filter and column masks, when its document has them. */
function policyFields(data: ObjectData): Pick<TableInfo, 'rowFilter' | 'columnMasks'> {
  const out: { rowFilter?: RowFilter; columnMasks?: Record<string, ColumnMask> } = {};
  const filter = data['rowFilter'] as { function?: unknown; columns?: unknown } | undefined;
  if (filter !== null && typeof filter === 'object' && typeof filter.function === 'string') {
    out.rowFilter = { function: filter.function, columns: stringList(filter.columns) };
  }
  const masks = data['columnMasks'];
  if (masks !== null && typeof masks === 'object' && !Array.isArray(masks)) {
    const read: Record<string, ColumnMask> = {};
    for (const [column, mask] of Object.entries(masks as Record<string, unknown>)) {
      const m = mask as { function?: unknown; usingColumns?: unknown } | null;
      if (m !== null && typeof m === 'object' && typeof m.function === 'string') read[column] = { function: m.function, usingColumns: stringList(m.usingColumns) };
    }
    if (Object.keys(read).length > 0) out.columnMasks = read;
  }
  return out;
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

export function toVolumeInfo(object: StoredObject, catalog: string, schema: string): VolumeInfo {
  const what = `volume ${displayName(catalog, schema, object.name)}`;
  const volumeType = oneOf<VolumeType>(object, 'volumeType', ['MANAGED', 'EXTERNAL'], what);
  return { ...common(object), catalog, schema, name: object.name, volumeType, location: requiredString(object, 'location', what) };
}

/** The properties of a document (string values only; anything else is ignored). */
export function readProperties(data: ObjectData): Record<string, string> {
  const raw = data['properties'];
  const out: Record<string, string> = {};
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return out;
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    if (typeof value === 'string') out[key] = value;
  }
  return out;
}

function common(object: StoredObject): ObjectCommon {
  const data = object.data;
  const comment = optionalString(data, 'comment');
  const owner = optionalString(data, 'owner') ?? '';
  return {
    id: object.id,
    ...(comment === undefined ? {} : { comment }),
    owner,
    properties: readProperties(data),
    createdAt: object.createdAt,
    createdBy: optionalString(data, 'createdBy') ?? owner,
    updatedAt: object.updatedAt,
    updatedBy: optionalString(data, 'updatedBy') ?? owner,
  };
}

function viewFields(object: StoredObject, what: string): Pick<TableInfo, 'viewText' | 'viewContext' | 'viewColumns'> {
  const viewText = requiredString(object, 'viewText', what);
  const context = object.data['viewContext'] as { catalog?: unknown; schema?: unknown } | undefined;
  const viewContext =
    context !== null && typeof context === 'object' && typeof context.catalog === 'string' && typeof context.schema === 'string'
      ? { catalog: context.catalog, schema: context.schema }
      : undefined;
  const rawColumns = object.data['viewColumns'];
  const viewColumns = Array.isArray(rawColumns)
    ? rawColumns.filter(isColumn).map((c) => ({ name: c.name, type: c.type }))
    : [];
  return { viewText, viewColumns, ...(viewContext === undefined ? {} : { viewContext }) };
}

function isColumn(value: unknown): value is { name: string; type: string } {
  if (value === null || typeof value !== 'object') return false;
  const column = value as { name?: unknown; type?: unknown };
  return typeof column.name === 'string' && typeof column.type === 'string';
}

function optionalString(data: ObjectData, key: string): string | undefined {
  const value = data[key];
  return typeof value === 'string' ? value : undefined;
}

function requiredString(object: StoredObject, key: string, what: string): string {
  const value = object.data[key];
  if (typeof value === 'string' && value !== '') return value;
  throw corrupt(object, what, `has no ${key}`);
}

function oneOf<T extends string>(object: StoredObject, key: string, allowed: readonly T[], what: string): T {
  const value = object.data[key];
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  throw corrupt(object, what, `has ${key} ${JSON.stringify(value)}; expected one of ${allowed.join(', ')}`);
}

function corrupt(object: StoredObject, what: string, problem: string): LochError {
  return new LochError('CORRUPT_DATA', `catalog: the metastore record of ${what} (id ${object.id}) ${problem}`, {
    context: { id: object.id, kind: object.kind },
  });
}

/** Unity Catalog has no empty comments: '' means none. */
function cleanComment(comment: string | undefined): string | undefined {
  return comment === undefined || comment === '' ? undefined : comment;
}

function withoutUndefined(record: Record<string, unknown>): ObjectData {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined));
}
