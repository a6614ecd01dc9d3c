import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SequentialIds } from '../../core/ids.js';
import { cmp, col, lit } from '../../expr/nodes.js';
import { decimal, field, primitive, type DataType, type StructField } from '../../expr/types.js';
import type { EqualityDeleteSet, ScanFile, ScanSpec } from '../scan-spec.js';
import { DuckDbEngine } from './database.js';
import type { Session } from './session.js';
import type { Row } from './values.js';

const int = primitive('integer');
const long = primitive('long');
const str = primitive('string');

let engine: DuckDbEngine;
let session: Session;
let dir: string;

beforeAll(async () => {
  engine = await DuckDbEngine.create({ threads: 2, ids: new SequentialIds() });
  session = await engine.session();
  dir = await mkdtemp(join(tmpdir(), 'loch-scan-ice-'));
});
afterAll(async () => {
  await engine.close();
  await rm(dir, { recursive: true, force: true });
});

async function parquet(name: string, select: string, fieldIds?: string): Promise<string> {
  const path = join(dir, name);
  const ids = fieldIds === undefined ? '' : `, FIELD_IDS ${fieldIds}`;
  await session.run(`COPY (${select}) TO '${path}' (FORMAT parquet${ids})`);
  return path;
}

const file = (localPath: string, extra: Partial<ScanFile> = {}): ScanFile => ({ localPath, partitionValues: {}, ...extra });
const byId = (name: string, type: DataType, fieldId: number): StructField => field(name, type, true, { fieldId });

async function rows(s: ScanSpec, orderBy = '1'): Promise<Row[]> {
  const scan = await session.registerScan(s);
  try {
    return await (await session.query(`SELECT * FROM ${scan.sql} AS t ORDER BY ${orderBy}`)).all();
  } finally {
    await scan.dispose();
  }
}

describe('registerScan: new types', () => {
  it('reads time, ns timestamps, uuid, fixed, variant and void by field id, as stored by several writers', async () => {
    const select = `SELECT TIME '12:34:56.123456' AS t, TIMESTAMP_NS '2020-01-02 03:04:05.123456789' AS n,
      TIMESTAMP_NS '1969-12-31 23:59:59.999999999' AS nz, '550e8400-e29b-41d4-a716-446655440000'::UUID AS u,
      from_hex('0102ff') AS f, {'metadata': from_hex('010000'), 'value': from_hex('04')} AS v`;
    const p = await parquet('types.parquet', select, '{t: 1, n: 2, nz: 3, u: 4, f: 5, v: {__duckdb_field_id: 6}}');
    // PyIceberg's layout: uuid as plain 16-byte binary, time UTC-adjusted (DuckDB: TIME WITH TIME ZONE).
    const q = await parquet(
      'types-py.parquet',
      `SELECT TIMETZ '01:02:03.000004+00' AS t, from_hex('f79c3e09677c4bbda4793f349cb785e7') AS u, TIMESTAMPTZ '2020-01-02 03:04:05.5+00' AS n`,
      '{t: 1, u: 4, n: 2}',
    );
    const columns = [
      byId('t', primitive('time'), 1),
      byId('n', primitive('timestamp_ntz_ns'), 2),
      byId('nz', primitive('timestamp_ns'), 3),
      byId('u', primitive('uuid'), 4),
      byId('f', { kind: 'fixed', length: 3 }, 5),
      byId('v', primitive('variant'), 6),
      byId('x', primitive('void'), 7),
    ];
    const out = await rows({ columns, partitionColumns: [], files: [file(p), file(q)], resolveBy: 'field_id' });
    expect(out).toEqual([
      ['01:02:03.000004', '2020-01-02T03:04:05.500000000', null, 'f79c3e09-677c-4bbd-a479-3f349cb785e7', null, null, null],
      [
        '12:34:56.123456',
        '2020-01-02T03:04:05.123456789',
        '1969-12-31T23:59:59.999999999',
        '550e8400-e29b-41d4-a716-446655440000',
        new Uint8Array([1, 2, 255]),
        { metadata: new Uint8Array([1, 0, 0]), value: new Uint8Array([4]) },
        null,
      ],
    ]);
    // The same by name (union_by_name path).
    const named = columns.map((c) => field(c.name, c.type));
    expect(await rows({ columns: named, partitionColumns: [], files: [file(p), file(q)], resolveBy: 'name' })).toEqual(out);
  });

  it('filters on and fills partition values of the new types', async () => {
    const p = await parquet('part-types.parquet', 'SELECT 1 AS id', '{id: 1}');
    const columns = [byId('id', int, 1), byId('t', primitive('time'), 2), byId('u', primitive('uuid'), 3), byId('n', primitive('timestamp_ns'), 4), byId('f', { kind: 'fixed', length: 2 }, 5)];
    const partitionValues = {
      t: lit(primitive('time'), 3_600_000_001n),
      u: lit(primitive('uuid'), '020d4fc7-acd6-45ac-b216-7873f4038e1f'),
      n: lit(primitive('timestamp_ns'), -1n),
      f: lit({ kind: 'fixed', length: 2 }, new Uint8Array([0xab, 0xcd])),
    };
    const base: ScanSpec = { columns, partitionColumns: ['t', 'u', 'n', 'f'], files: [file(p, { partitionValues })], resolveBy: 'field_id' };
    expect(await rows(base)).toEqual([[1, '01:00:00.000001', '020d4fc7-acd6-45ac-b216-7873f4038e1f', '1969-12-31T23:59:59.999999999', new Uint8Array([0xab, 0xcd])]]);
    const filter = cmp('>', col('u'), lit(primitive('uuid'), '020d4fc7-acd6-45ac-b216-7873f4038e1e'));
    expect(await rows({ ...base, filter, projection: ['id'] })).toEqual([[1]]);
    const none = cmp('<', col('t'), lit(primitive('time'), 3_600_000_001n));
    expect(await rows({ ...base, filter: none, projection: ['id'] })).toEqual([]);
  });
});

