import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { RecordBatch } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { field, primitive } from '../../src/index.js';
import type { StructType } from '../../src/index.js';
import { EXPECT_MAX, EXPECT_MIN, EXPECT_NULL, ROW_MAX, ROW_MIN, ROW_NULL, TYPE_COLUMNS, TYPES_DDL, RoundTrip, expectMinimalAgrees, openHarness, table } from './delta-write-support.js';
import type { Harness } from './delta-write-support.js';
import { sortedJson } from '../support/canonical.js';
import { duckRows, validateTableLog } from '../support/log-validator.js';
import { minimalRead } from '../support/minimal-delta-reader.js';

/** The TypeScript table API: features that change the log's shape, read back by both readers. */
const NESTED_SQL = `SELECT range::INT AS id, 'n' || range AS name, {'x': range, 'tags': ['t' || range]} AS info,
  MAP {'k' || range: range::DOUBLE} AS m, DATE '2024-01-01' + range::INT AS day FROM range(4)`;
const NESTED_ROWS = [0, 1, 2, 3].map((i) => [i, `n${i}`, { x: i, tags: [`t${i}`] }, [{ key: `k${i}`, value: i }], `2024-01-0${i + 1}`]);
const NESTED_SCHEMA: StructType = {
  kind: 'struct',
  fields: [
    field('id', primitive('integer')),
    field('name', primitive('string')),
    field('info', { kind: 'struct', fields: [field('x', primitive('long')), field('tags', { kind: 'array', element: primitive('string'), containsNull: true })] }),
    field('m', { kind: 'map', key: primitive('string'), value: primitive('double'), valueContainsNull: true }),
    field('day', primitive('date')),
  ],
};
const NESTED_COLUMNS = ['id', 'name', 'info', 'm', 'day'];

async function protocolOf(path: string, version = 0): Promise<unknown> {
  const lines = (await readFile(join(path, '_delta_log', `${String(version).padStart(20, '0')}.json`), 'utf8')).split('\n');
  return (JSON.parse(lines.find((l) => l.startsWith('{"protocol"')) ?? '{}') as { protocol?: unknown }).protocol;
}

async function configurationOf(path: string, version = 0): Promise<unknown> {
  const lines = (await readFile(join(path, '_delta_log', `${String(version).padStart(20, '0')}.json`), 'utf8')).split('\n');
  return (JSON.parse(lines.find((l) => l.startsWith('{"metaData"')) ?? '{}') as { metaData?: { configuration?: unknown } }).metaData?.configuration;
}

/** New tables get deletion vectors by default; tests of another feature's minimal protocol turn them off. */
const NO_DV = "'delta.enableDeletionVectors' = 'false'";

