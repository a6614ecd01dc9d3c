import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LochError } from '../../core/errors.js';
import { SequentialIds } from '../../core/ids.js';
import { decimal, field, primitive, type DataType } from '../../expr/types.js';
import type { ParquetWriteSpec, WriteColumn, WritePartitionColumn, WrittenFile } from '../write-spec.js';
import { DuckDbEngine } from './database.js';
import { writeParquet } from './parquet-write.js';
import type { Session } from './session.js';
import type { Row } from './values.js';

const int = primitive('integer');
const long = primitive('long');
const str = primitive('string');

let engine: DuckDbEngine;
let session: Session;
let root: string;
let counter = 0;

beforeAll(async () => {
  engine = await DuckDbEngine.create({ threads: 2, ids: new SequentialIds() });
  session = await engine.session();
  root = await mkdtemp(join(tmpdir(), 'loch-pwrite-'));
});
afterAll(async () => {
  await engine.close();
  await rm(root, { recursive: true, force: true });
});

function column(name: string, type: DataType, extra: Partial<WriteColumn> = {}): WriteColumn {
  return { source: name, name, physicalName: name, type, nullable: true, ...extra };
}

function partition(name: string, type: DataType, extra: Partial<WritePartitionColumn> = {}): WritePartitionColumn {
  return { source: name, physicalName: name, type, ...extra };
}

/** A spec writing into a fresh directory under the test root. */
function spec(sourceSql: string, columns: WriteColumn[], extra: Partial<ParquetWriteSpec> = {}): ParquetWriteSpec {
  counter += 1;
  return { sourceSql, columns, partitionColumns: [], constraints: [], outputDir: join(root, `t${counter}`), fileId: `w${counter}`, ...extra };
}

async function query(sql: string, s: Session = session): Promise<Row[]> {
  return (await s.query(sql)).all();
}

async function readBack(files: readonly WrittenFile[], orderBy = '1'): Promise<Row[]> {
  const list = files.map((f) => `'${f.localPath.replaceAll("'", "''")}'`).join(', ');
  return query(`SELECT * FROM read_parquet([${list}], hive_partitioning = false) ORDER BY ${orderBy}`);
}

/** name → [physical type, converted type, logical type, field id] of a file's schema. */
async function schemaOf(file: WrittenFile): Promise<Map<string, (string | null)[]>> {
  const rows = await query(`SELECT name, type, converted_type, logical_type, field_id FROM parquet_schema('${file.localPath}')`);
  return new Map(rows.map((r) => [r[0] as string, r.slice(1).map((v) => (v === null ? null : String(v)))]));
}

function statsOf(file: WrittenFile, ...path: string[]) {
  return file.columnStats.find((s) => s.path.join('.') === path.join('.'));
}

async function failure(promise: Promise<unknown>): Promise<LochError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof LochError) return error;
    throw error;
  }
  throw new Error('expected the write to fail');
}

async function filesUnder(dir: string): Promise<string[]> {
  if (!existsSync(dir)) return [];
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name).slice(dir.length + 1)).sort();
}

const ALL_TYPES = `SELECT * FROM (VALUES
  (true, 1::TINYINT, 2::SMALLINT, 3, 4::BIGINT, 1.5::FLOAT, 2.5::DOUBLE, 'x', '\\x01'::BLOB, DATE '2020-01-02',
   TIMESTAMPTZ '2020-01-02 03:04:05.123456+00', TIMESTAMP '2020-01-02 03:04:05.5', 12.34, 12.34, 12.34),
  (false, -1, -2, -3, -4, 0.1, -1e-7, 'zz', '\\xff'::BLOB, DATE '1969-12-31',
   TIMESTAMPTZ '1969-12-31 23:59:59.999999+00', TIMESTAMP '1900-01-01 00:00:00', -1.5, -99999999999999.99, -1e20),
  (NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)
) t(bo, y8, sh, i, l, f, d, s, bi, da, ts, tn, de9, de18, de38)`;

