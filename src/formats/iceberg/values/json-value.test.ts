import { describe, expect, it } from 'vitest';
import { JsonNumber, parseJsonExact, stringifyJsonExact } from '../../../core/json-exact.js';
import type { IcebergType } from '../model.js';
import { jsonToLiteral, literalToJson } from './json-value.js';

const p = (name: string): IcebergType => ({ kind: 'primitive', name: name as 'int' });
const num = (text: string): JsonNumber => new JsonNumber(text, true);

describe('jsonToLiteral', () => {
  it('converts the PyIceberg defaults of the corpus', () => {
    expect(jsonToLiteral(true, p('boolean'), 'w')).toBe(true);
    expect(jsonToLiteral(num('342342'), p('int'), 'w')).toBe(342342);
    expect(jsonToLiteral(num('-9223372036854775808'), p('long'), 'w')).toBe(-9223372036854775808n);
    expect(jsonToLiteral(num('0.34234'), p('float'), 'w')).toBe(Math.fround(0.34234));
    expect(jsonToLiteral(num('0.342343242342342'), p('double'), 'w')).toBe(0.342343242342342);
    expect(jsonToLiteral('12345.00', { kind: 'decimal', precision: 16, scale: 2 }, 'w')).toBe('12345.00');
    expect(jsonToLiteral('2003-10-20', p('date'), 'w')).toBe('2003-10-20');
    expect(jsonToLiteral('00:00:00.012345', p('time'), 'w')).toBe(12345n);
    expect(jsonToLiteral('1970-01-01T00:00:00.012345', p('timestamp'), 'w')).toBe(12345n);
    expect(jsonToLiteral('1970-01-01T00:00:00.012345+00:00', p('timestamptz'), 'w')).toBe(12345n);
    expect(jsonToLiteral('F79C3E09-677c-4bbd-a479-3f349cb785e7', p('uuid'), 'w')).toBe('f79c3e09-677c-4bbd-a479-3f349cb785e7');
    expect(jsonToLiteral('010203ff03', { kind: 'fixed', length: 5 }, 'w')).toEqual(new Uint8Array([1, 2, 3, 255, 3]));
    expect(jsonToLiteral('0102', p('binary'), 'w')).toEqual(new Uint8Array([1, 2]));
  });

  it('handles pre-epoch and fraction-less timestamps, ns precision and offsets', () => {
    expect(jsonToLiteral('1969-12-31T23:59:59.123456', p('timestamp'), 'w')).toBe(-876544n);
    expect(jsonToLiteral('1970-01-01T00:00:00', p('timestamp'), 'w')).toBe(0n);
    expect(jsonToLiteral('2024-01-15T10:30:45.123456', p('timestamp'), 'w')).toBe(1705314645123456n);
    expect(jsonToLiteral('1970-01-01T00:00:01.000000001+00:00', p('timestamptz_ns'), 'w')).toBe(1000000001n);
    expect(jsonToLiteral('1970-01-01T01:00:00+01:00', p('timestamptz'), 'w')).toBe(0n);
    expect(jsonToLiteral('0011-03-04', p('date'), 'w')).toBe('0011-03-04');
  });

  it('scales decimals exactly, negative scale text included', () => {
    const d = (s: number): IcebergType => ({ kind: 'decimal', precision: 38, scale: s });
    expect(jsonToLiteral('-1.5', d(2), 'w')).toBe('-1.50');
    expect(jsonToLiteral('2E+20', d(0), 'w')).toBe('200000000000000000000');
    expect(jsonToLiteral(num('14.20'), d(2), 'w')).toBe('14.20');
    expect(jsonToLiteral('0.05', d(2), 'w')).toBe('0.05');
    expect(() => jsonToLiteral('1.234', d(2), 'w')).toThrow(/more than 2 fraction digits/);
    expect(() => jsonToLiteral('1000.00', { kind: 'decimal', precision: 5, scale: 2 }, 'w')).toThrow(/does not fit decimal\(5, 2\)/);
  });

  it('converts nested values: struct by id to names, sub-field defaults for missing keys, maps to entries', () => {
    const struct: IcebergType = {
      kind: 'struct',
      fields: [
        { id: 3, name: 'f1', required: false, type: p('int'), initialDefault: num('-1') },
        { id: 4, name: 'f2', required: false, type: p('string') },
      ],
    };
    expect(jsonToLiteral(parseJsonExact('{}'), struct, 'w')).toEqual({ f1: -1, f2: null });
    expect(jsonToLiteral(parseJsonExact('{"3": 1, "4": "bar"}'), struct, 'w')).toEqual({ f1: 1, f2: 'bar' });
    expect(() => jsonToLiteral(parseJsonExact('{"9": 1}'), struct, 'w')).toThrow(/key "9"/);
    const map: IcebergType = { kind: 'map', keyId: 1, key: p('string'), valueId: 2, valueRequired: false, value: p('long') };
    expect(jsonToLiteral(parseJsonExact('{"keys": ["a", "b"], "values": [1, null]}'), map, 'w')).toEqual([
      { key: 'a', value: 1n },
      { key: 'b', value: null },
    ]);
    const list: IcebergType = { kind: 'list', elementId: 1, elementRequired: false, element: p('date') };
    expect(jsonToLiteral(['2020-02-29', null], list, 'w')).toEqual(['2020-02-29', null]);
  });

  it('rejects wrong shapes as corrupt and non-null values where only null is allowed', () => {
    expect(() => jsonToLiteral('x', p('int'), 'f.metadata.json: field 3 initial-default')).toThrow(/^iceberg value: f.metadata.json: field 3 initial-default: "x" is not an integer/);
    expect(() => jsonToLiteral(num('2147483648'), p('int'), 'w')).toThrow(/does not fit an int/);
    expect(() => jsonToLiteral('2021-02-29', p('date'), 'w')).toThrow(/not a calendar date/);
    expect(() => jsonToLiteral('2021-01-01T00:00:00', p('timestamptz'), 'w')).toThrow(/zone offset is missing/);
    expect(() => jsonToLiteral('2021-01-01T00:00:00+00:00', p('timestamp'), 'w')).toThrow(/carries a zone/);
    expect(() => jsonToLiteral('0102', { kind: 'fixed', length: 3 }, 'w')).toThrow(/fixed\[3\] value has 2 bytes/);
    expect(() => jsonToLiteral('abc', p('variant'), 'w')).toThrow(expect.objectContaining({ code: 'PROTOCOL_VIOLATION' }));
    expect(jsonToLiteral(null, p('unknown'), 'w')).toBeNull();
  });
});

