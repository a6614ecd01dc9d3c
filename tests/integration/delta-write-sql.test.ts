import { mkdir } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RoundTrip, expectRows, openHarness, table } from './delta-write-support.js';
import type { Harness } from './delta-write-support.js';
import { duckRows, validateTableLog } from '../support/log-validator.js';

/** The value of `key` in a MAP column (canonical form: a list of {key, value}). */
function param(map: unknown, key: string): unknown {
  return (map as { key: string; value: unknown }[]).find((e) => e.key === key)?.value;
}

/** SQL write statements, each checked at every version it produced. */
describe('delta write SQL statements', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await openHarness();
  });
  afterAll(async () => h?.close());

  it('CREATE OR REPLACE keeps history; REPLACE of a missing table fails; IF NOT EXISTS is a no-op', async () => {
    const path = h.path('replace');
    const t = h.ref(path);
    expect(await h.error(`REPLACE TABLE ${t} (a INT)`)).toMatchObject({ code: 'NOT_FOUND' });
    await h.rows(`CREATE TABLE IF NOT EXISTS ${t} (a INT, b STRING)`);
    const rt = new RoundTrip(h, path);
    await h.rows(`INSERT INTO ${t} VALUES (1, 'x'), (2, 'y')`);
    await rt.expectLatest(table(['a', 'b'], [1, 'x'], [2, 'y']));
    await h.rows(`CREATE TABLE IF NOT EXISTS ${t} (z DOUBLE)`);
    expect((await (await h.loch.deltaTable(path)).snapshot()).version).toBe(1);
    expect(await h.error(`CREATE TABLE ${t} (z DOUBLE)`)).toMatchObject({ code: 'ALREADY_EXISTS' });
    await h.rows(`CREATE OR REPLACE TABLE ${t} (z DOUBLE, w BIGINT)`);
    expect(await rt.expectLatest([])).toBe(2);
    await h.rows(`REPLACE TABLE ${t} AS SELECT 1.5::DOUBLE AS z, 7::BIGINT AS w`);
    expect(await rt.expectLatest(table(['z', 'w'], [1.5, 7]))).toBe(3);
    expect((await (await h.loch.deltaTable(path)).snapshot({ version: 1 })).columns.map((c) => c.name)).toEqual(['a', 'b']);
    const history = (await h.rows(`DESCRIBE HISTORY ${t}`)).map((r) => [r['version'], r['operation']]);
    expect(history).toEqual([[3, 'REPLACE TABLE AS SELECT'], [2, 'CREATE OR REPLACE TABLE'], [1, 'WRITE'], [0, 'CREATE TABLE']]);
    await rt.verify();
  });

  it('CTAS with partitions; CREATE OR REPLACE changes the partitioning and keeps old versions readable', async () => {
    const path = h.path('ctas-partitioned');
    const t = h.ref(path);
    await h.rows(`CREATE TABLE ${t} PARTITIONED BY (p) AS SELECT range::INT AS id, 'p' || (range % 2) AS p FROM range(4)`);
    const rt = new RoundTrip(h, path);
    await rt.expectLatest(table(['id', 'p'], [0, 'p0'], [1, 'p1'], [2, 'p0'], [3, 'p1']));
    expect((await (await h.loch.deltaTable(path)).snapshot()).fileCount).toBe(2);
    await h.rows(`CREATE OR REPLACE TABLE ${t} (id INT, q DATE) PARTITIONED BY (q)`);
    await h.rows(`INSERT INTO ${t} VALUES (7, DATE '2024-03-01')`);
    await rt.expectLatest(table(['id', 'q'], [7, '2024-03-01']));
    expect((await (await h.loch.deltaTable(path)).snapshot()).partitionColumns).toEqual(['q']);
    expect((await (await h.loch.deltaTable(path)).snapshot({ version: 0 })).partitionColumns).toEqual(['p']);
    await rt.verify();
  });

  it('INSERT VALUES, SELECT, BY NAME and a column list', async () => {
    const path = h.path('insert-forms');
    const t = h.ref(path);
    await h.rows(`CREATE TABLE ${t} (id BIGINT, name STRING, score DOUBLE)`);
    const rt = new RoundTrip(h, path);
    const rows: unknown[][] = [];
    const step = async (sql: string, ...added: unknown[][]) => {
      await h.rows(sql);
      rows.push(...added);
      await rt.expectLatest(table(['id', 'name', 'score'], ...rows));
    };
    await step(`INSERT INTO ${t} VALUES (1, 'a', 0.5)`, [1, 'a', 0.5]);
    await step(`INSERT INTO ${t} SELECT range, 'r' || range, range * 2 FROM range(2, 4)`, [2, 'r2', 4], [3, 'r3', 6]);
    await step(`INSERT INTO ${t} BY NAME SELECT 2.5 AS score, 4 AS id`, [4, null, 2.5]);
    await step(`INSERT INTO ${t} (name, id) VALUES ('five', 5)`, [5, 'five', null]);
    await step(`INSERT INTO ${t} SELECT id + 10, name, score FROM ${t} VERSION AS OF 1`, [11, 'a', 0.5]);
    await rt.verify();
  });

  it('INSERT OVERWRITE, static and dynamic partition overwrite', async () => {
    const path = h.path('overwrite');
    const t = h.ref(path);
    await h.rows(`CREATE TABLE ${t} (v INT, p STRING, q INT) PARTITIONED BY (p)`);
    const rt = new RoundTrip(h, path);
    await h.rows(`INSERT INTO ${t} VALUES (1, 'a', 1), (2, 'b', 2), (3, 'c', 3), (4, NULL, 4)`);
    await rt.expectLatest(table(['v', 'p', 'q'], [1, 'a', 1], [2, 'b', 2], [3, 'c', 3], [4, null, 4]));
    await h.rows(`INSERT OVERWRITE ${t} PARTITION (p = 'a') VALUES (10, 10), (11, 11)`);
    await rt.expectLatest(table(['v', 'p', 'q'], [10, 'a', 10], [11, 'a', 11], [2, 'b', 2], [3, 'c', 3], [4, null, 4]));
    await h.rows(`INSERT OVERWRITE ${t} PARTITION (p) VALUES (20, 'b', 20), (21, NULL, 21), (22, 'd', 22)`);
    const dynamic = table(['v', 'p', 'q'], [10, 'a', 10], [11, 'a', 11], [20, 'b', 20], [3, 'c', 3], [21, null, 21], [22, 'd', 22]);
    await rt.expectLatest(dynamic);
    await h.rows(`INSERT OVERWRITE ${t} SELECT 99, 'z', 99`);
    await rt.expectLatest(table(['v', 'p', 'q'], [99, 'z', 99]));
    const ops = (await h.rows(`DESCRIBE HISTORY ${t}`)).map((r) => [r['version'], r['operation'], param(r['operationParameters'], 'mode')]);
    expect(ops.slice(0, 3)).toEqual([[4, 'WRITE', 'Overwrite'], [3, 'WRITE', 'Overwrite'], [2, 'WRITE', 'Overwrite']]);
    await rt.verify();
  });

  it('REPLACE WHERE on a partition column and on a data column', async () => {
    const path = h.path('replace-where');
    const t = h.ref(path);
    await h.rows(`CREATE TABLE ${t} (id INT, day DATE, amount INT) PARTITIONED BY (day)`);
    const rt = new RoundTrip(h, path);
    await h.rows(`INSERT INTO ${t} VALUES (1, DATE '2024-01-01', 10), (2, DATE '2024-01-01', 200), (3, DATE '2024-01-02', 30), (4, DATE '2024-01-02', 400)`);
    await rt.expectLatest(table(['id', 'day', 'amount'], [1, '2024-01-01', 10], [2, '2024-01-01', 200], [3, '2024-01-02', 30], [4, '2024-01-02', 400]));
    await h.rows(`INSERT INTO ${t} REPLACE WHERE day = DATE '2024-01-01' VALUES (5, DATE '2024-01-01', 50)`);
    let rows = [[5, '2024-01-01', 50], [3, '2024-01-02', 30], [4, '2024-01-02', 400]];
    await rt.expectLatest(table(['id', 'day', 'amount'], ...rows));
    // A data column: rows of the touched files outside the condition (id 3) survive.
    await h.rows(`INSERT INTO ${t} REPLACE WHERE amount >= 100 VALUES (6, DATE '2024-01-02', 600), (7, DATE '2024-01-03', 700)`);
    rows = [[5, '2024-01-01', 50], [3, '2024-01-02', 30], [6, '2024-01-02', 600], [7, '2024-01-03', 700]];
    await rt.expectLatest(table(['id', 'day', 'amount'], ...rows));
    const error = await h.error(`INSERT INTO ${t} REPLACE WHERE amount >= 100 VALUES (8, DATE '2024-01-02', 5)`);
    expect(error.code).toBe('CONSTRAINT_VIOLATION');
    expect(error.message).toMatch(/amount >= 100/);
    expect(error.message).toMatch(/5/);
    const errorPartition = await h.error(`INSERT INTO ${t} REPLACE WHERE day = DATE '2024-01-01' VALUES (9, DATE '2024-01-05', 1)`);
    expect(errorPartition.code).toBe('CONSTRAINT_VIOLATION');
    await rt.expectLatest(table(['id', 'day', 'amount'], ...rows));
    await rt.verify();
  });

  it('CONVERT TO DELTA of plain parquet, partitioned and not', async () => {
    const plain = h.path('convert-plain');
    await mkdir(plain, { recursive: true });
    await duckRows(`COPY (SELECT range::INT AS id, 'n' || range AS name, range * 1.5 AS x FROM range(5)) TO '${plain}/data.parquet' (FORMAT parquet)`);
    await h.rows(`CONVERT TO DELTA parquet.\`${plain}\``);
    const rt = new RoundTrip(h, plain);
    await rt.expectLatest(table(['id', 'name', 'x'], ...[0, 1, 2, 3, 4].map((i) => [i, `n${i}`, (i * 1.5).toFixed(1)])));
    await h.rows(`INSERT INTO ${h.ref(plain)} VALUES (5, 'n5', 7.5)`);
    await rt.expectLatest(table(['id', 'name', 'x'], ...[0, 1, 2, 3, 4, 5].map((i) => [i, `n${i}`, (i * 1.5).toFixed(1)])));
    await rt.verify();

    const parted = h.path('convert-parted');
    await mkdir(parted, { recursive: true });
    await duckRows(`COPY (SELECT range::INT AS id, CASE WHEN range % 3 = 0 THEN NULL ELSE 'k' || (range % 3) END AS part, range::BIGINT AS n FROM range(6))
      TO '${parted}' (FORMAT parquet, PARTITION_BY (part, n))`);
    await h.rows(`CONVERT TO DELTA parquet.\`${parted}\` PARTITIONED BY (part STRING, n BIGINT)`);
    const rt2 = new RoundTrip(h, parted);
    const expected = [0, 1, 2, 3, 4, 5].map((i) => [i, i % 3 === 0 ? null : `k${i % 3}`, i]);
    await rt2.expectLatest(table(['id', 'part', 'n'], ...expected));
    expect(await h.rows(`SELECT id FROM ${h.ref(parted)} WHERE part = 'k1' ORDER BY id`)).toEqual([{ id: 1 }, { id: 4 }]);
    expect((await (await h.loch.deltaTable(parted)).snapshot()).partitionColumns).toEqual(['part', 'n']);
    await rt2.verify();
    expect(await h.rows(`CONVERT TO DELTA parquet.\`${parted}\``)).toEqual([{ num_converted_files: 0 }]);
  });

  it('CHECK and NOT NULL constraints: add (refused on violating rows), enforce, drop', async () => {
    const path = h.path('constraints');
    const t = h.ref(path);
    // Deletion vectors (on by default) are off so the protocol is the minimal one for CHECK constraints.
    await h.rows(`CREATE TABLE ${t} (id INT NOT NULL, qty INT, label STRING) TBLPROPERTIES ('delta.enableDeletionVectors' = 'false')`);
    const rt = new RoundTrip(h, path);
    await h.rows(`INSERT INTO ${t} VALUES (1, 5, 'a'), (2, -1, 'b')`);
    const base = table(['id', 'qty', 'label'], [1, 5, 'a'], [2, -1, 'b']);
    await rt.expectLatest(base);
    const refused = await h.error(`ALTER TABLE ${t} ADD CONSTRAINT positive CHECK (qty > 0)`);
    expect(refused.code).toBe('CONSTRAINT_VIOLATION');
    expect(refused.message).toMatch(/positive/);
    expect(refused.message).toMatch(/-1/);
    await h.rows(`ALTER TABLE ${t} ADD CONSTRAINT sane CHECK (qty > -10 AND length(label) < 5)`);
    await rt.expectLatest(base);
    const check = await h.error(`INSERT INTO ${t} VALUES (3, -20, 'c')`);
    expect(check.code).toBe('CONSTRAINT_VIOLATION');
    expect(check.message).toMatch(/CHECK constraint sane \(qty > -10 AND length\(label\) < 5\) violated by row \{"id":3,"qty":-20,"label":"c"\}/);
    const notNull = await h.error(`INSERT INTO ${t} VALUES (NULL, 1, 'n')`);
    expect(notNull.code).toBe('CONSTRAINT_VIOLATION');
    expect(notNull.message).toMatch(/NOT NULL constraint on id violated by row \{"id":null,"qty":1,"label":"n"\}/);
    const detail = (await h.rows(`DESCRIBE DETAIL ${t}`))[0] ?? {};
    expect([detail['minReaderVersion'], detail['minWriterVersion'], param(detail['properties'], 'delta.constraints.sane')]).toEqual([1, 3, 'qty > -10 AND length(label) < 5']);
    await h.rows(`ALTER TABLE ${t} DROP CONSTRAINT sane`);
    await h.rows(`INSERT INTO ${t} VALUES (3, -20, 'long label')`);
    await rt.expectLatest([...base, { id: 3, qty: -20, label: 'long label' }]);
    expect(await h.error(`ALTER TABLE ${t} DROP CONSTRAINT sane`)).toMatchObject({ code: 'NOT_FOUND' });
    await h.rows(`ALTER TABLE ${t} DROP CONSTRAINT IF EXISTS sane`);
    await rt.verify();
  });

  it.each(['none', 'name'])('ADD COLUMNS (column mapping %s): new rows carry it, older versions read without it', async (mode) => {
    const path = h.path(`add-columns-${mode}`);
    const t = h.ref(path);
    await h.rows(`CREATE TABLE ${t} (a INT) TBLPROPERTIES ('delta.columnMapping.mode' = '${mode}')`);
    const rt = new RoundTrip(h, path);
    await h.rows(`INSERT INTO ${t} VALUES (1)`);
    await rt.expectLatest(table(['a'], [1]));
    await h.rows(`ALTER TABLE ${t} ADD COLUMNS (b STRING, c STRUCT<x: INT, y: ARRAY<DATE>>)`);
    await rt.expectLatest(table(['a', 'b', 'c'], [1, null, null]));
    await h.rows(`INSERT INTO ${t} VALUES (2, 'two', {'x': 2, 'y': [DATE '2024-02-02']})`);
    await rt.expectLatest(table(['a', 'b', 'c'], [1, null, null], [2, 'two', { x: 2, y: ['2024-02-02'] }]));
    await rt.verify();
  });

  it('schema mismatches are clear errors', async () => {
    const path = h.path('mismatch');
    const t = h.ref(path);
    await h.rows(`CREATE TABLE ${t} (id INT, name STRING)`);
    const count = await h.error(`INSERT INTO ${t} VALUES (1, 'a', 3)`);
    expect(count).toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(count.message).toMatch(/3 column\(s\) but 2 are expected \(id, name\)/);
    const unknown = await h.error(`INSERT INTO ${t} BY NAME SELECT 1 AS id, 'x' AS nmae`);
    expect(unknown).toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(unknown.message).toMatch(/no column nmae/);
    const text = await h.error(`INSERT INTO ${t} VALUES ('seven', 'a')`);
    expect(text).toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(text.message).toMatch(/VARCHAR.*into column id of type integer/);
    const columns = await h.error(`INSERT INTO ${t} (id, nope) VALUES (1, 2)`);
    expect(columns.message).toMatch(/no column nope/);
    expect((await validateTableLog(path)).versions).toEqual([0]);
  });

  it('DESCRIBE HISTORY shows operation, parameters and metrics', async () => {
    const path = h.path('history');
    const t = h.ref(path);
    await h.rows(`CREATE TABLE ${t} (v INT, p INT) PARTITIONED BY (p)`);
    await h.rows(`INSERT INTO ${t} SELECT range, range % 2 FROM range(10)`);
    const rows = (await h.rows(`DESCRIBE HISTORY ${t}`)).filter((r) => r['version'] === 1);
    const entry = rows[0] as { operation: string; operationParameters: { key: string; value: string }[]; operationMetrics: { key: string; value: string }[] };
    expect(entry.operation).toBe('WRITE');
    expect(Object.fromEntries(entry.operationParameters.map((e) => [e.key, e.value]))).toMatchObject({ mode: 'Append', partitionBy: '["p"]' });
    const metrics = Object.fromEntries(entry.operationMetrics.map((e) => [e.key, e.value]));
    expect(metrics).toMatchObject({ numOutputRows: '10', numFiles: '2' });
    const sizes = (await (await h.loch.deltaTable(path)).snapshot()).delta.files.reduce((n, f) => n + f.size, 0);
    expect(Number(metrics['numOutputBytes'])).toBe(sizes);
    expect(rows[0]).toMatchObject({ readVersion: 0, isBlindAppend: true });
    await validateTableLog(path);
  });

  it('statistics on adds prune files; dataSkippingNumIndexedCols limits them', async () => {
    const path = h.path('stats');
    const t = h.ref(path);
    await h.rows(`CREATE TABLE ${t} (a INT, b STRING, c DOUBLE)`);
    for (let i = 0; i < 4; i++) await h.rows(`INSERT INTO ${t} SELECT range + ${i * 100}, 'b' || range, range FROM range(100)`);
    const result = await h.loch.sql(`SELECT count(*) AS n FROM ${t} WHERE a BETWEEN 150 AND 160`);
    expect(await result.all()).toEqual([[11n]]);
    expect(result.scans).toEqual([expect.objectContaining({ filesTotal: 4, filesPruned: 3 })]);
    const stats = JSON.parse((await (await h.loch.deltaTable(path)).snapshot()).delta.files[0]?.stats ?? '{}') as Record<string, Record<string, unknown>>;
    expect(Object.keys(stats['minValues'] ?? {}).sort()).toEqual(['a', 'b', 'c']);

    const narrow = h.path('stats-narrow');
    const n = h.ref(narrow);
    await h.rows(`CREATE TABLE ${n} (a INT, b STRING, c DOUBLE) TBLPROPERTIES ('delta.dataSkippingNumIndexedCols' = '1')`);
    await h.rows(`INSERT INTO ${n} SELECT range, 'b' || range, range FROM range(10)`);
    const narrowStats = JSON.parse((await (await h.loch.deltaTable(narrow)).snapshot()).delta.files[0]?.stats ?? '{}') as Record<string, unknown>;
    expect(narrowStats).toEqual({ numRecords: 10, minValues: { a: 0 }, maxValues: { a: 9 }, nullCount: { a: 0 } });
    await expectRows(h, `SELECT count(*) AS n FROM ${n} WHERE c > 4`, [{ n: 5 }]);
    await validateTableLog(path);
    await validateTableLog(narrow);
  });

  it('delta.appendOnly refuses overwrites but allows appends', async () => {
    const path = h.path('append-only');
    const t = h.ref(path);
    await h.rows(`CREATE TABLE ${t} (a INT) TBLPROPERTIES ('delta.appendOnly' = 'true', 'delta.enableDeletionVectors' = 'false')`);
    const rt = new RoundTrip(h, path);
    await h.rows(`INSERT INTO ${t} VALUES (1)`);
    await rt.expectLatest(table(['a'], [1]));
    const error = await h.error(`INSERT OVERWRITE ${t} VALUES (2)`);
    expect(error.message).toMatch(/append-only/);
    expect((await h.error(`INSERT INTO ${t} REPLACE WHERE a = 1 VALUES (1)`)).message).toMatch(/append-only/);
    await h.rows(`INSERT INTO ${t} VALUES (2)`);
    await rt.expectLatest(table(['a'], [1], [2]));
    const detail = (await h.rows(`DESCRIBE DETAIL ${t}`))[0] ?? {};
    expect([detail['minReaderVersion'], detail['minWriterVersion']]).toEqual([1, 2]);
    await rt.verify();
  });
});