const ALL_COLUMNS = [
  column('bo', primitive('boolean')),
  column('y8', primitive('byte')),
  column('sh', primitive('short')),
  column('i', int),
  column('l', long),
  column('f', primitive('float')),
  column('d', primitive('double')),
  column('s', str),
  column('bi', primitive('binary')),
  column('da', primitive('date')),
  column('ts', primitive('timestamp')),
  column('tn', primitive('timestamp_ntz')),
  column('de9', decimal(5, 2)),
  column('de18', decimal(18, 2)),
  column('de38', decimal(38, 2)),
];

describe('writeParquet: types', () => {
  it('writes every primitive type with the parquet type of the table type', async () => {
    const files = await writeParquet(session, spec(ALL_TYPES, ALL_COLUMNS));
    expect(files).toHaveLength(1);
    const file = files[0] as WrittenFile;
    expect(file.rowCount).toBe(3);
    expect(file.relativePath).toBe(`part-0-w${counter}.snappy.parquet`);
    expect(file.sizeBytes).toBe((await stat(file.localPath)).size);
    const schema = await schemaOf(file);
    expect(schema.get('bo')?.slice(0, 2)).toEqual(['BOOLEAN', null]);
    expect(schema.get('y8')?.slice(0, 2)).toEqual(['INT32', 'INT_8']);
    expect(schema.get('sh')?.slice(0, 2)).toEqual(['INT32', 'INT_16']);
    expect(schema.get('i')?.slice(0, 2)).toEqual(['INT32', 'INT_32']);
    expect(schema.get('l')?.slice(0, 2)).toEqual(['INT64', 'INT_64']);
    expect(schema.get('f')?.[0]).toBe('FLOAT');
    expect(schema.get('d')?.[0]).toBe('DOUBLE');
    expect(schema.get('s')?.slice(0, 2)).toEqual(['BYTE_ARRAY', 'UTF8']);
    expect(schema.get('bi')?.slice(0, 2)).toEqual(['BYTE_ARRAY', null]);
    expect(schema.get('da')?.slice(0, 2)).toEqual(['INT32', 'DATE']);
    expect(schema.get('ts')?.slice(0, 2)).toEqual(['INT64', 'TIMESTAMP_MICROS']);
    expect(schema.get('ts')?.[2]).toContain('isAdjustedToUTC=1');
    expect(schema.get('tn')?.[2]).toContain('isAdjustedToUTC=0');
    expect(schema.get('de9')?.slice(0, 2)).toEqual(['INT32', 'DECIMAL']);
    expect(schema.get('de18')?.slice(0, 2)).toEqual(['INT64', 'DECIMAL']);
    expect(schema.get('de38')?.slice(0, 2)).toEqual(['FIXED_LEN_BYTE_ARRAY', 'DECIMAL']);
    const back = await readBack(files, 'i NULLS LAST');
    expect(back[0]).toEqual([false, -1, -2, -3, -4n, 0.1, -1e-7, 'zz', new Uint8Array([255]), '1969-12-31', '1969-12-31T23:59:59.999999Z', '1900-01-01T00:00:00.000000', '-1.50', '-99999999999999.99', '-100000000000000000000.00']);
    expect(back[1]).toEqual([true, 1, 2, 3, 4n, 1.5, 2.5, 'x', new Uint8Array([1]), '2020-01-02', '2020-01-02T03:04:05.123456Z', '2020-01-02T03:04:05.500000', '12.34', '12.34', '12.34']);
    expect(back[2]?.every((v) => v === null)).toBe(true);
  });

  it('reports exact statistics as Literal values', async () => {
    const [file] = await writeParquet(session, spec(ALL_TYPES, ALL_COLUMNS));
    const f = file as WrittenFile;
    const bounds = (name: string) => {
      const s = statsOf(f, name);
      return [s?.min, s?.max, s?.nullCount];
    };
    expect(bounds('bo')).toEqual([false, true, 1]);
    expect(bounds('y8')).toEqual([-1, 1, 1]);
    expect(bounds('i')).toEqual([-3, 3, 1]);
    expect(bounds('l')).toEqual([-4n, 4n, 1]);
    expect(bounds('f')).toEqual([0.1, 1.5, 1]);
    expect(bounds('d')).toEqual([-1e-7, 2.5, 1]);
    expect(bounds('s')).toEqual(['x', 'zz', 1]);
    expect(bounds('bi')).toEqual([undefined, undefined, 1]);
    expect(bounds('da')).toEqual(['1969-12-31', '2020-01-02', 1]);
    expect(bounds('ts')).toEqual([-1n, 1577934245123456n, 1]);
    expect(bounds('tn')).toEqual([-2208988800000000n, 1577934245500000n, 1]);
    expect(bounds('de9')).toEqual(['-1.50', '12.34', 1]);
    expect(bounds('de18')).toEqual(['-99999999999999.99', '12.34', 1]);
    expect(bounds('de38')).toEqual(['-100000000000000000000.00', '12.34', 1]);
    expect(f.columnStats.map((s) => s.path.join('.'))).toEqual(ALL_COLUMNS.map((c) => c.name));
  });

  it('casts source columns to the table types and names the column a value cannot cast into', async () => {
    const files = await writeParquet(session, spec(`SELECT 7 AS a, '5' AS b, 1.25 AS c`, [column('a', long), column('b', int), column('c', primitive('float'))]));
    expect(await readBack(files)).toEqual([[7n, 5, 1.25]]);
    expect((await schemaOf(files[0] as WrittenFile)).get('a')?.[0]).toBe('INT64');

    const s = spec(`SELECT * FROM (VALUES (1, '2'), (2, 'abc')) t(a, b)`, [column('a', int), column('b', int, { name: 'logical_b' })]);
    const error = await failure(writeParquet(session, s));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toMatch(/^delta write: column logical_b \(integer\): cannot cast source column "b": Conversion Error: .*'abc'/);
    expect(await filesUnder(s.outputDir)).toEqual([]);
    expect(existsSync(s.outputDir)).toBe(false);
  });

  it('names the column of a failing nested cast', async () => {
    const type: DataType = { kind: 'struct', fields: [field('x', int)] };
    const s = spec(`SELECT 1 AS a, {'x': 'abc'} AS st`, [column('a', int), column('st', type)]);
    const error = await failure(writeParquet(session, s));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toContain('column st (struct<x:integer>)');
  });

  it('reports the bind error of a source that is not valid SQL', async () => {
    const error = await failure(writeParquet(session, spec(`SELECT nope FROM range(3)`, [column('a', int)])));
    expect(error.code).toBe('SQL_ERROR');
    expect(error.message).toMatch(/^delta write: Binder Error: .*nope/);
  });
});

