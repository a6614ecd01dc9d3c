import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcessByStdio } from 'node:child_process';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { openStore } from '../src/index.js';
import type { Loch } from '../src/index.js';
import { report } from './support.js';

/**
 * Small-commit rate: one-row appends through the TS API (`table.write({ rows: [row] })`), one
 * writer in this process, then WRITERS child processes appending to one table at once.
 *
 * Baseline (both cases): the same number of one-row DuckDB `COPY (SELECT …) TO '<n>.parquet'`
 * writes, by the same number of writers — what writing the data file alone costs, so the ratio
 * is the price of the Delta log (snapshot load, stats, put-if-absent, conflict checks,
 * checkpoints every 10 commits). A second line gives the raw put-if-absent rate of the local store.
 */
const SINGLE_COMMITS = Number(process.env['LOCH_BENCH_COMMITS'] ?? 200);
const WRITERS = 8;
const COMMITS_PER_WRITER = Number(process.env['LOCH_BENCH_COMMITS_PER_WRITER'] ?? 100);
const ROW_SCHEMA = '(id BIGINT, k BIGINT, s STRING, x DOUBLE)';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '..');
const child = join(here, 'children', 'commit-writer.mjs');

async function newestMtime(dir: string): Promise<number> {
  let newest = 0;
  for (const name of await readdir(dir, { recursive: true })) newest = Math.max(newest, (await stat(join(dir, name))).mtimeMs);
  return newest;
}

/** The children import dist/: rebuild it when any source file is newer. */
export async function ensureBuilt(): Promise<void> {
  const built = await stat(join(repo, 'dist', 'index.js')).then((s) => s.mtimeMs, () => 0);
  if (built >= (await newestMtime(join(repo, 'src')))) return;
  console.log('bench: building dist/ (npx tsc -p tsconfig.build.json)');
  execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: repo, stdio: 'inherit' });
}

const rate = (commits: number, ms: number): string => `${((commits / ms) * 1000).toFixed(1)} commits/s`;

async function createTable(loch: Loch, dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  await (await loch.sql(`CREATE TABLE delta.\`${dir}\` ${ROW_SCHEMA}`)).all();
}

async function singleWriter(loch: Loch, root: string): Promise<void> {
  const dir = join(root, 'commit-rate-single');
  await createTable(loch, dir);
  const table = await loch.deltaTable(dir);
  const latencies: number[] = [];
  const start = performance.now();
  for (let i = 0; i < SINGLE_COMMITS; i += 1) {
    const t0 = performance.now();
    const outcome = await table.write({ rows: [{ id: i, k: i % 1000, s: `row-${i}`, x: i * 0.5 }] });
    if (outcome.kind !== 'committed') throw new Error(`bench: write ${i} was ${outcome.kind}`);
    latencies.push(performance.now() - t0);
  }
  const lochMs = performance.now() - start;
  const duckMs = await duckTinyWrites(join(root, 'commit-rate-duckdb'), SINGLE_COMMITS);
  const putMs = await putIfAbsentWrites(join(root, 'commit-rate-put'), SINGLE_COMMITS);
  latencies.sort((a, b) => a - b);
  const p = (q: number): string => (latencies[Math.floor(q * (latencies.length - 1))] as number).toFixed(1);
  report(`${SINGLE_COMMITS} one-row appends, 1 writer`, lochMs, duckMs, 'duckdb COPY');
  console.log(`${''.padEnd(48)} loch ${rate(SINGLE_COMMITS, lochMs)} (p50 ${p(0.5)} ms, p95 ${p(0.95)} ms)   duckdb COPY ${rate(SINGLE_COMMITS, duckMs)}   bare putIfAbsent ${rate(SINGLE_COMMITS, putMs)}`);
}

