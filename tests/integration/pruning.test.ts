import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Loch, cmp, col, lit, primitive } from '../../src/index.js';
import { tempDir, writeDeltaFixture } from '../support/delta-fixture.js';

/**
 * One filter, two uses: the WHERE of a SQL query (or the filter of a TypeScript scan) prunes
 * files by partition values and statistics before DuckDB reads them, and the answer is the same
 * as without pruning.
 */
describe('file pruning through SQL and the TypeScript API', () => {
  let loch: Loch;
  let dir: string;
  let table: string;

  beforeAll(async () => {
    dir = await tempDir();
    table = join(dir, 'events');
    // 4 partitions (region) x 3 files; file k of a region holds ids [k*100, k*100+99].
    const files = ['eu', 'us', 'ap', 'sa'].flatMap((region) =>
      [0, 1, 2].map((k) => ({
        select: `SELECT i AS id, 'n' || i AS name, DATE '2024-01-01' + (i % 30)::INTEGER AS day FROM range(${k * 100}, ${k * 100 + 100}) t(i)`,
        partitionValues: { region },
      })),
    );
    await writeDeltaFixture(
      table,
      [
        { name: 'id', type: 'long' },
        { name: 'name', type: 'string' },
        { name: 'day', type: 'date' },
        { name: 'region', type: 'string' },
      ],
      [files],
      { partitionColumns: ['region'] },
    );
    loch = await Loch.open({ warehouse: join(dir, 'warehouse') });
  });
  afterAll(async () => {
    await loch?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const count = async (sql: string) => {
    const result = await loch.sql(sql);
    const rows = await result.all();
    return { value: Number(rows[0]?.[0]), scans: result.scans };
  };

  it('prunes by partition value', async () => {
    const { value, scans } = await count(`SELECT count(*) FROM delta.\`${table}\` WHERE region = 'eu'`);
    expect(value).toBe(300);
    expect(scans[0]).toMatchObject({ filesTotal: 12, filesPruned: 9 });
  });

  it('prunes by statistics, with the column on either side and through an alias', async () => {
    const a = await count(`SELECT count(*) FROM delta.\`${table}\` t WHERE t.id >= 250`);
    expect(a.value).toBe(4 * 50);
    expect(a.scans[0]?.filesPruned).toBe(8);
    const b = await count(`SELECT count(*) FROM delta.\`${table}\` WHERE 99 >= id AND region IN ('us', 'sa')`);
    expect(b.value).toBe(200);
    expect(b.scans[0]?.filesPruned).toBe(10);
  });

  it('prunes BETWEEN on ids and keeps OR exact', async () => {
    const a = await count(`SELECT count(*) FROM delta.\`${table}\` WHERE id BETWEEN 120 AND 130`);
    expect(a.value).toBe(4 * 11);
    expect(a.scans[0]?.filesPruned).toBe(8);
    const b = await count(`SELECT count(*) FROM delta.\`${table}\` WHERE id < 10 OR region = 'ap'`);
    expect(b.value).toBe(3 * 10 + 300);
    expect(b.scans[0]?.filesPruned).toBe(6);
  });

  it('does not prune the nullable side of an outer join', async () => {
    const { value, scans } = await count(
      `SELECT count(*) FROM (SELECT 1 AS k) l LEFT JOIN delta.\`${table}\` r ON l.k = r.id WHERE r.id IS NULL`,
    );
    expect(value).toBe(0);
    expect(scans[0]?.filesPruned).toBe(0);
  });

  it('never prunes on an inexact constant', async () => {
    const { value } = await count(`SELECT count(*) FROM delta.\`${table}\` WHERE id < 99.5`);
    expect(value).toBe(4 * 100);
  });

  it('scans with a filter expression and projection as Arrow batches', async () => {
    const snapshot = await (await loch.deltaTable(table)).snapshot();
    const planned = await snapshot.plan({ filter: cmp('>=', col('id'), lit(primitive('long'), 290n)) });
    expect(planned.filesPruned).toBe(8);
    planned.release();
    let rows = 0;
    let names: string[] = [];
    for await (const batch of snapshot.scan({ filter: cmp('>=', col('id'), lit(primitive('long'), 290n)), columns: ['id', 'region'] })) {
      rows += batch.numRows;
      names = batch.schema.fields.map((f) => f.name);
      const ids = batch.getChild('id')?.toArray() as BigInt64Array;
      for (const id of ids) expect(id >= 290n).toBe(true);
    }
    expect(rows).toBe(40);
    expect(names).toEqual(['id', 'region']);
  });
});
