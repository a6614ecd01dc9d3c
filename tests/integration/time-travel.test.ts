import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Loch } from '../../src/index.js';
import { DELTA_CORPUS } from '../support/corpus.js';
import { tempDir } from '../support/delta-fixture.js';

/**
 * Time travel by version and by timestamp through every SQL form. This table's commits are at
 * 14:53:39.870, 14:53:41.190 and 14:53:42.561 UTC on 2020-10-26 (commitInfo.timestamp; the file
 * modification times were not preserved) and add ids 0-9, 10-19 and 20-29.
 */
const TABLE = join(DELTA_CORPUS, 'golden-time-travel-start-start20-start40');

describe('time travel', () => {
  let loch: Loch;
  beforeAll(async () => {
    loch = await Loch.open({ warehouse: join(await tempDir(), 'warehouse') });
  });
  afterAll(async () => loch?.close());

  const count = async (from: string) => Number((await (await loch.sql(`SELECT count(*) FROM ${from}`)).all())[0]?.[0]);

  it('by version in every form', async () => {
    expect(await count(`delta.\`${TABLE}\` VERSION AS OF 0`)).toBe(10);
    expect(await count(`delta_scan('${TABLE}', version => 1)`)).toBe(20);
    expect(await count(`delta_scan('${TABLE}') VERSION AS OF 2`)).toBe(30);
  });

  it('by timestamp: the latest version committed at or before the instant', async () => {
    expect(await count(`delta.\`${TABLE}\` TIMESTAMP AS OF '2020-10-26T14:53:39.870Z'`)).toBe(10);
    expect(await count(`delta.\`${TABLE}\` TIMESTAMP AS OF '2020-10-26 14:53:41.189'`)).toBe(10);
    expect(await count(`delta_scan('${TABLE}', timestamp => '2020-10-26T14:53:41.190Z')`)).toBe(20);
    expect(await count(`delta.\`${TABLE}\` TIMESTAMP AS OF '2020-10-26T16:53:42+02:00'`)).toBe(20);
    expect(await count(`delta.\`${TABLE}\` TIMESTAMP AS OF '2030-01-01'`)).toBe(30);
  });

  it('before the first commit is an error that names the earliest timestamp', async () => {
    const error = await loch.sql(`SELECT * FROM delta.\`${TABLE}\` TIMESTAMP AS OF '2020-10-26T14:53:39Z'`).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'VERSION_NOT_AVAILABLE' });
    expect((error as Error).message).toMatch(/2020-10-26/);
  });

  it('mixes versions of one table in one query', async () => {
    const rows = await (
      await loch.sql(`SELECT count(*) FROM delta.\`${TABLE}\` VERSION AS OF 2 AS now WHERE id NOT IN (SELECT id FROM delta.\`${TABLE}\` VERSION AS OF 0)`)
    ).all();
    expect(Number(rows[0]?.[0])).toBe(20);
  });

  it('reports the snapshot time of each version through the TypeScript API', async () => {
    const table = await loch.deltaTable(TABLE);
    expect((await table.snapshot({ version: 1 })).timestamp).toBe(1603724021190);
    expect((await table.snapshot({ timestamp: 1603724022000 })).version).toBe(1);
  });

  it('reads the change feed between two timestamps', async () => {
    const cdf = join(DELTA_CORPUS, 'deltars-cdf-table');
    // v0 at 17:10:18.828 and v1 at 17:10:21.675 on 2023-12-22, v2 at 21:41:33.785 on 2023-12-29.
    const rows = await (
      await loch.sql(`SELECT DISTINCT _commit_version FROM table_changes('${cdf}', '2023-12-22T17:10:19Z', '2023-12-29T21:41:34Z') ORDER BY 1`)
    ).all();
    expect(rows.map((r) => Number(r[0]))).toEqual([1, 2]);
    const all = await (await loch.sql(`SELECT count(*) FROM table_changes('${cdf}', '2000-01-01')`)).all();
    expect(Number(all[0]?.[0])).toBe(23);
  });
});
