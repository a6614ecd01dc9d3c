import { describe, expect, it } from 'vitest';
import { isLochError } from '../../../core/errors.js';
import { toHex, utf8Encode } from '../../../core/bytes.js';
import type { IcebergType } from '../model.js';
import { decimalToUnscaled, decodeBinaryValue, encodeBinaryValue, formatDays, parseDays, twosComplementBytes, unscaledToDecimal } from './binary-value.js';

const p = (name: string): IcebergType => ({ kind: 'primitive', name }) as IcebergType;
const dec = (precision: number, scale: number): IcebergType => ({ kind: 'decimal', precision, scale });
const hex = (s: string): Uint8Array => Uint8Array.from((s.match(/../g) ?? []).map((b) => parseInt(b, 16)));
const decode = (h: string, type: IcebergType): unknown => decodeBinaryValue(hex(h), type, 'm0.avro: field 1');

describe('decodeBinaryValue on corpus bounds', () => {
  it('reads trino_all_types bounds (one row)', () => {
    expect(decode('0100000000000000', p('long'))).toBe(1n);
    expect(decode('01', p('boolean'))).toBe(true);
    expect(decode('2a000000', p('int'))).toBe(42);
    expect(decode('ffffffffffffff7f', p('long'))).toBe(9223372036854775807n);
    expect(decode('c3f54840', p('float'))).toBe(Math.fround(3.14));
    expect(decode('6957148b0abf0540', p('double'))).toBe(2.718281828459045);
    expect(decode('02dfdc1c35', dec(18, 5))).toBe('123456.78901');
    expect(decode('d74e0000', p('date'))).toBe('2025-04-05');
    expect(decode('40fedb8b0a000000', p('time'))).toBe(45_296_123_456n); // 12:34:56.123456
    expect(decode('409efd3a07320600', p('timestamp'))).toBe(BigInt(Date.parse('2025-04-05T12:34:56.123Z')) * 1000n + 456n);
    expect(decode('409efd3a07320600', p('timestamptz'))).toBe(1_743_856_496_123_456n);
    expect(decode('48656c6c6f2049636562657267', p('string'))).toBe('Hello Iceberg');
    expect(decode('550e8400e29b41d4a716446655440000', p('uuid'))).toBe('550e8400-e29b-41d4-a716-446655440000');
    expect(decode('deadbeef', p('binary'))).toEqual(hex('deadbeef'));
  });
  it('reads minimal-length decimals of spark_rename_column_bucket and trino_identity_all_types', () => {
    expect(decode('00', dec(10, 2))).toBe('0.00');
    expect(decode('fe0c', dec(10, 2))).toBe('-5.00');
    expect(decode('03e7', dec(10, 2))).toBe('9.99');
    expect(decode('02540be3ff', dec(10, 2))).toBe('99999999.99');
    expect(decode('012c', dec(12, 2))).toBe('3.00');
    expect(decode('466c6f70737920f09f9087', p('string'))).toBe('Flopsy 🐇');
    expect(decode('00', p('boolean'))).toBe(false);
  });
  it('infers promoted types by length', () => {
    expect(decode('2a000000', p('long'))).toBe(42n);
    expect(decode('00001040', p('double'))).toBe(2.25);
    expect(decode('01000000', p('timestamp'))).toBe(86_400_000_000n);
    expect(decode('ffffffff', p('timestamptz_ns'))).toBe(-86_400_000_000_000n);
    expect(decode('ff', dec(38, 10))).toBe('-0.0000000001');
  });
  it('reads timestamp_ns, fixed, unknown and negative values', () => {
    expect(decode('ffffffffffffffff', p('timestamp_ns'))).toBe(-1n);
    expect(decode('ffffffff', p('date'))).toBe('1969-12-31');
    expect(decode('010203', { kind: 'fixed', length: 3 })).toEqual(hex('010203'));
    expect(decode('', p('unknown'))).toBeNull();
  });
  it('reports wrong lengths, bad UTF-8 and types without a binary form', () => {
    const code = (h: string, type: IcebergType): string => {
      try {
        decode(h, type);
        return 'none';
      } catch (e) {
        return isLochError(e) && e.message.startsWith('iceberg value: m0.avro: field 1: ') ? e.code : String(e);
      }
    };
    expect(code('2a0000', p('int'))).toBe('CORRUPT_DATA');
    expect(code('2a000000', p('time'))).toBe('CORRUPT_DATA');
    expect(code('ff', p('string'))).toBe('CORRUPT_DATA');
    expect(code('', dec(9, 2))).toBe('CORRUPT_DATA');
    expect(code('00', p('variant'))).toBe('UNSUPPORTED_FEATURE');
    expect(code('00', { kind: 'geometry', text: 'geometry(OGC:CRS84)' })).toBe('UNSUPPORTED_FEATURE');
    expect(code('00', { kind: 'struct', fields: [] })).toBe('PROTOCOL_VIOLATION');
    expect(() => decode('2a0000', p('int'))).toThrow('int value has 3 bytes, expected 4');
  });
});

