import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataType, TimeUnit, type RecordBatch } from 'apache-arrow';
import { DuckDbEngine } from './database.js';
import type { Session } from './session.js';

let engine: DuckDbEngine;
let session: Session;

beforeAll(async () => {
  engine = await DuckDbEngine.create({ threads: 2 });
  session = await engine.session();
});
afterAll(async () => engine.close());

async function batches(sql: string): Promise<RecordBatch[]> {
  const out: RecordBatch[] = [];
  for await (const batch of session.arrow(sql)) out.push(batch);
  return out;
}

async function single(sql: string): Promise<RecordBatch> {
  const all = await batches(sql);
  expect(all).toHaveLength(1);
  return all[0] as RecordBatch;
}

describe('Session.arrow', () => {
  it('yields one record batch per chunk', async () => {
    const all = await batches('SELECT range::INTEGER AS i FROM range(5000)');
    expect(all.length).toBeGreaterThan(1);
    expect(all.reduce((n, b) => n + b.numRows, 0)).toBe(5000);
    let sum = 0;
    for (const b of all) for (const v of b.getChild('i') ?? []) sum += v as number;
    expect(sum).toBe(12497500);
  });

  it('maps simple types to their Arrow types with nulls', async () => {
    const batch = await single(`SELECT * FROM (VALUES
      (true, 1::TINYINT, 2::SMALLINT, 3::INTEGER, 4::BIGINT, 5::UBIGINT, 1.5::FLOAT, 2.5::DOUBLE, 'héllo', from_hex('01ff'), DATE '1969-12-31'),
      (NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)) t(b, i8, i16, i32, i64, u64, f32, f64, s, bin, d)`);
    const types = batch.schema.fields.map((f) => f.type.toString());
    expect(types).toEqual(['Bool', 'Int8', 'Int16', 'Int32', 'Int64', 'Uint64', 'Float32', 'Float64', 'Utf8', 'Binary', 'Date32<DAY>']);
    const row = batch.get(0)?.toJSON() as Record<string, unknown>;
    expect(row).toMatchObject({ b: true, i8: 1, i16: 2, i32: 3, i64: 4n, u64: 5n, f32: 1.5, f64: 2.5, s: 'héllo' });
    expect(Array.from(row['bin'] as Uint8Array)).toEqual([1, 255]);
    expect(batch.getChild('d')?.get(0)).toBe(-86_400_000);
    const nulls = batch.get(1)?.toJSON() as Record<string, unknown>;
    expect(Object.values(nulls).every((v) => v === null)).toBe(true);
  });

  it('carries timestamps as microseconds, with UTC for TIMESTAMPTZ', async () => {
    const batch = await single(`SELECT TIMESTAMP '1969-12-31 23:59:59.999999' AS ntz, TIMESTAMPTZ '2020-01-01 00:00:00.000001+00' AS tz, TIME '01:00:00' AS t`);
    const [ntz, tz, t] = batch.schema.fields.map((f) => f.type);
    expect(DataType.isTimestamp(ntz) && ntz.unit === TimeUnit.MICROSECOND && ntz.timezone == null).toBe(true);
    expect(DataType.isTimestamp(tz) && tz.unit === TimeUnit.MICROSECOND && tz.timezone === 'UTC').toBe(true);
    expect(DataType.isTime(t) && t.unit === TimeUnit.MICROSECOND).toBe(true);
    expect(batch.getChild('ntz')?.data[0]?.values[0]).toBe(-1n);
    expect(batch.getChild('tz')?.data[0]?.values[0]).toBe(1_577_836_800_000_001n);
  });

  it('carries decimals as 128-bit two’s complement with precision and scale', async () => {
    const batch = await single(`SELECT * FROM (VALUES ('-0.12'::DECIMAL(5,3)), ('12.345'::DECIMAL(5,3)), (NULL)) t(d)`);
    const type = batch.schema.fields[0]?.type;
    expect(DataType.isDecimal(type) && type.precision === 5 && type.scale === 3 && type.bitWidth === 128).toBe(true);
    const words = batch.getChild('d')?.data[0]?.values as Uint32Array;
    expect(Array.from(words.slice(0, 4))).toEqual([0xffffff88, 0xffffffff, 0xffffffff, 0xffffffff]);
    expect(Array.from(words.slice(4, 8))).toEqual([12345, 0, 0, 0]);
    expect(batch.getChild('d')?.isValid(2)).toBe(false);
  });

  it('builds lists, structs, maps and fixed-size arrays', async () => {
    const batch = await single(`SELECT * FROM (VALUES
      ([1, NULL, 3], {'a': 1, 'b': 'x'}, MAP {'k': [1.5::DOUBLE]}, [1, 2]::INTEGER[2]),
      (NULL, NULL, NULL, NULL),
      ([], {'a': NULL, 'b': NULL}, MAP {}::MAP(VARCHAR, DOUBLE[]), [3, NULL]::INTEGER[2])) t(l, s, m, a)`);
    expect(batch.schema.fields.map((f) => f.type.toString())).toEqual([
      'List<Int32>',
      'Struct<{a:Int32, b:Utf8}>',
      'Map<{key:Utf8, value:List<Float64>}>',
      'FixedSizeList[2]<Int32>',
    ]);
    const l = batch.getChild('l');
    expect(Array.from(l?.get(0) ?? [])).toEqual([1, null, 3]);
    expect(l?.get(1)).toBeNull();
    expect(Array.from(l?.get(2) ?? [])).toEqual([]);
    expect(batch.getChild('s')?.get(0)?.toJSON()).toEqual({ a: 1, b: 'x' });
    expect(batch.getChild('s')?.get(1)).toBeNull();
    expect(batch.getChild('s')?.get(2)?.toJSON()).toEqual({ a: null, b: null });
    const m = batch.getChild('m')?.get(0)?.toJSON() as Record<string, Iterable<number>>;
    expect(Object.keys(m)).toEqual(['k']);
    expect(Array.from(m['k'] ?? [])).toEqual([1.5]);
    expect(batch.getChild('m')?.get(1)).toBeNull();
    expect(Array.from(batch.getChild('a')?.get(2) ?? [])).toEqual([3, null]);
  });

  it('falls back to DuckDB text for types without an Arrow twin', async () => {
    const batch = await single(`SELECT INTERVAL 3 DAY AS i, '123e4567-e89b-12d3-a456-426614174000'::UUID AS u`);
    expect(batch.schema.fields.map((f) => f.type.toString())).toEqual(['Utf8', 'Utf8']);
    expect(batch.get(0)?.toJSON()).toEqual({ i: '3 days', u: '123e4567-e89b-12d3-a456-426614174000' });
  });

  it('reports bad SQL as SQL_ERROR when iterated', async () => {
    await expect(batches('SELECT * FROM nowhere')).rejects.toMatchObject({ code: 'SQL_ERROR' });
  });
});
