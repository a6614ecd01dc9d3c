import { spawn } from 'node:child_process';
import { cp, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import type { Loch } from '../../src/index.js';

/**
 * What bench/merge-upsert.ts (P5) and bench/delete-dv.ts share: the 10M-row table both work on
 * (written once per row count through Loch as Delta, with deletion vectors on and off, and as a
 * native DuckDB table in a database file, all from the same SQL), fresh copies of it per run, and
 * the child process each side runs in so its peak RSS is its own (bench/children/dml-child.ts).
 *
 * Rows: id = 2·i for i in [0, ROWS) (even, unique, ascending across FILES files of ROWS/FILES rows
 * each, so every file covers one id range), v DOUBLE ≥ 0, s VARCHAR(16), d DATE. Odd ids are free
 * for MERGE inserts anywhere in the key space.
 */
export const ROWS = Number(process.env['LOCH_BENCH_ROWS'] ?? 10_000_000);
export const FILES = 20;
/** DuckDB threads on both sides (Loch.open({threads}) and the native DuckDB instance). */
export const THREADS = Number(process.env['LOCH_BENCH_THREADS'] ?? 2);

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const childScript = join(repo, 'bench', 'children', 'dml-child.ts');
/** Bump when the generated rows change, so cached base tables are rebuilt. */
const LAYOUT = 'dml-v1';

export const rowsSql = (from: number, to: number): string =>
  `SELECT (2 * range)::BIGINT AS id, ((hash(range) % 1000000) / 100.0)::DOUBLE AS v, substr(md5(range::VARCHAR), 1, 16) AS s, (DATE '2000-01-01' + (range % 10000)::INTEGER)::DATE AS d FROM range(${from}, ${to})`;

export const TABLE_COLUMNS = '(id BIGINT, v DOUBLE, s STRING, d DATE)';

export interface BaseTables {
  /** Delta tables, same rows and files, delta.enableDeletionVectors true / false. */
  readonly deltaDv: string;
  readonly deltaCow: string;
  /** A DuckDB database file holding table t with the same rows. */
  readonly duckdb: string;
}

/** The base tables for ROWS rows under root, built unless a previous run left them complete. */
export async function baseTables(loch: Loch, root: string): Promise<BaseTables> {
  const dir = join(root, `dml-base-${ROWS}`);
  const base = { deltaDv: join(dir, 'delta-dv'), deltaCow: join(dir, 'delta-cow'), duckdb: join(dir, 'native.duckdb') };
  const marker = join(dir, 'complete');
  const done = await readFile(marker, 'utf8').catch(() => '');
  if (done === LAYOUT) return base;
  await rm(dir, { recursive: true, force: true });
  const start = performance.now();
  await writeDelta(loch, base.deltaDv, true);
  await writeDelta(loch, base.deltaCow, false);
  await writeNative(base.duckdb);
  await writeFile(marker, LAYOUT);
  console.log(`  base tables (${ROWS / 1e6}M rows, ${FILES} files, Delta DV/CoW + DuckDB native) built in ${((performance.now() - start) / 1000).toFixed(1)} s: ${dir}`);
  return base;
}

/** FILES files in one commit, one write per id slice (each file holds one contiguous id range). */
async function writeDelta(loch: Loch, dir: string, deletionVectors: boolean): Promise<void> {
  await (await loch.sql(`CREATE TABLE delta.\`${dir}\` ${TABLE_COLUMNS} TBLPROPERTIES ('delta.enableDeletionVectors' = '${deletionVectors}')`)).all();
  const table = await loch.deltaTable(dir);
  const tx = await table.begin();
  const per = Math.ceil(ROWS / FILES);
  for (let from = 0; from < ROWS; from += per) await tx.write({ sql: rowsSql(from, Math.min(ROWS, from + per)) });
  await tx.commit();
  const files = (await table.snapshot()).fileCount;
  if (files !== FILES) throw new Error(`bench: base table ${dir} has ${files} files, expected ${FILES}`);
}

async function writeNative(path: string): Promise<void> {
  const instance = await DuckDBInstance.create(path, { threads: String(THREADS) });
  const connection = await instance.connect();
  try {
    await connection.run(`CREATE TABLE t AS ${rowsSql(0, ROWS)}`);
    await connection.run('CHECKPOINT');
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** A private copy of a base table (a Delta folder or a DuckDB file) at `to`, replacing any old one. */
export async function freshCopy(from: string, to: string): Promise<void> {
  await rm(to, { recursive: true, force: true });
  await rm(`${to}.wal`, { force: true });
  await cp(from, to, { recursive: true });
}

/** What dml-child.ts prints as its last line. */
export interface ChildReport {
  /** Wall time of the measured statement. */
  readonly ms: number;
  /** Peak resident set of the child process, MiB (getrusage ru_maxrss), read right after the statement. */
  readonly peakRssMb: number;
  /** The statement's result row (affected row counts). */
  readonly result: readonly string[];
  /** count(*) and sum(hash(row)) after the change. */
  readonly count: number;
  readonly checksum: string;
  /** Extra figures by name (counts, scan times, operation metrics). */
  readonly figures: Readonly<Record<string, string | number>>;
}

export interface ChildJob {
  readonly side: 'loch' | 'duckdb';
  /** Delta table folder (loch) or DuckDB database file (duckdb). */
  readonly path: string;
  /** The statement with `{t}` where the table reference goes; none: only the scans run. */
  readonly statement?: string;
  /** Extra queries to run after the statement, `{t}` substituted: name → SQL (first value kept). */
  readonly checks?: Readonly<Record<string, string>>;
  /** Queries timed (median of 3 after a warm-up) after the statement: name → SQL. */
  readonly scans?: Readonly<Record<string, string>>;
}

/** Runs one job in a fresh `node --import tsx` process and returns its report. */
export function runChild(job: ChildJob): Promise<ChildReport> {
  const env = { ...process.env };
  delete env['LOCH_S3_ENDPOINT'];
  const proc = spawn(process.execPath, ['--import', 'tsx', childScript, JSON.stringify({ ...job, threads: THREADS, warehouse: `${job.path}.warehouse` })], {
    cwd: repo,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  proc.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  proc.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  return new Promise((done, fail) =>
    proc.on('close', (code) => {
      const last = out.trim().split('\n').pop() ?? '';
      if (code !== 0 || !last.startsWith('{')) {
        fail(new Error(`bench: ${job.side} child for ${job.path} exited with ${code}: ${err.trim().slice(-2000)}`));
        return;
      }
      done(JSON.parse(last) as ChildReport);
    }),
  );
}

export const seconds = (ms: number): string => `${(ms / 1000).toFixed(2).padStart(7)} s`;
export const mib = (mb: number): string => `${mb.toFixed(0).padStart(5)} MiB`;

/** LOCH_BENCH_DML_RUNS: runs per measurement (default 1; the 10M figures are single runs). */
export const RUNS = Math.max(1, Number(process.env['LOCH_BENCH_DML_RUNS'] ?? 1));

/**
 * Runs `job` RUNS times, each in a new child on a fresh copy of `base` at `copy`: the report of
 * the run with the median time, with the highest peak RSS of all runs.
 */
export async function measured(base: string, copy: string, job: Omit<ChildJob, 'path'>): Promise<ChildReport> {
  const reports: ChildReport[] = [];
  for (let i = 0; i < RUNS; i += 1) {
    await freshCopy(base, copy);
    reports.push(await runChild({ ...job, path: copy }));
  }
  const peak = Math.max(...reports.map((r) => r.peakRssMb));
  reports.sort((a, b) => a.ms - b.ms);
  return { ...(reports[Math.floor(reports.length / 2)] as ChildReport), peakRssMb: peak };
}

/** Throws unless every report shows the same count and checksum (all sides agree after the change). */
export function checkAgree(what: string, expectedCount: number, reports: Readonly<Record<string, ChildReport>>): void {
  const entries = Object.entries(reports);
  const wrong = entries.filter(([, r]) => r.count !== expectedCount || r.checksum !== entries[0]?.[1].checksum);
  if (wrong.length > 0) {
    const seen = entries.map(([name, r]) => `${name}: count ${r.count} checksum ${r.checksum}`).join('; ');
    throw new Error(`bench: ${what}: sides disagree after the change (expected ${expectedCount} rows): ${seen}`);
  }
}