describe('writeParquet: floating point', () => {
  it('keeps the sign of zero (DuckDB dictionaries merge -0.0 and 0.0)', async () => {
    const dbl = primitive('double');
    const files = await writeParquet(session, spec(`SELECT CASE WHEN i % 2 = 0 THEN CAST('-0.0' AS DOUBLE) ELSE 0.0 END AS f FROM range(10) t(i)`, [column('f', dbl)]));
    const counts = await query(`SELECT f::VARCHAR, count(*)::INT FROM read_parquet(${JSON.stringify(files.map((f) => f.localPath)).replaceAll('"', "'")}) GROUP BY 1 ORDER BY 1`);
    expect(counts).toEqual([['-0.0', 5], ['0.0', 5]]);
  });
});

describe('writeParquet: nested columns', () => {
  const inner = { kind: 'struct', fields: [field('z', int, true, { physicalName: 'col-z', fieldId: 8 })] } as const;
  const structType: DataType = {
    kind: 'struct',
    fields: [
      field('p', int, true, { physicalName: 'col-p', fieldId: 3 }),
      field('q', { kind: 'array', element: inner, containsNull: true }, true, { physicalName: 'col "q"', fieldId: 7 }),
    ],
  };
  const mapType: DataType = { kind: 'map', key: str, value: { kind: 'struct', fields: [field('w', long, true, { physicalName: 'col-w', fieldId: 10 })] }, valueContainsNull: true };
  const columns = [
    column('id', int, { physicalName: 'col-id', fieldId: 1 }),
    column('s', structType, { physicalName: 'col-s', fieldId: 2 }),
    column('m', mapType, { physicalName: 'col-m', fieldId: 9 }),
    column('plain', { kind: 'array', element: str, containsNull: true }),
  ];
  const source = `SELECT * FROM (VALUES
    (1, {'p': 1, 'q': [{'z': 5}, NULL]}, MAP {'k': {'w': 1}, 'n': NULL}, ['a', NULL]),
    (2, {'p': NULL, 'q': NULL}, MAP {}, []),
    (3, NULL, NULL, NULL)) t(id, s, m, plain)`;

  it('renames struct fields at every level and writes field ids', async () => {
    const files = await writeParquet(session, spec(source, columns));
    const file = files[0] as WrittenFile;
    const back = await readBack(files);
    expect(back).toEqual([
      [1, { 'col-p': 1, 'col "q"': [{ 'col-z': 5 }, null] }, [{ key: 'k', value: { 'col-w': 1n } }, { key: 'n', value: null }], ['a', null]],
      [2, { 'col-p': null, 'col "q"': null }, [], []],
      [3, null, null, null],
    ]);
    const schema = await schemaOf(file);
    expect(schema.get('col-id')?.[3]).toBe('1');
    expect(schema.get('col-s')?.[3]).toBe('2');
    expect(schema.get('col-p')?.[3]).toBe('3');
    expect(schema.get('col "q"')?.[3]).toBe('7');
    expect(schema.get('col-z')?.[3]).toBe('8');
    expect(schema.get('col-m')?.[3]).toBe('9');
    expect(schema.get('col-w')?.[3]).toBe('10');
    expect(schema.get('w')).toBeUndefined();
  });

  it('gives null counts for every leaf and bounds only outside lists and maps', async () => {
    const [file] = await writeParquet(session, spec(source, columns));
    const stats = (file as WrittenFile).columnStats;
    expect(stats.map((s) => s.path)).toEqual([
      ['col-id'],
      ['col-s', 'col-p'],
      ['col-s', 'col "q"', 'element', 'col-z'],
      ['col-m', 'key'],
      ['col-m', 'value', 'col-w'],
      ['plain', 'element'],
    ]);
    expect(stats[1]).toEqual({ path: ['col-s', 'col-p'], min: 1, max: 1, nullCount: 2 });
    expect(stats[2]?.min).toBeUndefined();
    expect(stats[2]?.nullCount).toBeGreaterThan(0);
    expect(stats[5]?.max).toBeUndefined();
  });
});

