import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Action } from '../src/formats/delta/spec/actions.js';
import { encodeActions } from '../src/formats/delta/write/commit-encode.js';
import type { DeltaTable, Loch } from '../src/index.js';
import { report, timeMedian, version } from './support.js';

/**
 * Checkpoint of a table with FILES live files: COMMITS JSON commits of ADDS_PER_COMMIT adds each
 * (written directly with encodeActions; the data files do not exist, a checkpoint never reads
 * them). Times `table.checkpoint()` (which itself replays the JSON log, then writes the parquet)
 * and compares a snapshot load from the checkpoint with one replaying all JSON commits.
 */
const COMMITS = 100;
const ADDS_PER_COMMIT = 1000;
const FILES = COMMITS * ADDS_PER_COMMIT;
const BASE_TIME = 1_700_000_000_000;

const SCHEMA = JSON.stringify({
  type: 'struct',
  fields: ['id', 'k'].map((name) => ({ name, type: 'long', nullable: true, metadata: {} })).concat([
    { name: 's', type: 'string', nullable: true, metadata: {} },
    { name: 'x', type: 'double', nullable: true, metadata: {} },
  ]),
});

function addAction(n: number): Action {
  const stats = JSON.stringify({
    numRecords: 1000,
    minValues: { id: n * 1000, k: 0, s: `a${n}`, x: n * 500 },
    maxValues: { id: n * 1000 + 999, k: 999, s: `z${n}`, x: n * 500 + 499.5 },
    nullCount: { id: 0, k: 0, s: 0, x: 0 },
  });
  const path = `part-${String(n).padStart(8, '0')}-${n.toString(16).padStart(8, '0')}-bench.snappy.parquet`;
  return { kind: 'add', add: { path, partitionValues: {}, size: 100_000 + (n % 1000), modificationTime: BASE_TIME + n, dataChange: true, stats } };
}

function commitActions(v: number): Action[] {
  const actions: Action[] = [{ kind: 'commitInfo', commitInfo: { raw: { timestamp: BASE_TIME + v * 1000, operation: 'WRITE', operationParameters: { mode: 'Append' } } } }];
  if (v === 0) {
    actions.push({ kind: 'protocol', protocol: { minReaderVersion: 1, minWriterVersion: 2 } });
    actions.push({
      kind: 'metaData',
      metaData: { id: 'bench-checkpoint', format: { provider: 'parquet', options: {} }, schemaString: SCHEMA, partitionColumns: [], configuration: {}, createdTime: BASE_TIME },
    });
  }
  for (let i = 0; i < ADDS_PER_COMMIT; i += 1) actions.push(addAction(v * ADDS_PER_COMMIT + i));
  return actions;
}

async function writeLog(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  const log = join(dir, '_delta_log');
  await mkdir(log, { recursive: true });
  for (let v = 0; v < COMMITS; v += 1) await writeFile(join(log, `${version(v)}.json`), encodeActions(commitActions(v)));
}

async function removeCheckpoints(dir: string): Promise<void> {
  const log = join(dir, '_delta_log');
  for (const name of await readdir(log)) {
    if (name.includes('.checkpoint.') || name === '_last_checkpoint') await rm(join(log, name));
  }
}

async function loadLatest(table: DeltaTable): Promise<void> {
  const snapshot = await table.snapshot();
  if (snapshot.version !== COMMITS - 1 || snapshot.fileCount !== FILES) {
    throw new Error(`bench: expected version ${COMMITS - 1} with ${FILES} files, got ${snapshot.version} with ${snapshot.fileCount}`);
  }
}

/** Median of 3 checkpoints, each written from scratch (so each replays the JSON log first). */
async function timeCheckpoint(dir: string, table: DeltaTable): Promise<{ ms: number; actions: number }> {
  const times: number[] = [];
  let actions = 0;
  for (let i = 0; i < 3; i += 1) {
    await removeCheckpoints(dir);
    const start = performance.now();
    const written = await table.checkpoint();
    times.push(performance.now() - start);
    actions = written.actions;
  }
  times.sort((a, b) => a - b);
  return { ms: times[1] as number, actions };
}

export async function benchCheckpointTime(loch: Loch, root: string): Promise<void> {
  const dir = join(root, 'checkpoint-100k');
  await writeLog(dir);
  const table = await loch.deltaTable(dir);
  const replayMs = await timeMedian(3, () => loadLatest(table));
  const checkpoint = await timeCheckpoint(dir, table);
  const checkpointedMs = await timeMedian(5, () => loadLatest(table));
  const size = (await readdir(join(dir, '_delta_log'), { withFileTypes: true })).filter((e) => e.name.includes('.checkpoint.')).length;
  report(`snapshot load, ${FILES / 1000}k files: checkpoint vs JSON`, checkpointedMs, replayMs, 'JSON replay');
  console.log(
    `${''.padEnd(48)} checkpoint() ${checkpoint.ms.toFixed(1)} ms for ${checkpoint.actions} actions in ${size} part(s) (incl. its JSON replay; write alone ~${(checkpoint.ms - replayMs).toFixed(1)} ms)`,
  );
  await rm(dir, { recursive: true, force: true });
}
