import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Loch } from '../../src/index.js';
import type { ObjectName, TableInfo } from '../../src/index.js';
import { tempDir } from '../support/delta-fixture.js';

/**
 * Every table statement on catalog names (1, 2 and 3 parts) as well as paths, and queries across
 * catalog tables, views and path tables, through `Loch.sql` on a real SQLite metastore.
 */
describe('catalog tables through SQL', () => {
  let loch: Loch;
  let dir: string;
  beforeAll(async () => {
    dir = await tempDir();
    loch = await Loch.open({ warehouse: join(dir, 'warehouse'), principal: 'tester' });
  });
  afterAll(async () => loch?.close());

  const rows = async (sql: string) => (await (await loch.sql(sql)).all()).map((r) => r.map((v) => (typeof v === 'bigint' ? Number(v) : v)));
  const failure = async (sql: string) => loch.sql(sql).then(
    () => undefined,
    (e: unknown) => e as { code: string; message: string },
  );

  it('creates, writes and reads a managed table by 1-, 2- and 3-part names', async () => {
    await rows("CREATE TABLE items (id BIGINT, name STRING) COMMENT 'things'");
    expect(await rows("INSERT INTO default.items VALUES (1, 'a'), (2, 'b'), (3, 'c')")).toEqual([[3, 3]]);
    expect(await rows('SELECT id, name FROM main.default.items ORDER BY id')).toEqual([[1, 'a'], [2, 'b'], [3, 'c']]);
    expect(await rows("UPDATE main.default.items SET name = upper(name) WHERE items.id = 2")).toEqual([[1]]);
    expect(await rows('DELETE FROM items AS i WHERE i.id = 3')).toEqual([[1]]);
    expect(await rows('SELECT items.id, name FROM items ORDER BY items.id')).toEqual([[1, 'a'], [2, 'B']]);
    const info = await loch.catalog.getTable({ catalog: 'main', schema: 'default', name: 'items' });
    expect(info).toMatchObject({ tableType: 'MANAGED', format: 'DELTA', owner: 'tester' });
    expect(info.location).toContain(join(dir, 'warehouse', 'tables'));
    const [detail] = await rows('DESCRIBE DETAIL items');
    expect(detail?.slice(2, 4)).toEqual(['main.default.items', 'things']);
  });

  it('merges into a named target, with an alias and with its last name part as qualifier', async () => {
    await rows('CREATE TABLE m (id INT, v STRING)');
    await rows("INSERT INTO m VALUES (1, 'old'), (2, 'old')");
    const merged = await rows(
      "MERGE INTO main.default.m AS t USING (SELECT 2 AS id, 'new' AS v UNION ALL SELECT 3, 'ins') AS s ON t.id = s.id WHEN MATCHED THEN UPDATE SET v = s.v WHEN NOT MATCHED THEN INSERT *",
    );
    expect(merged).toEqual([[2, 1, 0, 1]]);
    await rows("CREATE TABLE src AS SELECT 1 AS id, 'src' AS v");
    expect(await rows('MERGE INTO main.default.m USING default.src ON m.id = src.id WHEN MATCHED THEN DELETE')).toEqual([[1, 0, 1, 0]]);
    expect(await rows('SELECT * FROM m ORDER BY id')).toEqual([[2, 'new'], [3, 'ins']]);
  });

  it('alters, optimizes, vacuums, restores and describes the history of a named table', async () => {
    await rows('CREATE TABLE h (id INT)');
    await rows('INSERT INTO h VALUES (1)');
    await rows('INSERT INTO h VALUES (2)');
    await rows('ALTER TABLE h ADD COLUMNS (note STRING)');
    await rows("ALTER TABLE default.h SET TBLPROPERTIES ('team' = 'x')");
    const [optimized] = await rows('OPTIMIZE main.default.h');
    expect(Number((optimized?.[1] as { numFilesRemoved: bigint }).numFilesRemoved)).toBe(2);
    expect(await rows('VACUUM h DRY RUN')).toEqual([]);
    expect((await rows('RESTORE TABLE h TO VERSION AS OF 1'))[0]?.[1]).toBe(1);
    expect(await rows('SELECT * FROM h')).toEqual([[1]]);
    const history = await rows('DESCRIBE HISTORY main.default.h LIMIT 3');
    expect(history.map((r) => r[4])).toEqual(['RESTORE', 'OPTIMIZE', 'SET TBLPROPERTIES']);
  });

  it('travels in time on names, by version and by timestamp', async () => {
    await rows('CREATE TABLE tt (id INT)');
    await rows('INSERT INTO tt VALUES (1)');
    await rows('INSERT INTO tt VALUES (2)');
    expect(await rows('SELECT count(*) FROM tt VERSION AS OF 1')).toEqual([[1]]);
    expect(await rows('SELECT count(*) FROM main.default.tt VERSION AS OF 2 x WHERE x.id > 0')).toEqual([[2]]);
    expect(await rows("SELECT count(*) FROM tt TIMESTAMP AS OF '2999-01-01'")).toEqual([[2]]);
    expect(await rows('SELECT a.c, b.c FROM (SELECT count(*) c FROM tt VERSION AS OF 0) a, (SELECT count(*) c FROM tt) b')).toEqual([[0, 2]]);
    expect(await failure("SELECT * FROM tt TIMESTAMP AS OF '1999-01-01'")).toMatchObject({ code: 'VERSION_NOT_AVAILABLE' });
  });

  it('joins across catalogs and with path tables; CTEs shadow names; window functions work', async () => {
    await rows('CREATE CATALOG sales');
    await rows('CREATE SCHEMA sales.eu');
    await rows("CREATE TABLE sales.eu.orders AS SELECT * FROM (VALUES (1, 10), (1, 20), (2, 5)) AS o(item, qty)");
    const path = join(dir, 'prices');
    await rows(`CREATE TABLE delta.\`${path}\` AS SELECT * FROM (VALUES (1, 2.5), (2, 4.0)) AS p(item, price)`);
    const joined = await rows(
      `SELECT i.name, CAST(sum(o.qty * p.price) AS DOUBLE) FROM sales.eu.orders o JOIN main.default.items i ON i.id = o.item JOIN delta.\`${path}\` p ON p.item = o.item GROUP BY i.name ORDER BY 1`,
    );
    expect(joined).toEqual([['B', 20], ['a', 75]]);
    const windowed = await rows('SELECT item, qty, row_number() OVER (PARTITION BY item ORDER BY qty DESC) FROM sales.eu.orders ORDER BY item, qty');
    expect(windowed).toEqual([[1, 10, 2], [1, 20, 1], [2, 5, 1]]);
    expect(await rows('WITH items AS (SELECT 42 AS id) SELECT id FROM items')).toEqual([[42]]);
    expect(await rows('WITH x AS (SELECT id FROM items) SELECT count(*) FROM x JOIN items USING (id)')).toEqual([[2]]);
  });

  it('expands views, nested and across catalogs, in their own catalog and schema', async () => {
    await rows('CREATE VIEW big_orders AS SELECT item, qty FROM sales.eu.orders WHERE qty >= 10');
    await rows('USE CATALOG sales');
    await rows('USE SCHEMA eu');
    await rows('CREATE VIEW totals AS SELECT item, sum(qty) AS total FROM orders GROUP BY item');
    await rows('CREATE VIEW named AS SELECT i.name, t.total FROM totals t JOIN main.default.items i ON i.id = t.item');
    expect(await rows('SELECT * FROM named ORDER BY name')).toEqual([['B', 5], ['a', 30]]);
    await rows('USE CATALOG main');
    await rows('USE SCHEMA default');
    expect(await rows('SELECT * FROM sales.eu.named ORDER BY name')).toEqual([['B', 5], ['a', 30]]);
    expect(await rows('SELECT count(*) FROM big_orders b JOIN sales.eu.totals USING (item)')).toEqual([[2]]);
    expect(await failure('SELECT * FROM big_orders VERSION AS OF 1')).toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(await failure('OPTIMIZE big_orders')).toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/is a view/) });
  });

  it('refuses a view that reads itself', async () => {
    await rows('CREATE VIEW loop_a AS SELECT 1 AS x');
    await rows('CREATE VIEW loop_b AS SELECT * FROM loop_a');
    // The new text is checked against the old definition of loop_a, so the cycle shows on reading.
    await rows('CREATE OR REPLACE VIEW loop_a AS SELECT * FROM loop_b');
    const error = await failure('SELECT * FROM loop_b');
    expect(error).toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/loop_b.*loop_a.*loop_b.*RECURSIVE_VIEW/) });
  });

  it('reads one snapshot per table even when a write lands while the statement is being bound', async () => {
    await rows('CREATE TABLE snap (id INT)');
    await rows('INSERT INTO snap VALUES (1), (2)');
    await rows('CREATE VIEW snap_v AS SELECT * FROM snap');
    const writer = loch.session();
    const real = loch.catalog.findTable.bind(loch.catalog);
    const spy = vi.spyOn(loch.catalog, 'findTable').mockImplementation(async (name: ObjectName): Promise<TableInfo | undefined> => {
      if (name.name === 'snap_v') await (await writer.sql('INSERT INTO snap VALUES (3)')).all();
      return real(name);
    });
    try {
      const counts = await rows('SELECT (SELECT count(*) FROM snap), (SELECT count(*) FROM snap_v), (SELECT count(*) FROM snap a JOIN main.default.snap b USING (id))');
      expect(new Set(counts[0])).toHaveProperty('size', 1);
    } finally {
      spy.mockRestore();
    }
    expect(await rows('SELECT count(*) FROM snap')).toEqual([[3]]);
  });

  it('reports unknown names with the catalog message, not DuckDB’s', async () => {
    expect(await failure('SELECT * FROM nope')).toMatchObject({ code: 'NOT_FOUND', message: 'catalog: table main.default.nope does not exist (TABLE_OR_VIEW_NOT_FOUND)' });
    expect(await failure('SELECT * FROM sales.nope.x')).toMatchObject({ code: 'NOT_FOUND', message: expect.stringMatching(/sales\.nope\.x/) });
    for (const sql of ['INSERT INTO nope VALUES (1)', 'DELETE FROM a.nope', 'UPDATE nope SET x = 1', 'DESCRIBE HISTORY nope', 'VACUUM nope', 'MERGE INTO nope USING items ON true WHEN MATCHED THEN DELETE']) {
      expect(await failure(sql)).toMatchObject({ code: 'NOT_FOUND' });
    }
    expect(await rows('SELECT count(*) > 0 FROM pg_catalog.pg_namespace')).toEqual([[true]]);
  });

  it('handles quotes and Unicode in names, and injection attempts through identifiers', async () => {
    await rows('CREATE SCHEMA `ünï"côdé`');
    await rows('CREATE TABLE `ünï"côdé`.`tä``b` (`çol` STRING)');
    await rows('INSERT INTO `ÜNÏ"CÔDÉ`.`tä``b` VALUES (\'ok\')');
    expect(await rows('SELECT t.`çol` FROM main."ünï""côdé"."tä`b" AS t')).toEqual([['ok']]);
    expect(await rows('SELECT "tä`b".`çol` FROM `ünï"côdé`.`tä``b`')).toEqual([['ok']]);
    const injected = await failure('SELECT * FROM `x"; DROP TABLE items; --`');
    expect(injected).toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('x"; drop table items; --') });
    expect(await rows('SELECT count(*) FROM items')).toEqual([[2]]);
  });

  it('registers an existing Delta table as external, and CREATE on an existing name follows IF NOT EXISTS / OR REPLACE', async () => {
    const path = join(dir, 'external');
    await rows(`CREATE TABLE delta.\`${path}\` AS SELECT 1 AS a`);
    await rows(`CREATE TABLE ext LOCATION '${path}'`);
    expect(await loch.catalog.getTable({ catalog: 'main', schema: 'default', name: 'ext' })).toMatchObject({ tableType: 'EXTERNAL', location: path });
    expect(await rows('SELECT * FROM ext')).toEqual([[1]]);
    expect(await failure('CREATE TABLE ext (a INT)')).toMatchObject({ code: 'ALREADY_EXISTS', message: expect.stringMatching(/TABLE_OR_VIEW_ALREADY_EXISTS/) });
    expect(await rows('CREATE TABLE IF NOT EXISTS ext (a INT)')).toEqual([]);
    await rows('CREATE OR REPLACE TABLE ext AS SELECT 2 AS a');
    expect(await rows('SELECT * FROM ext')).toEqual([[2]]);
    expect((await rows('DESCRIBE HISTORY ext LIMIT 1'))[0]?.[0]).toBe(1);
    expect(await failure(`CREATE TABLE ext_missing LOCATION '${join(dir, 'nothing-here')}'`)).toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(await failure('REPLACE TABLE never_was AS SELECT 1 AS a')).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('loses a race to register a name cleanly: ALREADY_EXISTS and the managed folder removed', async () => {
    const other = loch.session();
    const real = loch.catalog.planTable.bind(loch.catalog);
    let planned: string | undefined;
    const spy = vi.spyOn(loch.catalog, 'planTable').mockImplementation(async (name, location) => {
      const plan = await real(name, location);
      planned = plan.location;
      spy.mockImplementation(real);
      await (await other.sql('CREATE TABLE raced (winner STRING)')).all();
      return plan;
    });
    try {
      expect(await failure('CREATE TABLE raced (loser INT)')).toMatchObject({ code: 'ALREADY_EXISTS' });
    } finally {
      spy.mockRestore();
    }
    expect(planned).toBeDefined();
    expect(existsSync(planned as string)).toBe(false);
    expect(await rows('SELECT * FROM raced')).toEqual([]);
    const result = await loch.sql('SELECT * FROM raced');
    expect(result.columns.map((c) => c.name)).toEqual(['winner']);
    await result.close();
    const tables = await readdir(join(dir, 'warehouse', 'tables'));
    expect(tables.length).toBeGreaterThan(0);
  });

  it('keeps USE per session and resolves loch.table() against main.default', async () => {
    const session = loch.session();
    await session.sql('USE CATALOG sales');
    expect(await (await session.sql('SELECT count(*) FROM eu.orders')).all()).toEqual([[3n]]);
    expect(await failure('SELECT count(*) FROM eu.orders')).toMatchObject({ code: 'NOT_FOUND' });
    const table = await loch.table('items');
    expect((await table.snapshot()).schema.fields.map((f) => f.name)).toEqual(['id', 'name']);
    await expect(loch.table('sales.eu.totals')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(loch.table('main.default.nope')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('reads information_schema through the catalog', async () => {
    const tables = await rows("SELECT table_name FROM information_schema.tables WHERE table_schema = 'eu' ORDER BY 1");
    expect(tables).toEqual([]);
    expect(await rows("SELECT table_name FROM sales.information_schema.tables WHERE table_schema = 'eu' ORDER BY 1")).toEqual([['named'], ['orders'], ['totals']]);
  });
});
