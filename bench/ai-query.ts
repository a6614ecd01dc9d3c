import { performance } from 'node:perf_hooks';
import type { Loch } from '../src/index.js';
import { startFakeOpenAi } from '../tests/support/fake-openai.js';

/**
 * Batch inference throughput: `SELECT id, ai_query(…) FROM range(N)` (LOCH_BENCH_AI_ROWS, default
 * 10 000) against a fake OpenAI-compatible server on loopback that answers after a fixed latency
 * (LOCH_BENCH_AI_LATENCY_MS, default 20), through an endpoint allowing 16 requests at once.
 * Baseline: the ideal rows × latency / concurrency (the server's latency is the only cost); the
 * ratio and the overhead per call (what Loch adds per request slot) show what staging, the
 * gateway, HTTP and writing results cost. The fake's peak concurrency is checked against the limit.
 */
const ROWS = Number(process.env['LOCH_BENCH_AI_ROWS'] ?? 10_000);
const LATENCY_MS = Number(process.env['LOCH_BENCH_AI_LATENCY_MS'] ?? 20);
const CONCURRENCY = 16;

export async function benchAiQuery(loch: Loch): Promise<void> {
  const fake = await startFakeOpenAi({ latencyMs: LATENCY_MS, record: false });
  const name = { catalog: 'main', schema: 'default', name: 'bench_ai_chat' };
  try {
    await loch.catalog.createModelEndpoint(name, {
      provider: 'openai', task: 'chat', url: fake.url, model: 'fake-model',
      limits: { maxConcurrency: CONCURRENCY, maxRetries: 0, timeoutMs: 30_000 },
    }, { orReplace: true });
    const began = performance.now();
    const result = await loch.sql(`SELECT count(*), count(a) FROM (SELECT id, ai_query('main.default.bench_ai_chat', 'row ' || id) AS a FROM range(${ROWS}) t(id))`);
    const [[total, answered] = []] = await result.all();
    const measured = performance.now() - began;
    if (Number(total) !== ROWS || Number(answered) !== ROWS) throw new Error(`ai-query: expected ${ROWS} answers, got ${String(answered)} of ${String(total)} rows`);
    const ideal = (ROWS * LATENCY_MS) / CONCURRENCY;
    const overheadPerCall = ((measured - ideal) * CONCURRENCY) / ROWS;
    console.log(
      `${`ai-query ${ROWS} rows, ${LATENCY_MS} ms latency, ${CONCURRENCY} at once`.padEnd(48)} loch ${measured.toFixed(1).padStart(8)} ms   ideal ${ideal.toFixed(1).padStart(8)} ms   ratio ${(measured / ideal).toFixed(2)}x`,
    );
    console.log(`  overhead per call ${overheadPerCall.toFixed(2)} ms (per request slot), ${((ROWS / measured) * 1000).toFixed(0)} rows/s, peak in flight ${fake.maxInFlight} (limit ${CONCURRENCY})`);
    if (fake.maxInFlight > CONCURRENCY) {
      console.error(`ai-query FAILED: ${fake.maxInFlight} requests in flight, above the endpoint's limit ${CONCURRENCY}`);
      process.exitCode = 1;
    }
  } finally {
    await loch.catalog.dropModelEndpoint(name).catch(() => 'missing');
    await fake.close();
  }
}