describe('literalToJson', () => {
  const cases: [IcebergType, unknown, string][] = [
    [p('boolean'), false, 'false'],
    [p('int'), -7, '-7'],
    [p('long'), -9223372036854775808n, '-9223372036854775808'],
    [p('float'), Math.fround(0.34234), '0.34234'],
    [p('double'), 0.1, '0.1'],
    [{ kind: 'decimal', precision: 5, scale: 2 }, '-1.50', '"-1.50"'],
    [p('date'), '0011-03-04', '"0011-03-04"'],
    [p('time'), 12345n, '"00:00:00.012345"'],
    [p('timestamp'), -876544n, '"1969-12-31T23:59:59.123456"'],
    [p('timestamptz'), 0n, '"1970-01-01T00:00:00.000000+00:00"'],
    [p('timestamp_ns'), 1000000001n, '"1970-01-01T00:00:01.000000001"'],
    [p('timestamptz_ns'), -1n, '"1969-12-31T23:59:59.999999999+00:00"'],
    [p('uuid'), 'f79c3e09-677c-4bbd-a479-3f349cb785e7', '"f79c3e09-677c-4bbd-a479-3f349cb785e7"'],
    [{ kind: 'fixed', length: 2 }, new Uint8Array([0, 255]), '"00ff"'],
    [{ kind: 'struct', fields: [{ id: 7, name: 'a', required: false, type: p('int') }] }, { a: 1 }, '{"7":1}'],
    [{ kind: 'map', keyId: 1, key: p('int'), valueId: 2, valueRequired: true, value: p('string') }, [{ key: 1, value: 'x' }], '{"keys":[1],"values":["x"]}'],
  ];
  it.each(cases)('%j %s → %s and back', (type, value, json) => {
    const out = literalToJson(value, type);
    expect(stringifyJsonExact(out)).toBe(json);
    expect(jsonToLiteral(parseJsonExact(json), type, 'w')).toEqual(value);
  });

  it('refuses values of the wrong type', () => {
    expect(() => literalToJson('1', p('int'))).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => literalToJson(new Uint8Array(3), { kind: 'fixed', length: 2 })).toThrow(/not a value of type fixed/);
  });
});
