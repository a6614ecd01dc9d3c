import type { SqlValue } from '../../sql/params.js';
import type { RunSql } from './eval-dataset.js';
import type { EvalName } from './eval-names.js';
import type { EvalRowResult, EvalSummaryRow, ScorerName } from './eval-types.js';

/** Rows per INSERT statement (each row binds ~2 parameters per scorer). */
const ROWS_PER_INSERT = 100;

/**
 * Replaces `table` with the per-row results: run_id, row_id, request, expected_response,
 * response, error, latency_ms, trace_id, then per scorer a DOUBLE column named after it (1 =
 * pass, 0 = fail, NULL = did not apply; latency holds milliseconds) and, except for latency,
 * `<scorer>_rationale`. Written as the principal (CREATE TABLE rights on the schema).
 */
export async function writeResults(sql: RunSql, table: EvalName, runId: string, scorers: readonly ScorerName[], rows: readonly EvalRowResult[]): Promise<void> {
  const scoreColumns = scorers.flatMap((s) => (s === 'latency' ? [`${s} DOUBLE`] : [`${s} DOUBLE`, `${s}_rationale STRING`]));
  const columns = ['run_id STRING', 'row_id INT', 'request STRING', 'expected_response STRING', 'response STRING', 'error STRING', 'latency_ms BIGINT', 'trace_id STRING', ...scoreColumns];
  await drain(sql(`CREATE OR REPLACE TABLE ${table.sql} (${columns.join(', ')})`));
  const values = rows.map((r): SqlValue[] => [
    runId,
    r.rowId,
    r.request,
    r.expectedResponse,
    r.response,
    r.error,
    Math.round(r.latencyMs),
    r.traceId,
    ...scorers.flatMap((s) => (s === 'latency' ? [r.scores[s]?.value ?? null] : [r.scores[s]?.value ?? null, r.scores[s]?.rationale ?? null])),
  ]);
  await insert(sql, table, columns.length, values);
}

/** Replaces `table` with the summary: run_id, scorer, mean, scored (rows it applied to), rows. */
export async function writeSummary(sql: RunSql, table: EvalName, runId: string, summary: readonly EvalSummaryRow[]): Promise<void> {
  await drain(sql(`CREATE OR REPLACE TABLE ${table.sql} (run_id STRING, scorer STRING, mean DOUBLE, scored BIGINT, rows BIGINT)`));
  await insert(sql, table, 5, summary.map((s) => [runId, s.scorer, s.mean, s.scored, s.rows]));
}

async function insert(sql: RunSql, table: EvalName, width: number, values: readonly SqlValue[][]): Promise<void> {
  const tuple = `(${Array.from({ length: width }, () => '?').join(', ')})`;
  for (let start = 0; start < values.length; start += ROWS_PER_INSERT) {
    const batch = values.slice(start, start + ROWS_PER_INSERT);
    await drain(sql(`INSERT INTO ${table.sql} VALUES ${batch.map(() => tuple).join(', ')}`, batch.flat()));
  }
}

async function drain(result: ReturnType<RunSql>): Promise<void> {
  const done = await result;
  try {
    await done.all();
  } finally {
    await done.close();
  }
}
