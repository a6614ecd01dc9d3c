import type { Catalog, ObjectName } from '../../catalog/catalog-types.js';
import { LochError } from '../../core/errors.js';
import type { Session } from '../../engine/index.js';
import { field, primitive, type DataType, type StructType } from '../../expr/types.js';
import { bindQuery } from '../../sql/bind-query.js';
import { SessionState } from '../../sql/sql-env.js';
import type { SystemRow } from '../../sql/governance-log/row-append.js';
import type { TableContext } from '../../table/context.js';
import { DeltaTable } from '../../table/delta-table.js';
import type { InferenceEvent } from '../gateway/gateway-types.js';

/** Where the ai layer keeps its tables: `system.ai` (catalog `system` is reserved: only Loch writes it). */
export const SYSTEM_CATALOG = 'system';
export const AI_SCHEMA = 'ai';
export const INFERENCE_LOG: ObjectName = { catalog: SYSTEM_CATALOG, schema: AI_SCHEMA, name: 'inference_log' };
export const USAGE_VIEW: ObjectName = { catalog: SYSTEM_CATALOG, schema: AI_SCHEMA, name: 'usage' };

const text = primitive('string');
const long = primitive('long');
const columns: [string, DataType][] = [
  ['request_id', text],
  ['event_time', primitive('timestamp')],
  ['event_date', primitive('date')],
  ['endpoint_name', text],
  ['served_by', text],
  ['provider', text],
  ['model', text],
  ['task', text],
  ['caller', text],
  ['source', text],
  ['status', text],
  ['http_status', primitive('integer')],
  ['error_code', text],
  ['error_message', text],
  ['attempts', primitive('integer')],
  ['cached', primitive('boolean')],
  ['streamed', primitive('boolean')],
  ['latency_ms', long],
  ['prompt_tokens', long],
  ['completion_tokens', long],
  ['total_tokens', long],
  ['cost', primitive('double')],
  ['request', text],
  ['response', text],
];

/**
 * `system.ai.inference_log`: one row per model call (InferenceEvent), Databricks' inference
 * table idea with Loch's columns: when (event_time = when the call started, UTC), what
 * (endpoint_name as called, served_by the endpoint that answered, e.g. a fallback), who
 * (caller, source), how it went (status success|error|cancelled, http_status, error_code,
 * error_message, attempts, cached, streamed, latency_ms), tokens and cost (NULL without
 * prices), and the request/response JSON when sampled (NULL otherwise, or when longer than the
 * log's text limit).
 */
export const INFERENCE_LOG_SCHEMA: StructType = { kind: 'struct', fields: columns.map(([n, t]) => field(n, t)) };

/**
 * `system.ai.usage`: per hour (UTC), caller and endpoint called — requests, errors (status
 * 'error'), tokens, cost (sum of the rows' cost; NULL when the endpoint has no prices) and the
 * mean latency.
 */
export const USAGE_VIEW_SQL = `SELECT date_trunc('hour', event_time) AS hour,
  caller,
  endpoint_name,
  CAST(count(*) AS BIGINT) AS requests,
  CAST(count_if(status = 'error') AS BIGINT) AS errors,
  CAST(sum(prompt_tokens) AS BIGINT) AS prompt_tokens,
  CAST(sum(completion_tokens) AS BIGINT) AS completion_tokens,
  CAST(sum(total_tokens) AS BIGINT) AS total_tokens,
  CAST(sum(cost) AS DOUBLE) AS cost,
  CAST(avg(latency_ms) AS DOUBLE) AS avg_latency_ms
FROM system.ai.inference_log
GROUP BY 1, 2, 3`;

