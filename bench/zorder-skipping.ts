import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { and, cmp, col, lit, primitive } from '../src/index.js';
import type { DeltaTable, Expr, Loch } from '../src/index.js';

/**
 * P2: data skipping after OPTIMIZE ZORDER BY and liquid clustering. ROWS rows with two
 * independent uniform columns x, y and a payload string s (32 hex characters) are written through Loch as FILES files in one commit
 * (every file spans the whole range of both columns), then the same selective filters run on
 * three versions of the table: that unclustered layout (read again by time travel: the full scan
 * of every file), after OPTIMIZE ZORDER BY (x, y), and after ALTER TABLE CLUSTER BY (x) and
 * OPTIMIZE (liquid clustering, which reclusters every file: none carries its clustering yet).
 * For each: the fraction of files the plan keeps (pruned by file statistics) and the speed-up
 * over the unclustered scan of the same query (count(*), sum(y), max(s): the payload makes
 * reading a file cost what it does in a real table), both averaged over 4 positions of the filter.
 * With two Z-order columns a filter on one of them keeps about 1/sqrt(files) of the files; on
 * the one clustering column, one or two files. Times are the best of 3 runs.
 * 'no match' shows the fixed cost of a query (snapshot, planning, scan setup): the floor that
 * bounds the speed-up of a query reading one file.
 * LOCH_BENCH_ZORDER_ROWS overrides the row count (default 20M).
 */
const ROWS = Number(process.env['LOCH_BENCH_ZORDER_ROWS'] ?? 20_000_000);
const FILES = 256;
const RANGE = 1_000_000;
const RUNS = 3;

const source = (from: number, to: number) =>
  `SELECT range AS id, (hash(range) % ${RANGE})::INT AS x, (hash(range * 7 + 3) % ${RANGE})::INT AS y, md5(range::VARCHAR) AS s FROM range(${from}, ${to})`;

const int = (v: number) => lit(primitive('integer'), v);
const within = (column: string, lo: number, hi: number): Expr => and(cmp('>=', col(column), int(lo)), cmp('<=', col(column), int(hi)));

/** One filter of a probe: SQL for the query, the same condition as an Expr for planning. */
interface Filter {
  readonly sql: string;
  readonly expr: Expr;
}

interface Probe {
  readonly name: string;
  /** Several positions: how many files a filter keeps depends on where it falls among file boundaries. */
  readonly filters: readonly Filter[];
}

const POSITIONS = 4;
/** Positions spread over the range, off the dyadic points where file boundaries tend to fall. */
const starts = Array.from({ length: POSITIONS }, (_, i) => Math.floor(((i + 0.37) / POSITIONS) * RANGE));
const slab = (column: string, width: number): Filter[] =>
  starts.map((lo) => ({ sql: `${column} BETWEEN ${lo} AND ${lo + width - 1}`, expr: within(column, lo, lo + width - 1) }));

const PROBES: readonly Probe[] = [
  { name: 'x slab (0.1%)', filters: slab('x', RANGE / 1000) },
  { name: 'y slab (0.1%)', filters: slab('y', RANGE / 1000) },
  {
    name: 'x,y box (1% x 1%)',
    filters: starts.map((lo, i) => {
      const y = starts[(i + 3) % POSITIONS] as number;
      const w = RANGE / 100;
      return { sql: `x BETWEEN ${lo} AND ${lo + w - 1} AND y BETWEEN ${y} AND ${y + w - 1}`, expr: and(within('x', lo, lo + w - 1), within('y', y, y + w - 1)) };
    }),
  },
  { name: 'no match (all files pruned)', filters: [{ sql: `x > ${RANGE}`, expr: cmp('>', col('x'), int(RANGE)) }] },
];