describe('registerScan: column defaults', () => {
  it('gives rows of files without the column the default, by field id and by name, keeping stored NULLs', async () => {
    const old = await parquet('def-old.parquet', 'SELECT 1 AS id', '{id: 1}');
    const young = await parquet('def-new.parquet', 'SELECT * FROM (VALUES (2, 5::BIGINT), (3, NULL)) v(id, n)', '{id: 1, n: 2}');
    const defaults = {
      n: lit(long, -9223372036854775808n),
      d: lit(decimal(16, 2), '12345.00'),
      ts: lit(primitive('timestamp'), -876544n),
      u: lit(primitive('uuid'), 'f79c3e09-677c-4bbd-a479-3f349cb785e7'),
      b: lit(primitive('binary'), new Uint8Array([0x5c, 0x78, 0, 0xff])),
      t: lit(primitive('time'), 12345n),
    };
    const columns = [
      byId('id', int, 1),
      byId('n', long, 2),
      byId('d', decimal(16, 2), 3),
      byId('ts', primitive('timestamp'), 4),
      byId('u', primitive('uuid'), 5),
      byId('b', primitive('binary'), 6),
      byId('t', primitive('time'), 7),
    ];
    const fromDefaults = ['12345.00', '1969-12-31T23:59:59.123456Z', 'f79c3e09-677c-4bbd-a479-3f349cb785e7', new Uint8Array([0x5c, 0x78, 0, 0xff]), '00:00:00.012345'];
    const expected = [
      [1, -9223372036854775808n, ...fromDefaults],
      [2, 5n, ...fromDefaults],
      [3, null, ...fromDefaults],
    ];
    const files = [file(old), file(young)];
    expect(await rows({ columns, partitionColumns: [], files, resolveBy: 'field_id', columnDefaults: defaults })).toEqual(expected);
    const named = columns.map((c) => field(c.name, c.type));
    expect(await rows({ columns: named, partitionColumns: [], files, resolveBy: 'name', columnDefaults: defaults })).toEqual(expected);
  });

  it('filters on defaulted values', async () => {
    const old = await parquet('deff-old.parquet', 'SELECT 1 AS id', '{id: 1}');
    const young = await parquet('deff-new.parquet', "SELECT 2 AS id, 'x' AS s", '{id: 1, s: 2}');
    const columns = [byId('id', int, 1), byId('s', str, 2)];
    const filter = cmp('=', col('s'), lit(str, 'dflt'));
    for (const resolveBy of ['field_id', 'name'] as const) {
      const s: ScanSpec = { columns, partitionColumns: [], files: [file(old), file(young)], resolveBy, columnDefaults: { s: lit(str, 'dflt') }, filter };
      expect(await rows(s)).toEqual([[1, 'dflt']]);
    }
  });
});

