import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Loch } from '../src/index.js';
import { report } from './support.js';
import { openBaseline } from './tpch/baseline.js';
import type { Baseline } from './tpch/baseline.js';
import { checkData } from './tpch/check-data.js';
import { compareRows } from './tpch/compare.js';
import { scaleOf, TABLES } from './tpch/generate.js';
import type { TableName } from './tpch/generate.js';
import { deltaRef, loadTables } from './tpch/load.js';
import { QUERIES } from './tpch/queries.js';
import type { Tables } from './tpch/queries.js';

/**
 * P1: the 22 TPC-H queries on Delta tables through `loch.sql` (tables as delta.`<dir>`) against
 * DuckDB on the same parquet files (views over read_parquet of each snapshot's data files), same
 * process, alternating. The data is generated in the repo (bench/tpch/generate.ts) and written
 * with Loch's CREATE TABLE … AS SELECT. Each query runs once per side untimed (its results are
 * compared), then LOCH_TPCH_RUNS times per side alternating which side goes first; the best
 * run counts (the geometric mean of the medians' ratios is printed too). Environment: LOCH_TPCH_SF (scale factor, default 1), LOCH_TPCH_RUNS (default 3),
 * LOCH_TPCH_QUERIES (e.g. "1,6,9"; default all), LOCH_TPCH_KEEP=1 (keep the tables and reuse
 * them on the next run at the same scale factor).
 */
const SF = Number(process.env['LOCH_TPCH_SF'] ?? 1);
const RUNS = Number(process.env['LOCH_TPCH_RUNS'] ?? 3);
const KEEP = process.env['LOCH_TPCH_KEEP'] === '1';
const ONLY = (process.env['LOCH_TPCH_QUERIES'] ?? '').split(',').filter((q) => q.trim() !== '').map(Number);

type Run = () => Promise<unknown[][]>;

async function timed(run: Run): Promise<number> {
  const start = performance.now();
  await run();
  return performance.now() - start;
}

const median = (times: number[]): number => [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)] as number;

interface Measured {
  /** Best of the timed runs: the figure least disturbed by other load on a shared machine. */
  readonly lochMs: number;
  readonly duckMs: number;
  readonly lochMedianMs: number;
  readonly duckMedianMs: number;
  readonly rows: number;
  readonly mismatch?: string;
}

/** Warm-up (whose rows are compared), then RUNS alternating timed runs per side. */
async function measure(loch: Run, duck: Run): Promise<Measured> {
  const lochRows = await loch();
  const duckRows = await duck();
  const mismatch = compareRows(lochRows, duckRows);
  const lochTimes: number[] = [];
  const duckTimes: number[] = [];
  for (let i = 0; i < RUNS; i += 1) {
    if (i % 2 === 0) {
      lochTimes.push(await timed(loch));
      duckTimes.push(await timed(duck));
    } else {
      duckTimes.push(await timed(duck));
      lochTimes.push(await timed(loch));
    }
  }
  return {
    lochMs: Math.min(...lochTimes),
    duckMs: Math.min(...duckTimes),
    lochMedianMs: median(lochTimes),
    duckMedianMs: median(duckTimes),
    rows: lochRows.length,
    ...(mismatch !== undefined ? { mismatch } : {}),
  };
}

function tablesBy(ref: (name: TableName) => string): Tables {
  return Object.fromEntries(TABLES.map((t) => [t, ref(t)])) as Record<TableName, string>;
}

async function runQueries(loch: Loch, baseline: Baseline, dir: string): Promise<string[]> {
  const lochTables = tablesBy((t) => deltaRef(join(dir, t)));
  const duckTables = tablesBy((t) => `"${t}"`);
  const ratios: number[] = [];
  const medianRatios: number[] = [];
  const failures: string[] = [];
  for (const [i, query] of QUERIES.entries()) {
    const number = i + 1;
    if (ONLY.length > 0 && !ONLY.includes(number)) continue;
    const lochSql = query(lochTables, SF);
    const duckSql = query(duckTables, SF);
    const result = await measure(
      async () => (await loch.sql(lochSql)).all(),
      async () => (await baseline.session.query(duckSql)).all(),
    );
    report(`tpch q${number} (sf ${SF}, ${result.rows} rows)`, result.lochMs, result.duckMs, 'duckdb');
    ratios.push(result.lochMs / result.duckMs);
    medianRatios.push(result.lochMedianMs / result.duckMedianMs);
    if (result.mismatch !== undefined) {
      failures.push(`q${number}: ${result.mismatch}`);
      console.log(`  q${number} RESULTS DIFFER: ${result.mismatch}`);
    }
  }
  const geomean = (values: number[]) => Math.exp(values.reduce((sum, r) => sum + Math.log(r), 0) / values.length);
  console.log(`tpch geometric-mean ratio over ${ratios.length} queries, best of ${RUNS}: ${geomean(ratios).toFixed(3)}x (goal <= 1.05); of the medians: ${geomean(medianRatios).toFixed(3)}x`);
  return failures;
}

export async function benchTpch(loch: Loch, root: string): Promise<void> {
  if (!(SF > 0) || !Number.isInteger(RUNS) || RUNS < 1) throw new Error(`bench tpch: LOCH_TPCH_SF must be > 0 and LOCH_TPCH_RUNS a positive integer (got ${SF}, ${RUNS})`);
  const scale = scaleOf(SF);
  const dir = join(root, `tpch-sf${SF}`);
  const start = performance.now();
  const tables = await loadTables(loch, dir, scale, KEEP);
  const loadMs = performance.now() - start;
  for (const t of tables) {
    const size = `${(t.bytes / 1e6).toFixed(1)} MB`;
    console.log(`tpch load ${t.name.padEnd(9)} ${String(t.rows).padStart(10)} rows ${String(t.files.length).padStart(3)} files ${size.padStart(10)} ${t.ms > 0 ? `${(t.ms / 1000).toFixed(1)} s` : '(reused)'}`);
  }
  console.log(`tpch data generation + Delta write (sf ${SF}): ${(loadMs / 1000).toFixed(1)} s`);
  const baseline = await openBaseline(tables);
  let failures: string[];
  try {
    const checkStart = performance.now();
    await checkData(baseline.session, scale);
    console.log(`tpch data checks (cardinalities, keys, dates, totals) passed in ${((performance.now() - checkStart) / 1000).toFixed(1)} s`);
    failures = await runQueries(loch, baseline, dir);
  } finally {
    await baseline.close();
    if (!KEEP) await rm(dir, { recursive: true, force: true });
  }
  if (failures.length > 0) throw new Error(`bench tpch: results differ between loch and duckdb:\n${failures.join('\n')}`);
}
