import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXPECT_MAX, EXPECT_MIN, EXPECT_NULL, ROW_MAX, ROW_MIN, ROW_NULL, TYPE_COLUMNS as COLUMNS, TYPES_DDL, RoundTrip, expectMinimalAgrees, openHarness, table } from './delta-write-support.js';
import type { Harness } from './delta-write-support.js';
import { inspectTableLog, validateTableLog } from '../support/log-validator.js';
import { minimalRead } from '../support/minimal-delta-reader.js';

/**
 * Round trips of every type and every partition column type through SQL writes: what Loch
 * writes reads back equal (by version and by timestamp, through Loch and through the minimal
 * reader), and every commit passes the writer-side validator.
 */
describe('delta write round trip: types', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await openHarness();
  });
  afterAll(async () => h?.close());

  it('every primitive and nested type, NULLs everywhere, with Spark type names, at every version', async () => {
    const path = h.path('types-spark');
    const t = h.ref(path);
    await h.rows(`CREATE TABLE ${t} ${TYPES_DDL}`);
    const rt = new RoundTrip(h, path);
    expect(await rt.expectLatest([])).toBe(0);
    await h.rows(`INSERT INTO ${t} VALUES ${ROW_MAX}, ${ROW_NULL}`);
    expect(await rt.expectLatest(table(COLUMNS, EXPECT_MAX, EXPECT_NULL))).toBe(1);
    await h.rows(`INSERT INTO ${t} VALUES ${ROW_MIN}`);
    expect(await rt.expectLatest(table(COLUMNS, EXPECT_MAX, EXPECT_NULL, EXPECT_MIN))).toBe(2);
    const columns = (await (await h.loch.deltaTable(path)).snapshot()).columns;
    expect(columns.map((c) => `${c.name} ${c.type}`)).toEqual([
      'bo boolean', 'ti byte', 'sm short', 'i integer', 'bi long', 'f float', 'd double', 'dec decimal(10,2)', 'dec38 decimal(38,18)',
      's string', 'bin binary', 'dt date', 'ts timestamp', 'ntz timestamp_ntz', 'st struct<a:integer,b:array<string>,c:struct<x:double>>',
      'ar array<struct<k:string,v:long>>', 'm map<string,array<integer>>',
    ]);
    // Statistics hold 38 significant digits; pruning must not round them into a false bound.
    expect(await h.rows(`SELECT i FROM ${t} WHERE dec38 = '12345678901234567890.123456789012345678'::DECIMAL(38,18)`)).toEqual([{ i: 2147483647 }]);
    expect(await h.rows(`SELECT i FROM ${t} WHERE dec38 = '-12345678901234567890.123456789012345678'::DECIMAL(38,18)`)).toEqual([{ i: -2147483648 }]);
    await rt.verify();
  });

  it('DuckDB type names give the same Delta types', async () => {
    const path = h.path('types-duckdb');
    const t = h.ref(path);
    await h.rows(`CREATE TABLE ${t} (bo BOOL, ti TINYINT, sm SMALLINT, i INTEGER, bi BIGINT, f REAL, d DOUBLE, dec NUMERIC(10,2), dec38 DECIMAL(38,18),
      s VARCHAR, bin BLOB, dt DATE, ts TIMESTAMPTZ, ntz TIMESTAMP WITHOUT TIME ZONE, st STRUCT(a INTEGER, b VARCHAR[], c STRUCT(x DOUBLE)),
      ar STRUCT(k VARCHAR, v BIGINT)[], m MAP(VARCHAR, INTEGER[]))`);
    const rt = new RoundTrip(h, path);
    await h.rows(`INSERT INTO ${t} VALUES ${ROW_MIN}, ${ROW_MAX}`);
    await rt.expectLatest(table(COLUMNS, EXPECT_MIN, EXPECT_MAX));
    const spark = (await (await h.loch.deltaTable(h.path('types-spark'))).snapshot()).schema;
    expect((await (await h.loch.deltaTable(path)).snapshot()).schema).toEqual(spark);
    await rt.verify();
  });

  it('decimal(38,18) at the edges of its range, with statistics that prune exactly', async () => {
    const path = h.path('dec38-edges');
    const t = h.ref(path);
    await h.rows(`CREATE TABLE ${t} (id INT, v DECIMAL(38,18))`);
    const rt = new RoundTrip(h, path);
    const low = '-99999999999999999999.999999999999999999';
    const high = '99999999999999999999.999999999999999999';
    await h.rows(`INSERT INTO ${t} VALUES (1, '${low}'::DECIMAL(38,18)), (2, '${high}'::DECIMAL(38,18))`);
    await rt.expectLatest(table(['id', 'v'], [1, low], [2, high]));
    await h.rows(`INSERT INTO ${t} VALUES (3, '12345678901234567890.123456789012345678'::DECIMAL(38,18))`);
    const all = table(['id', 'v'], [1, low], [2, high], [3, '12345678901234567890.123456789012345678']);
    await rt.expectLatest(all);
    // The second file's max is exactly this value: its statistics must not prune it away.
    expect(await h.rows(`SELECT id FROM ${t} WHERE v = '12345678901234567890.123456789012345678'::DECIMAL(38,18)`)).toEqual([{ id: 3 }]);
    expect(await h.rows(`SELECT id FROM ${t} WHERE v >= '12345678901234567890.123456789012345678'::DECIMAL(38,18) ORDER BY id`)).toEqual([{ id: 2 }, { id: 3 }]);
    await rt.verify();
  });

  it('long strings: truncated statistics stay true bounds in UTF-8 order', async () => {
    const path = h.path('long-strings');
    const t = h.ref(path);
    await h.rows(`CREATE TABLE ${t} (id INT, s STRING)`);
    const rt = new RoundTrip(h, path);
    const a32 = 'a'.repeat(32);
    const values = [`${a32}🎉`, `${'a'.repeat(31)}🎉x`, `${a32}\uFFFFz`, `${a32}é`, 'b'.repeat(100)];
    const rows: unknown[][] = [];
    for (const [i, v] of values.entries()) {
      await h.rows(`INSERT INTO ${t} VALUES (${i}, '${v}')`);
      rows.push([i, v]);
    }
    await rt.expectLatest(table(['id', 's'], ...rows));
    for (const [i, v] of values.entries()) expect(await h.rows(`SELECT id FROM ${t} WHERE s = '${v}'`), v).toEqual([{ id: i }]);
    await rt.verify();
  });

  it('CTAS keeps the query types and rows; the protocol is minimal for them', async () => {
    const source = h.ref(h.path('types-spark'));
    const path = h.path('ctas');
    await h.rows(`CREATE TABLE ${h.ref(path)} TBLPROPERTIES ('delta.enableDeletionVectors' = 'false') AS SELECT i, s, dec38, ntz, st FROM ${source} VERSION AS OF 2 WHERE i IS NOT NULL`);
    const rt = new RoundTrip(h, path);
    const pick = (r: unknown[]) => [r[3], r[9], r[8], r[13], r[14]];
    await rt.expectLatest(table(['i', 's', 'dec38', 'ntz', 'st'], pick(EXPECT_MAX), pick(EXPECT_MIN)));
    const log = await readFile(join(path, '_delta_log', '00000000000000000000.json'), 'utf8');
    expect(log).toContain('"operation":"CREATE TABLE AS SELECT"');
    expect(JSON.parse(log.split('\n').find((l) => l.includes('"protocol"')) as string)).toEqual({
      protocol: { minReaderVersion: 3, minWriterVersion: 7, readerFeatures: ['timestampNtz'], writerFeatures: ['timestampNtz'] },
    });
    await rt.verify();
  });
});

