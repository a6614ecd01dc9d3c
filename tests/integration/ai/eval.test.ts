import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluate } from '../../../src/ai/eval/evaluate.js';
import type { EvalResult } from '../../../src/ai/eval/eval-types.js';
import type { ChatRequest } from '../../../src/ai/model-types.js';
import { main } from '../../../src/cli/main.js';
import { captureTerminal } from '../../support/capture-terminal.js';
import { Loch, aiRuntime } from '../../../src/index.js';
import { startFakeOpenAi, type FakeModelServer, type FakeReply } from '../../support/fake-openai.js';
import { promptOf, uniform } from './ai-functions-harness.js';

/**
 * evaluate(): 50 generated questions through a plain chat endpoint, judged by a deterministic
 * fake judge: identical scores on a second run, the results and summary tables' shape, one
 * trace per row, option errors.
 */

const QUESTIONS = 50;
let dir: string;
let loch: Loch;
let fake: FakeModelServer;
const judgeSeeds: number[] = [];

/** The system under test: right (the number doubled) for most questions, wrong for every 7th. */
function answer(request: ChatRequest): FakeReply {
  const n = Number(/question (\d+)/.exec(promptOf(request).user)?.[1]);
  return { content: n % 7 === 0 ? `I think it is ${n + 1}.` : `The double of ${n} is ${2 * n}.` };
}

/** The judge: correctness by whether the response holds the expected fact, relevance by a seeded hash. */
function verdict(request: ChatRequest): FakeReply {
  judgeSeeds.push(request.seed ?? -1);
  const user = promptOf(request).user;
  const scorer = /^Scorer: (\w+)/.exec(user)?.[1];
  const response = /<response>\n([\s\S]*?)\n<\/response>/.exec(user)?.[1] ?? '';
  const fact = /<expected_facts>\n- ([\s\S]*?)\n/.exec(user)?.[1] ?? '\u0000';
  const yes = scorer === 'correctness' ? response.includes(fact) : uniform(request.seed ?? 0, user) < 0.7;
  return { content: `Verdict:\n\`\`\`json\n${JSON.stringify({ score: yes ? 'yes' : 'no', rationale: `${scorer} judged` })}\n\`\`\`` };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'loch-eval-'));
  fake = await startFakeOpenAi({ chat: (request) => (promptOf(request).system.includes('impartial evaluator') ? verdict(request) : answer(request)) });
  loch = await Loch.open({ warehouse: join(dir, 'wh'), metastore: 'memory:', principal: 'admin', threads: 2 });
  await loch.sql(`CREATE MODEL ENDPOINT chat PROVIDER 'openai' OPTIONS (url '${fake.url}', model 'fake-model', max_retries 0, max_concurrency 8);
    CREATE MODEL ENDPOINT judge PROVIDER 'openai' OPTIONS (url '${fake.url}', model 'fake-judge', max_retries 0, max_concurrency 8)`);
  await loch.sql(`CREATE TABLE main.default.eval_set AS
    SELECT 'What is the double of question ' || i || '?' AS request,
           'The double of ' || i || ' is ' || (2 * i) || '.' AS expected_response,
           [CAST(2 * i AS VARCHAR)] AS expected_facts
    FROM range(1, ${QUESTIONS + 1}) AS t(i)`);
}, 60_000);

afterAll(async () => {
  await loch?.close();
  await fake?.close();
  await rm(dir, { recursive: true, force: true });
});

async function rows(sql: string): Promise<Record<string, unknown>[]> {
  const result = await loch.sql(sql);
  const all = await result.all();
  return all.map((row) => Object.fromEntries(result.columns.map((c, i) => [c.name, (row as unknown[])[i]])));
}

const scoresOf = (result: EvalResult): unknown[] =>
  result.rows.map((r) => [r.request, r.response, ...(['exact_match', 'contains_expected', 'correctness', 'groundedness', 'relevance'] as const).map((s) => [r.scores[s]?.value, r.scores[s]?.rationale])]);