/** The row of an event; request/response texts longer than `maxTextChars` are left NULL. */
export function inferenceRow(e: InferenceEvent, maxTextChars: number): SystemRow {
  const within = (s: string | undefined): string | null => (s === undefined || s.length > maxTextChars ? null : s);
  return {
    request_id: e.requestId,
    event_time: e.startedAt,
    event_date: e.startedAt,
    endpoint_name: e.endpoint,
    served_by: e.servedBy ?? null,
    provider: e.provider,
    model: e.model,
    task: e.task,
    caller: e.caller,
    source: e.source,
    status: e.status,
    http_status: e.httpStatus ?? null,
    error_code: e.errorCode ?? null,
    error_message: e.errorMessage ?? null,
    attempts: e.attempts,
    cached: e.cached,
    streamed: e.streamed,
    latency_ms: Math.round(e.latencyMs),
    prompt_tokens: e.promptTokens,
    completion_tokens: e.completionTokens,
    total_tokens: e.promptTokens + e.completionTokens,
    cost: e.cost ?? null,
    request: within(e.request),
    response: within(e.response),
  };
}

/**
 * Creates catalog `system`, schema `system.ai`, the inference log table and the usage view
 * where missing, as `catalog`'s actor (an admin, who owns them: others read them only when
 * granted, e.g. `GRANT USE CATALOG ON CATALOG system TO g; GRANT USE SCHEMA, SELECT ON SCHEMA
 * system.ai TO g`), and returns the table's location. Safe across processes: a table registered
 * by another one meanwhile is adopted and the spare folder removed.
 */
export async function ensureInferenceTables(ctx: TableContext, catalog: Catalog): Promise<string> {
  await catalog.createCatalog(SYSTEM_CATALOG, { ifNotExists: true, comment: 'Loch system tables; read-only' });
  await catalog.createSchema(SYSTEM_CATALOG, AI_SCHEMA, { ifNotExists: true, comment: 'Model calls: inference log and usage' });
  const location = await ensureLogTable(ctx, catalog);
  if ((await catalog.findTable(USAGE_VIEW)) === undefined) await createUsageView(ctx, catalog);
  return location;
}

async function ensureLogTable(ctx: TableContext, catalog: Catalog): Promise<string> {
  const found = await catalog.findTable(INFERENCE_LOG);
  if (found?.location !== undefined) return found.location;
  const comment = 'Inference log: one row per model call (written by Loch only)';
  const plan = await catalog.planTable(INFERENCE_LOG);
  try {
    await DeltaTable.open(ctx, plan.location).create({ mode: 'create', schema: INFERENCE_LOG_SCHEMA, description: comment });
  } catch (error) {
    await catalog.discardPlan(plan).catch(() => {});
    throw error;
  }
  if ((await catalog.registerTable(plan, { comment })) === 'created') return plan.location;
  await catalog.discardPlan(plan).catch(() => {});
  const winner = await catalog.findTable(INFERENCE_LOG);
  if (winner?.location === undefined) throw new LochError('CONFLICT', 'inference log: table system.ai.inference_log was registered by another process and is gone again');
  return winner.location;
}

/** The view's columns come from describing its bound query, exactly as CREATE VIEW records them. */
async function createUsageView(ctx: TableContext, catalog: Catalog): Promise<void> {
  const state = new SessionState();
  state.catalog = SYSTEM_CATALOG;
  state.schema = AI_SCHEMA;
  let session: Session | undefined;
  let described: { name: string; type: string }[];
  try {
    session = await ctx.engine.session();
    const bound = await bindQuery({ ctx, catalog, state }, session, USAGE_VIEW_SQL);
    try {
      const rows = await (await session.query(`DESCRIBE ${bound.sql}`)).all();
      described = rows.map((row) => ({ name: String(row[0]), type: String(row[1]) }));
    } finally {
      bound.release();
    }
  } finally {
    await session?.close().catch(() => {});
  }
  await catalog.createView(
    USAGE_VIEW,
    { text: USAGE_VIEW_SQL, context: { catalog: SYSTEM_CATALOG, schema: AI_SCHEMA }, columns: described },
    { ifNotExists: true, comment: 'Model usage per hour, caller and endpoint: requests, errors, tokens, cost' },
  );
}