/** Values with characters that need escaping in paths: '/', '=', '%', space, unicode, and more. */
const AWKWARD = ['a/b', 'k=v', '100%', 'with space', 'ünï €', '#?:*', ''];

describe('delta write round trip: partitions', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await openHarness();
  });
  afterAll(async () => h?.close());

  it('string partitions with awkward characters and NULL', async () => {
    const path = h.path('part-string');
    const t = h.ref(path);
    await h.rows(`CREATE TABLE ${t} (id INT, p STRING) PARTITIONED BY (p)`);
    const values = AWKWARD.map((v, i) => `(${i}, '${v}')`).join(', ');
    await h.rows(`INSERT INTO ${t} VALUES ${values}, (99, NULL)`);
    const rt = new RoundTrip(h, path);
    // Spark writes an empty partition string as NULL (the directory cannot be empty).
    const expected = [...AWKWARD.map((v, i) => [i, v === '' ? null : v]), [99, null]];
    await rt.expectLatest(table(['id', 'p'], ...expected));
    await rt.expectLatest(table(['id', 'p'], ...expected));
    for (const v of AWKWARD.filter((x) => x !== '')) {
      const rows = await h.rows(`SELECT id FROM ${t} WHERE p = '${v}'`);
      expect(rows, v).toEqual([{ id: AWKWARD.indexOf(v) }]);
    }
    expect(await h.rows(`SELECT id FROM ${t} WHERE p IS NULL ORDER BY id`)).toEqual([{ id: 6 }, { id: 99 }]);
    const report = await rt.verify();
    expect(report.versions).toEqual([0, 1]);
  });

  const PARTITION_TYPES: [string, string, string, unknown][] = [
    ['BOOLEAN', 'true', 'false', false],
    ['TINYINT', '-5', '7', 7],
    ['SMALLINT', '-300', '300', 300],
    ['INT', '-70000', '70000', 70000],
    ['BIGINT', '-9223372036854775808', '9223372036854775807', '9223372036854775807'],
    ['FLOAT', '-1.5', '0.25', 0.25],
    ['DOUBLE', '-2.5e300', '3.125', 3.125],
    ['DECIMAL(38,18)', "'-12345678901234567890.123456789012345678'::DECIMAL(38,18)", "'0.000000000000000001'::DECIMAL(38,18)", '0.000000000000000001'],
    ['DECIMAL(5,2)', '-1.5', '999.99', '999.99'],
    ['DATE', "DATE '0001-01-01'", "DATE '9999-12-31'", '9999-12-31'],
    ['TIMESTAMP', "TIMESTAMPTZ '1969-12-31 23:59:59.000001+00'", "TIMESTAMPTZ '2024-02-29 08:00:00+00'", '2024-02-29T08:00:00.000000Z'],
    ['TIMESTAMP_NTZ', "TIMESTAMP '2000-01-01 00:00:00.5'", "TIMESTAMP '2100-06-15 23:59:59'", '2100-06-15T23:59:59.000000'],
  ];

  it.each(PARTITION_TYPES)('partitioned by %s, with a NULL partition', async (type, low, high, highCanonical) => {
    const path = h.path(`part-${type.replace(/\W/g, '')}`);
    const t = h.ref(path);
    await h.rows(`CREATE TABLE ${t} (id INT, p ${type}) PARTITIONED BY (p)`);
    await h.rows(`INSERT INTO ${t} VALUES (1, ${low}), (2, ${high}), (3, NULL), (4, ${high})`);
    const rt = new RoundTrip(h, path);
    const rows = await h.rows(`SELECT id, p FROM ${t} ORDER BY id`);
    expect(rows[1]).toEqual({ id: 2, p: highCanonical });
    expect(rows[2]).toEqual({ id: 3, p: null });
    await rt.expectLatest(rows);
    const selected = await h.rows(`SELECT id FROM ${t} WHERE p = (SELECT p FROM ${t} WHERE id = 2) ORDER BY id`);
    expect(selected).toEqual([{ id: 2 }, { id: 4 }]);
    // Same physical value → same partition: three partitions (low, high, NULL).
    expect((await (await h.loch.deltaTable(path)).snapshot()).fileCount).toBe(3);
    await rt.verify();
  });

  it('binary partition columns are refused', async () => {
    const error = await h.error(`CREATE TABLE ${h.ref(h.path('part-binary'))} (id INT, p BINARY) PARTITIONED BY (p)`);
    expect(error.code).toBe('UNSUPPORTED_FEATURE');
    expect(error.message).toMatch(/binary partition column p/);
  });

  it('two partition columns, written across several commits, read back at every version', async () => {
    const path = h.path('part-two');
    const t = h.ref(path);
    await h.rows(`CREATE TABLE ${t} (v DOUBLE, d DATE, s STRING) PARTITIONED BY (d, s)`);
    const rt = new RoundTrip(h, path);
    const all: unknown[][] = [];
    for (let i = 0; i < 3; i++) {
      await h.rows(`INSERT INTO ${t} VALUES (${i}.5, DATE '2024-01-0${i + 1}', 'x/${i}'), (${i}.25, NULL, 'y=${i}')`);
      all.push([i + 0.5, `2024-01-0${i + 1}`, `x/${i}`], [i + 0.25, null, `y=${i}`]);
      await rt.expectLatest(table(['v', 'd', 's'], ...all));
    }
    await rt.verify();
    const adds = (await readFile(join(path, '_delta_log', '00000000000000000001.json'), 'utf8')).split('\n').filter((l) => l.includes('"add"'));
    const partitionValues = adds.map((l) => (JSON.parse(l) as { add: { partitionValues: unknown } }).add.partitionValues);
    expect(partitionValues).toEqual(expect.arrayContaining([{ d: '2024-01-01', s: 'x/0' }, { d: null, s: 'y=0' }]));
  });

  it('the minimal reader and the validator agree with a plain append on latest', async () => {
    const path = h.path('part-string');
    await expectMinimalAgrees(h, path);
    await validateTableLog(path);
  });
});