describe('encodeBinaryValue', () => {
  const cases: [IcebergType, unknown, string][] = [
    [p('boolean'), true, '01'],
    [p('int'), 42, '2a000000'],
    [p('long'), 9223372036854775807n, 'ffffffffffffff7f'],
    [p('float'), Math.fround(3.14), 'c3f54840'],
    [p('double'), 2.718281828459045, '6957148b0abf0540'],
    [dec(18, 5), '123456.78901', '02dfdc1c35'],
    [dec(10, 2), '-5.00', 'fe0c'],
    [dec(10, 2), '0.00', '00'],
    [dec(12, 2), '3.00', '012c'],
    [p('date'), '2025-04-05', 'd74e0000'],
    [p('time'), 45_296_123_456n, '40fedb8b0a000000'],
    [p('timestamptz'), 1_743_856_496_123_456n, '409efd3a07320600'],
    [p('timestamp_ns'), -1n, 'ffffffffffffffff'],
    [p('string'), 'Hello Iceberg', '48656c6c6f2049636562657267'],
    [p('uuid'), '550e8400-e29b-41d4-a716-446655440000', '550e8400e29b41d4a716446655440000'],
    [p('binary'), hex('deadbeef'), 'deadbeef'],
    [{ kind: 'fixed', length: 2 }, hex('abcd'), 'abcd'],
  ];
  it('writes the corpus bytes and round-trips', () => {
    for (const [type, value, bytes] of cases) {
      const encoded = encodeBinaryValue(value as never, type);
      expect(toHex(encoded), JSON.stringify(type)).toBe(bytes);
      expect(decodeBinaryValue(encoded, type, 'x')).toEqual(value);
    }
  });
  it('accepts safe integer numbers for longs and rescales exact decimals', () => {
    expect(toHex(encodeBinaryValue(1, p('long')))).toBe('0100000000000000');
    expect(toHex(encodeBinaryValue('-5', dec(10, 2)))).toBe('fe0c');
  });
  it('refuses nulls, mismatched values and nested types', () => {
    const bad: [unknown, IcebergType][] = [
      [null, p('int')],
      [2 ** 31, p('int')],
      ['1.234', dec(9, 2)],
      [hex('00'), { kind: 'fixed', length: 2 }],
      ['not-a-uuid', p('uuid')],
      ['2025-02-30', p('date')],
      [1.5, p('long')],
      [1n, { kind: 'list', elementId: 2, elementRequired: false, element: p('int') }],
      [utf8Encode('x'), p('string')],
    ];
    for (const [value, type] of bad) {
      expect(() => encodeBinaryValue(value as never, type), JSON.stringify(type)).toThrow(/^iceberg value: cannot encode/);
    }
  });
});

describe('value helpers', () => {
  it('converts decimal text and unscaled values', () => {
    expect(decimalToUnscaled('-1.5', 2)).toBe(-150n);
    expect(decimalToUnscaled('14.20', 2)).toBe(1420n);
    expect(decimalToUnscaled('1.230', 2)).toBe(123n);
    expect(decimalToUnscaled('1.234', 2)).toBeUndefined();
    expect(decimalToUnscaled('abc', 2)).toBeUndefined();
    expect(unscaledToDecimal(-150n, 2)).toBe('-1.50');
    expect(unscaledToDecimal(5n, 3)).toBe('0.005');
    expect(unscaledToDecimal(-5n, 3)).toBe('-0.005');
    expect(unscaledToDecimal(12n, 0)).toBe('12');
  });
  it('writes two’s complement like BigInteger.toByteArray', () => {
    expect(toHex(twosComplementBytes(0n))).toBe('00');
    expect(toHex(twosComplementBytes(127n))).toBe('7f');
    expect(toHex(twosComplementBytes(128n))).toBe('0080');
    expect(toHex(twosComplementBytes(-128n))).toBe('80');
    expect(toHex(twosComplementBytes(-129n))).toBe('ff7f');
    expect(toHex(twosComplementBytes(1420n))).toBe('058c');
  });
  it('parses and formats dates, also far from 1970', () => {
    expect(parseDays('1970-01-01')).toBe(0);
    expect(parseDays('2017-11-16')).toBe(17486);
    expect(parseDays('0001-01-01')).toBe(-719162);
    expect(parseDays('2024-02-30')).toBeUndefined();
    expect(formatDays(-719162)).toBe('0001-01-01');
    expect(formatDays(-719528)).toBe('0000-01-01');
    expect(formatDays(-719529)).toBe('-0001-12-31');
    expect(parseDays(formatDays(3_000_000))).toBe(3_000_000);
  });
});
