import type { Catalog } from '../../catalog/catalog-types.js';
import type { IdentityStore } from '../../catalog/governance/identity-store.js';
import { LochError } from '../../core/errors.js';
import type { LochExtension } from '../../sql/extension.js';
import type { LochSession, SessionOptions } from '../../sql/loch.js';
import { aiRuntime } from '../ai-extension.js';
import type { AiRuntime } from '../ai-runtime.js';
import { readExamples } from './eval-dataset.js';
import type { RunSql } from './eval-dataset.js';
import { evalName } from './eval-names.js';
import type { EvalName } from './eval-names.js';
import { writeResults, writeSummary } from './eval-output.js';
import { JUDGE_SCORERS, SCORER_NAMES } from './eval-types.js';
import type { EvalOptions, EvalResult, EvalRowResult, EvalSummaryRow, ScorerName } from './eval-types.js';
import { runExample } from './run-example.js';
import type { EvalRun } from './run-example.js';

/** What evaluate needs of a Loch (a `Loch` opened with the ai extension is one). */
export interface EvalLoch {
  extension(name: string): LochExtension | undefined;
  readonly identity: IdentityStore;
  readonly catalog: Catalog;
  session(options?: SessionOptions): LochSession;
}

/**
 * Evaluates an agent or a chat endpoint over a table of requests, as `principal` (every model
 * call, table read and write is theirs): each row is sent as one user message (at most
 * `concurrency` rows at once), answered, timed and scored; each row is one trace (source
 * 'eval', tagged with the run id) holding the target's call and an EVALUATOR span per judge
 * scorer. Judge scorers send the judge endpoint a yes/no question at temperature 0 with the
 * run's seed and a JSON schema for `{"score", "rationale"}`: a deterministic judge and target
 * give identical scores run after run (latency aside). Writes `output` (per row) and
 * `<output>_summary` (mean per scorer) and returns both. A row whose target call fails keeps
 * its error and NULL scores (the run goes on); a judge call that fails scores NULL with the
 * error as rationale. INVALID_ARGUMENT for bad options, NOT_FOUND / PERMISSION_DENIED from
 * the catalog as usual.
 */
export async function evaluate(loch: EvalLoch, options: EvalOptions): Promise<EvalResult> {
  const runtime = aiRuntime(loch);
  const scorers = chooseScorers(options);
  const session = await sessionOf(loch, options.principal);
  const sql: RunSql = (text, params) => session.sql(text, params === undefined ? {} : { params });
  const run = await prepareRun(runtime, session.catalog, options, scorers);
  const table = evalName(options.table);
  const output = evalName(options.output);
  const summaryTable = evalName(`${output.full}_summary`);
  const examples = await readExamples(sql, table);
  const rows = await mapLimited(examples, Math.max(1, options.concurrency ?? 4), (example, i) => runExample(run, example, i + 1));
  const summary = summarize(scorers, rows);
  await writeResults(sql, output, run.runId, scorers, rows);
  await writeSummary(sql, summaryTable, run.runId, summary);
  await runtime.tracer.flush();
  return { runId: run.runId, outputTable: output.full, summaryTable: summaryTable.full, rows, summary };
}

function chooseScorers(options: EvalOptions): ScorerName[] {
  if ((options.agent === undefined) === (options.endpoint === undefined)) throw new LochError('INVALID_ARGUMENT', 'eval: name exactly one of agent and endpoint to evaluate');
  const unknown = (options.scorers ?? []).filter((s) => !SCORER_NAMES.includes(s));
  if (unknown.length > 0) throw new LochError('INVALID_ARGUMENT', `eval: unknown scorer(s) ${unknown.join(', ')} (scorers: ${SCORER_NAMES.join(', ')})`);
  const chosen = options.scorers ?? SCORER_NAMES.filter((s) => options.judge !== undefined || !JUDGE_SCORERS.has(s));
  if (chosen.length === 0) throw new LochError('INVALID_ARGUMENT', 'eval: no scorers chosen');
  const judged = chosen.filter((s) => JUDGE_SCORERS.has(s));
  if (judged.length > 0 && options.judge === undefined) throw new LochError('INVALID_ARGUMENT', `eval: scorer(s) ${judged.join(', ')} need a judge endpoint (judge => 'catalog.schema.endpoint')`);
  return [...new Set(chosen)];
}

async function sessionOf(loch: EvalLoch, principal: string | undefined): Promise<LochSession> {
  if (principal === undefined) return loch.session();
  const resolved = await loch.identity.resolve(principal);
  if (resolved === undefined) throw new LochError('NOT_FOUND', `eval: principal ${principal} does not exist`, { context: { principal } });
  return loch.session({ principal: resolved });
}

/** Resolves target and judge as the principal (EXECUTE checked up front) and checks what they serve. */
async function prepareRun(runtime: AiRuntime, catalog: Catalog, options: EvalOptions, scorers: readonly ScorerName[]): Promise<EvalRun> {
  const target = evalName((options.agent ?? options.endpoint) as string);
  const info = await runtime.gateway.resolve(target.name, { catalog, source: 'api' });
  if (options.agent !== undefined && info.definition.provider !== 'agent') {
    throw new LochError('INVALID_ARGUMENT', `eval: ${target.full} is not an agent (provider ${info.definition.provider}); evaluate it with endpoint => '${target.full}'`);
  }
  if (info.definition.task !== 'chat') throw new LochError('INVALID_ARGUMENT', `eval: ${target.full} serves ${info.definition.task}, not chat`);
  let judge: EvalName | undefined;
  if (options.judge !== undefined) {
    judge = evalName(options.judge);
    const judgeInfo = await runtime.gateway.resolve(judge.name, { catalog, source: 'api' });
    if (judgeInfo.definition.task !== 'chat') throw new LochError('INVALID_ARGUMENT', `eval: judge ${judge.full} serves ${judgeInfo.definition.task}, not chat`);
  }
  return {
    runtime,
    catalog,
    runId: runtime.host.ctx.ids.uuid(),
    target,
    targetKind: options.agent !== undefined ? 'agent' : 'endpoint',
    ...(judge !== undefined ? { judge } : {}),
    scorers,
    seed: options.seed ?? 0,
    experimentId: options.experimentId ?? '0',
  };
}

/** Mean per scorer over the rows it applied to, in the order the scorers were chosen. */
export function summarize(scorers: readonly ScorerName[], rows: readonly EvalRowResult[]): EvalSummaryRow[] {
  return scorers.map((scorer) => {
    const values = rows.map((r) => r.scores[scorer]?.value).filter((v): v is number => typeof v === 'number');
    const mean = values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length;
    return { scorer, mean, scored: values.length, rows: rows.length };
  });
}

/** `fn` over `items` with at most `limit` running at once; results in input order. */
export async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