describe('writeParquet: partitions', () => {
  it('writes partition directories and reports Delta partition text', async () => {
    const source = `SELECT * FROM (VALUES
      (1, 'a/b =%ü', 10), (2, NULL, 10), (3, '', 11), (4, 'a/b =%ü', 11), (5, 'plain', NULL)) t(id, p, n)`;
    const files = await writeParquet(session, spec(source, [column('id', int)], { partitionColumns: [partition('p', str), partition('n', int, { physicalName: 'col-n' })] }));
    const byRows = files.map((f) => [f.partitionValues, f.rowCount]);
    expect(byRows).toEqual(
      expect.arrayContaining([
        [{ p: 'a/b =%ü', 'col-n': '10' }, 1],
        [{ p: null, 'col-n': '10' }, 1],
        [{ p: null, 'col-n': '11' }, 1],
        [{ p: 'a/b =%ü', 'col-n': '11' }, 1],
        [{ p: 'plain', 'col-n': null }, 1],
      ]),
    );
    expect(files).toHaveLength(5);
    for (const f of files) {
      expect(existsSync(join(root, `t${counter}`, ...f.relativePath.split('/')))).toBe(true);
      expect((await schemaOf(f)).has('p')).toBe(false);
    }
    const special = files.find((f) => f.partitionValues['p'] === 'a/b =%ü' && f.partitionValues['col-n'] === '10') as WrittenFile;
    expect(special.relativePath).toBe(`p=a%2Fb%20%3D%25%C3%BC/col-n=10/part-0-w${counter}.snappy.parquet`);
    const nullFile = files.find((f) => f.partitionValues['p'] === null && f.partitionValues['col-n'] === '10') as WrittenFile;
    expect(nullFile.relativePath.startsWith('p=__HIVE_DEFAULT_PARTITION__/col-n=10/')).toBe(true);
    expect((await readBack(files)).map((r) => r[0])).toEqual([1, 2, 3, 4, 5]);
  });

  it('renders every partition type as Delta text, timestamps in UTC whatever the session TimeZone', async () => {
    const other = await engine.session();
    try {
      await other.run(`SET TimeZone = 'Asia/Kathmandu'`);
      const source = `SELECT * FROM (VALUES
        (1, true, 5::TINYINT, 9007199254740993::BIGINT, 1.50::DECIMAL(5,2), 'nan'::DOUBLE, 0.1::FLOAT, DATE '2020-01-02',
         TIMESTAMPTZ '2020-01-02 03:04:05+00', TIMESTAMP '2020-01-02 03:04:05.000100'),
        (2, false, -5::TINYINT, -1::BIGINT, -0.5::DECIMAL(5,2), '-inf'::DOUBLE, 1e10::FLOAT, DATE '1969-12-31',
         TIMESTAMPTZ '1969-12-31 23:59:59.5+00', TIMESTAMP '2000-01-01 00:00:00')) t(id, b, y, l, de, d, f, da, ts, tn)`;
      const parts: WritePartitionColumn[] = [
        partition('b', primitive('boolean')),
        partition('y', primitive('byte')),
        partition('l', long),
        partition('de', decimal(5, 2)),
        partition('d', primitive('double')),
        partition('f', primitive('float')),
        partition('da', primitive('date')),
        partition('ts', primitive('timestamp')),
        partition('tn', primitive('timestamp_ntz')),
      ];
      const s = spec(source, [column('id', int), column('t', primitive('timestamp'), { source: 'ts' })], { partitionColumns: parts });
      const files = await writeParquet(other, s);
      const values = files.map((f) => f.partitionValues).sort((a, b) => String(a['b']).localeCompare(String(b['b'])));
      expect(values).toEqual([
        { b: 'false', y: '-5', l: '-1', de: '-0.50', d: '-Infinity', f: '10000000000.0', da: '1969-12-31', ts: '1969-12-31 23:59:59.500000', tn: '2000-01-01 00:00:00' },
        { b: 'true', y: '5', l: '9007199254740993', de: '1.50', d: 'NaN', f: '0.1', da: '2020-01-02', ts: '2020-01-02 03:04:05', tn: '2020-01-02 03:04:05.000100' },
      ]);
      const t = files.map((f) => statsOf(f, 't')?.min).sort();
      expect(t).toEqual([-500000n, 1577934245000000n]);
    } finally {
      await other.close();
    }
  });

  it('refuses binary and nested partition columns before writing anything', async () => {
    const s = spec(`SELECT 1 AS a, '\\x01'::BLOB AS p`, [column('a', int)], { partitionColumns: [partition('p', primitive('binary'))] });
    expect((await failure(writeParquet(session, s))).code).toBe('UNSUPPORTED_FEATURE');
    const n = spec(`SELECT 1 AS a, [1] AS p`, [column('a', int)], { partitionColumns: [partition('p', { kind: 'array', element: int, containsNull: true })] });
    expect((await failure(writeParquet(session, n))).code).toBe('INVALID_ARGUMENT');
    expect(existsSync(s.outputDir) || existsSync(n.outputDir)).toBe(false);
  });

  it('refuses a string partition value that would land in the NULL directory', async () => {
    const s = spec(`SELECT * FROM (VALUES (1, NULL), (2, '__HIVE_DEFAULT_PARTITION__')) t(a, p)`, [column('a', int)], { partitionColumns: [partition('p', str)] });
    const error = await failure(writeParquet(session, s));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toContain('__HIVE_DEFAULT_PARTITION__');
    expect(existsSync(s.outputDir)).toBe(false);
  });

  it('adds files to existing partition directories and removes its own files on failure', async () => {
    const dir = join(root, 'partitioned');
    const write = (fileId: string, sourceSql: string) =>
      writeParquet(session, { ...spec(sourceSql, [column('a', long, { nullable: false })], { partitionColumns: [partition('p', long)] }), outputDir: dir, fileId });
    const first = await write('one', `SELECT range AS a, range % 3 AS p FROM range(30)`);
    const second = await write('two', `SELECT range AS a, range % 3 AS p FROM range(30)`);
    expect(first).toHaveLength(3);
    expect(second.map((f) => f.relativePath)).toEqual(['p=0/part-0-two.snappy.parquet', 'p=1/part-0-two.snappy.parquet', 'p=2/part-0-two.snappy.parquet']);
    const before = await filesUnder(dir);
    expect(before).toHaveLength(6);
    await failure(write('three', `SELECT CASE WHEN range = 299999 THEN NULL ELSE range END AS a, range % 5 AS p FROM range(300000)`));
    expect(await filesUnder(dir)).toEqual(before);
    expect(existsSync(join(dir, 'p=4'))).toBe(false);
  });

  it('writes many partitions with unique file names', async () => {
    const files = await writeParquet(session, spec(`SELECT range AS a, range % 250 AS p FROM range(5000)`, [column('a', long)], { partitionColumns: [partition('p', long)] }));
    expect(new Set(files.map((f) => f.relativePath)).size).toBe(files.length);
    expect(new Set(files.map((f) => f.partitionValues['p'])).size).toBe(250);
    expect(files.reduce((n, f) => n + f.rowCount, 0)).toBe(5000);
  });
});

