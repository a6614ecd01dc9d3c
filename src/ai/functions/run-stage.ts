import { isLochError, LochError } from '../../core/errors.js';
import { rowsRelation } from '../../engine/index.js';
import type { Row } from '../../engine/index.js';
import { field, primitive } from '../../expr/types.js';
import type { StructType } from '../../expr/types.js';
import { chunked, runOrdered } from './batch-runner.js';
import type { CallContext, CallPlan, RowArgs } from './call-context.js';
import type { StageNames } from './stage-sql.js';

/** Rows done and to do (rows with a call to make) in the round running now (the session's progress). */
export interface StageProgress {
  done: number;
  total: number;
}

/** Rows started ahead of the oldest unfinished one, per request the endpoint may run at once. */
export const WINDOW_FACTOR = 4;

interface StagedRow {
  readonly rid: number;
  readonly values: readonly (string | null)[];
}

/**
 * Runs one round's model calls: stages the input (`staging`), streams it in rid order, runs
 * every plan over each row (several rows per request for embeddings) with a bounded window of
 * requests, and stores the results in `names.output` (rid + one column per plan) through an
 * NDJSON file that is deleted once DuckDB has read it. JS memory holds at most the window.
 * A failing row (errors not values) fails the round with the function, row number and cause.
 */
export async function runStage(ctx: CallContext, staging: string, names: StageNames, plans: readonly CallPlan[], progress: StageProgress): Promise<void> {
  await stageInput(ctx, staging, plans);
  // Rows whose arguments are NULL for every call get NULL results without leaving DuckDB (the join leaves them NULL).
  const callable = names.args.map((args) => `(${args.map((a) => `${a} IS NOT NULL`).join(' AND ')})`).join(' OR ');
  const counted = await (await ctx.session.query(`SELECT count(*) FILTER (WHERE ${callable}), count(*) FROM ${names.input}`)).all();
  progress.total = Number(counted[0]?.[0] ?? 0);
  progress.done = 0;
  const rowCount = Number(counted[0]?.[1] ?? 0);
  const result = await ctx.session.query(`SELECT ${[names.rid, ...names.args.flat()].join(', ')} FROM ${names.input} WHERE ${callable} ORDER BY ${names.rid}`);
  const units = chunked(stagedRows(result.batches()), Math.min(...plans.map((p) => p.rowsPerRequest)));
  const window = Math.max(2, ...plans.map((p) => p.maxConcurrency * WINDOW_FACTOR));
  const work = async (unit: StagedRow[], signal: AbortSignal): Promise<Record<string, unknown>[]> => {
    const perPlan = await Promise.all(plans.map((plan, k) => evaluate(plan, unit, argIndexes(names, k), signal, rowCount)));
    progress.done += unit.length;
    return unit.map((row, i) => Object.fromEntries([[names.rid, row.rid], ...names.results.map((column, k) => [column, perPlan[k]?.[i] ?? null])]));
  };
  // A failure ends the rows early and is thrown after the file is closed (not from inside the writer).
  const failed: { error?: unknown } = {};
  async function* outputs(): AsyncGenerator<Record<string, unknown>> {
    try {
      for await (const records of runOrdered(units, work, { window, signal: ctx.signal })) yield* records;
    } catch (error) {
      failed.error = error;
    }
  }
  const schema: StructType = { kind: 'struct', fields: [field(names.rid, primitive('long')), ...plans.map((p, k) => field(names.results[k] as string, p.resultType))] };
  const relation = await rowsRelation(outputs(), schema, 'ai');
  try {
    if ('error' in failed) throw failed.error;
    await ctx.session.run(`CREATE TEMP TABLE ${names.output} AS SELECT * FROM ${relation.sql}`);
  } finally {
    await relation.dispose();
  }
}

/** Runs the staging statement; a DuckDB error there names the functions and the likely cause. */
async function stageInput(ctx: CallContext, staging: string, plans: readonly CallPlan[]): Promise<void> {
  try {
    await ctx.session.run(staging);
  } catch (error) {
    if (ctx.signal.aborted || !isLochError(error) || error.code !== 'SQL_ERROR') throw error;
    const fns = [...new Set(plans.map((p) => p.fn))].join(', ');
    throw new LochError('SQL_ERROR', `ai: cannot read the rows ${fns} runs over (its arguments may use only the columns of its FROM, not select-list aliases or outer queries): ${error.message}`, { cause: error });
  }
}

async function* stagedRows(batches: AsyncIterable<Row[]>): AsyncGenerator<StagedRow> {
  for await (const rows of batches) {
    for (const row of rows) yield { rid: Number(row[0]), values: row.slice(1).map((v) => (v === null ? null : String(v))) };
  }
}

/** Positions of plan k's arguments among the staged values (which follow the rid). */
function argIndexes(names: StageNames, k: number): number[] {
  const before = names.args.slice(0, k).reduce((sum, a) => sum + a.length, 0);
  return (names.args[k] ?? []).map((_, j) => before + j);
}

async function evaluate(plan: CallPlan, unit: readonly StagedRow[], indexes: readonly number[], signal: AbortSignal, total: number): Promise<unknown[]> {
  const rows: RowArgs[] = unit.map((row) => indexes.map((i) => row.values[i] ?? null));
  try {
    const values = await plan.evaluate(rows, signal);
    if (values.length !== rows.length) throw new LochError('INTERNAL', `ai: ${plan.fn} gave ${values.length} results for ${rows.length} rows`);
    return values;
  } catch (error) {
    if (signal.aborted || isLochError(error, 'CANCELLED')) throw error;
    const first = (unit[0] as StagedRow).rid;
    const last = (unit[unit.length - 1] as StagedRow).rid;
    const where = first === last ? `row ${first}` : `rows ${first}–${last}`;
    const cause = error instanceof Error ? error.message : String(error);
    throw new LochError(isLochError(error) ? error.code : 'UNAVAILABLE', `ai: ${plan.fn} failed on ${where} of ${total}: ${cause}`, {
      cause: error,
      context: { function: plan.fn, row: first, rows: total },
    });
  }
}
