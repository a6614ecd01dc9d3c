import type { Catalog } from '../../catalog/catalog-types.js';
import { isLochError } from '../../core/errors.js';
import type { AiRuntime } from '../ai-runtime.js';
import type { ChatMessage, ChatResponse } from '../model-types.js';
import type { SpanHandle, TraceContext } from '../tracing/trace-types.js';
import type { EvalExample } from './eval-dataset.js';
import type { EvalName } from './eval-names.js';
import type { EvalRowResult, Score, ScorerName } from './eval-types.js';
import { judgeRequest, judgeSkip, parseVerdict } from './judge.js';
import type { JudgeInput, JudgeScorer } from './judge.js';
import { containsExpected, exactMatch } from './rule-scorers.js';

/** One evaluation run, as every row sees it. */
export interface EvalRun {
  readonly runtime: AiRuntime;
  /** The principal's governed catalog: every model call is theirs. */
  readonly catalog: Catalog;
  readonly runId: string;
  readonly target: EvalName;
  readonly targetKind: 'agent' | 'endpoint';
  readonly judge?: EvalName;
  readonly scorers: readonly ScorerName[];
  readonly seed: number;
  readonly experimentId: string;
}

/** What the target answered. */
interface Answer {
  readonly response: string | null;
  readonly error: string | null;
  readonly context: string[];
  readonly latencyMs: number;
}

/** Evaluates one row: a trace of its own, the target's answer, then each scorer in turn. */
export async function runExample(run: EvalRun, example: EvalExample, rowId: number): Promise<EvalRowResult> {
  const root = run.runtime.tracer.startTrace(`eval ${run.target.full}`, 'CHAIN', {
    principal: run.catalog.principal,
    source: 'eval',
    requestId: `${run.runId}:${rowId}`,
    inputs: { request: example.request },
    tags: { 'loch.eval.run_id': run.runId, 'loch.eval.row_id': String(rowId), 'loch.eval.target': run.target.full },
    experimentId: run.experimentId,
  });
  const answer = await ask(run, example.request, root.context);
  const scores: Partial<Record<ScorerName, Score>> = {};
  for (const scorer of run.scorers) scores[scorer] = await score(run, scorer, example, answer, root.context);
  root.setOutputs({ response: answer.response, scores: Object.fromEntries(Object.entries(scores).map(([k, v]) => [k, v?.value ?? null])) });
  root.end(answer.error === null ? { ok: true } : { ok: false, error: answer.error });
  return {
    rowId,
    request: example.request,
    expectedResponse: example.expectedResponse,
    response: answer.response,
    error: answer.error,
    latencyMs: answer.latencyMs,
    traceId: root.context.traceId === '' ? null : root.context.traceId,
    scores,
  };
}

async function ask(run: EvalRun, request: string, trace: TraceContext): Promise<Answer> {
  const clock = run.runtime.host.ctx.clock;
  const started = clock.now();
  try {
    const response = await run.runtime.gateway.chat(run.target.name, { messages: [{ role: 'user', content: request }], seed: run.seed }, { catalog: run.catalog, source: 'api', trace });
    return { response: textOf(response.choices[0]?.message), error: null, context: citedTexts(response), latencyMs: clock.now() - started };
  } catch (error) {
    return { response: null, error: errorText(error), context: [], latencyMs: clock.now() - started };
  }
}

async function score(run: EvalRun, scorer: ScorerName, example: EvalExample, answer: Answer, trace: TraceContext): Promise<Score> {
  if (scorer === 'latency') return { value: Math.round(answer.latencyMs), rationale: null };
  if (answer.response === null) return { value: null, rationale: `no response: ${answer.error ?? 'unknown error'}` };
  switch (scorer) {
    case 'exact_match':
      return exactMatch(answer.response, example.expectedResponse);
    case 'contains_expected':
      return containsExpected(answer.response, example.expectedResponse, example.expectedFacts);
    default:
      return judge(run, scorer, { request: example.request, response: answer.response, expectedResponse: example.expectedResponse, expectedFacts: example.expectedFacts, context: answer.context }, trace);
  }
}

async function judge(run: EvalRun, scorer: JudgeScorer, input: JudgeInput, trace: TraceContext): Promise<Score> {
  const skip = judgeSkip(scorer, input);
  if (skip !== undefined || run.judge === undefined) return { value: null, rationale: skip ?? 'no judge' };
  const span: SpanHandle = run.runtime.tracer.startSpan(trace, scorer, 'EVALUATOR', { scorer });
  try {
    const reply = await run.runtime.gateway.chat(run.judge.name, judgeRequest(scorer, input, run.seed), { catalog: run.catalog, source: 'api', trace: span.context });
    const verdict = parseVerdict(textOf(reply.choices[0]?.message) ?? '');
    span.setOutputs(verdict);
    span.end();
    return verdict;
  } catch (error) {
    span.end({ ok: false, error: errorText(error) });
    return { value: null, rationale: `judge failed: ${errorText(error)}` };
  }
}

function textOf(message: ChatMessage | undefined): string | null {
  const content = message?.content;
  if (content === null || content === undefined) return null;
  return typeof content === 'string' ? content : content.map((p) => p.text).join('');
}

/**
 * The grounding context of an agent's answer: the texts of every row its tools retrieved
 * (`loch.retrieved`, see agents/agent-runner.ts), else of the rows it cited, in order. An answer
 * is grounded when it follows from what was retrieved, cited or not.
 */
export function citedTexts(response: ChatResponse): string[] {
  const loch = (response as { loch?: { citations?: unknown; retrieved?: unknown } }).loch;
  const texts = (list: unknown): string[] =>
    (Array.isArray(list) ? (list as unknown[]) : [])
      .map((c) => (typeof c === 'object' && c !== null ? (c as { text?: unknown }).text : undefined))
      .filter((t): t is string => typeof t === 'string' && t !== '');
  const retrieved = texts(loch?.retrieved);
  return retrieved.length > 0 ? retrieved : texts(loch?.citations);
}

function errorText(error: unknown): string {
  if (isLochError(error)) return `${error.code}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}
