import { describe, expect, it } from 'vitest';
import { encodeValue, pgTypeOf, resultFormat } from './types.js';

const text = (type: string, value: Parameters<typeof encodeValue>[2]): string | null => encodeValue(pgTypeOf(type), 0, value)?.toString('utf8') ?? null;
const binary = (type: string, value: Parameters<typeof encodeValue>[2]): string | null => encodeValue(pgTypeOf(type), 1, value)?.toString('hex') ?? null;

describe('pgwire types', () => {
  it('maps DuckDB types to PostgreSQL OIDs, sizes and modifiers', () => {
    const oids = ['BOOLEAN', 'TINYINT', 'INTEGER', 'BIGINT', 'HUGEINT', 'FLOAT', 'DOUBLE', 'VARCHAR', 'BLOB', 'DATE', 'TIME', 'TIMESTAMP', 'TIMESTAMP_NS', 'TIMESTAMP WITH TIME ZONE', 'INTERVAL', 'UUID', 'JSON', 'STRUCT(a INTEGER)', 'MAP(VARCHAR, INTEGER)', 'INTEGER[]', 'VARCHAR[][]', 'STRUCT(a INTEGER)[]', 'ENUM(\'a\')'].map((t) => pgTypeOf(t).oid);
    expect(oids).toEqual([16, 21, 23, 20, 1700, 700, 701, 25, 17, 1082, 1083, 1114, 1114, 1184, 1186, 2950, 114, 114, 114, 1007, 1009, 199, 25]);
    expect(pgTypeOf('DECIMAL(10,2)')).toMatchObject({ oid: 1700, modifier: (10 << 16) + 2 + 4, size: -1 });
    expect(pgTypeOf('BIGINT').size).toBe(8);
  });

  it('writes PostgreSQL text output', () => {
    expect(text('BOOLEAN', false)).toBe('f');
    expect(text('DOUBLE', NaN)).toBe('NaN');
    expect(text('FLOAT', -Infinity)).toBe('-Infinity');
    expect(text('BIGINT', 12345678901234567890n)).toBe('12345678901234567890');
    expect(text('BLOB', new Uint8Array([0, 171]))).toBe('\\x00ab');
    expect(text('TIMESTAMP', '2020-01-02T03:04:05.500000')).toBe('2020-01-02 03:04:05.5');
    expect(text('TIMESTAMP', '2020-01-02T03:04:05.000000')).toBe('2020-01-02 03:04:05');
    expect(text('TIMESTAMP_NS', '2020-01-02T03:04:05.123456789')).toBe('2020-01-02 03:04:05.123456');
    expect(text('TIMESTAMP WITH TIME ZONE', '2020-01-02T03:04:05.000001Z')).toBe('2020-01-02 03:04:05.000001+00');
    expect(text('TIME', '10:11:12.000000')).toBe('10:11:12');
    expect(text('VARCHAR[]', ['a', 'b c', '', null, 'NULL', 'q"\\'])).toBe('{a,"b c","",NULL,"NULL","q\\"\\\\"}');
    expect(text('INTEGER[][]', [[1, 2], [3, null]])).toBe('{{1,2},{3,NULL}}');
    expect(text('STRUCT(a BIGINT, b BLOB)', { a: 1n, b: new Uint8Array([1]) })).toBe('{"a":1,"b":"\\\\x01"}');
    expect(text('INTEGER', null)).toBeNull();
  });

  it('writes binary output for the fixed-size types and bytea', () => {
    expect(binary('BOOLEAN', true)).toBe('01');
    expect(binary('SMALLINT', -2)).toBe('fffe');
    expect(binary('INTEGER', 1)).toBe('00000001');
    expect(binary('BIGINT', -1n)).toBe('ffffffffffffffff');
    expect(binary('FLOAT', 1.5)).toBe('3fc00000');
    expect(binary('DOUBLE', 2.25)).toBe('4002000000000000');
    expect(binary('BLOB', new Uint8Array([1, 255]))).toBe('01ff');
    expect(binary('DATE', '2000-01-03')).toBe('00000002');
    expect(binary('TIMESTAMP', '2000-01-01T00:00:01.000002')).toBe('00000000000f4242');
    expect(binary('UUID', 'f79c3e09-677c-4bbd-a479-3f349cb785e7')).toBe('f79c3e09677c4bbda4793f349cb785e7');
    expect(() => resultFormat(pgTypeOf('DECIMAL(10,2)'), 1)).toThrow(/binary result format is not supported for type numeric/);
    expect(resultFormat(pgTypeOf('INTEGER'), 1)).toBe(1);
  });
});
