import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DuckDbEngine } from '../src/engine/index.js';
import type { Loch } from '../src/index.js';
import { report, timeMedian, version } from './support.js';

const COMMITS = 10_000;
const SCHEMA = JSON.stringify({ type: 'struct', fields: [{ name: 'id', type: 'long', nullable: true, metadata: {} }] });

function addAction(v: number): string {
  const stats = JSON.stringify({ numRecords: 10, minValues: { id: v * 10 }, maxValues: { id: v * 10 + 9 }, nullCount: { id: 0 } });
  return JSON.stringify({ add: { path: `part-${version(v)}.parquet`, partitionValues: {}, size: 1000, modificationTime: 1_700_000_000_000 + v, dataChange: true, stats } });
}

/** A log of COMMITS commits, one add each (every 10th commit also removes an older file). */
async function writeLog(dir: string, checkpointEvery: number | undefined, engine: DuckDbEngine): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  const log = join(dir, '_delta_log');
  await mkdir(log, { recursive: true });
  const header = [
    JSON.stringify({ protocol: { minReaderVersion: 1, minWriterVersion: 2 } }),
    JSON.stringify({ metaData: { id: 'bench', format: { provider: 'parquet', options: {} }, schemaString: SCHEMA, partitionColumns: [], configuration: {}, createdTime: 1_700_000_000_000 } }),
  ];
  for (let v = 0; v < COMMITS; v += 1) {
    const lines = [JSON.stringify({ commitInfo: { timestamp: 1_700_000_000_000 + v * 1000, operation: 'WRITE' } }), addAction(v)];
    if (v > 0 && v % 10 === 0) lines.push(JSON.stringify({ remove: { path: `part-${version(v - 5)}.parquet`, deletionTimestamp: 1, dataChange: true } }));
    await writeFile(join(log, `${version(v)}.json`), `${(v === 0 ? [...header, ...lines] : lines).join('\n')}\n`);
  }
  if (checkpointEvery === undefined) return;
  const session = await engine.session();
  try {
    let last = 0;
    for (let v = checkpointEvery; v < COMMITS; v += checkpointEvery) last = v;
    // One checkpoint (the newest) is what a reader uses; older ones only cost disk in a benchmark.
    const live = Array.from({ length: last + 1 }, (_, i) => i).filter((i) => !(i % 10 === 5 && i + 5 <= last));
    await session.run(`CREATE TEMP TABLE ids AS SELECT unnest([${live.join(',')}]) AS v`);
    await session.run(`COPY (
      SELECT {'minReaderVersion': 1, 'minWriterVersion': 2} AS protocol, NULL::STRUCT(id VARCHAR, format STRUCT(provider VARCHAR, options MAP(VARCHAR, VARCHAR)), schemaString VARCHAR, partitionColumns VARCHAR[], configuration MAP(VARCHAR, VARCHAR), createdTime BIGINT) AS metaData, NULL::STRUCT(path VARCHAR, partitionValues MAP(VARCHAR, VARCHAR), size BIGINT, modificationTime BIGINT, dataChange BOOLEAN, stats VARCHAR) AS add
      UNION ALL SELECT NULL, {'id': 'bench', 'format': {'provider': 'parquet', 'options': MAP()::MAP(VARCHAR, VARCHAR)}, 'schemaString': '${SCHEMA}', 'partitionColumns': []::VARCHAR[], 'configuration': MAP()::MAP(VARCHAR, VARCHAR), 'createdTime': 1700000000000}, NULL
      UNION ALL SELECT NULL, NULL, {'path': 'part-' || lpad(v::VARCHAR, 20, '0') || '.parquet', 'partitionValues': MAP()::MAP(VARCHAR, VARCHAR), 'size': 1000, 'modificationTime': 1700000000000 + v, 'dataChange': false,
        'stats': '{"numRecords":10,"minValues":{"id":' || (v*10) || '},"maxValues":{"id":' || (v*10+9) || '},"nullCount":{"id":0}}'} FROM ids
    ) TO '${join(log, `${version(last)}.checkpoint.parquet`)}' (FORMAT parquet)`);
    await writeFile(join(log, '_last_checkpoint'), JSON.stringify({ version: last, size: live.length + 2 }));
  } finally {
    await session.close();
  }
}

/** The raw baseline: read (and JSON.parse) exactly the log files a reader must read. */
async function rawRead(dir: string, fromCheckpoint: boolean, engine: DuckDbEngine): Promise<void> {
  const log = join(dir, '_delta_log');
  const names = (await readdir(log)).sort();
  const checkpoint = fromCheckpoint ? names.filter((n) => n.endsWith('.checkpoint.parquet')).pop() : undefined;
  const start = checkpoint === undefined ? -1 : Number(checkpoint.slice(0, 20));
  const commits = names.filter((n) => n.endsWith('.json') && Number(n.slice(0, 20)) > start);
  if (checkpoint !== undefined) {
    const session = await engine.session();
    try {
      await (await session.query(`SELECT to_json(t) FROM read_parquet('${join(log, checkpoint)}') t`)).all();
    } finally {
      await session.close();
    }
  }
  await Promise.all(commits.map(async (n) => (await readFile(join(log, n), 'utf8')).split('\n').filter(Boolean).map((l) => JSON.parse(l))));
}

export async function benchSnapshotLoad(loch: Loch, root: string): Promise<void> {
  const engine = await DuckDbEngine.create();
  try {
    for (const every of [100, undefined]) {
      const dir = join(root, every === undefined ? 'log-no-checkpoints' : `log-checkpoint-every-${every}`);
      await writeLog(dir, every, engine);
      const table = await loch.deltaTable(dir);
      const runs = every === undefined ? 3 : 7;
      const lochMs = await timeMedian(runs, async () => {
        const s = await table.snapshot();
        if (s.version !== COMMITS - 1) throw new Error(`bench: expected version ${COMMITS - 1}, got ${s.version}`);
      });
      const rawMs = await timeMedian(runs, () => rawRead(dir, every !== undefined, engine));
      report(`snapshot load, ${COMMITS} commits, ${every === undefined ? 'no checkpoints' : `checkpoint every ${every}`}`, lochMs, rawMs, 'raw read');
    }
  } finally {
    await engine.close();
  }
}
