import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatRequest } from '../../../src/ai/model-types.js';
import type { FakeReply } from '../../support/fake-openai.js';
import { openAiHarness, promptOf, uniform } from './ai-functions-harness.js';
import type { AiHarness } from './ai-functions-harness.js';

/**
 * Batch inference over a flaky endpoint: rows through ai_query(…, failOnError => false) into a
 * table, against a fake that fails about 5 % of attempts (500, 429 with Retry-After: 0, dropped
 * connections), decided by a seeded hash of (request text, attempt). Every row must be answered
 * or marked failed, none lost or duplicated, order kept, concurrency within the limit.
 *
 * Every row is one HTTP request to a server in this process, so the row count sets the time: the
 * default 5 000 keeps the suite's budget (batch-100k.test.ts runs 100 000 rows through the provider port); LOCH_TEST_AI_BATCH_ROWS=100000 runs the full-size
 * check (minutes on a small VM, where a loopback request costs milliseconds of CPU).
 */
const ROWS = Number(process.env['LOCH_TEST_AI_BATCH_ROWS'] ?? 5_000);
const CONCURRENCY = 16;
const SEED = 0x5eed;

const attempts = new Map<string, number>();
const faults = { status500: 0, status429: 0, drop: 0 };

function flaky(request: ChatRequest): FakeReply {
  const text = promptOf(request).user;
  const attempt = (attempts.get(text) ?? 0) + 1;
  attempts.set(text, attempt);
  const u = uniform(SEED, `${text}#${attempt}`);
  if (u < 0.02) {
    faults.status500++;
    return { fault: 'status', status: 500 };
  }
  if (u < 0.035) {
    faults.status429++;
    return { fault: 'status', status: 429, retryAfter: '0' };
  }
  if (u < 0.05) {
    faults.drop++;
    return { fault: 'drop' };
  }
  return { content: `answer ${text}` };
}

let h: AiHarness;

beforeAll(async () => {
  h = await openAiHarness({
    // A short latency keeps requests overlapping at the server, so the concurrency limit is exercised.
    fake: { chat: (request) => flaky(request), record: false, latencyMs: 2 },
    limits: { maxConcurrency: CONCURRENCY, maxRetries: 2, backoffMs: 1, maxBackoffMs: 2, timeoutMs: 20_000 },
    threads: 4,
  });
}, 60_000);

afterAll(async () => {
  await h?.close();
});

describe('batch inference over a flaky endpoint', () => {
  it(`answers or marks every one of ${ROWS} rows, in order, at most ${CONCURRENCY} requests in flight`, async () => {
    await h.loch.sql(`CREATE TABLE main.default.flaky AS SELECT id, ai_query('chat', 'q' || id, failOnError => false) AS r FROM range(${ROWS}) t(id)`);
    expect(h.fake.maxInFlight).toBeLessThanOrEqual(CONCURRENCY);
    expect(h.fake.maxInFlight).toBeGreaterThan(CONCURRENCY / 2);
    const result = await h.loch.sql('SELECT id, r.result, r.errorMessage FROM main.default.flaky');
    let expected = 0;
    let failed = 0;
    for await (const rows of result.batches()) {
      for (const [id, answer, error] of rows) {
        expect(Number(id)).toBe(expected);
        if (answer === null) {
          failed++;
          expect(typeof error).toBe('string');
          expect((error as string).length).toBeGreaterThan(0);
        } else {
          expect(answer).toBe(`answer q${expected}`);
          expect(error).toBeNull();
        }
        expected++;
      }
    }
    expect(expected).toBe(ROWS);
    // A row fails only when all three attempts fail (≈ 0.05³ of rows).
    expect(failed).toBeLessThan(Math.max(10, ROWS / 1000));
    expect(faults.status500).toBeGreaterThan(ROWS / 100);
    expect(faults.status429).toBeGreaterThan(ROWS / 200);
    expect(faults.drop).toBeGreaterThan(ROWS / 200);
    expect(attempts.size).toBe(ROWS);
  }, Math.max(120_000, ROWS * 10));
});
