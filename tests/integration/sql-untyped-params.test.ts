import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Loch, untyped } from '../../src/index.js';
import type { QueryParams, SqlValue } from '../../src/index.js';
import { tempDir } from '../support/delta-fixture.js';

/**
 * Untyped parameters (text whose type the context decides, as pgwire's OID-0 parameters): written
 * as a column's value they take the column's type; typed VARCHAR keeps Spark's store assignment.
 */
describe('untyped SQL parameters', () => {
  let loch: Loch;
  beforeAll(async () => {
    const dir = await tempDir();
    loch = await Loch.open({ warehouse: join(dir, 'warehouse') });
  });
  afterAll(async () => loch?.close());

  const u = (...texts: (string | null)[]): SqlValue[] => texts.map((t) => (t === null ? null : untyped(t)));
  const rows = async (sql: string, params?: QueryParams) => (await (await loch.sql(sql, params === undefined ? {} : { params })).all()).map((r) => r.map((v) => (typeof v === 'bigint' ? Number(v) : v)));
  const failure = async (sql: string, params?: QueryParams) =>
    loch.sql(sql, params === undefined ? {} : { params }).then(
      () => undefined,
      (e: unknown) => e as { code: string; message: string },
    );
  const create = async (name: string, using = '') => rows(`CREATE TABLE ${name} (id BIGINT, x DOUBLE, d DATE, m DECIMAL(10,2), s STRING, b BOOLEAN) ${using}`);

  it('converts untyped INSERT … VALUES cells to their columns, positionally and by column list', async () => {
    await create('ins');
    expect(await rows('INSERT INTO ins VALUES (?, ?, ?, ?, ?, ?), (2, 0.5, NULL, ?, ?, ?)', u('1', '2.5', '2024-01-02', '3.456', 'x', 'true', '7', null, 'f'))).toEqual([[2, 2]]);
    expect(await rows('INSERT INTO ins (d, id, s) VALUES (:d, :id, :s)', { d: untyped('2024-03-04'), id: untyped('3'), s: untyped('42') })).toEqual([[1, 1]]);
    // A null has no type either: in a later row it takes the column's type, not INTEGER.
    expect(await rows('INSERT INTO ins (id, s) VALUES (?, ?), (?, ?)', [4, 'a', 5, null])).toEqual([[2, 2]]);
    expect(await rows('SELECT id, x, d, m, s, b, typeof(id), typeof(d) FROM ins WHERE id < 4 ORDER BY id')).toEqual([
      [1, 2.5, '2024-01-02', '3.46', 'x', true, 'BIGINT', 'DATE'],
      [2, 0.5, null, '7.00', null, false, 'BIGINT', 'DATE'],
      [3, null, '2024-03-04', null, '42', null, 'BIGINT', 'DATE'],
    ]);
  });

  it('refuses text that does not convert, naming the column, and leaves the table unchanged', async () => {
    await create('bad');
    await rows('INSERT INTO bad (id) VALUES (1)');
    const e = await failure('INSERT INTO bad (id, d) VALUES (?, ?)', u('abc', '2024-01-01'));
    expect(e?.message).toMatch(/cannot convert parameter value "abc" to column id of type long \(CAST_INVALID_INPUT\)/);
    expect((await failure('INSERT INTO bad VALUES (5, ?, NULL, NULL, NULL, NULL)', u('1.5.5')))?.message).toMatch(/column x of type double/);
    expect((await failure('INSERT INTO bad (d) VALUES (?)', u('2024-13-45')))?.message).toMatch(/column d of type date/);
    expect(await rows('SELECT id, d FROM bad')).toEqual([[1, null]]);
  });

  it('still refuses typed VARCHAR values in a numeric column (store assignment)', async () => {
    await create('typed');
    const e = await failure('INSERT INTO typed (id) VALUES (?)', ['42']);
    expect(e?.code).toBe('INVALID_ARGUMENT');
    expect(e?.message).toMatch(/cannot write VARCHAR values .* into column id of type long/);
    expect(await rows('SELECT count(*) FROM typed')).toEqual([[0]]);
  });

  it('converts untyped UPDATE SET values; bad text fails naming the column', async () => {
    await create('upd');
    await rows("INSERT INTO upd (id, s) VALUES (1, 'a'), (2, 'b')");
    expect(await rows('UPDATE upd SET x = ?, d = ?, m = ? WHERE id = ?', u('9.5', '2024-02-03', '1.1', '1'))).toEqual([[1]]);
    expect((await failure('UPDATE upd SET id = ? WHERE id = ?', u('zz', '2')))?.message).toMatch(/column id/);
    expect(await rows('SELECT id, x, d, m FROM upd ORDER BY id')).toEqual([
      [1, 9.5, '2024-02-03', '1.10'],
      [2, null, null, null],
    ]);
  });

  it('converts untyped MERGE SET and INSERT values, with and without a column list', async () => {
    await create('mrg');
    await rows('INSERT INTO mrg (id) VALUES (1)');
    const merge = 'MERGE INTO mrg t USING (SELECT * FROM (VALUES (1), (2)) v(k)) s ON t.id = s.k WHEN MATCHED THEN UPDATE SET d = ?, b = ? WHEN NOT MATCHED THEN INSERT (id, m) VALUES (s.k, ?)';
    expect(await rows(merge, u('2024-05-06', 'yes', '12.5'))).toEqual([[2, 1, 0, 1]]);
    expect(await rows('MERGE INTO mrg t USING (SELECT 3 AS k) s ON t.id = s.k WHEN NOT MATCHED THEN INSERT VALUES (?, ?, ?, NULL, ?, NULL)', u('3', '0.25', '2024-07-08', 'z'))).toEqual([[1, 0, 0, 1]]);
    const e = await failure('MERGE INTO mrg t USING (SELECT 4 AS k) s ON t.id = s.k WHEN NOT MATCHED THEN INSERT (id, d) VALUES (s.k, ?)', u('soon'));
    expect(e?.message).toMatch(/cannot convert parameter value "soon" to column d of type date/);
    expect(await rows('SELECT id, x, d, m, s, b FROM mrg ORDER BY id')).toEqual([
      [1, null, '2024-05-06', null, null, true],
      [2, null, null, '12.50', null, null],
      [3, 0.25, '2024-07-08', null, 'z', null],
    ]);
  });

  it('leaves untyped values as text in conditions and SELECT lists, where DuckDB casts them in comparisons', async () => {
    await create('cmp');
    await rows("INSERT INTO cmp (id, d, s) VALUES (1, DATE '2024-01-02', 'a'), (2, DATE '2024-06-01', 'b')");
    expect(await rows('SELECT id FROM cmp WHERE id = ? OR d > ? ORDER BY id', u('1', '2024-03-01'))).toEqual([[1], [2]]);
    expect(await rows('SELECT ?, typeof(?)', u('x', 'y'))).toEqual([['x', 'VARCHAR']]);
    expect(await rows('DELETE FROM cmp WHERE id = ?', u('2'))).toEqual([[1]]);
    expect(await rows('SELECT id FROM cmp')).toEqual([[1]]);
  });

  it('converts untyped values written to Iceberg tables', async () => {
    await create('ice', 'USING ICEBERG');
    expect(await rows('INSERT INTO ice (id, d, m) VALUES (?, ?, ?)', u('1', '2024-01-02', '2.5'))).toEqual([[1, 1]]);
    expect((await failure('INSERT INTO ice (id) VALUES (?)', u('one')))?.message).toMatch(/column id of type long/);
    expect(await rows('MERGE INTO ice t USING (SELECT 1 AS k) s ON t.id = s.k WHEN MATCHED THEN UPDATE SET x = ?', u('0.5'))).toEqual([[1, 1, 0, 0]]);
    expect(await rows('UPDATE ice SET b = ? WHERE id = ?', u('true', '1'))).toEqual([[1]]);
    expect(await rows('SELECT id, x, d, m, b FROM ice')).toEqual([[1, 0.5, '2024-01-02', '2.50', true]]);
  });
});
