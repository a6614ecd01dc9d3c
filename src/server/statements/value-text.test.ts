import { describe, expect, it } from 'vitest';
import { decimal, primitive } from '../../expr/types.js';
import type { DataType } from '../../expr/types.js';
import { decimalWords, timestampMicros } from './arrow-chunks.js';
import { chunkEncoder } from './encoders.js';
import { valueText } from './value-text.js';

const mapType: DataType = { kind: 'map', key: primitive('string'), value: primitive('long'), valueContainsNull: true };

describe('value text (JSON_ARRAY and CSV)', () => {
  it('writes every value as a string or null', () => {
    expect(valueText(null, undefined)).toBeNull();
    expect(valueText(12345678901234567890n, primitive('long'))).toBe('12345678901234567890');
    expect(valueText(1.5, primitive('double'))).toBe('1.5');
    expect(valueText(NaN, primitive('double'))).toBe('NaN');
    expect(valueText(-Infinity, primitive('double'))).toBe('-Infinity');
    expect(valueText(false, primitive('boolean'))).toBe('false');
    expect(valueText('2.50', decimal(10, 2))).toBe('2.50');
    expect(valueText(new Uint8Array([1, 2, 255]), primitive('binary'))).toBe('AQL/');
    expect(valueText([{ key: 'a', value: 9007199254740993n }], mapType)).toBe('{"a":9007199254740993}');
    expect(valueText([1, null, 3], { kind: 'array', element: primitive('integer'), containsNull: true })).toBe('[1,null,3]');
    expect(valueText({ s: 'x"y', b: new Uint8Array([0]) }, undefined)).toBe('{"s":"x\\"y","b":"AA=="}');
  });

  it('writes CSV per RFC 4180 with the header in chunk 0 only', () => {
    const columns = [{ name: 'a', duckType: 'INTEGER', type: primitive('integer') }, { name: 'b,c', duckType: 'VARCHAR', type: primitive('string') }];
    const encoder = chunkEncoder('CSV', 'EXTERNAL_LINKS', columns);
    expect(Buffer.from(encoder.encode([[1, 'x'], [null, 'a "q"\nz'], [3, 'null'], [4, '']], 0).body!).toString()).toBe('a,"b,c"\r\n1,x\r\nnull,"a ""q""\nz"\r\n3,"null"\r\n4,\r\n');
    expect(Buffer.from(encoder.encode([[5, 'y']], 1).body!).toString()).toBe('5,y\r\n');
  });
});

describe('Arrow values', () => {
  it('scales decimals into 128-bit little-endian words', () => {
    expect([...decimalWords('2.5', 2)]).toEqual([250, 0, 0, 0]);
    expect([...decimalWords('-0.01', 2)]).toEqual([0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff]);
    expect([...decimalWords('42', 0)]).toEqual([42, 0, 0, 0]);
  });

  it('reads Loch timestamp text as microseconds', () => {
    expect(timestampMicros('2024-01-02T03:04:05.123456Z')).toBe(1704164645123456n);
    expect(timestampMicros('1970-01-01T00:00:00')).toBe(0n);
    expect(timestampMicros('infinity')).toBeUndefined();
  });
});
