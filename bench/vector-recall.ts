import { performance } from 'node:perf_hooks';
import { DuckDBInstance } from '@duckdb/node-api';
import type { DuckDBConnection } from '@duckdb/node-api';
import { LiveIndex } from '../src/ai/vector/core/live-index.js';

/**
 * ANN recall and speed against exact search by DuckDB, in the same run.
 * Data: ROWS vectors (LOCH_BENCH_VECTOR_ROWS, default 200 000) of 384 dims and QUERIES (1 000)
 * further draws, generated in DuckDB SQL (hash-seeded, so every run is the same): CLUSTERS
 * Gaussian centres, each vector its centre plus Gaussian noise of σ SPREAD. With σ 1 a
 * cluster's points are spread as widely as its distance to other clusters allows, so neighbours
 * are not trivially the cluster (recall below 1 at small expansions).
 * Exact: DuckDB's `ORDER BY array_cosine_distance(vec, q) LIMIT 10` per query (all threads), over
 * a sample of EXACT_SAMPLE queries (default 100): its median time is the exact QPS and its answers
 * are the truth recall@10 is measured against. ANN: Loch's LiveIndex (usearch HNSW, cosine, M 16,
 * expansion_add 128), one query at a time over all QUERIES, for several expansion_search values.
 * Goal: recall@10 ≥ 0.95 at ≥ 20× the exact QPS.
 */
const ROWS = Number(process.env['LOCH_BENCH_VECTOR_ROWS'] ?? 200_000);
const QUERIES = Number(process.env['LOCH_BENCH_VECTOR_QUERIES'] ?? 1_000);
const EXACT_SAMPLE = Math.min(QUERIES, Number(process.env['LOCH_BENCH_VECTOR_EXACT_SAMPLE'] ?? 100));
const DIMS = 384;
const CLUSTERS = 1_000;
const SPREAD = 1.0;
const EF_ADD = 128;
const EXPANSIONS = [32, 64, 128, 256];
const K = 10;

export async function benchVectorRecall(): Promise<void> {
  // The default memory limit is 80% of RAM; the bench needs a fraction of that.
  const instance = await DuckDBInstance.create(':memory:', { memory_limit: '4GB', autoinstall_known_extensions: 'false' });
  const duck = await instance.connect();
  try {
    const genStart = performance.now();
    await generate(duck);
    const genMs = performance.now() - genStart;
    const { index, buildMs } = await build(duck);
    const queries = await readVectors(duck, 'q');
    const exact = await exactSearch(duck);
    const exactQps = 1000 / exact.medianMs;
    console.log(`${`vector-recall ${ROWS} × ${DIMS}, ${QUERIES} queries`.padEnd(48)} generated in DuckDB ${(genMs / 1000).toFixed(1)} s; HNSW build ${(buildMs / 1000).toFixed(1)} s (${((ROWS / buildMs) * 1000).toFixed(0)} vectors/s, M 16, ef_add ${EF_ADD})`);
    console.log(`  exact (duckdb, ORDER BY array_cosine_distance LIMIT ${K}): median ${exact.medianMs.toFixed(1)} ms = ${exactQps.toFixed(1)} QPS (sample of ${EXACT_SAMPLE} queries, also the truth for recall)`);
    let met = false;
    for (const ef of EXPANSIONS) {
      const { recall, qps } = measureAnn(index, queries, exact.truth, ef);
      const ok = recall >= 0.95 && qps >= 20 * exactQps;
      met ||= ok;
      console.log(`  ann expansion_search ${String(ef).padStart(4)}: recall@${K} ${recall.toFixed(4)}   ${qps.toFixed(0).padStart(6)} QPS   ${(qps / exactQps).toFixed(1).padStart(6)}× exact${ok ? '   goal met' : ''}`);
    }
    if (!met) console.log('  goal (recall@10 ≥ 0.95 at ≥ 20× exact QPS) not met at these settings');
  } finally {
    duck.closeSync();
    instance.closeSync();
  }
}

