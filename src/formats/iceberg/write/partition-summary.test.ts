import { describe, expect, it } from 'vitest';
import type { IcebergStruct } from '../model.js';
import { decodeBinaryValue } from '../values/binary-value.js';
import { compareCodePoints, partitionSummaries } from './partition-summary.js';

const type: IcebergStruct = {
  kind: 'struct',
  fields: [
    { id: 1000, name: 'd', required: false, type: { kind: 'decimal', precision: 9, scale: 2 } },
    { id: 1001, name: 'f', required: false, type: { kind: 'primitive', name: 'float' } },
    { id: 1002, name: 's', required: false, type: { kind: 'primitive', name: 'string' } },
  ],
};

describe('partitionSummaries', () => {
  it('tracks nulls, NaN and numeric/code point bounds', () => {
    const tuples = [
      new Map<number, string | number | null>([[1000, '10.00'], [1001, Number.NaN], [1002, '\uFFFF']]),
      new Map<number, string | number | null>([[1000, '9.50'], [1001, -0], [1002, '😀']]),
      new Map<number, string | number | null>([[1000, '-1.00'], [1001, 0], [1002, null]]),
    ];
    const [d, f, s] = partitionSummaries(tuples, type);
    const decode = (bytes: Uint8Array | undefined, i: number) => decodeBinaryValue(bytes!, type.fields[i]!.type, 't');
    expect([d!.containsNull, decode(d!.lowerBound, 0), decode(d!.upperBound, 0)]).toEqual([false, '-1.00', '10.00']);
    expect([f!.containsNan, Object.is(decode(f!.lowerBound, 1), -0), decode(f!.upperBound, 1)]).toEqual([true, true, 0]);
    expect([s!.containsNull, decode(s!.lowerBound, 2), decode(s!.upperBound, 2)]).toEqual([true, '\uFFFF', '😀']);
  });
  it('has no bounds when every value is null', () => {
    const [d] = partitionSummaries([new Map([[1000, null]])], type);
    expect(d).toEqual({ containsNull: true, containsNan: false });
  });
  it('orders by code point', () => {
    expect(compareCodePoints('\uFFFF', '😀')).toBe(-1);
    expect(compareCodePoints('ab', 'a')).toBe(1);
    expect(compareCodePoints('a', 'a')).toBe(0);
  });
});
