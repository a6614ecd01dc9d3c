import { join, resolve } from 'node:path';
import { Loch } from '../src/index.js';
import { benchAiQuery } from './ai-query.js';
import { benchAppendThroughput } from './append-throughput.js';
import { benchCheckpointTime } from './checkpoint-time.js';
import { benchCommitRate } from './commit-rate.js';
import { benchCrashTrials } from './crash-trials.js';
import { benchDeleteDv } from './delete-dv.js';
import { benchIcebergRead } from './iceberg-read.js';
import { benchManyFileScan } from './many-file-scan.js';
import { benchMergeUpsert } from './merge-upsert.js';
import { benchServerLoad } from './server-load.js';
import { benchSnapshotLoad } from './snapshot-load.js';
import { benchTpch } from './tpch.js';
import { benchVectorRecall } from './vector-recall.js';
import { benchZorderSkipping } from './zorder-skipping.js';

/**
 * `npm run bench`: each benchmark prints Loch's time next to a baseline measured in the same
 * process on the same files, and the ratio (loch / baseline; lower is better).
 * `npm run bench -- append commit` runs only the benchmarks whose name contains one of the words;
 * crash-trials (SIGKILL loops, no ratio) runs only when named: `npm run bench -- crash`.
 */
type Bench = (loch: Loch, root: string) => Promise<void>;
const benchmarks: [string, Bench][] = [
  ['snapshot-load', benchSnapshotLoad],
  ['many-file-scan', benchManyFileScan],
  ['append-throughput', benchAppendThroughput],
  ['commit-rate', benchCommitRate],
  ['checkpoint-time', benchCheckpointTime],
  ['tpch', benchTpch],
  ['zorder-skipping', benchZorderSkipping],
  ['merge-upsert', benchMergeUpsert],
  ['delete-dv', benchDeleteDv],
  ['iceberg-read', benchIcebergRead],
  ['server-load', benchServerLoad],
  ['ai-query', benchAiQuery],
  ['vector-recall', benchVectorRecall],
];
const onRequest: [string, Bench][] = [['crash-trials', benchCrashTrials]];

const wanted = process.argv.slice(2);
const selected = wanted.length === 0 ? benchmarks : [...benchmarks, ...onRequest].filter(([name]) => wanted.some((w) => name.includes(w)));
if (selected.length === 0) {
  console.error(`bench: no benchmark matches ${wanted.join(' ')}; known: ${[...benchmarks, ...onRequest].map(([n]) => n).join(', ')}`);
  process.exit(2);
}

const root = resolve(process.env['LOCH_BENCH_DIR'] ?? '.bench-data');
const loch = await Loch.open({ warehouse: join(root, 'warehouse') });
try {
  for (const [, run] of selected) await run(loch, root);
} finally {
  await loch.close();
}
