import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDbEngine } from './database.js';
import type { Session } from './session.js';
import type { SqlValue } from './values.js';
import { formatDecimal } from './values.js';

let engine: DuckDbEngine;
let session: Session;

beforeAll(async () => {
  engine = await DuckDbEngine.create({ threads: 2 });
  session = await engine.session();
});
afterAll(async () => {
  await engine.close();
});

async function one(sql: string): Promise<SqlValue> {
  const rows = await (await session.query(`SELECT ${sql}`)).all();
  return rows[0]?.[0] as SqlValue;
}

describe('value normalisation', () => {
  it('maps NULL of any type to null', async () => {
    expect(await one('NULL::INTEGER')).toBeNull();
    expect(await one('NULL::STRUCT(a INT)')).toBeNull();
    expect(await one('NULL::TIMESTAMPTZ')).toBeNull();
  });

  it('maps booleans and small integers to boolean and number', async () => {
    expect(await one('true')).toBe(true);
    expect(await one('(-128)::TINYINT')).toBe(-128);
    expect(await one('32767::SMALLINT')).toBe(32767);
    expect(await one('(-2147483648)::INTEGER')).toBe(-2147483648);
    expect(await one('255::UTINYINT')).toBe(255);
    expect(await one('65535::USMALLINT')).toBe(65535);
    expect(await one('4294967295::UINTEGER')).toBe(4294967295);
  });

  it('maps 64- and 128-bit integers to bigint', async () => {
    expect(await one('9223372036854775807::BIGINT')).toBe(9223372036854775807n);
    expect(await one('1::BIGINT')).toBe(1n);
    expect(await one('(-170141183460469231731687303715884105727)::HUGEINT')).toBe(-170141183460469231731687303715884105727n);
    expect(await one('18446744073709551615::UBIGINT')).toBe(18446744073709551615n);
    expect(await one('340282366920938463463374607431768211455::UHUGEINT')).toBe(340282366920938463463374607431768211455n);
  });

  it('gives FLOAT values as the shortest decimal of the float32', async () => {
    expect(await one('1.1::FLOAT')).toBe(1.1);
    expect(await one('0.1::FLOAT')).toBe(0.1);
    expect(await one('(-3.4028235e38)::FLOAT')).toBe(-3.4028235e38);
    expect(await one('1.4e-45::FLOAT')).toBe(1e-45);
    expect(await one('16777217::FLOAT')).toBe(16777216);
    expect(await one("'NaN'::FLOAT")).toBeNaN();
    expect(await one("'inf'::FLOAT")).toBe(Infinity);
    expect(await one("'-inf'::FLOAT")).toBe(-Infinity);
    expect(Object.is(await one("'-0.0'::FLOAT"), -0)).toBe(true);
  });

  it('gives DOUBLE values unchanged, NaN and infinities included', async () => {
    expect(await one('1.1::DOUBLE')).toBe(1.1);
    expect(await one('0.1::DOUBLE + 0.2::DOUBLE')).toBe(0.30000000000000004);
    expect(await one("'NaN'::DOUBLE")).toBeNaN();
    expect(await one("'-inf'::DOUBLE")).toBe(-Infinity);
    expect(await one('5e-324::DOUBLE')).toBe(5e-324);
  });

  it('gives decimals as strings with exactly scale fraction digits', async () => {
    expect(await one("'-0.12'::DECIMAL(5,3)")).toBe('-0.120');
    expect(await one("'0'::DECIMAL(4,2)")).toBe('0.00');
    expect(await one("'12'::DECIMAL(2,0)")).toBe('12');
    expect(await one("'-5.5'::DECIMAL(18,1)")).toBe('-5.5');
    expect(await one("'1234567890123456789012345678.0123456789'::DECIMAL(38,10)")).toBe('1234567890123456789012345678.0123456789');
    expect(await one("'-9999999999999999999999999999.9999999999'::DECIMAL(38,10)")).toBe('-9999999999999999999999999999.9999999999');
    expect(await one("'-0.0000000001'::DECIMAL(38,10)")).toBe('-0.0000000001');
  });

  it('formats decimals from scaled integers', () => {
    expect(formatDecimal(-120n, 3)).toBe('-0.120');
    expect(formatDecimal(5n, 0)).toBe('5');
    expect(formatDecimal(-1n, 2)).toBe('-0.01');
    expect(formatDecimal(0n, 1)).toBe('0.0');
  });

  it('gives strings and blobs', async () => {
    expect(await one("'héllo ''quoted'' 🦆'")).toBe("héllo 'quoted' 🦆");
    expect(await one("from_hex('00ff10')")).toEqual(new Uint8Array([0, 255, 16]));
    expect(await one("''::BLOB")).toEqual(new Uint8Array([]));
  });

  it('formats dates, including early, BC and infinite ones', async () => {
    expect(await one("DATE '2021-11-18'")).toBe('2021-11-18');
    expect(await one("DATE '1969-12-31'")).toBe('1969-12-31');
    expect(await one("DATE '0099-01-02'")).toBe('0099-01-02');
    expect(await one("DATE '0001-01-01'")).toBe('0001-01-01');
    expect(await one("DATE '0044-03-15 (BC)'")).toBe('-0043-03-15');
    expect(await one("DATE '0001-12-31 (BC)'")).toBe('0000-12-31');
    expect(await one("DATE '12345-06-07'")).toBe('+12345-06-07');
    expect(await one("'infinity'::DATE")).toBe('infinity');
    expect(await one("'-infinity'::DATE")).toBe('-infinity');
  });

  it('formats timestamps with six fraction digits, pre-1970 included', async () => {
    expect(await one("TIMESTAMP '2020-01-02 03:04:05.123456'")).toBe('2020-01-02T03:04:05.123456');
    expect(await one("TIMESTAMP '1969-12-31 23:59:59.999999'")).toBe('1969-12-31T23:59:59.999999');
    expect(await one("TIMESTAMP '1900-03-01 00:00:00'")).toBe('1900-03-01T00:00:00.000000');
    expect(await one("TIMESTAMPTZ '1969-12-31 23:59:59.5+00'")).toBe('1969-12-31T23:59:59.500000Z');
    expect(await one("TIMESTAMPTZ '2020-06-01 12:00:00+02'")).toBe('2020-06-01T10:00:00.000000Z');
    expect(await one("'infinity'::TIMESTAMP")).toBe('infinity');
    expect(await one("'-infinity'::TIMESTAMPTZ")).toBe('-infinity');
  });

  it('formats second and millisecond timestamps the same way', async () => {
    expect(await one("TIMESTAMP_S '1969-12-31 23:59:58'")).toBe('1969-12-31T23:59:58.000000');
    expect(await one("TIMESTAMP_MS '2001-02-03 04:05:06.789'")).toBe('2001-02-03T04:05:06.789000');
  });

  it('formats nanosecond timestamps with nine fraction digits, pre-1970 included', async () => {
    expect(await one("TIMESTAMP_NS '2001-02-03 04:05:06.123456789'")).toBe('2001-02-03T04:05:06.123456789');
    expect(await one('make_timestamp_ns(-1::BIGINT)')).toBe('1969-12-31T23:59:59.999999999');
    expect(await one('make_timestamp_ns(0::BIGINT)')).toBe('1970-01-01T00:00:00.000000000');
  });

  it('formats times, intervals, uuids, enums, bits and unions as text', async () => {
    expect(await one("TIME '01:02:03.5'")).toBe('01:02:03.500000');
    expect(await one("INTERVAL '1 year 2 months 3 days 04:05:06.789'")).toBe('1 year 2 months 3 days 04:05:06.789');
    expect(await one("'123e4567-e89b-12d3-a456-426614174000'::UUID")).toBe('123e4567-e89b-12d3-a456-426614174000');
    expect(await one("'b'::ENUM('a', 'b')")).toBe('b');
    expect(await one("'0101'::BIT")).toBe('0101');
    expect(await one('union_value(k := 3)::UNION(k INTEGER, s VARCHAR)')).toBe('3');
  });

  it('converts nested values recursively', async () => {
    expect(await one('[1, NULL, 3]')).toEqual([1, null, 3]);
    expect(await one('[1.5::FLOAT, 2.25]::FLOAT[2]')).toEqual([1.5, 2.25]);
    expect(await one("{'a': 1::BIGINT, 'b': [DATE '2020-01-01'], 'c': {'d': 1.1::FLOAT}}")).toEqual({
      a: 1n,
      b: ['2020-01-01'],
      c: { d: 1.1 },
    });
    expect(await one("MAP {'z': 1, 'a': 2}")).toEqual([
      { key: 'z', value: 1 },
      { key: 'a', value: 2 },
    ]);
    expect(await one("MAP {1: {'x': '1.50'::DECIMAL(4,2)}}")).toEqual([{ key: 1, value: { x: '1.50' } }]);
    expect(await one('[]::INTEGER[]')).toEqual([]);
  });

  it('keeps a struct field named __proto__ as an own field', async () => {
    const value = (await one(`{'__proto__': 1}`)) as Record<string, unknown>;
    expect(Object.keys(value)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
  });
});
