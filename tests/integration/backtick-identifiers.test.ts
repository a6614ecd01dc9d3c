import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Loch } from '../../src/index.js';
import { tempDir } from '../support/delta-fixture.js';

/** Spark's backtick-quoted identifiers work in queries and statements, as double quotes do in DuckDB. */
describe('backtick identifiers', () => {
  let loch: Loch;
  let dir: string;
  const rows = async (sql: string) => (await loch.sql(sql)).all();
  beforeAll(async () => {
    dir = await tempDir('loch-backticks-');
    loch = await Loch.open({ warehouse: join(dir, 'warehouse') });
  });
  afterAll(async () => {
    await loch.close();
  });

  it('in SELECT, DELETE, UPDATE and MERGE; backticks inside strings stay text', async () => {
    const t = `delta.\`${join(dir, 't')}\``;
    await rows(`CREATE TABLE ${t} (\`my col\` INT, v STRING)`);
    await rows(`INSERT INTO ${t} VALUES (1, 'a'), (2, 'b'), (3, 'c')`);
    expect(await rows(`SELECT \`my col\` FROM ${t} WHERE \`my col\` >= 2 ORDER BY 1`)).toEqual([[2], [3]]);
    expect(await rows(`DELETE FROM ${t} WHERE \`my col\` = 1`)).toEqual([[1n]]);
    expect(await rows(`UPDATE ${t} SET v = 'z' WHERE \`my col\` = 2`)).toEqual([[1n]]);
    await rows(`MERGE INTO ${t} AS x USING (SELECT 3 AS k) AS s ON x.\`my col\` = s.k WHEN MATCHED THEN DELETE`);
    expect(await rows(`SELECT * FROM ${t}`)).toEqual([[2, 'z']]);
    expect(await rows("SELECT '`quoted`' AS s")).toEqual([['`quoted`']]);
  });
});
