/**
 * createTable (POST /tables): Delta tables only — the API has no Iceberg format and views are
 * made with SQL.
 *
 * - MANAGED (no `storage_location`): Loch picks the location under the schema's managed storage
 *   (the UC reference server refuses MANAGED here; Loch can, so it does).
 * - EXTERNAL: `storage_location` required (admins only, see external-locations.ts). With
 *   `columns` a new Delta table is created there; with `columns: []` the Delta table already at
 *   the location is registered as it is.
 * Columns become the Delta schema (types from type_text/type_json/type_name, nullable, comment,
 * partition_index → partition columns); `properties` become Delta table properties (validated by
 * the table layer), `comment` the table comment.
 *
 * Order: plan (governed: CREATE TABLE on the schema, with the USE path) → write the Delta log →
 * register. A failure before registering removes a managed plan's folder; a name taken
 * meanwhile is 409.
 */
import type { ObjectName, TableInfo, TablePlan } from '../../catalog/catalog-types.js';
import { LochError, isLochError } from '../../core/errors.js';
import type { StructType } from '../../expr/types.js';
import type { Caller } from '../http/context.js';
import type { Loch } from '../../sql/loch.js';
import { schemaFromColumns } from './columns.js';
import { checkExternalLocation } from './external-locations.js';
import type { JsonObject } from './request.js';
import { optionalArray, optionalComment, optionalProperties, optionalString, requiredString } from './request.js';
import { invalidParameter, notImplemented } from './uc-errors.js';
import { checkName, fullName } from './uc-names.js';

interface TableRequest {
  readonly name: ObjectName;
  readonly full: string;
  readonly external?: string;
  readonly columns?: { readonly schema: StructType; readonly partitionColumns: string[] };
  readonly comment?: string;
  readonly properties?: Record<string, string>;
}

/** The name of the table a CreateTable body names (for audit before anything else is read). */
export function createTableName(body: JsonObject): ObjectName {
  return {
    catalog: checkName('catalog', requiredString(body, 'catalog_name')),
    schema: checkName('schema', requiredString(body, 'schema_name')),
    name: checkName('table', requiredString(body, 'name')),
  };
}

/** Creates the table a CreateTable body describes and returns its catalog entry. */
export async function createTable(loch: Loch, caller: Caller, body: JsonObject): Promise<TableInfo> {
  const request = parseRequest(caller, body);
  const catalog = caller.catalog;
  if ((await catalog.findTable(request.name)) !== undefined) throw alreadyExists(request.full);
  const plan = await catalog.planTable(request.name, request.external);
  try {
    await writeDelta(loch, plan, request);
  } catch (error) {
    await discard(caller, plan);
    throw error;
  }
  const outcome = await catalog.registerTable(plan, request.comment !== undefined ? { comment: request.comment } : {});
  if (outcome === 'exists') {
    await discard(caller, plan);
    throw alreadyExists(request.full);
  }
  return catalog.getTable(request.name);
}

function parseRequest(caller: Caller, body: JsonObject): TableRequest {
  const name = createTableName(body);
  const full = fullName(name.catalog, name.schema, name.name);
  const type = requiredString(body, 'table_type');
  const format = optionalString(body, 'data_source_format') ?? 'DELTA';
  if (type !== 'MANAGED' && type !== 'EXTERNAL') {
    throw notImplemented(`table_type ${type.slice(0, 40)}: this API creates MANAGED and EXTERNAL Delta tables; create views with SQL (CREATE VIEW) through the statement API`);
  }
  if (format.toUpperCase() !== 'DELTA') {
    throw notImplemented(`data_source_format ${format.slice(0, 40)}: this API creates Delta tables; create Iceberg tables through the Iceberg REST catalog or SQL (USING ICEBERG)`);
  }
  if (optionalString(body, 'view_definition') !== undefined) throw invalidParameter(`view_definition is only for views (table ${full})`);
  const location = optionalString(body, 'storage_location');
  const columnList = optionalArray(body, 'columns') ?? [];
  let external: string | undefined;
  if (type === 'EXTERNAL') {
    if (location === undefined || location === '') throw invalidParameter(`an EXTERNAL table needs storage_location (table ${full})`);
    checkExternalLocation(caller.principal, location, 'table', full);
    external = location;
  } else {
    if (location !== undefined && location !== '') throw invalidParameter(`a MANAGED table takes no storage_location (table ${full}); use table_type EXTERNAL`);
    if (columnList.length === 0) throw invalidParameter(`a MANAGED table needs columns (table ${full})`);
  }
  const comment = optionalComment(body);
  const properties = optionalProperties(body);
  return {
    name,
    full,
    ...(external !== undefined ? { external } : {}),
    ...(columnList.length > 0 ? { columns: schemaFromColumns(columnList) } : {}),
    ...(comment !== undefined && comment !== '' ? { comment } : {}),
    ...(properties !== undefined ? { properties } : {}),
  };
}

async function writeDelta(loch: Loch, plan: TablePlan, request: TableRequest): Promise<void> {
  const table = await loch.deltaTable(plan.location);
  if (request.columns === undefined) {
    try {
      await table.snapshot();
    } catch (cause) {
      if (!isLochError(cause, 'NOT_FOUND')) throw cause;
      throw invalidParameter(`there is no Delta table at ${plan.location} to register as ${request.full}; give columns to create one`);
    }
    return;
  }
  await table.create({
    mode: 'create',
    schema: request.columns.schema,
    partitionColumns: request.columns.partitionColumns,
    properties: request.properties ?? {},
    ...(request.comment !== undefined ? { description: request.comment } : {}),
  });
}

async function discard(caller: Caller, plan: TablePlan): Promise<void> {
  if (plan.tableType === 'MANAGED') await caller.catalog.discardPlan(plan).catch(() => {});
}

function alreadyExists(full: string): LochError {
  return new LochError('ALREADY_EXISTS', `catalog: table ${full} already exists (TABLE_OR_VIEW_ALREADY_EXISTS)`, { context: { name: full } });
}