describe('evaluate', () => {
  let first: EvalResult;

  it('scores 50 questions and gives identical scores on a second run', async () => {
    const options = { endpoint: 'main.default.chat', table: 'main.default.eval_set', judge: 'main.default.judge', output: 'main.default.eval_results', seed: 42, concurrency: 6 };
    first = await evaluate(loch, options);
    const second = await evaluate(loch, options);
    expect(first.rows).toHaveLength(QUESTIONS);
    expect(scoresOf(second)).toEqual(scoresOf(first));
    expect(second.summary.filter((s) => s.scorer !== 'latency')).toEqual(first.summary.filter((s) => s.scorer !== 'latency'));
    expect(judgeSeeds.every((s) => s === 42)).toBe(true);

    const wrong = Array.from({ length: QUESTIONS }, (_, i) => i + 1).filter((n) => n % 7 === 0).length;
    const mean = Object.fromEntries(first.summary.map((s) => [s.scorer, s.mean]));
    expect(mean['exact_match']).toBeCloseTo((QUESTIONS - wrong) / QUESTIONS, 9);
    expect(mean['contains_expected']).toBeCloseTo((QUESTIONS - wrong) / QUESTIONS, 9);
    expect(mean['correctness']).toBeCloseTo((QUESTIONS - wrong) / QUESTIONS, 9);
    expect(first.summary.find((s) => s.scorer === 'groundedness')).toEqual({ scorer: 'groundedness', mean: null, scored: 0, rows: QUESTIONS });
    expect(mean['relevance']).toBeGreaterThan(0.4);
    expect(mean['relevance']).toBeLessThan(0.95);
    const seven = first.rows.find((r) => r.request.includes('question 7?'));
    expect(seven?.scores.correctness).toEqual({ value: 0, rationale: 'correctness judged' });
    expect(seven?.scores.contains_expected?.rationale).toContain('missing: "14"');
  });

  it('writes the results and summary tables', async () => {
    const columns = (await rows('DESCRIBE main.default.eval_results')).map((r) => [r['col_name'] ?? r['column_name'], r['data_type'] ?? r['column_type']]);
    expect(columns.map((c) => c[0])).toEqual([
      'run_id', 'row_id', 'request', 'expected_response', 'response', 'error', 'latency_ms', 'trace_id',
      'exact_match', 'exact_match_rationale', 'contains_expected', 'contains_expected_rationale', 'correctness', 'correctness_rationale',
      'groundedness', 'groundedness_rationale', 'relevance', 'relevance_rationale', 'latency',
    ]);
    const stored = await rows('SELECT run_id, count(*) AS n, sum(exact_match) AS exact, count(DISTINCT trace_id) AS traces FROM main.default.eval_results GROUP BY run_id');
    expect(stored).toHaveLength(1);
    expect(Number(stored[0]?.['n'])).toBe(QUESTIONS);
    expect(Number(stored[0]?.['traces'])).toBe(QUESTIONS);
    const summary = await rows('SELECT scorer, mean, scored, rows FROM main.default.eval_results_summary ORDER BY scorer');
    expect(summary.map((s) => s['scorer'])).toEqual(['contains_expected', 'correctness', 'exact_match', 'groundedness', 'latency', 'relevance']);
    expect(Number(summary.find((s) => s['scorer'] === 'exact_match')?.['rows'])).toBe(QUESTIONS);

    const traceId = (await rows("SELECT trace_id FROM main.default.eval_results WHERE request LIKE '%question 3?'"))[0]?.['trace_id'];
    await aiRuntime(loch).tracer.flush();
    const spans = await rows(`SELECT name, span_type FROM system.ai.trace_spans WHERE trace_id = '${String(traceId)}' ORDER BY span_type, name`);
    expect(spans).toEqual([
      { name: 'eval main.default.chat', span_type: 'CHAIN' },
      { name: 'main.default.chat', span_type: 'CHAT_MODEL' },
      { name: 'main.default.judge', span_type: 'CHAT_MODEL' },
      { name: 'main.default.judge', span_type: 'CHAT_MODEL' },
      { name: 'correctness', span_type: 'EVALUATOR' },
      { name: 'relevance', span_type: 'EVALUATOR' },
    ]);
    const [trace] = await rows(`SELECT tags['loch.eval.run_id'] AS run, trace_metadata['loch.source'] AS src FROM system.ai.traces WHERE trace_id = '${String(traceId)}'`);
    const runIds = await rows('SELECT DISTINCT run_id FROM main.default.eval_results');
    expect(trace).toEqual({ run: runIds[0]?.['run_id'], src: 'eval' });
    expect(runIds[0]?.['run_id']).not.toBe(first.runId);
  });

  it('runs rule scorers without a judge and refuses bad options', async () => {
    const plain = await evaluate(loch, { endpoint: 'main.default.chat', table: 'main.default.eval_set', output: 'main.default.plain_results', scorers: ['exact_match', 'latency'] });
    expect(plain.summary.map((s) => s.scorer)).toEqual(['exact_match', 'latency']);
    await expect(evaluate(loch, { endpoint: 'main.default.chat', table: 'main.default.eval_set', output: 'main.default.x', scorers: ['correctness'] })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(evaluate(loch, { agent: 'main.default.chat', table: 'main.default.eval_set', output: 'main.default.x' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('not an agent') });
    await expect(evaluate(loch, { endpoint: 'main.default.chat', table: 'main.default.eval_set', output: 'main.default.x', principal: 'nobody' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('runs from the command line and prints the summary', async () => {
    const saved = process.env['LOCH_SECRET_KEY'];
    process.env['LOCH_SECRET_KEY'] = 'ab'.repeat(32);
    const cli = async (args: string[]): Promise<{ code: number; stdout: string; stderr: string }> => {
      const { term, out, err } = captureTerminal();
      const code = await main(['--warehouse', join(dir, 'cli-wh'), ...args], term, {});
      return { code, stdout: out(), stderr: err() };
    };
    try {
      const setup = await cli(['sql', `CREATE MODEL ENDPOINT chat PROVIDER 'openai' OPTIONS (url '${fake.url}', model 'fake-model', max_retries 0);
        CREATE TABLE qs AS SELECT 'What is the double of question ' || i || '?' AS request, 'The double of ' || i || ' is ' || (2 * i) || '.' AS expected_response FROM range(1, 5) AS t(i)`]);
      expect(setup.stderr).toBe('');
      const run = await cli(['eval', '--endpoint', 'main.default.chat', '--table', 'qs', '--output', 'main.default.cli_results', '--scorers', 'exact_match,latency', '--seed', '3', '--format', 'json']);
      expect(run.stderr).toContain('4 rows in main.default.cli_results');
      expect(run.code).toBe(0);
      const summary = JSON.parse(run.stdout) as Record<string, unknown>[];
      expect(summary.map((s) => [s['scorer'], s['scored'], s['rows']])).toEqual([
        ['exact_match', 4, 4],
        ['latency', 4, 4],
      ]);
      expect(summary[0]?.['mean']).toBe(1);
      const bad = await cli(['eval', '--endpoint', 'chat', '--table', 'qs']);
      expect(bad.code).toBe(1);
      expect(bad.stderr).toContain('usage: loch eval');
    } finally {
      if (saved === undefined) delete process.env['LOCH_SECRET_KEY'];
      else process.env['LOCH_SECRET_KEY'] = saved;
    }
  });
});
