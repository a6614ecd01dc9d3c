import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Loch } from '../../src/index.js';
import { canonicalRows, sortedJson } from '../support/canonical.js';
import { DELTA_CORPUS } from '../support/corpus.js';
import { tempDir } from '../support/delta-fixture.js';

/** Many queries in flight on one Loch at once give the same answers as one at a time. */
const QUERIES = [
  ['golden-dv-with-columnmapping', 'VERSION AS OF 7'],
  ['golden-dv-with-columnmapping', ''],
  ['kernelrs-v2-checkpoints-parquet-with-sidecars', ''],
  ['kernelrs-v2-checkpoints-parquet-with-sidecars', 'VERSION AS OF 3'],
  ['golden-basic-with-inserts-deletes-checkpoint', 'VERSION AS OF 11'],
  ['kernelrs-cdf-table-with-dv', 'VERSION AS OF 5'],
  ['dat-multi_partitioned', 'VERSION AS OF 1'],
  ['golden-parquet-all-types', ''],
].map(([table, travel]) => `SELECT * FROM delta.\`${join(DELTA_CORPUS, table as string)}\` ${travel}`);

describe('concurrent queries', () => {
  let loch: Loch;
  beforeAll(async () => {
    loch = await Loch.open({ warehouse: join(await tempDir(), 'warehouse') });
  });
  afterAll(async () => loch?.close());

  const answer = async (sql: string) => {
    const result = await loch.sql(sql);
    return sortedJson(canonicalRows(result.columns, await result.all()));
  };

  it('agree with sequential runs', async () => {
    const sequential: string[][] = [];
    for (const sql of QUERIES) sequential.push(await answer(sql));
    const concurrent = await Promise.all([...QUERIES, ...QUERIES, ...QUERIES].map(answer));
    concurrent.forEach((rows, i) => expect(rows).toEqual(sequential[i % QUERIES.length]));
  });

  it('can read several results interleaved, batch by batch', async () => {
    const results = await Promise.all(QUERIES.slice(0, 3).map((sql) => loch.sql(sql)));
    const iterators = results.map((r) => r.batches()[Symbol.asyncIterator]());
    const counts = results.map(() => 0);
    let active = true;
    while (active) {
      active = false;
      for (const [i, it] of iterators.entries()) {
        const next = await it.next();
        if (!next.done) {
          counts[i] = (counts[i] ?? 0) + next.value.length;
          active = true;
        }
      }
    }
    expect(counts[0]).toBe((await answer(QUERIES[0] as string)).length);
    expect(counts[2]).toBe((await answer(QUERIES[2] as string)).length);
  });
});