async function duckTinyWrites(dir: string, count: number): Promise<number> {
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    const start = performance.now();
    for (let i = 0; i < count; i += 1) {
      await connection.run(`COPY (SELECT ${i}::BIGINT AS id, ${i % 1000}::BIGINT AS k, 'row-${i}' AS s, ${i * 0.5}::DOUBLE AS x) TO '${join(dir, `${i}.parquet`)}' (FORMAT parquet)`);
    }
    return performance.now() - start;
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** The floor of any log: `count` put-if-absent calls of a ~600-byte commit on the local store. */
async function putIfAbsentWrites(dir: string, count: number): Promise<number> {
  await rm(dir, { recursive: true, force: true });
  const store = openStore(dir);
  const bytes = new TextEncoder().encode(`${'{"add":{}}'.padEnd(600, ' ')}\n`);
  const start = performance.now();
  for (let i = 0; i < count; i += 1) {
    if ((await store.putIfAbsent(`_delta_log/${String(i).padStart(20, '0')}.json`, bytes)) !== 'created') throw new Error('bench: put-if-absent lost');
  }
  return performance.now() - start;
}

interface ChildReport {
  readonly start: number;
  readonly end: number;
  readonly attempts: readonly number[];
}

/** A child's "ready" line and its final report (rejected when it exits with an error). */
function watch(proc: ChildProcessByStdio<Writable, Readable, null>, label: string): { ready: Promise<void>; done: Promise<ChildReport> } {
  const lines = createInterface({ input: proc.stdout });
  let markReady = (): void => {};
  const ready = new Promise<void>((r) => (markReady = r));
  const done = new Promise<ChildReport>((resolveDone, reject) => {
    lines.on('line', (line) => {
      if (line === 'ready') markReady();
      else if (line.startsWith('{')) resolveDone(JSON.parse(line) as ChildReport);
    });
    proc.on('exit', (code) => {
      if (code !== 0) reject(new Error(`bench: ${label} exited with ${code}`));
    });
  });
  return { ready, done };
}

/** Starts WRITERS children, releases them together once all are set up, and collects their reports. */
async function runWriters(mode: 'loch' | 'duckdb', dir: string): Promise<ChildReport[]> {
  const children = Array.from({ length: WRITERS }, (_, w) =>
    spawn(process.execPath, [child, mode, dir, String(COMMITS_PER_WRITER), String(w)], { cwd: repo, stdio: ['pipe', 'pipe', 'inherit'] }),
  );
  const handles = children.map((proc, w) => watch(proc, `${mode} writer ${w}`));
  await Promise.race([Promise.all(handles.map((h) => h.ready)), Promise.all(handles.map((h) => h.done))]);
  for (const proc of children) proc.stdin.end('go\n');
  return Promise.all(handles.map((h) => h.done));
}

function span(reports: readonly ChildReport[]): number {
  return Math.max(...reports.map((r) => r.end)) - Math.min(...reports.map((r) => r.start));
}

async function manyWriters(loch: Loch, root: string): Promise<void> {
  await ensureBuilt();
  const dir = join(root, 'commit-rate-writers');
  await createTable(loch, dir);
  const lochReports = await runWriters('loch', dir);
  const duckDir = join(root, 'commit-rate-writers-duckdb');
  await rm(duckDir, { recursive: true, force: true });
  await mkdir(duckDir, { recursive: true });
  const duckReports = await runWriters('duckdb', duckDir);
  const total = WRITERS * COMMITS_PER_WRITER;
  const attempts = lochReports.flatMap((r) => r.attempts);
  const retries = attempts.reduce((sum, a) => sum + a - 1, 0);
  const snapshot = await (await loch.deltaTable(dir)).snapshot();
  const rows = await (await loch.sql(`SELECT count(*), count(DISTINCT id) FROM delta.\`${dir}\``)).all();
  if (snapshot.version !== total || Number(rows[0]?.[0]) !== total || Number(rows[0]?.[1]) !== total) {
    throw new Error(`bench: expected version ${total} and ${total} distinct rows, got version ${snapshot.version}, rows ${String(rows[0])}`);
  }
  const lochMs = span(lochReports);
  const duckMs = span(duckReports);
  report(`${total} one-row appends, ${WRITERS} writer processes`, lochMs, duckMs, 'duckdb COPY');
  console.log(
    `${''.padEnd(48)} loch ${rate(total, lochMs)}, retries ${retries} (max attempts ${Math.max(...attempts)})   duckdb COPY ${rate(total, duckMs)}`,
  );
}

export async function benchCommitRate(loch: Loch, root: string): Promise<void> {
  await singleWriter(loch, root);
  await manyWriters(loch, root);
}