describe('writeParquet: files', () => {
  it('splits an unpartitioned write into files of about targetFileSize', async () => {
    const source = `SELECT range AS id, md5(range::VARCHAR) AS s FROM range(50000)`;
    const files = await writeParquet(session, spec(source, [column('id', long), column('s', str)], { targetFileSize: 1, rowGroupRows: 10000, compression: 'zstd' }));
    expect(files.length).toBeGreaterThanOrEqual(3);
    expect(files.reduce((n, f) => n + f.rowCount, 0)).toBe(50000);
    expect(files.every((f) => /^part-\d+-w\d+\.zstd\.parquet$/.test(f.relativePath))).toBe(true);
    const ranges = files.map((f) => [statsOf(f, 'id')?.min, statsOf(f, 'id')?.max]);
    const total = ranges.reduce((n, [min, max]) => n + Number((max as bigint) - (min as bigint)) + 1, 0);
    expect(total).toBe(50000);
    expect(await readBack(files, 'id DESC LIMIT 1')).toEqual([[49999n, expect.any(String)]]);
  });

  it('returns [] and leaves no file for zero rows', async () => {
    const s = spec(`SELECT 1 AS a WHERE false`, [column('a', int)]);
    expect(await writeParquet(session, s)).toEqual([]);
    expect(existsSync(s.outputDir)).toBe(false);
    const p = spec(`SELECT 1 AS a, 'x' AS p WHERE false`, [column('a', int)], { partitionColumns: [partition('p', str)] });
    expect(await writeParquet(session, p)).toEqual([]);
    expect(await filesUnder(p.outputDir)).toEqual([]);
  });

  it('writes into a directory that already holds files without touching them', async () => {
    const dir = join(root, 'shared');
    await mkdir(join(dir, '_delta_log'), { recursive: true });
    await writeFile(join(dir, '_delta_log', '00.json'), '{}');
    const a = await writeParquet(session, { ...spec(`SELECT 1 AS a`, [column('a', int)]), outputDir: dir, fileId: 'first' });
    const b = await writeParquet(session, { ...spec(`SELECT 2 AS a`, [column('a', int)]), outputDir: dir, fileId: 'second' });
    expect(await filesUnder(dir)).toEqual(['_delta_log/00.json', a[0]?.relativePath, b[0]?.relativePath].sort());
    const bad = { ...spec(`SELECT * FROM (VALUES (1), (NULL)) t(a)`, [column('a', int, { nullable: false })]), outputDir: dir, fileId: 'third' };
    await failure(writeParquet(session, bad));
    expect(await filesUnder(dir)).toEqual(['_delta_log/00.json', a[0]?.relativePath, b[0]?.relativePath].sort());
  });

  it('rejects a bad spec', async () => {
    const base = spec(`SELECT 1 AS a`, [column('a', int)]);
    expect((await failure(writeParquet(session, { ...base, fileId: '../x' }))).code).toBe('INVALID_ARGUMENT');
    expect((await failure(writeParquet(session, { ...base, columns: [] }))).code).toBe('INVALID_ARGUMENT');
    expect((await failure(writeParquet(session, { ...base, targetFileSize: 0 }))).code).toBe('INVALID_ARGUMENT');
    const twice = { ...base, columns: [column('a', int), column('b', int, { source: 'a', physicalName: 'A' })] };
    expect((await failure(writeParquet(session, twice))).message).toMatch(/used twice/);
  });
});

