import type { Catalog, ObjectName } from '../../catalog/catalog-types.js';
import { LochError } from '../../core/errors.js';
import { field, primitive, type DataType, type StructType } from '../../expr/types.js';
import type { TableContext } from '../../table/context.js';
import { DeltaTable } from '../../table/delta-table.js';
import { AI_SCHEMA, SYSTEM_CATALOG } from '../log/inference-tables.js';

export const TRACES: ObjectName = { catalog: SYSTEM_CATALOG, schema: AI_SCHEMA, name: 'traces' };
export const TRACE_SPANS: ObjectName = { catalog: SYSTEM_CATALOG, schema: AI_SCHEMA, name: 'trace_spans' };

const text = primitive('string');
const long = primitive('long');
const stringMap: DataType = { kind: 'map', key: text, value: text, valueContainsNull: true };

function struct(columns: readonly [string, DataType][]): StructType {
  return { kind: 'struct', fields: columns.map(([n, t]) => field(n, t)) };
}

/**
 * `system.ai.traces`: one row per trace, MLflow's TraceInfo (v3) fields. `request`/`response`
 * are the root span's inputs/outputs as JSON text, the previews their first 1000 characters;
 * `trace_metadata` holds `mlflow.trace.user` (the principal), `mlflow.trace_schema.version`,
 * `loch.source` (sql, http, openai, agent, api, eval) and `loch.root_span` (name and type).
 */
export const TRACES_SCHEMA: StructType = struct([
  ['trace_id', text],
  ['client_request_id', text],
  ['request_time', primitive('timestamp')],
  ['state', text],
  ['request_preview', text],
  ['response_preview', text],
  ['execution_duration_ms', long],
  ['request', text],
  ['response', text],
  ['trace_metadata', stringMap],
  ['tags', stringMap],
  ['experiment_id', text],
]);

/**
 * `system.ai.trace_spans`: one row per span, MLflow's span fields (times in Unix nanoseconds,
 * at millisecond resolution); `parent_span_id` is NULL for a trace's root; inputs, outputs and
 * attributes are JSON text.
 */
export const TRACE_SPANS_SCHEMA: StructType = struct([
  ['trace_id', text],
  ['span_id', text],
  ['parent_span_id', text],
  ['name', text],
  ['span_type', text],
  ['start_time_unix_nano', long],
  ['end_time_unix_nano', long],
  ['status_code', text],
  ['status_message', text],
  ['inputs', text],
  ['outputs', text],
  ['attributes', text],
]);

/** Where the two tables live (Delta locations). */
export interface TraceTableLocations {
  readonly traces: string;
  readonly spans: string;
}

/**
 * Creates catalog `system`, schema `system.ai` and both trace tables where missing, as
 * `catalog`'s actor (an admin owns them; others read them only when granted), and returns
 * their locations. Safe across processes: a table registered meanwhile by another one is
 * adopted and the spare folder removed.
 */
export async function ensureTraceTables(ctx: TableContext, catalog: Catalog): Promise<TraceTableLocations> {
  await catalog.createCatalog(SYSTEM_CATALOG, { ifNotExists: true, comment: 'Loch system tables; read-only' });
  await catalog.createSchema(SYSTEM_CATALOG, AI_SCHEMA, { ifNotExists: true, comment: 'Model calls: inference log and usage' });
  const traces = await ensureTable(ctx, catalog, TRACES, TRACES_SCHEMA, 'Traces: one row per traced request, MLflow TraceInfo (written by Loch only)');
  const spans = await ensureTable(ctx, catalog, TRACE_SPANS, TRACE_SPANS_SCHEMA, 'Trace spans: one row per span, MLflow span fields (written by Loch only)');
  return { traces, spans };
}

async function ensureTable(ctx: TableContext, catalog: Catalog, name: ObjectName, schema: StructType, comment: string): Promise<string> {
  const found = await catalog.findTable(name);
  if (found?.location !== undefined) return found.location;
  const plan = await catalog.planTable(name);
  try {
    await DeltaTable.open(ctx, plan.location).create({ mode: 'create', schema, description: comment });
  } catch (error) {
    await catalog.discardPlan(plan).catch(() => {});
    throw error;
  }
  if ((await catalog.registerTable(plan, { comment })) === 'created') return plan.location;
  await catalog.discardPlan(plan).catch(() => {});
  const winner = await catalog.findTable(name);
  if (winner?.location === undefined) throw new LochError('CONFLICT', `tracing: table system.ai.${name.name} was registered by another process and is gone again`);
  return winner.location;
}
