import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { and, cmp, col, lit, primitive } from '../src/index.js';
import type { DeltaTable, Expr, Loch } from '../src/index.js';
import { timeMedian } from './support.js';

/**
 * P2: data skipping after OPTIMIZE ZORDER BY and liquid clustering. ROWS rows with two
 * independent uniform columns x, y are written through Loch as FILES files in one commit
 * (every file spans the whole range of both columns), then the same selective filters run on:
 * that unclustered layout (read by time travel in the same run: the full scan every file must be
 * read for), the table after OPTIMIZE ZORDER BY (x, y) and ZORDER BY (x), and a clustered table
 * (CLUSTER BY (x), OPTIMIZE). For each: the fraction of files the plan keeps (pruned by file
 * statistics) and the speed-up over the unclustered scan of the same query.
 * LOCH_BENCH_ZORDER_ROWS overrides the row count (default 20M).
 */
const ROWS = Number(process.env['LOCH_BENCH_ZORDER_ROWS'] ?? 20_000_000);
const FILES = 256;
const RANGE = 1_000_000;
const RUNS = 5;

const source = (from: number, to: number) =>
  `SELECT range AS id, (hash(range) % ${RANGE})::INT AS x, (hash(range * 7 + 3) % ${RANGE})::INT AS y FROM range(${from}, ${to})`;

const int = (v: number) => lit(primitive('integer'), v);
const within = (column: string, lo: number, hi: number): Expr => and(cmp('>=', col(column), int(lo)), cmp('<=', col(column), int(hi)));

interface Probe {
  readonly name: string;
  readonly sql: string;
  readonly filter: Expr;
}

/** Width 1000 of 1M: 0.1% of the rows per column. */
const PROBES: readonly Probe[] = [
  { name: 'x slab (0.1%)', sql: 'x BETWEEN 500000 AND 500999', filter: within('x', 500_000, 500_999) },
  { name: 'y slab (0.1%)', sql: 'y BETWEEN 250000 AND 250999', filter: within('y', 250_000, 250_999) },
  { name: 'x,y box (1% x 1%)', sql: 'x BETWEEN 700000 AND 709999 AND y BETWEEN 100000 AND 109999', filter: and(within('x', 700_000, 709_999), within('y', 100_000, 109_999)) },
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

async function queryMs(loch: Loch, ref: string, version: number, where: string): Promise<number> {
  return timeMedian(RUNS, async () => (await loch.sql(`SELECT count(*), sum(y) FROM ${ref} VERSION AS OF ${version} WHERE ${where}`)).all());
}

async function timed<T>(what: string, fn: () => Promise<T>): Promise<T> {
  const start = performance.now();
  const out = await fn();
  console.log(`  ${what}: ${((performance.now() - start) / 1000).toFixed(1)} s`);
  return out;
}

/**
 * Prints one line per probe: files kept, time, and the ratio against the unclustered scan of the
 * same query (`baseline`, filled by the first call, on the unclustered layout).
 */
async function compare(loch: Loch, table: DeltaTable, label: string, version: number, baseline: Map<string, number>): Promise<void> {
  const ref = `delta.\`${table.name}\``;
  for (const probe of PROBES) {
    const { kept, total } = await filesKept(table, version, probe.filter);
    const ms = await queryMs(loch, ref, version, probe.sql);
    const full = baseline.get(probe.name) ?? ms;
    baseline.set(probe.name, full);
    const pct = ((100 * kept) / total).toFixed(2);
    console.log(
      `${`${label}: ${probe.name}`.padEnd(44)} files ${String(kept).padStart(4)}/${total} (${pct.padStart(6)}%)   ${ms.toFixed(1).padStart(7)} ms   full scan ${full.toFixed(1).padStart(7)} ms   speed-up ${(full / ms).toFixed(1)}x`,
    );
  }
}

export async function benchZorderSkipping(loch: Loch, root: string): Promise<void> {
  const zdir = join(root, 'zorder');
  const cdir = join(root, 'zorder-clustered');
  await rm(zdir, { recursive: true, force: true });
  await rm(cdir, { recursive: true, force: true });
  console.log(`zorder-skipping: ${ROWS / 1e6}M rows, ${FILES} files; selective filters on x and y in [0, ${RANGE})`);
  const table = await loch.deltaTable(zdir);
  await (await loch.sql(`CREATE TABLE delta.\`${zdir}\` (id BIGINT, x INT, y INT)`)).all();
  await timed('write unclustered', () => writeUnclustered(table));
  const unclustered = (await table.snapshot()).version;
  const bytes = (await table.snapshot()).delta.files.reduce((n, f) => n + f.size, 0);
  const targetFileSize = Math.ceil(bytes / FILES);
  const baseline = new Map<string, number>();
  await compare(loch, table, 'unclustered', unclustered, baseline);

  const zxy = await timed('OPTIMIZE ZORDER BY (x, y)', () => table.optimize({ zorderBy: ['x', 'y'], targetFileSize }));
  await compare(loch, table, 'zorder (x, y)', zxy.version as number, baseline);
  const zx = await timed('OPTIMIZE ZORDER BY (x)', () => table.optimize({ zorderBy: ['x'], targetFileSize }));
  await compare(loch, table, 'zorder (x)', zx.version as number, baseline);

  const clustered = await loch.deltaTable(cdir);
  await clustered.create({ mode: 'create', schema: (await table.snapshot()).schema, clusterBy: ['x', 'y'] });
  await timed('write clustered table (unclustered files)', () => writeUnclustered(clustered));
  const liquid = await timed('OPTIMIZE (liquid clustering by x, y)', () => clustered.optimize({ targetFileSize }));
  await compare(loch, clustered, 'liquid (x, y)', liquid.version as number, baseline);
  await rm(zdir, { recursive: true, force: true });
  await rm(cdir, { recursive: true, force: true });
}