describe('registerScan: equality deletes', () => {
  const columns = [byId('id', int, 1), byId('k', str, 2), byId('v', long, 3)];

  async function dataFiles(): Promise<string[]> {
    return [
      await parquet('eq-d0.parquet', "SELECT * FROM (VALUES (1, 'a', 10::BIGINT), (2, NULL, 20), (3, 'c', 30)) t(id, k, v)", '{id: 1, k: 2, v: 3}'),
      await parquet('eq-d1.parquet', "SELECT * FROM (VALUES (4, 'a', 40::BIGINT), (5, NULL, 50)) t(id, k, v)", '{id: 1, k: 2, v: 3}'),
    ];
  }

  const set = (files: string[], ids: [number, DataType][], appliesTo: number[]): EqualityDeleteSet => ({
    files,
    columns: ids.map(([fieldId, type]) => ({ fieldId, type })),
    appliesTo,
  });

  it('drops matching rows, NULL equal to NULL, only in the files a set applies to', async () => {
    const data = await dataFiles();
    const del = await parquet('eq-x0.parquet', "SELECT * FROM (VALUES ('a'), (NULL), ('a')) t(key)", '{key: 2}');
    const s: ScanSpec = { columns, partitionColumns: [], files: data.map((p) => file(p)), resolveBy: 'field_id', equalityDeletes: [set([del], [[2, str]], [0])] };
    expect((await rows(s)).map((r) => r[0])).toEqual([3, 4, 5]);
  });

  it('combines several sets, multi-column keys, a key outside the projection, position deletes and a filter', async () => {
    const data = await dataFiles();
    const byKey = await parquet('eq-x1.parquet', "SELECT 'c' AS k", '{k: 2}');
    const byPair = await parquet('eq-x2.parquet', "SELECT * FROM (VALUES (4, 'a'), (5, 'zz'), (2, NULL)) t(i, kk)", '{i: 1, kk: 2}');
    const s: ScanSpec = {
      columns,
      partitionColumns: [],
      files: [file(data[0] as string, { deletedRows: [0] }), file(data[1] as string)],
      resolveBy: 'field_id',
      projection: ['v'],
      filter: cmp('>', col('v'), lit(long, 0n)),
      equalityDeletes: [set([byKey], [[2, str]], [0, 1]), set([byPair], [[1, int], [2, str]], [0, 1])],
    };
    expect(await rows(s)).toEqual([[50n]]);
  });

  it('reads a key column missing from a data file as its default', async () => {
    const old = await parquet('eq-old.parquet', 'SELECT * FROM (VALUES (1), (2)) t(id)', '{id: 1}');
    const del = await parquet('eq-x3.parquet', "SELECT 'z' AS k", '{k: 2}');
    const eq: EqualityDeleteSet = { files: [del], columns: [{ fieldId: 2, type: str, default: lit(str, 'z') }], appliesTo: [0] };
    const s: ScanSpec = { columns: [byId('id', int, 1)], partitionColumns: [], files: [file(old)], resolveBy: 'field_id', equalityDeletes: [eq] };
    expect(await rows(s)).toEqual([]);
  });

  it('refuses equality deletes when resolving by name and bad file indexes', async () => {
    const data = await dataFiles();
    const named: ScanSpec = { columns, partitionColumns: [], files: [file(data[0] as string)], resolveBy: 'name', equalityDeletes: [set([data[0] as string], [[2, str]], [0])] };
    await expect(session.registerScan(named)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    const bad: ScanSpec = { ...named, resolveBy: 'field_id', equalityDeletes: [set([data[0] as string], [[2, str]], [3])] };
    await expect(session.registerScan(bad)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('handles a million data rows against a hundred thousand delete keys quickly', async () => {
    const data = await parquet('eq-big.parquet', 'SELECT range::BIGINT AS id, (range % 7)::INT AS g FROM range(1000000)', '{id: 1, g: 2}');
    const del = await parquet('eq-big-x.parquet', 'SELECT (range * 10)::BIGINT AS id FROM range(100000)', '{id: 1}');
    const s: ScanSpec = {
      columns: [byId('id', long, 1), byId('g', int, 2)],
      partitionColumns: [],
      files: [file(data)],
      resolveBy: 'field_id',
      equalityDeletes: [set([del], [[1, long]], [0])],
    };
    const started = Date.now();
    const scan = await session.registerScan(s);
    try {
      const [[count]] = (await (await session.query(`SELECT count(*) FROM ${scan.sql} AS t`)).all()) as [[bigint]];
      expect(count).toBe(900000n);
    } finally {
      await scan.dispose();
    }
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
