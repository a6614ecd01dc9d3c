import { spawn } from 'node:child_process';
import { readdir, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Loch } from '../src/index.js';
import { ensureBuilt } from './commit-rate.js';

/**
 * SIGKILL trials, longer than the test suite's: each round starts WRITERS appender processes
 * (tests/faults/children/appender.mjs, one-row commits) on one table and kills every one at a
 * random moment. After each round the table must load, its log versions must be contiguous, and
 * every writer's rows must be exactly seq 0..m once each, covering every commit it reported
 * (a killed writer may have committed one more it could not report). No baseline: the output is
 * the number of violations, which must be 0. LOCH_BENCH_CRASH_ROUNDS / LOCH_BENCH_CRASH_SEED.
 */
const ROUNDS = Number(process.env['LOCH_BENCH_CRASH_ROUNDS'] ?? 20);
const SEED = Number(process.env['LOCH_BENCH_CRASH_SEED'] ?? 20240601);
const WRITERS = 4;
/** Kills land this long after the writer's first reported commit (startup is not of interest). */
const MAX_KILL_MS = 2000;
const STARTUP_LIMIT_MS = 60_000;

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const appender = join(repo, 'tests', 'faults', 'children', 'appender.mjs');

/** mulberry32: a small seeded generator, so a failing trial can be replayed. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Reported {
  readonly writer: number;
  /** −1 for a write the appender reported as failed (then `error` says why). */
  readonly seq: number;
  readonly version: number;
  readonly error?: string;
}

/** Runs one appender until it is killed `killMs` after its first commit; the commits it reported. */
function runKilled(table: string, writer: number, warehouse: string, killMs: number): Promise<Reported[]> {
  const env = { ...process.env };
  delete env['LOCH_S3_ENDPOINT'];
  const proc = spawn(process.execPath, [appender, table, String(writer), '100000', warehouse], { cwd: repo, env, stdio: ['ignore', 'pipe', 'ignore'] });
  const reported: Reported[] = [];
  const kill = (): boolean => proc.kill('SIGKILL');
  let timer = setTimeout(kill, STARTUP_LIMIT_MS);
  createInterface({ input: proc.stdout }).on('line', (line) => {
    if (reported.length === 0) {
      clearTimeout(timer);
      timer = setTimeout(kill, killMs);
    }
    const value = JSON.parse(line) as Partial<Reported> & { error?: string };
    if (value.error !== undefined) reported.push({ writer, seq: -1, version: -1, error: value.error });
    else if (value.seq !== undefined && value.version !== undefined) reported.push({ writer, seq: value.seq, version: value.version });
  });
  return new Promise((done) =>
    proc.on('close', () => {
      clearTimeout(timer);
      done(reported);
    }),
  );
}

/** Every broken promise the table shows after a round, as text. */
async function violations(loch: Loch, table: string, reported: readonly Reported[]): Promise<string[]> {
  const found: string[] = [];
  for (const r of reported) if (r.error !== undefined) found.push(`writer ${r.writer} reported a failed write: ${r.error}`);
  const versions = (await readdir(join(table, '_delta_log'))).filter((n) => /^\d{20}\.json$/.test(n)).map((n) => Number(n.slice(0, 20)));
  versions.sort((a, b) => a - b);
  if (versions.some((v, i) => v !== i)) found.push(`log versions are not contiguous: ${versions.slice(0, 5).join(',')}…`);
  const snapshot = await (await loch.deltaTable(table)).snapshot();
  if (snapshot.version !== versions.at(-1)) found.push(`snapshot version ${snapshot.version}, newest commit ${versions.at(-1)}`);
  const rows = await (await loch.sql(`SELECT writer, seq FROM delta.\`${table}\``)).all();
  if (rows.length !== snapshot.fileCount) found.push(`${rows.length} rows in ${snapshot.fileCount} one-row files`);
  const seqs = new Map<number, number[]>();
  for (const [writer, seq] of rows) seqs.set(Number(writer), [...(seqs.get(Number(writer)) ?? []), Number(seq)]);
  for (const [writer, list] of seqs) {
    list.sort((a, b) => a - b);
    if (list.some((s, i) => s !== i)) found.push(`writer ${writer}: seqs are not 0..${list.length - 1} once each`);
  }
  for (const r of reported) {
    if (r.seq >= 0 && (seqs.get(r.writer)?.length ?? 0) <= r.seq) found.push(`writer ${r.writer}: reported seq ${r.seq} (version ${r.version}) is missing`);
  }
  return found;
}

export async function benchCrashTrials(loch: Loch, root: string): Promise<void> {
  await ensureBuilt();
  const table = join(root, 'crash-trials');
  await rm(table, { recursive: true, force: true });
  await (await loch.sql(`CREATE TABLE delta.\`${table}\` (writer BIGINT, seq BIGINT)`)).all();
  const random = seeded(SEED);
  const start = performance.now();
  let commits = 0;
  let unreported = 0;
  const broken: string[] = [];
  for (let round = 0; round < ROUNDS && broken.length === 0; round += 1) {
    const kills = Array.from({ length: WRITERS }, () => Math.floor(random() * MAX_KILL_MS));
    const reports = await Promise.all(kills.map((ms, w) => runKilled(table, round * WRITERS + w, join(root, `crash-warehouse-${w}`), ms)));
    const reported = reports.flat();
    commits += reported.filter((r) => r.seq >= 0).length;
    const problems = await violations(loch, table, reported);
    broken.push(...problems.map((p) => `round ${round} (seed ${SEED}, kills ${kills.join('/')} ms after the first commits): ${p}`));
    const snapshot = await (await loch.deltaTable(table)).snapshot();
    unreported = snapshot.fileCount - commits;
  }
  const seconds = (performance.now() - start) / 1000;
  console.log(`${`crash trials, ${ROUNDS} rounds x ${WRITERS} writers SIGKILLed`.padEnd(48)} ${commits} reported commits, ${unreported} committed but unreported, ${broken.length} violations, ${seconds.toFixed(0)} s (seed ${SEED})`);
  for (const problem of broken) console.log(`  VIOLATION ${problem}`);
  if (broken.length > 0) process.exitCode = 1;
}
