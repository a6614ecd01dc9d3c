import { performance } from 'node:perf_hooks';
import { ARRAY, DuckDBInstance, FLOAT } from '@duckdb/node-api';
import type { DuckDBConnection } from '@duckdb/node-api';
import { LiveIndex } from '../src/ai/vector/core/live-index.js';
import { clusteredVectors, row } from '../src/ai/vector/core/test-vectors.js';

/**
 * ANN recall and speed: ROWS seeded clustered-Gaussian vectors (LOCH_BENCH_VECTOR_ROWS, default
 * 200 000; DIMS 384; 2 000 clusters, unit-Gaussian centres, noise σ 0.25), QUERIES 1 000 further
 * draws from the same clusters. Loch's LiveIndex (usearch HNSW, cosine, M 16, expansion_add
 * LOCH_BENCH_VECTOR_EF_ADD default 128) is built in process; the exact top-10 of every query
 * comes from DuckDB in the same run (`min_by(id, array_cosine_distance(…), 10)` over the cross
 * product, 50 queries at a time, DuckDB capped at LOCH_BENCH_VECTOR_DUCKDB_MEMORY, default 2GB). Exact QPS is DuckDB's `ORDER BY array_cosine_distance(vec, ?) LIMIT 10` per
 * query, timed on a sample (LOCH_BENCH_VECTOR_EXACT_SAMPLE, default 50 queries, since all 1 000
 * one at a time take minutes). ANN recall@10 and QPS (one query at a time) are printed for several
 * expansion_search values; the goal is recall@10 ≥ 0.95 at ≥ 20× the exact QPS.
 */
const ROWS = Number(process.env['LOCH_BENCH_VECTOR_ROWS'] ?? 200_000);
const DIMS = 384;
const QUERIES = Number(process.env['LOCH_BENCH_VECTOR_QUERIES'] ?? 1_000);
const EXACT_SAMPLE = Number(process.env['LOCH_BENCH_VECTOR_EXACT_SAMPLE'] ?? 50);
const EF_ADD = Number(process.env['LOCH_BENCH_VECTOR_EF_ADD'] ?? 128);
const EXPANSIONS = [64, 128, 256, 512];
const K = 10;
const TRUTH_BATCH = 50;
const SHAPE = { seed: 42, clusters: 2_000, spread: 0.25 };

export async function benchVectorRecall(): Promise<void> {
  const data = clusteredVectors(ROWS, DIMS, SHAPE);
  const queries = clusteredVectors(QUERIES, DIMS, { ...SHAPE, skip: ROWS });
  // DuckDB's default memory limit (80% of RAM) lets the cross product take the machine: cap it.
  const instance = await DuckDBInstance.create(':memory:', { memory_limit: process.env['LOCH_BENCH_VECTOR_DUCKDB_MEMORY'] ?? '2GB' });
  const duck = await instance.connect();
  try {
    await load(duck, 'v', data, ROWS);
    await load(duck, 'q', queries, QUERIES);
    const truthStart = performance.now();
    const truth = await exactTopK(duck);
    const truthMs = performance.now() - truthStart;
    const exactMs = await exactPerQuery(duck, queries);
    const exactQps = 1000 / exactMs;
    const { index, buildMs } = build(data);
    console.log(`${`vector-recall ${ROWS} × ${DIMS}, ${QUERIES} queries`.padEnd(48)} build ${(buildMs / 1000).toFixed(1)} s (${((ROWS / buildMs) * 1000).toFixed(0)} vectors/s, M 16, ef_add ${EF_ADD})`);
    console.log(`  exact (duckdb): batched top-${K} of all queries ${(truthMs / 1000).toFixed(1)} s; one query at a time ${exactMs.toFixed(1)} ms = ${exactQps.toFixed(1)} QPS (sample of ${Math.min(EXACT_SAMPLE, QUERIES)})`);
    let met = false;
    for (const ef of EXPANSIONS) {
      const { recall, qps } = measureAnn(index, queries, truth, ef);
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

async function load(duck: DuckDBConnection, table: string, flat: Float32Array, count: number): Promise<void> {
  await duck.run(`CREATE TABLE ${table} (id INTEGER, vec FLOAT[${DIMS}])`);
  const appender = await duck.createAppender(table);
  const type = ARRAY(FLOAT, DIMS);
  for (let i = 0; i < count; i++) {
    appender.appendInteger(i);
    appender.appendArray(Array.from(row(flat, DIMS, i)), type);
    appender.endRow();
  }
  appender.closeSync();
}

/** Exact top-K ids per query, in batches of TRUTH_BATCH queries so that each cross product stays small. */
async function exactTopK(duck: DuckDBConnection): Promise<Set<number>[]> {
  const truth: Set<number>[] = [];
  for (let from = 0; from < QUERIES; from += TRUTH_BATCH) {
    const reader = await duck.runAndReadAll(
      `SELECT q.id, min_by(v.id, array_cosine_distance(v.vec, q.vec), ${K}) FROM (SELECT * FROM q WHERE id >= ${from} AND id < ${from + TRUTH_BATCH}) q, v GROUP BY q.id`,
    );
    for (const [qid, ids] of reader.getRowsJS()) truth[Number(qid)] = new Set((ids as number[]).map(Number));
  }
  return truth;
}

/** Median ms of DuckDB answering one query exactly (ORDER BY distance LIMIT K), over a sample. */
async function exactPerQuery(duck: DuckDBConnection, queries: Float32Array): Promise<number> {
  const statement = await duck.prepare(`SELECT id FROM v ORDER BY array_cosine_distance(vec, $1::FLOAT[${DIMS}]) LIMIT ${K}`);
  const times: number[] = [];
  const sample = Math.min(EXACT_SAMPLE, QUERIES);
  for (let i = 0; i < sample; i++) {
    statement.bindArray(1, Array.from(row(queries, DIMS, i)), ARRAY(FLOAT, DIMS));
    const start = performance.now();
    await statement.runAndReadAll();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] ?? Number.NaN;
}

function build(data: Float32Array): { index: LiveIndex; buildMs: number } {
  const index = LiveIndex.create({ dimensions: DIMS, metric: 'cosine', connectivity: 16, expansionAdd: EF_ADD, expansionSearch: 64 });
  const start = performance.now();
  const batch = 10_000;
  for (let from = 0; from < ROWS; from += batch) {
    const rows = [];
    for (let i = from; i < Math.min(ROWS, from + batch); i++) rows.push({ pk: String(i), vector: row(data, DIMS, i) });
    index.upsert(rows);
  }
  return { index, buildMs: performance.now() - start };
}

function measureAnn(index: LiveIndex, queries: Float32Array, truth: readonly Set<number>[], ef: number): { recall: number; qps: number } {
  let found = 0;
  const start = performance.now();
  const results = [];
  for (let q = 0; q < QUERIES; q++) results.push(index.search({ vector: row(queries, DIMS, q), k: K, type: 'ANN', expansionSearch: ef }));
  const ms = performance.now() - start;
  results.forEach((hits, q) => {
    for (const hit of hits) if (truth[q]?.has(Number(hit.pk)) === true) found++;
  });
  return { recall: found / (QUERIES * K), qps: (QUERIES / ms) * 1000 };
}
