import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Loch } from '../../src/index.js';
import type { QueryParams } from '../../src/index.js';
import { tempDir } from '../support/delta-fixture.js';

/** `:name` and `?` parameters: bound as values in queries and in every lake statement, never spliced. */
describe('SQL parameters', () => {
  let loch: Loch;
  let dir: string;
  beforeAll(async () => {
    dir = await tempDir();
    loch = await Loch.open({ warehouse: join(dir, 'warehouse') });
    await (await loch.sql('CREATE TABLE people (id BIGINT, name STRING, born TIMESTAMP, photo BINARY, score DOUBLE)')).all();
  });
  afterAll(async () => loch?.close());

  const rows = async (sql: string, params?: QueryParams) =>
    (await (await loch.sql(sql, params === undefined ? {} : { params })).all()).map((r) => r.map((v) => (typeof v === 'bigint' ? Number(v) : v)));
  const failure = async (sql: string, params?: QueryParams) =>
    loch.sql(sql, params === undefined ? {} : { params }).then(
      () => undefined,
      (e: unknown) => e as { code: string; message: string },
    );

  it('binds typed values in INSERT … VALUES and INSERT … SELECT', async () => {
    const born = new Date(Date.UTC(1990, 4, 6, 7, 8, 9, 123));
    await rows('INSERT INTO people VALUES (:id, :name, :born, :photo, :score)', { id: 1, name: "O'Brien", born, photo: new Uint8Array([0, 255]), score: 1.25 });
    await rows('INSERT INTO people (id, name, score) SELECT ?, ?, ?', [2, 'Zoë', 3]);
    await rows('INSERT INTO people (id, name) VALUES (:id, :name)', { id: 3n, name: null });
    const got = await rows('SELECT id, name, born, octet_length(photo), score, typeof(score) FROM people ORDER BY id');
    expect(got).toEqual([
      [1, "O'Brien", '1990-05-06T07:08:09.123000Z', 2, 1.25, 'DOUBLE'],
      [2, 'Zoë', null, null, 3, 'DOUBLE'],
      [3, null, null, null, null, 'DOUBLE'],
    ]);
  });

  it('binds in queries: WHERE, LIMIT, repeated names, CASE, lists and structs, case-insensitive names', async () => {
    expect(await rows('SELECT name FROM people WHERE id = :ID OR id = :id + 1 ORDER BY id LIMIT :n', { id: 1, n: 5 })).toEqual([["O'Brien"], ['Zoë']]);
    expect(await rows("SELECT CASE WHEN :flag THEN 'y' ELSE 'n' END, [:a, :b], {'k': :a}", { flag: true, a: 1, b: 2 })).toEqual([['y', [1n, 2n], { k: 1n }]]);
    expect(await rows('SELECT typeof(?), typeof(?), typeof(?), typeof(?)', [1, 1.5, 'x', 2n ** 80n])).toEqual([['BIGINT', 'DOUBLE', 'VARCHAR', 'HUGEINT']]);
    expect(await rows('SELECT count(*) FROM people WHERE id > ?', [1])).toEqual([[2]]);
  });

  it('binds in UPDATE and DELETE conditions and values, and in MERGE sources, conditions and actions', async () => {
    expect(await rows('UPDATE people SET score = score + :delta WHERE name = :who', { delta: 0.5, who: "O'Brien" })).toEqual([[1]]);
    const merged = await rows(
      'MERGE INTO people t USING (SELECT :id AS id, :name AS name) s ON t.id = s.id WHEN MATCHED AND :really THEN UPDATE SET name = s.name || :suffix WHEN NOT MATCHED THEN INSERT (id, name) VALUES (s.id, :inserted)',
      { id: 4, name: 'Ann', really: true, suffix: '!', inserted: 'new' },
    );
    expect(merged).toEqual([[1, 0, 0, 1]]);
    expect(await rows('DELETE FROM people WHERE id = ?', [3])).toEqual([[1]]);
    expect(await rows('SELECT id, name, score FROM people ORDER BY id')).toEqual([[1, "O'Brien", 1.75], [2, 'Zoë', 3], [4, 'new', null]]);
  });

  it('binds in CREATE TABLE AS SELECT on a name', async () => {
    await rows('CREATE TABLE chosen AS SELECT id FROM people WHERE score > :min', { min: 2 });
    expect(await rows('SELECT * FROM chosen')).toEqual([[2]]);
  });

  it('treats injection attempts as plain values', async () => {
    const evil = "'; DROP TABLE people; --";
    await rows('INSERT INTO people (id, name) VALUES (:id, :name)', { id: 9, name: evil });
    expect(await rows('SELECT name FROM people WHERE name = ?', [evil])).toEqual([[evil]]);
    expect(await rows('SELECT count(*) FROM people WHERE name = :n', { n: "x' OR '1'='1" })).toEqual([[0]]);
    expect(await rows('DELETE FROM people WHERE name = :n', { n: "nobody' OR true --" })).toEqual([[0]]);
    expect(await rows('SELECT count(*) FROM people')).toEqual([[4]]);
  });

  it('leaves casts, JSON paths, strings, quoted names and comments alone', async () => {
    const sql = `SELECT '?:x' AS "a?:b", 1::INT /* :c ? */, [10, 20, 30][2:3] -- ?\n`;
    expect(await rows(sql)).toEqual([['?:x', 1, [20, 30]]]);
  });

  it('refuses mixed, unbound and mismatched markers', async () => {
    expect(await failure('SELECT :a, ?', { a: 1 })).toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/mix named/) });
    expect(await failure('SELECT :a')).toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/:a \(UNBOUND_SQL_PARAMETER\)/) });
    expect(await failure('SELECT ?, ?', [1])).toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/parameter 2 .*UNBOUND_SQL_PARAMETER/) });
    expect(await failure('SELECT :a', [1])).toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(await failure('SELECT ?', { a: 1 })).toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(await failure('DELETE FROM people WHERE id = :gone')).toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/UNBOUND_SQL_PARAMETER/) });
    expect(await rows('SELECT count(*) FROM people')).toEqual([[4]]);
  });

  it('accepts extra values and keeps values per session', async () => {
    expect(await rows('SELECT :a', { a: 'x', unused: 1 })).toEqual([['x']]);
    expect(await rows('SELECT 1')).toEqual([[1]]);
    const other = loch.session();
    expect(await (await other.sql('SELECT ? || ?', { params: ['a', 'b'] })).all()).toEqual([['ab']]);
  });
});
