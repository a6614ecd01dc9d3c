import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Loch } from '../../src/index.js';

/**
 * A field inside a struct renamed: Iceberg matches it by id, but DuckDB finds struct fields by
 * name, so files written before the rename are read with the name they use (one engine scan per
 * spelling). Row-level changes over such a mix ask for a rewrite first.
 */
describe('Iceberg: renamed fields inside structs', () => {
  let dir: string;
  let loch: Loch;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'loch-iceberg-nested-'));
    loch = await Loch.open({ warehouse: join(dir, 'wh') });
  });
  afterAll(async () => {
    await loch.close();
    await rm(dir, { recursive: true, force: true });
  });

  const rows = async (sql: string) => (await loch.sql(sql)).all();

  it('reads old and new files under the new name, refuses DML over the mix until OPTIMIZE', async () => {
    const t = `iceberg.\`${join(dir, 't')}\``;
    await rows(`CREATE TABLE ${t} (id BIGINT, s STRUCT<a: INT, b: STRING>) USING ICEBERG`);
    await rows(`INSERT INTO ${t} VALUES (1, {'a': 10, 'b': 'x'})`);
    await rows(`ALTER TABLE ${t} RENAME COLUMN s.a TO a2`);
    await rows(`INSERT INTO ${t} VALUES (2, {'a2': 20, 'b': 'y'})`);
    expect(await rows(`SELECT id, s FROM ${t} ORDER BY id`)).toEqual([
      [1n, { a2: 10, b: 'x' }],
      [2n, { a2: 20, b: 'y' }],
    ]);
    expect(await rows(`SELECT id FROM ${t} WHERE s.a2 > 15`)).toEqual([[2n]]);
    await expect(loch.sql(`UPDATE ${t} SET id = id + 100 WHERE s.b IS NOT NULL`)).rejects.toMatchObject({ code: 'UNSUPPORTED_FEATURE' });
    await rows(`OPTIMIZE ${t}`);
    await rows(`UPDATE ${t} SET id = id + 100 WHERE s.b IS NOT NULL`);
    expect(await rows(`SELECT id, s.a2 FROM ${t} ORDER BY id`)).toEqual([
      [101n, 10],
      [102n, 20],
    ]);
  });
});