describe('writeParquet: strings and floats in statistics', () => {
  it('keeps strings up to 256 bytes exact and longer ones as true bounds', async () => {
    const source = `SELECT * FROM (VALUES (repeat('a', 100), repeat('a', 1000)), (repeat('b', 100), repeat('a', 999) || 'b')) t(s, l)`;
    const [file] = await writeParquet(session, spec(source, [column('s', str), column('l', str)]));
    const s = statsOf(file as WrittenFile, 's');
    expect([s?.min, s?.max]).toEqual(['a'.repeat(100), 'b'.repeat(100)]);
    const l = statsOf(file as WrittenFile, 'l');
    const min = l?.min as string;
    const max = l?.max as string;
    expect(min <= 'a'.repeat(1000) && 'a'.repeat(1000).startsWith(min)).toBe(true);
    expect(max >= `${'a'.repeat(999)}b`).toBe(true);
  });

  it('drops the max of a float column holding NaN and keeps infinities', async () => {
    const source = `SELECT * FROM (VALUES ('nan'::DOUBLE, '-inf'::FLOAT, 'nan'::DOUBLE), (1.0, 'inf', 'nan'), ('-0.0'::DOUBLE, 2, NULL)) t(d, f, n)`;
    const [file] = await writeParquet(session, spec(source, [column('d', primitive('double')), column('f', primitive('float')), column('n', primitive('double'))]));
    const f = file as WrittenFile;
    expect(statsOf(f, 'd')).toEqual({ path: ['d'], min: -0, nullCount: 0 });
    expect(statsOf(f, 'f')).toEqual({ path: ['f'], min: Number.NEGATIVE_INFINITY, max: Number.POSITIVE_INFINITY, nullCount: 0 });
    expect(statsOf(f, 'n')).toEqual({ path: ['n'], nullCount: 1 });
  });
});

