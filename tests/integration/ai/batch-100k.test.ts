import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Loch, aiExtension, aiRuntime } from '../../../src/index.js';
import { ScriptedProvider } from '../../../src/ai/gateway/test-support/scripted-provider.js';
import type { ScriptedCall, Step } from '../../../src/ai/gateway/test-support/scripted-provider.js';
import type { ChatRequest } from '../../../src/ai/model-types.js';
import { uniform } from './ai-functions-harness.js';

/**
 * The full-size batch: CREATE TABLE … AS SELECT ai_query(…) over 100 000 rows against an
 * endpoint that fails about 5 % of attempts (500, 429 with Retry-After 0, dropped connections:
 * status 0), decided by a seeded hash of (row, attempt). Everything but the wire is real — the
 * SQL staging, the batch runner, the gateway's limiter, retries and inference log — and the
 * model server is the provider port's in-memory implementation, so the row count costs CPU of
 * Loch only (batch-flaky.test.ts runs the same check over HTTP against the fake OpenAI server).
 */
const ROWS = 100_000;
const CONCURRENCY = 16;
const SEED = 0x100c;

const attempts = new Map<string, number>();
const faults = { s500: 0, s429: 0, drop: 0 };

function userText(request: ChatRequest): string {
  const content = [...request.messages].reverse().find((m) => m.role === 'user')?.content;
  return typeof content === 'string' ? content : (content ?? []).map((p) => p.text).join('');
}

/** A reply after a turn of the event loop (so requests overlap), or a seeded failure. */
function flaky(call: ScriptedCall): Step {
  const text = userText(call.request as ChatRequest);
  const attempt = (attempts.get(text) ?? 0) + 1;
  attempts.set(text, attempt);
  const u = uniform(SEED, `${text}#${attempt}`);
  const outcome: Step = u < 0.02 ? (faults.s500++, { status: 500 }) : u < 0.035 ? (faults.s429++, { status: 429, retryAfterMs: 0 }) : u < 0.05 ? (faults.drop++, { status: 0 }) : { text: `answer ${text}` };
  return { until: new Promise((resolve) => setImmediate(resolve)), then: outcome };
}

let dir: string;
let loch: Loch;
const provider = new ScriptedProvider(flaky);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'loch-ai-100k-'));
  loch = await Loch.open({ warehouse: join(dir, 'warehouse'), extensions: [aiExtension({ providers: { openai: provider }, sleep: async () => {} })] });
  await loch.catalog.createModelEndpoint({ catalog: 'main', schema: 'default', name: 'flaky' }, {
    provider: 'openai', task: 'chat', url: 'http://model.invalid/v1', model: 'm',
    limits: { timeoutMs: 10_000, maxRetries: 2, backoffMs: 1, maxBackoffMs: 2, maxConcurrency: CONCURRENCY },
  });
}, 60_000);

afterAll(async () => {
  await loch?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('batch inference over 100 000 rows', () => {
  it('answers or marks every row once, in order, never above the concurrency limit', async () => {
    await loch.sql(`CREATE TABLE main.default.answers AS SELECT id, ai_query('flaky', 'q' || id, failOnError => false) AS r FROM range(${ROWS}) t(id)`);
    expect(provider.maxInFlight).toBeLessThanOrEqual(CONCURRENCY);
    expect(provider.maxInFlight).toBeGreaterThan(CONCURRENCY / 2);
    const result = await loch.sql('SELECT id, r.result, r.errorMessage FROM main.default.answers');
    let expected = 0;
    let failed = 0;
    for await (const rows of result.batches()) {
      for (const [id, answer, error] of rows) {
        expect(Number(id)).toBe(expected);
        if (answer === null) {
          failed++;
          expect(String(error)).toMatch(/HTTP (500|429)|status 0|scripted/);
        } else {
          expect(answer).toBe(`answer q${expected}`);
          expect(error).toBeNull();
        }
        expected++;
      }
    }
    expect(expected).toBe(ROWS);
    expect(attempts.size).toBe(ROWS);
    // A row fails only when its three attempts all fail (≈ 0.05³ of the rows).
    expect(failed).toBeLessThan(ROWS / 1000);
    expect(faults.s500).toBeGreaterThan(ROWS / 100);
    expect(faults.s429).toBeGreaterThan(ROWS / 200);
    expect(faults.drop).toBeGreaterThan(ROWS / 200);
    await aiRuntime(loch).log.flush();
    const logged = await (await loch.sql(`SELECT count(*), count(*) FILTER (WHERE status = 'error') FROM system.ai.inference_log WHERE endpoint_name = 'main.default.flaky'`)).all();
    expect(Number(logged[0]?.[0])).toBe(ROWS);
    expect(Number(logged[0]?.[1])).toBe(failed);
  }, 300_000);
});