/** A standard normal per (a, b, salt) from hashes (Box–Muller), in SQL. */
function gauss(a: string, b: string, salt: number): string {
  const u = (s: number): string => `((hash(${a}, ${b}, ${s}) % 1000003 + 1) / 1000004.0)`;
  return `(sqrt(-2 * ln(${u(salt)})) * cos(2 * pi() * ${u(salt + 1)}))`;
}

async function generate(duck: DuckDBConnection): Promise<void> {
  await duck.run(`CREATE TABLE centres AS SELECT c, list_transform(range(${DIMS}), j -> ${gauss('c', 'j', 1)}) AS centre FROM range(${CLUSTERS}) t(c)`);
  const points = (table: string, from: number, count: number): string =>
    `CREATE TABLE ${table} AS SELECT i - ${from} AS id, CAST(list_transform(range(${DIMS}), j -> centre[j + 1] + ${SPREAD} * ${gauss('i', 'j', 3)}) AS FLOAT[${DIMS}]) AS vec
     FROM range(${from}, ${from + count}) t(i) JOIN centres ON c = hash(i, 7) % ${CLUSTERS}`;
  await duck.run(points('v', 0, ROWS));
  await duck.run(points('q', ROWS, QUERIES));
}

/** The HNSW index over table v, fed a DuckDB chunk at a time (the table never sits in JS arrays). */
async function build(duck: DuckDBConnection): Promise<{ index: LiveIndex; buildMs: number }> {
  const index = LiveIndex.create({ dimensions: DIMS, metric: 'cosine', connectivity: 16, expansionAdd: EF_ADD, expansionSearch: 64 });
  let buildMs = 0;
  const result = await duck.stream('SELECT id, vec FROM v');
  for await (const rows of result.yieldRowsJs()) {
    const batch = rows.map(([id, vec]) => ({ pk: String(id), vector: Float32Array.from(vec as number[]) }));
    const start = performance.now();
    index.upsert(batch);
    buildMs += performance.now() - start;
  }
  return { index, buildMs };
}

async function readVectors(duck: DuckDBConnection, table: string): Promise<Float32Array[]> {
  const reader = await duck.runAndReadAll(`SELECT vec FROM ${table} ORDER BY id`);
  return reader.getRowsJS().map(([vec]) => Float32Array.from(vec as number[]));
}

/** Exact top-K of each sampled query by DuckDB, and the median time of one such query. */
async function exactSearch(duck: DuckDBConnection): Promise<{ truth: Set<number>[]; medianMs: number }> {
  const statement = await duck.prepare(`SELECT id FROM v ORDER BY array_cosine_distance(vec, (SELECT vec FROM q WHERE id = $1)) LIMIT ${K}`);
  const truth: Set<number>[] = [];
  const times: number[] = [];
  for (let i = 0; i < EXACT_SAMPLE; i++) {
    statement.bindInteger(1, i);
    const start = performance.now();
    const reader = await statement.runAndReadAll();
    times.push(performance.now() - start);
    truth.push(new Set(reader.getRowsJS().map(([id]) => Number(id))));
  }
  times.sort((a, b) => a - b);
  return { truth, medianMs: times[Math.floor(times.length / 2)] ?? Number.NaN };
}

/** Recall@K over the sampled queries (against the exact answers) and QPS over all queries. */
function measureAnn(index: LiveIndex, queries: readonly Float32Array[], truth: readonly Set<number>[], ef: number): { recall: number; qps: number } {
  const start = performance.now();
  const results = queries.map((vector) => index.search({ vector, k: K, type: 'ANN', expansionSearch: ef }));
  const ms = performance.now() - start;
  let found = 0;
  truth.forEach((expected, q) => {
    for (const hit of results[q] ?? []) if (expected.has(Number(hit.pk))) found++;
  });
  return { recall: found / (truth.length * K), qps: (queries.length / ms) * 1000 };
}