/** FILES files in one commit: one write per slice of rows, committed together. */
async function writeUnclustered(table: DeltaTable): Promise<void> {
  const tx = await table.begin();
  const per = Math.ceil(ROWS / FILES);
  for (let from = 0; from < ROWS; from += per) await tx.write({ sql: source(from, Math.min(ROWS, from + per)) });
  await tx.commit();
}

async function filesKept(table: DeltaTable, version: number, filter: Expr): Promise<{ kept: number; total: number }> {
  const plan = await (await table.snapshot({ version })).plan({ filter });
  plan.release();
  return { kept: plan.spec.files.length, total: plan.filesTotal };
}

/** Best of RUNS (the first warms the caches): the machine is shared, and the minimum is the least disturbed. */
async function queryMs(loch: Loch, ref: string, version: number, where: string): Promise<number> {
  const run = async () => (await loch.sql(`SELECT count(*), sum(y), max(s) FROM ${ref} VERSION AS OF ${version} WHERE ${where}`)).all();
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    await run();
    best = Math.min(best, performance.now() - start);
  }
  return best;
}

async function timed<T>(what: string, fn: () => Promise<T>): Promise<T> {
  const start = performance.now();
  const out = await fn();
  console.log(`  ${what}: ${((performance.now() - start) / 1000).toFixed(1)} s`);
  return out;
}

/**
 * Prints one line per probe, averaged over its positions: files kept, time, and the ratio against
 * the unclustered scan of the same queries (`baseline`, filled by the first call).
 */
async function compare(loch: Loch, table: DeltaTable, label: string, version: number, baseline: Map<string, number>): Promise<void> {
  const ref = `delta.\`${table.name}\``;
  for (const probe of PROBES) {
    let kept = 0;
    let total = 0;
    let ms = 0;
    for (const filter of probe.filters) {
      const files = await filesKept(table, version, filter.expr);
      kept += files.kept / probe.filters.length;
      total = files.total;
      ms += (await queryMs(loch, ref, version, filter.sql)) / probe.filters.length;
    }
    const full = baseline.get(probe.name) ?? ms;
    baseline.set(probe.name, full);
    const pct = ((100 * kept) / total).toFixed(2);
    console.log(
      `${`${label}: ${probe.name}`.padEnd(44)} files ${kept.toFixed(1).padStart(5)}/${total} (${pct.padStart(6)}%)   ${ms.toFixed(1).padStart(7)} ms   full scan ${full.toFixed(1).padStart(7)} ms   speed-up ${(full / ms).toFixed(1)}x`,
    );
  }
}

export async function benchZorderSkipping(loch: Loch, root: string): Promise<void> {
  const dir = join(root, 'zorder');
  await rm(dir, { recursive: true, force: true });
  console.log(`zorder-skipping: ${ROWS / 1e6}M rows, ${FILES} files; selective filters on x and y in [0, ${RANGE})`);
  const table = await loch.deltaTable(dir);
  await (await loch.sql(`CREATE TABLE delta.\`${dir}\` (id BIGINT, x INT, y INT, s STRING)`)).all();
  await timed('write unclustered', () => writeUnclustered(table));
  const unclustered = (await table.snapshot()).version;
  const bytes = (await table.snapshot()).delta.files.reduce((n, f) => n + f.size, 0);
  const targetFileSize = Math.ceil(bytes / FILES);
  const baseline = new Map<string, number>();
  await compare(loch, table, 'unclustered', unclustered, baseline);
  const zorder = await timed('OPTIMIZE ZORDER BY (x, y)', () => table.optimize({ zorderBy: ['x', 'y'], targetFileSize }));
  await compare(loch, table, 'zorder (x, y)', zorder.version as number, baseline);
  await (await loch.sql(`ALTER TABLE delta.\`${dir}\` CLUSTER BY (x)`)).all();
  const liquid = await timed('OPTIMIZE (liquid clustering by x)', () => table.optimize({ targetFileSize }));
  await compare(loch, table, 'liquid (x)', liquid.version as number, baseline);
  await rm(dir, { recursive: true, force: true });
}
