import { describe, expect, it } from 'vitest';
import { dateToDays, daysToDate, decimalFromBytes, decimalToBytes, decodePartitionValue, encodePartitionValue, uuidFromBytes, uuidToBytes } from './partition-values.js';

describe('partition values', () => {
  it('converts decimals between text and two\'s-complement bytes', () => {
    expect(decimalFromBytes(Uint8Array.of(0x01, 0xe1, 0x31), 3)).toBe('123.185');
    expect(decimalFromBytes(Uint8Array.of(0xff, 0x6a), 2)).toBe('-1.50');
    expect(decimalFromBytes(Uint8Array.of(0x05), 0)).toBe('5');
    expect(decimalFromBytes(Uint8Array.of(0xff), 3)).toBe('-0.001');
    expect([...(decimalToBytes('-1.50', 2, 4) ?? [])]).toEqual([0xff, 0xff, 0xff, 0x6a]);
    expect([...(decimalToBytes('3', 2, 2) ?? [])]).toEqual([0x01, 0x2c]);
    expect(decimalToBytes('1.234', 2, 4)).toBeUndefined(); // would lose digits
    expect(decimalToBytes('400', 0, 1)).toBeUndefined(); // does not fit
  });

  it('converts dates (also before year 1000) and uuids', () => {
    expect(daysToDate(0)).toBe('1970-01-01');
    expect(daysToDate(-715_000)).toBe('0012-05-25');
    expect(dateToDays('0012-05-25')).toBe(-715_000);
    const uuid = '12151fd2-7586-11e9-8f9e-2a86e4085a59';
    expect(uuidFromBytes(uuidToBytes(uuid) ?? new Uint8Array())).toBe(uuid);
  });

  it('decodes by the result type and promotes int partitions to long', () => {
    const dateInt = { type: 'int', logicalType: 'date' };
    expect(decodePartitionValue(20150, dateInt, { kind: 'primitive', name: 'int' }, 1000, 'x')).toBe(20150);
    expect(decodePartitionValue(20150, dateInt, { kind: 'primitive', name: 'date' }, 1000, 'x')).toBe('2025-03-03');
    expect(decodePartitionValue(20150, dateInt, undefined, 1000, 'x')).toBe('2025-03-03');
    expect(decodePartitionValue(3, 'int', { kind: 'primitive', name: 'long' }, 1000, 'x')).toBe(3n);
    expect(decodePartitionValue(null, 'int', { kind: 'primitive', name: 'int' }, 1000, 'x')).toBeNull();
    expect(() => decodePartitionValue('a', 'string', { kind: 'primitive', name: 'int' }, 1000, 'iceberg manifest: m.avro: entry 2')).toThrow(
      'iceberg manifest: m.avro: entry 2: partition field 1000 has Avro type string but the spec says int',
    );
  });

  it('encodes Literal values and refuses the wrong kind', () => {
    expect(encodePartitionValue('2025-03-03', { kind: 'primitive', name: 'date' }, 1)).toBe(20150);
    expect(encodePartitionValue(5, { kind: 'primitive', name: 'long' }, 1)).toBe(5n);
    expect(encodePartitionValue('x', { kind: 'primitive', name: 'unknown' }, 1)).toBeNull();
    expect(() => encodePartitionValue(Uint8Array.of(1), { kind: 'fixed', length: 2 }, 7)).toThrow('iceberg manifest: partition field 7: value 1 bytes does not fit type fixed[2]');
  });
});