/** The checkers must catch what they exist to catch, or every green test above means nothing. */
describe('delta write round trip: the checkers are not vacuous', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await openHarness();
  });
  afterAll(async () => h?.close());

  async function tampered(name: string, edit: (commit1: string) => string): Promise<string[]> {
    const path = h.path(name);
    await h.rows(`CREATE TABLE ${h.ref(path)} (id INT, s STRING)`);
    await h.rows(`INSERT INTO ${h.ref(path)} VALUES (1, 'x'), (2, 'y')`);
    const file = join(path, '_delta_log', '00000000000000000001.json');
    await writeFile(file, edit(await readFile(file, 'utf8')));
    return (await inspectTableLog(path)).problems;
  }

  it('the validator reports false statistics, missing files, double adds and gaps', async () => {
    expect(await tampered('bad-stats', (c) => c.replace('\\"maxValues\\":{\\"id\\":2', '\\"maxValues\\":{\\"id\\":1'))).toEqual([expect.stringMatching(/stats id: a value above maxValues/)]);
    expect(await tampered('bad-count', (c) => c.replace('\\"numRecords\\":2', '\\"numRecords\\":3'))).toEqual([expect.stringMatching(/numRecords wrong/)]);
    expect(await tampered('bad-path', (c) => c.replace('"path":"part-', '"path":"gone-'))).toEqual([expect.stringMatching(/does not exist on disk/)]);
    const twice = await tampered('twice', (c) => `${c}${c.split('\n').find((l) => l.startsWith('{"add"'))}\n`);
    expect(twice.join('\n')).toMatch(/already live/);
    const path = h.path('bad-stats');
    await rm(join(path, '_delta_log', '00000000000000000001.json'));
    await h.rows(`CREATE TABLE ${h.ref(h.path('gap'))} (a INT)`);
    await writeFile(join(h.path('gap'), '_delta_log', '00000000000000000002.json'), '{"commitInfo":{"timestamp":1,"operation":"WRITE","operationMetrics":{}}}\n');
    expect((await inspectTableLog(h.path('gap'))).problems).toEqual([expect.stringMatching(/not contiguous/)]);
  });

  it('the minimal reader refuses reader features it does not know and deletion vectors it cannot apply', async () => {
    const path = h.path('unknown-feature');
    // Without deletion vectors (on by default) the protocol is the exact (1,2) line replaced below.
    await h.rows(`CREATE TABLE ${h.ref(path)} (id INT) TBLPROPERTIES ('delta.enableDeletionVectors' = 'false')`);
    const file = join(path, '_delta_log', '00000000000000000000.json');
    const log = await readFile(file, 'utf8');
    await writeFile(file, log.replace('{"protocol":{"minReaderVersion":1,"minWriterVersion":2}}', '{"protocol":{"minReaderVersion":3,"minWriterVersion":7,"readerFeatures":["v2Checkpoint"],"writerFeatures":["v2Checkpoint"]}}'));
    await expect(minimalRead(path)).rejects.toThrow(/unsupported reader feature v2Checkpoint/);
    const dv = h.path('with-dv');
    await h.rows(`CREATE TABLE ${h.ref(dv)} (id INT)`);
    await h.rows(`INSERT INTO ${h.ref(dv)} VALUES (1)`);
    const commit = join(dv, '_delta_log', '00000000000000000001.json');
    const descriptor = '"deletionVector":{"storageType":"i","pathOrInlineDv":"wi5b=000010000siXQKl0rr91000f55c8Xg0@@D72lkbi5=-{L","sizeInBytes":40,"cardinality":1}';
    await writeFile(commit, (await readFile(commit, 'utf8')).replace('"dataChange":true', `"dataChange":true,${descriptor}`));
    await expect(minimalRead(dv)).rejects.toThrow(/deletion vector/);
  });
});