describe('delta write API: table features', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await openHarness();
  });
  afterAll(async () => h?.close());

  it.each(['name', 'id'])('column mapping mode %s: physical names in files, readable by a protocol-only reader', async (mode) => {
    const path = h.path(`mapping-${mode}`);
    const t = await h.loch.deltaTable(path);
    await t.create({ mode: 'create', schema: NESTED_SCHEMA, partitionColumns: ['day'], properties: { 'delta.columnMapping.mode': mode, 'delta.checkpointInterval': '2', 'delta.enableDeletionVectors': 'false' } });
    const rt = new RoundTrip(h, path);
    await t.write({ sql: NESTED_SQL });
    await rt.expectLatest(table(NESTED_COLUMNS, ...NESTED_ROWS));
    await t.alter({ kind: 'add_columns', columns: [field('extra', primitive('string'))] });
    await t.write({ rows: [{ id: 9, name: 'nine', extra: 'e', day: '2024-02-01' }] });
    await rt.expectLatest(table([...NESTED_COLUMNS, 'extra'], ...NESTED_ROWS, [9, 'nine', null, null, '2024-02-01', 'e']));
    expect(await protocolOf(path)).toEqual({ minReaderVersion: 2, minWriterVersion: 5 });
    const file = (await (await t.snapshot()).plan()).spec.files[0]?.localPath as string;
    const physical = await duckRows(`SELECT name, field_id FROM parquet_schema('${file}') WHERE name NOT IN ('duckdb_schema', 'list', 'element', 'key_value', 'key', 'value')`);
    expect(physical.map((r) => r[0]).every((n) => String(n).startsWith('col-'))).toBe(true);
    expect(physical.every((r) => (mode === 'id' ? r[1] !== null : true))).toBe(true);
    expect((await rt.verify()).checkpoints).toEqual([2]);
  });

  it('deletion vectors enabled: (3,7) with the feature, files stay plain and readable', async () => {
    const path = h.path('dv');
    await h.rows(`CREATE TABLE ${h.ref(path)} (id INT, s STRING) TBLPROPERTIES ('delta.enableDeletionVectors' = 'true')`);
    const rt = new RoundTrip(h, path);
    await h.rows(`INSERT INTO ${h.ref(path)} VALUES (1, 'a'), (2, 'b')`);
    await rt.expectLatest(table(['id', 's'], [1, 'a'], [2, 'b']));
    await h.rows(`INSERT INTO ${h.ref(path)} REPLACE WHERE id = 1 VALUES (1, 'A')`);
    await rt.expectLatest(table(['id', 's'], [1, 'A'], [2, 'b']));
    expect(await protocolOf(path)).toEqual({ minReaderVersion: 3, minWriterVersion: 7, readerFeatures: ['deletionVectors'], writerFeatures: ['deletionVectors'] });
    expect((await minimalRead(path)).readerFeatures).toEqual(['deletionVectors']);
    await rt.verify();
  });

  it('change data feed enabled: (1,4), and table_changes sees the writes', async () => {
    const path = h.path('cdf');
    const t = h.ref(path);
    await h.rows(`CREATE TABLE ${t} (id INT, s STRING) TBLPROPERTIES ('delta.enableChangeDataFeed' = 'true', ${NO_DV})`);
    const rt = new RoundTrip(h, path);
    await h.rows(`INSERT INTO ${t} VALUES (1, 'a'), (2, 'b')`);
    await rt.expectLatest(table(['id', 's'], [1, 'a'], [2, 'b']));
    await h.rows(`INSERT OVERWRITE ${t} VALUES (3, 'c')`);
    await rt.expectLatest(table(['id', 's'], [3, 'c']));
    expect(await protocolOf(path)).toEqual({ minReaderVersion: 1, minWriterVersion: 4 });
    const changes = await h.rows(`SELECT id, s, _change_type, _commit_version FROM table_changes('${path}', 1)`);
    const expected = table(['id', 's', '_change_type', '_commit_version'], [1, 'a', 'insert', 1], [2, 'b', 'insert', 1], [1, 'a', 'delete', 2], [2, 'b', 'delete', 2], [3, 'c', 'insert', 2]);
    expect(sortedJson(changes)).toEqual(sortedJson(expected));
    // A rewrite that keeps rows writes change data files: the kept row (5) is not reported.
    await h.rows(`INSERT INTO ${t} VALUES (4, 'd'), (5, 'e')`);
    await h.rows(`INSERT INTO ${t} REPLACE WHERE id = 4 VALUES (4, 'D')`);
    await rt.expectLatest(table(['id', 's'], [3, 'c'], [4, 'D'], [5, 'e']));
    expect(await readFile(join(path, '_delta_log', '00000000000000000004.json'), 'utf8')).toMatch(/"cdc":\{"path":"_change_data\//);
    const rewrite = await h.rows(`SELECT id, s, _change_type FROM table_changes('${path}', 4, 4)`);
    expect(sortedJson(rewrite)).toEqual(sortedJson(table(['id', 's', '_change_type'], [4, 'd', 'delete'], [4, 'D', 'insert'])));
    await rt.verify();
  });

  it('protocol is the minimal one for each feature', async () => {
    // Deletion vectors are on by default; each case turns them off to see only its own feature's needs.
    const cases: [string, string, unknown][] = [
      ['plain', `(a INT) TBLPROPERTIES (${NO_DV})`, { minReaderVersion: 1, minWriterVersion: 2 }],
      ['check', `(a INT, CONSTRAINT pos CHECK (a > 0)) TBLPROPERTIES (${NO_DV})`, { minReaderVersion: 1, minWriterVersion: 3 }],
      ['ntz', `(a TIMESTAMP_NTZ) TBLPROPERTIES (${NO_DV})`, { minReaderVersion: 3, minWriterVersion: 7, readerFeatures: ['timestampNtz'], writerFeatures: ['timestampNtz'] }],
      ['ict', `(a INT) TBLPROPERTIES ('delta.enableInCommitTimestamps' = 'true', ${NO_DV})`, { minReaderVersion: 1, minWriterVersion: 7, writerFeatures: ['inCommitTimestamp'] }],
    ];
    for (const [name, ddl, expected] of cases) {
      const path = h.path(`protocol-${name}`);
      await h.rows(`CREATE TABLE ${h.ref(path)} ${ddl}`);
      expect(await protocolOf(path), name).toEqual(expected);
      await validateTableLog(path);
    }
    // Without properties a new table gets deletion vectors, as Databricks does.
    const plain = h.path('protocol-default');
    await h.rows(`CREATE TABLE ${h.ref(plain)} (a INT)`);
    expect(await protocolOf(plain)).toEqual({ minReaderVersion: 3, minWriterVersion: 7, readerFeatures: ['deletionVectors'], writerFeatures: ['deletionVectors'] });
    expect(await configurationOf(plain)).toEqual({ 'delta.enableDeletionVectors': 'true' });
    await validateTableLog(plain);
    // Features only ever add up: a later CHECK on a CDF table keeps writer version 4.
    const path = h.path('protocol-raise');
    await h.rows(`CREATE TABLE ${h.ref(path)} (a INT) TBLPROPERTIES ('delta.enableChangeDataFeed' = 'true', ${NO_DV})`);
    await h.rows(`ALTER TABLE ${h.ref(path)} ADD CONSTRAINT pos CHECK (a > 0)`);
    await h.rows(`ALTER TABLE ${h.ref(path)} SET TBLPROPERTIES ('delta.columnMapping.mode' = 'name')`);
    expect(await protocolOf(path, 2)).toEqual({ minReaderVersion: 2, minWriterVersion: 5 });
    await validateTableLog(path);
  });

  it('checkpointInterval=2 writes checkpoints every 2 versions, readable at every version', async () => {
    const path = h.path('checkpoints');
    const t = h.ref(path);
    await h.rows(`CREATE TABLE ${t} (id INT, p STRING) PARTITIONED BY (p) TBLPROPERTIES ('delta.checkpointInterval' = '2')`);
    const rt = new RoundTrip(h, path);
    const rows: unknown[][] = [];
    for (let i = 1; i <= 5; i++) {
      await h.rows(i === 3 ? `INSERT INTO ${t} REPLACE WHERE p = 'p1' VALUES (${i}, 'p1')` : `INSERT INTO ${t} VALUES (${i}, 'p${i % 2}')`);
      if (i === 3) rows.splice(0, rows.length, ...rows.filter((r) => r[1] !== 'p1'));
      rows.push([i, `p${i % 2}`]);
      await rt.expectLatest(table(['id', 'p'], ...rows));
    }
    const report = await rt.verify();
    expect(report.checkpoints).toEqual([2, 4]);
    expect(JSON.parse(await readFile(join(path, '_delta_log', '_last_checkpoint'), 'utf8'))).toMatchObject({ version: 4 });
  });
});

