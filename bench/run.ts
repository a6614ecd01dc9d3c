import { join, resolve } from 'node:path';
import { Loch } from '../src/index.js';
import { benchManyFileScan } from './many-file-scan.js';
import { benchSnapshotLoad } from './snapshot-load.js';

/**
 * `npm run bench`: each benchmark prints Loch's time next to a baseline measured in the same
 * process on the same files, and the ratio (loch / baseline; lower is better).
 */
const root = resolve(process.env['LOCH_BENCH_DIR'] ?? '.bench-data');
const loch = await Loch.open({ warehouse: join(root, 'warehouse') });
try {
  await benchSnapshotLoad(loch, root);
  await benchManyFileScan(loch, root);
} finally {
  await loch.close();
}
