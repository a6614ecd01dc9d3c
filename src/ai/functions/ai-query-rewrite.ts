import { isLochError, LochError } from '../../core/errors.js';
import type { Session } from '../../engine/index.js';
import type { BoundKind, QueryRewrite } from '../../sql/extension.js';
import type { SqlEnv } from '../../sql/sql-env.js';
import type { AiRuntime } from '../ai-runtime.js';
import { findAiCalls } from './ai-calls.js';
import type { AiCallSite } from './ai-calls.js';
import { planAiQuery } from './ai-query-function.js';
import { chooseBlock } from './block-choice.js';
import { CallContext } from './call-context.js';
import type { CallPlan } from './call-context.js';
import { planEmbed, planSimilarity } from './embedding-functions.js';
import { runStage } from './run-stage.js';
import type { StageProgress } from './run-stage.js';
import { rewrittenSql, stageNames, stagingSql } from './stage-sql.js';
import { planTaskFunction } from './task-functions.js';
import { planDocumentFunction } from '../documents/document-functions.js';
import { startStatementTrace, statusOf } from '../tracing/statement-trace.js';

/** Round numbers are unique in the process, so temporary names never clash on a session. */
let rounds = 0;

/**
 * Evaluates the ai_* calls of a bound query before DuckDB runs it (model calls are async HTTP,
 * which DuckDB's synchronous UDFs cannot make). Each round takes the innermost SELECT block
 * holding calls ready to run, stages its rows in a temporary table, calls the models for them
 * (concurrently within the endpoints' limits, results in input order, streamed to disk) and
 * rewrites the block to read the results; rounds repeat until no call is left. The work is
 * attached to the session: an interrupt aborts the calls (CANCELLED) and progress reports rows
 * done. Returns undefined for text without ai calls; INVALID_ARGUMENT for calls in an
 * expression (UPDATE … SET, a condition), joins in FROM and misused arguments.
 * The NDJSON files of results are deleted as soon as DuckDB has loaded them (so `release` has
 * nothing left to free); the temporary tables live until the statement's session closes.
 */
export async function rewriteAiQuery(runtime: AiRuntime, env: SqlEnv, session: Session, sql: string, kind: BoundKind): Promise<QueryRewrite | undefined> {
  let calls = findAiCalls(sql);
  if (calls.length === 0) return undefined;
  if (kind === 'expression') {
    const name = (calls[0] as AiCallSite).name;
    throw new LochError('INVALID_ARGUMENT', `ai: ${name} cannot be used in UPDATE … SET or a condition; compute it with INSERT … SELECT, CREATE TABLE … AS SELECT or MERGE … USING (SELECT …)`, {
      context: { function: name },
    });
  }
  const controller = new AbortController();
  const progress: StageProgress = { done: 0, total: 0 };
  const detach = session.attach({
    abort: () => controller.abort(),
    progress: () => (progress.total > 0 ? (100 * progress.done) / progress.total : undefined),
  });
  const requestId = runtime.host.ctx.ids.uuid();
  // One trace per statement that calls models (describing one calls none).
  const root = kind === 'describe' ? undefined : startStatementTrace(runtime.tracer, { functions: calls.map((c) => c.name), principal: env.catalog.principal, requestId, sql });
  let text = sql;
  let failure: unknown;
  try {
    const aggregates = await aggregateNames(session);
    while (calls.length > 0) {
      const ctx = new CallContext(runtime, env, session, text, controller.signal, requestId, root?.context);
      text = await runRound(ctx, calls, aggregates, progress, kind === 'describe');
      const left = findAiCalls(text);
      if (left.length >= calls.length) throw new LochError('INTERNAL', `ai: a round left ${left.length} of ${calls.length} ai calls`);
      calls = left;
    }
  } catch (error) {
    failure = controller.signal.aborted && !isLochError(error, 'CANCELLED') ? new LochError('CANCELLED', 'ai: the statement was cancelled while its ai_* calls ran', { cause: error }) : error;
    throw failure;
  } finally {
    detach();
    root?.setOutputs({ rows: progress.done });
    root?.end(statusOf(failure));
  }
  return { sql: text, release: () => {} };
}

/** One round; `describeOnly` stages no rows, so no model is called and only the types are kept. */
async function runRound(ctx: CallContext, calls: readonly AiCallSite[], aggregates: ReadonlySet<string>, progress: StageProgress, describeOnly: boolean): Promise<string> {
  const choice = chooseBlock(ctx.sql, calls, aggregates);
  const plans: CallPlan[] = [];
  for (const { call } of choice.calls) plans.push(await planCall(ctx, call));
  const names = stageNames(++rounds, plans.map((p) => p.rowArgs.length));
  const staging = stagingSql(choice, names, plans.map((p) => p.rowArgs));
  await runStage(ctx, describeOnly ? `${staging} LIMIT 0` : staging, names, plans, progress);
  return rewrittenSql(choice, names);
}

function planCall(ctx: CallContext, call: AiCallSite): Promise<CallPlan> {
  switch (call.name) {
    case 'ai_query':
      return planAiQuery(ctx, call);
    case 'ai_embed':
      return planEmbed(ctx, call);
    case 'ai_similarity':
      return planSimilarity(ctx, call);
    case 'ai_parse_document':
    case 'ai_chunk_text':
    case 'ai_chunk_document':
      return planDocumentFunction(ctx, call);
    default:
      return planTaskFunction(ctx, call);
  }
}

let aggregateCache: Promise<ReadonlySet<string>> | undefined;

/** DuckDB's aggregate functions plus Loch's aggregate macros, read once per process. */
function aggregateNames(session: Session): Promise<ReadonlySet<string>> {
  aggregateCache ??= (async () => {
    const rows = await (await session.query("SELECT DISTINCT lower(function_name) FROM duckdb_functions() WHERE function_type = 'aggregate'")).all();
    return new Set([...rows.map((r) => String(r[0])), 'collect_list', 'collect_set']);
  })();
  aggregateCache.catch(() => {
    aggregateCache = undefined;
  });
  return aggregateCache;
}
