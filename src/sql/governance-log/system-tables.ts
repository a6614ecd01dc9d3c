import type { Catalog, ObjectName } from '../../catalog/catalog-types.js';
import { LochError } from '../../core/errors.js';
import { field, primitive } from '../../expr/types.js';
import type { DataType, StructType } from '../../expr/types.js';
import type { TableContext } from '../../table/context.js';
import { DeltaTable } from '../../table/delta-table.js';

/** The catalog Loch keeps its own tables in (reserved: see system-guard.ts). */
export const SYSTEM_CATALOG = 'system';
export const ACCESS_SCHEMA = 'access';

export type SystemTable = 'audit' | 'table_lineage' | 'column_lineage';

export const SYSTEM_TABLES: readonly SystemTable[] = ['audit', 'table_lineage', 'column_lineage'];

const text = primitive('string');
const struct = (...fields: [string, DataType][]): StructType => ({ kind: 'struct', fields: fields.map(([n, t]) => field(n, t)) });
const stringMap: DataType = { kind: 'map', key: text, value: text, valueContainsNull: true };

/**
 * `system.access.audit`: Databricks' columns (account_id … identity_metadata left out), plus
 * Loch's `object_type`, `object_name` and `allowed` so that a decision can be found without
 * parsing request_params.
 */
const AUDIT: StructType = struct(
  ['account_id', text],
  ['workspace_id', text],
  ['version', text],
  ['event_time', primitive('timestamp')],
  ['event_date', primitive('date')],
  ['source_ip_address', text],
  ['user_agent', text],
  ['session_id', text],
  ['user_identity', struct(['email', text], ['subject_name', text])],
  ['service_name', text],
  ['action_name', text],
  ['request_id', text],
  ['request_params', stringMap],
  ['response', struct(['status_code', primitive('integer')], ['error_message', text], ['result', text])],
  ['audit_level', text],
  ['event_id', text],
  ['object_type', text],
  ['object_name', text],
  ['allowed', primitive('boolean')],
);

/** Columns both lineage tables share (Databricks' names), then Loch's statement_type and event_id. */
const LINEAGE_COLUMNS: [string, DataType][] = [
  ['account_id', text],
  ['metastore_id', text],
  ['workspace_id', text],
  ['entity_type', text],
  ['entity_id', text],
  ['entity_run_id', text],
  ['source_table_full_name', text],
  ['source_table_catalog', text],
  ['source_table_schema', text],
  ['source_table_name', text],
  ['source_path', text],
  ['source_type', text],
  ['target_table_full_name', text],
  ['target_table_catalog', text],
  ['target_table_schema', text],
  ['target_table_name', text],
  ['target_path', text],
  ['target_type', text],
  ['created_by', text],
  ['event_time', primitive('timestamp')],
  ['event_date', primitive('date')],
  ['statement_type', text],
  ['event_id', text],
];

const TABLE_LINEAGE: StructType = struct(...LINEAGE_COLUMNS);

const COLUMN_LINEAGE: StructType = struct(...LINEAGE_COLUMNS.slice(0, 12), ['source_column_name', text], ...LINEAGE_COLUMNS.slice(12, 18), ['target_column_name', text], ...LINEAGE_COLUMNS.slice(18));

export const SYSTEM_SCHEMAS: Readonly<Record<SystemTable, StructType>> = { audit: AUDIT, table_lineage: TABLE_LINEAGE, column_lineage: COLUMN_LINEAGE };

const COMMENTS: Readonly<Record<SystemTable, string>> = {
  audit: 'Audit log: every governed decision and request (written by Loch only)',
  table_lineage: 'Table lineage: sources and targets of reads and writes (written by Loch only)',
  column_lineage: 'Column lineage: source columns of each written column (written by Loch only)',
};

export function systemTableName(table: SystemTable): ObjectName {
  return { catalog: SYSTEM_CATALOG, schema: ACCESS_SCHEMA, name: table };
}

/** Where each system table lives. */
export type SystemLocations = Readonly<Record<SystemTable, string>>;

/**
 * Creates catalog `system`, schema `system.access` and the three tables where missing (the
 * catalog's actor, an admin, owns them) and returns their locations. Safe across processes: a
 * table registered by someone else meanwhile is adopted and the spare folder removed.
 */
export async function ensureSystemTables(ctx: TableContext, catalog: Catalog): Promise<SystemLocations> {
  await catalog.createCatalog(SYSTEM_CATALOG, { ifNotExists: true, comment: 'Loch system tables (audit and lineage); read-only' });
  await catalog.createSchema(SYSTEM_CATALOG, ACCESS_SCHEMA, { ifNotExists: true, comment: 'Audit log and lineage' });
  const locations: Partial<Record<SystemTable, string>> = {};
  for (const table of SYSTEM_TABLES) locations[table] = await ensureTable(ctx, catalog, table);
  return locations as SystemLocations;
}

async function ensureTable(ctx: TableContext, catalog: Catalog, table: SystemTable): Promise<string> {
  const name = systemTableName(table);
  const found = await catalog.findTable(name);
  if (found?.location !== undefined) return found.location;
  const plan = await catalog.planTable(name);
  try {
    await DeltaTable.open(ctx, plan.location).create({ mode: 'create', schema: SYSTEM_SCHEMAS[table], description: COMMENTS[table] });
  } catch (error) {
    await catalog.discardPlan(plan).catch(() => {});
    throw error;
  }
  if ((await catalog.registerTable(plan, { comment: COMMENTS[table] })) === 'created') return plan.location;
  await catalog.discardPlan(plan).catch(() => {});
  const winner = await catalog.findTable(name);
  if (winner?.location === undefined) throw new LochError('CONFLICT', `governance log: table system.access.${table} was registered by another process and is gone again`);
  return winner.location;
}

