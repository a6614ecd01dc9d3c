import { performance } from 'node:perf_hooks';
import type { Loch } from '../src/index.js';
import { percentile, runServerLoad } from './server-load-driver.js';
import type { RequestKind } from './server-load-driver.js';

/**
 * Server load on loopback: 32 concurrent clients, a fixed number of requests (LOCH_BENCH_SERVER_REQUESTS,
 * default 2000) mixing statement-API and PostgreSQL-wire reads and one-row appends into 4 tables.
 * Prints p50/p95/p99 per request type and the throughput, and fails loudly on any error or lost
 * commit. Baseline: the same read query through `loch.sql` in this process (p50 of 50 runs), so
 * the ratio is what the server (HTTP or wire, JSON or text encoding, auth, governance, audit) adds.
 */
const REQUESTS = Number(process.env['LOCH_BENCH_SERVER_REQUESTS'] ?? 2000);
const CLIENTS = 32;

export async function benchServerLoad(loch: Loch): Promise<void> {
  const result = await runServerLoad(loch, { clients: CLIENTS, requests: REQUESTS, tables: 4, seedRows: 100_000, seed: 7, schema: 'bench_load' });
  const inProcess: number[] = [];
  for (let i = 0; i < 50; i++) {
    const began = performance.now();
    await (await loch.sql(`SELECT count(*), sum(v) FROM bench_load.t${i % 4} WHERE id % 7 = ${i % 7}`)).all();
    inProcess.push(performance.now() - began);
  }
  const base = percentile(inProcess, 50);
  const total = Object.values(result.latencies).reduce((n, l) => n + l.length, 0);
  console.log(`server-load: ${CLIENTS} clients, ${total} requests in ${(result.wallMs / 1000).toFixed(1)} s = ${((total / result.wallMs) * 1000).toFixed(0)} req/s; errors ${result.errors.length}`);
  for (const kind of Object.keys(result.latencies) as RequestKind[]) {
    const l = result.latencies[kind];
    const p50 = percentile(l, 50);
    console.log(
      `  ${kind.padEnd(12)} n=${String(l.length).padStart(5)}  p50 ${p50.toFixed(1).padStart(7)} ms  p95 ${percentile(l, 95).toFixed(1).padStart(7)} ms  p99 ${percentile(l, 99).toFixed(1).padStart(7)} ms` +
        (kind.endsWith('read') ? `   in-process loch.sql p50 ${base.toFixed(1)} ms   ratio ${(p50 / base).toFixed(2)}x (under load vs idle)` : ''),
    );
  }
  const lost = result.expectedRows.map((n, t) => (n === result.foundRows[t] ? undefined : `t${t}: expected ${n}, found ${result.foundRows[t]}`)).filter(Boolean);
  if (result.errors.length > 0 || lost.length > 0) {
    console.error(`server-load FAILED: ${result.errors.slice(0, 5).join('; ')} ${lost.join('; ')}`);
    process.exitCode = 1;
  } else {
    console.log(`  no errors; every append committed exactly once (${result.foundRows.join(', ')} rows)`);
  }
}