describe('writeParquet: constraints', () => {
  const source = `SELECT * FROM (VALUES (1, 'x'), (2, NULL), (-3, 'z')) t(a, b)`;

  it('fails a CHECK that is FALSE or NULL, naming it and showing the row', async () => {
    const s = spec(source, [column('a', int), column('b', str)], { constraints: [{ name: 'positive', sql: 'a > 0', kind: 'check' }] });
    const error = await failure(writeParquet(session, s));
    expect(error.code).toBe('CONSTRAINT_VIOLATION');
    expect(error.message).toBe('delta write: CHECK constraint positive (a > 0) violated by row {"a":-3,"b":"z"}');
    expect(existsSync(s.outputDir)).toBe(false);

    const nullCheck = spec(source, [column('a', int), column('b', str)], { constraints: [{ name: 'b_set', sql: "b <> ''", kind: 'check' }] });
    expect((await failure(writeParquet(session, nullCheck))).message).toBe(`delta write: CHECK constraint b_set (b <> '') violated by row {"a":2,"b":null}`);
  });

  it('evaluates CHECKs over the cast values and passes rows that hold', async () => {
    const s = spec(`SELECT '10' AS a`, [column('a', int)], { constraints: [{ name: 'big', sql: 'a > 9', kind: 'check' }] });
    expect((await writeParquet(session, s))[0]?.rowCount).toBe(1);
  });

  it('enforces NOT NULL columns and explicit not_null constraints', async () => {
    const s = spec(source, [column('a', int), column('b', str, { nullable: false })]);
    const error = await failure(writeParquet(session, s));
    expect(error.code).toBe('CONSTRAINT_VIOLATION');
    expect(error.message).toBe('delta write: NOT NULL constraint on b violated by row {"a":2,"b":null}');
    const explicit = spec(source, [column('a', int), column('b', str)], { constraints: [{ name: 'b', sql: 'b IS NOT NULL', kind: 'not_null' }] });
    expect((await failure(writeParquet(session, explicit))).message).toContain('NOT NULL constraint on b violated');
  });

  it('checks non-nullable nested fields only where their parents are not NULL', async () => {
    const type: DataType = { kind: 'struct', fields: [field('x', int, false), field('l', { kind: 'array', element: int, containsNull: false }, true)] };
    const ok = spec(`SELECT * FROM (VALUES (1, {'x': 1, 'l': [1]}), (2, NULL), (3, {'x': 2, 'l': NULL})) t(a, s)`, [column('a', int), column('s', type)]);
    expect((await writeParquet(session, ok))[0]?.rowCount).toBe(3);
    const nested = spec(`SELECT * FROM (VALUES (1, {'x': NULL, 'l': []})) t(a, s)`, [column('a', int), column('s', type)]);
    expect((await failure(writeParquet(session, nested))).message).toBe('delta write: NOT NULL constraint on s.x violated by row {"a":1,"s":{"x":null,"l":[]}}');
    const element = spec(`SELECT * FROM (VALUES (1, {'x': 1, 'l': [1, NULL]})) t(a, s)`, [column('a', int), column('s', type)]);
    expect((await failure(writeParquet(session, element))).message).toContain('NOT NULL constraint on s.l.element violated');
    const map: DataType = { kind: 'map', key: str, value: int, valueContainsNull: false };
    const mapValue = spec(`SELECT MAP {'k': NULL::INT} AS m`, [column('m', map)]);
    expect((await failure(writeParquet(session, mapValue))).message).toContain('NOT NULL constraint on m.value violated');
  });

  it('truncates a long row in the message', async () => {
    const s = spec(`SELECT repeat('x', 2000) AS s, NULL::INT AS a`, [column('s', str), column('a', int, { nullable: false })]);
    const message = (await failure(writeParquet(session, s))).message;
    expect(message.length).toBeLessThan(600);
    expect(message.endsWith('…')).toBe(true);
  });

  it('names a constraint that does not bind', async () => {
    const s = spec(source, [column('a', int), column('b', str)], { constraints: [{ name: 'bad', sql: 'zz > 0', kind: 'check' }] });
    const error = await failure(writeParquet(session, s));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toMatch(/^delta write: constraint bad \(zz > 0\) is not valid SQL/);
  });
});