describe('delta write API: sources, transactions, idempotence', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await openHarness();
  });
  afterAll(async () => h?.close());

  it('row objects and Arrow batches (from a Loch scan) write the same values', async () => {
    const source = h.path('rows-source');
    const t = await h.loch.deltaTable(source);
    await t.create({ mode: 'create', schema: NESTED_SCHEMA });
    const rows = [0, 1, 2, 3].map((i) => ({ id: i, name: `n${i}`, info: { x: BigInt(i), tags: [`t${i}`] }, m: new Map([[`k${i}`, i]]), day: new Date(Date.UTC(2024, 0, i + 1)) }));
    await t.write({ rows: [...rows, { id: 4 }] });
    const rt = new RoundTrip(h, source);
    const expected = table(NESTED_COLUMNS, ...NESTED_ROWS, [4]);
    await rt.expectLatest(expected);
    await rt.verify();

    const copy = h.path('arrow-copy');
    const c = await h.loch.deltaTable(copy);
    await c.create({ mode: 'create', schema: NESTED_SCHEMA });
    const batches: RecordBatch[] = [];
    for await (const batch of (await t.snapshot()).scan()) batches.push(batch);
    await c.write({ arrow: batches });
    const rt2 = new RoundTrip(h, copy);
    await rt2.expectLatest(expected);
    await rt2.verify();
  });

  it('Arrow batches and row objects carry every type exactly (extremes, NaN, 38-digit decimals, microseconds)', async () => {
    const source = h.path('all-types');
    await h.rows(`CREATE TABLE ${h.ref(source)} ${TYPES_DDL}`);
    await h.rows(`INSERT INTO ${h.ref(source)} VALUES ${ROW_MAX}, ${ROW_MIN}, ${ROW_NULL}`);
    const expected = table(TYPE_COLUMNS, EXPECT_MAX, EXPECT_MIN, EXPECT_NULL);
    const schema = (await (await h.loch.deltaTable(source)).snapshot()).schema;
    const viaArrow = await h.loch.deltaTable(h.path('all-types-arrow'));
    await viaArrow.create({ mode: 'create', schema });
    const batches: RecordBatch[] = [];
    for await (const batch of (await (await h.loch.deltaTable(source)).snapshot()).scan()) batches.push(batch);
    await viaArrow.write({ arrow: batches });
    const rt = new RoundTrip(h, h.path('all-types-arrow'));
    await rt.expectLatest(expected);
    await rt.verify();

    const viaRows = await h.loch.deltaTable(h.path('all-types-rows'));
    await viaRows.create({ mode: 'create', schema });
    await viaRows.write({
      rows: [
        {
          bo: true, ti: 127, sm: 32767, i: 2147483647, bi: 9223372036854775807n, f: 1.5, d: Number.NaN, dec: '12345678.91', dec38: '12345678901234567890.123456789012345678',
          s: 'héllo 世界 🎉', bin: new Uint8Array([0, 255]), dt: '0001-01-01', ts: 1582979696123456n, ntz: '2020-02-29T12:34:56.123456',
          st: { a: 1, b: ['x', null], c: { x: 2.5 } }, ar: [{ k: 'a', v: 1n }, null], m: new Map([['k', [1, null]]]),
        },
        {
          bo: false, ti: -128, sm: -32768, i: -2147483648, bi: -9223372036854775808n, f: Number.POSITIVE_INFINITY, d: Number.NEGATIVE_INFINITY, dec: -0.01, dec38: '-12345678901234567890.123456789012345678',
          s: '', bin: new Uint8Array(), dt: new Date(Date.UTC(9999, 11, 31)), ts: new Date('0001-01-01T00:00:00Z'), ntz: 253402300799999999n,
          st: { a: null, b: [], c: null }, ar: [], m: {},
        },
        {},
      ],
    });
    const rt2 = new RoundTrip(h, h.path('all-types-rows'));
    await rt2.expectLatest(expected);
    await rt2.verify();
  });

  it('mergeSchema adds the columns a SQL source brings; older versions read without them', async () => {
    const path = h.path('merge-schema');
    const t = await h.loch.deltaTable(path);
    await t.create({ mode: 'create', schema: { kind: 'struct', fields: [field('a', primitive('integer'))] } });
    const rt = new RoundTrip(h, path);
    await t.write({ sql: 'SELECT 1 AS a' });
    await rt.expectLatest(table(['a'], [1]));
    const refused = await t.write({ sql: `SELECT 2 AS a, 'x' AS b` }, { byName: true }).catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect((refused as Error).message).toMatch(/no column b/);
    await t.write({ sql: `SELECT 'x' AS b, 2 AS a, [1.5]::DOUBLE[] AS c` }, { byName: true, mergeSchema: true });
    await rt.expectLatest(table(['a', 'b', 'c'], [1, null, null], [2, 'x', [1.5]]));
    expect((await t.snapshot()).columns.map((x) => `${x.name}:${x.type}`)).toEqual(['a:integer', 'b:string', 'c:array<double>']);
    await rt.verify();
  });

  it('a TableTransaction commits two writes and an alteration as one version', async () => {
    const path = h.path('transaction');
    const t = await h.loch.deltaTable(path);
    await t.create({ mode: 'create', schema: { kind: 'struct', fields: [field('a', primitive('integer')), field('b', primitive('string'))] } });
    const rt = new RoundTrip(h, path);
    const tx = await t.begin();
    await tx.write({ rows: [{ a: 1, b: 'one' }] });
    await tx.write({ sql: `SELECT 2, 'two'` });
    await tx.alter({ kind: 'add_constraint', name: 'positive', checkSql: 'a > 0' });
    expect((await t.snapshot()).version).toBe(0);
    const outcome = await tx.commit();
    expect(outcome).toMatchObject({ kind: 'committed', commit: { version: 1 } });
    await rt.expectLatest(table(['a', 'b'], [1, 'one'], [2, 'two']));
    expect((await t.snapshot()).properties['delta.constraints.positive']).toBe('a > 0');
    expect(await t.write({ rows: [{ a: -1, b: 'neg' }] }).catch((e: unknown) => (e as { code: string }).code)).toBe('CONSTRAINT_VIOLATION');

    const tx2 = await t.begin();
    await tx2.alter({ kind: 'add_columns', columns: [field('c', primitive('double'))] });
    await tx2.write({ rows: [{ a: 3, b: 'three', c: 0.5 }] });
    await tx2.commit();
    await rt.expectLatest(table(['a', 'b', 'c'], [1, 'one', null], [2, 'two', null], [3, 'three', 0.5]));

    // Later operations see the earlier ones: an overwrite replaces rows staged before it too.
    const tx3 = await t.begin();
    await tx3.write({ rows: [{ a: 4, b: 'four' }] });
    await tx3.write({ sql: `SELECT 1, 'uno', 1.5` }, { replaceWhere: 'a = 1' });
    await tx3.write({ sql: `SELECT 1, 'eins', 2.5` }, { replaceWhere: 'a = 1' });
    await tx3.commit();
    const replaced = table(['a', 'b', 'c'], [1, 'eins', 2.5], [2, 'two', null], [3, 'three', 0.5], [4, 'four', null]);
    await rt.expectLatest(replaced);
    const tx4 = await t.begin();
    await tx4.write({ rows: [{ a: 5, b: 'five' }] });
    await tx4.write({ rows: [{ a: 6, b: 'six' }] }, { mode: 'overwrite' });
    await tx4.commit();
    await rt.expectLatest(table(['a', 'b', 'c'], [6, 'six', null]));
    await rt.verify();
  });

  it('idempotent writes: the same appId and version is written once', async () => {
    const path = h.path('idempotent');
    const t = await h.loch.deltaTable(path);
    await t.create({ mode: 'create', schema: { kind: 'struct', fields: [field('a', primitive('integer'))] } });
    const rt = new RoundTrip(h, path);
    const write = (a: number, version: number) => t.write({ rows: [{ a }] }, { appTransaction: { appId: 'stream-1', version } });
    expect(await write(1, 1)).toMatchObject({ kind: 'committed' });
    await rt.expectLatest(table(['a'], [1]));
    expect(await write(1, 1)).toMatchObject({ kind: 'skipped' });
    expect(await write(0, 0)).toMatchObject({ kind: 'skipped' });
    expect(await write(2, 2)).toMatchObject({ kind: 'committed' });
    await rt.expectLatest(table(['a'], [1], [2]));
    expect((await t.snapshot()).version).toBe(2);
    const log = await readFile(join(path, '_delta_log', '00000000000000000002.json'), 'utf8');
    expect(log).toMatch(/"txn":\{"appId":"stream-1","version":2,"lastUpdated":\d+\}/);
    await rt.verify();
  });

  it('DESCRIBE HISTORY of a write reports numOutputBytes equal to the files added', async () => {
    const path = h.path('metrics');
    const t = await h.loch.deltaTable(path);
    await t.create({ mode: 'create', schema: { kind: 'struct', fields: [field('a', primitive('integer'))] } });
    const outcome = await t.write({ sql: 'SELECT range::INT FROM range(1000)' });
    if (outcome.kind !== 'committed') throw new Error('not committed');
    const files = (await t.snapshot()).delta.files;
    expect(outcome.commit.metrics).toEqual({ numFiles: String(files.length), numOutputRows: '1000', numOutputBytes: String(files.reduce((n, f) => n + f.size, 0)) });
    const names = await readdir(path);
    expect(names.filter((n) => n.startsWith('_loch_staging'))).toEqual(names.includes('_loch_staging') ? ['_loch_staging'] : []);
    await expectMinimalAgrees(h, path);
    await validateTableLog(path);
  });
});

