import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { icebergRead } from 'icebird';
import { DuckDbEngine } from '../src/engine/index.js';
import { readAvroContainer } from '../src/formats/iceberg/avro/container.js';
import type { Loch } from '../src/index.js';
import { redirectFileUrls, serveFolder } from '../tests/support/http-folder.js';
import { writeIcebergFixture } from './iceberg-fixture.js';
import { report, timeMedian } from './support.js';

const quote = (s: string): string => `'${s.replace(/'/g, "''")}'`;

/**
 * Two Iceberg reading figures:
 * - planning a scan of 10,000 data files listed in 100 manifests (manifest list, manifests,
 *   inheritance, pruning inputs) against only reading and Avro-decoding those 100 manifests;
 * - reading a whole 1M-row table into JavaScript with Loch (Arrow batches from `scan()`, Loch's
 *   reading API, and row arrays from `SELECT *`) against the npm Iceberg reader icebird (row
 *   objects, over HTTP on 127.0.0.1, as it reads through fetch).
 */
export async function benchIcebergRead(loch: Loch, root: string): Promise<void> {
  const engine = await DuckDbEngine.create();
  try {
    const many = join(root, 'iceberg-10k-files');
    await writeIcebergFixture(many, engine, 10_000, 10, 100);
    const planning = await timeMedian(5, async () => {
      const view = await loch.icebergTable(many);
      const planned = await view.plan();
      planned.release();
    });
    const manifests = (await readdir(join(many, 'metadata'))).filter((n) => n.startsWith('manifest-'));
    const raw = await timeMedian(5, async () => {
      for (const name of manifests) readAvroContainer(await readFile(join(many, 'metadata', name)), name);
    });
    report('iceberg plan 10k files / 100 manifests', planning, raw, 'raw manifest read');
    const big = join(root, 'iceberg-1m-rows');
    await writeIcebergFixture(big, engine, 10, 100_000, 1);
    const lochRows = await timeMedian(3, async () => (await loch.sql(`SELECT * FROM iceberg_scan(${quote(big)})`)).all());
    const lochArrow = await timeMedian(3, async () => {
      let rows = 0;
      for await (const batch of (await loch.icebergTable(big)).scan()) rows += batch.numRows;
      return rows;
    });
    const served = await serveFolder(big);
    const restore = redirectFileUrls(big, served);
    try {
      const icebird = await timeMedian(3, () => icebergRead({ tableUrl: served.url }));
      report('iceberg read 1M rows, Arrow batches (scan())', lochArrow, icebird, 'icebird');
      report('iceberg read 1M rows, JS row arrays (SELECT *)', lochRows, icebird, 'icebird');
    } finally {
      restore();
      await served.close();
    }
  } finally {
    await engine.close();
  }
}