describe('delta write API: replaceWhere as an expression', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await openHarness();
  });
  afterAll(async () => h?.close());

  it('prunes by the expression: files of other partitions are neither read nor removed', async () => {
    const { cmp, col, lit } = await import('../../src/index.js');
    const path = h.path('replace-expr');
    const t = await h.loch.deltaTable(path);
    await t.create({ mode: 'create', schema: { kind: 'struct', fields: [field('id', primitive('long')), field('p', primitive('integer'))] }, partitionColumns: ['p'] });
    await t.write({ sql: 'SELECT range AS id, (range % 3)::INT AS p FROM range(9)' });
    const before = await t.snapshot();
    const outcome = await t.write({ rows: [{ id: 100n, p: 1 }] }, { replaceWhere: cmp('=', col('p'), lit(primitive('integer'), 1)) });
    expect(outcome.kind).toBe('committed');
    if (outcome.kind !== 'committed') return;
    expect(outcome.metrics.removedFiles).toBe(1);
    expect(outcome.metrics.copiedRows).toBe(0);
    const after = await t.snapshot();
    expect(after.fileCount).toBe(before.fileCount);
    const rows = await (await h.loch.sql(`SELECT id::INT, p FROM delta.\`${path}\` ORDER BY id`)).all();
    expect(rows).toEqual([[0, 0], [2, 2], [3, 0], [5, 2], [6, 0], [8, 2], [100, 1]]);
    const history = await t.history(1);
    expect(history[0]?.operationParameters?.['predicate']).toBe(JSON.stringify(['("p" = CAST(1 AS INTEGER))']));
    await validateTableLog(path);
  });
});
