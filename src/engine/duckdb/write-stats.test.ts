import { describe, expect, it } from 'vitest';
import { decimal, field, primitive } from '../../expr/types.js';
import type { WriteColumn } from '../write-spec.js';
import { boundOf, columnStatsOf } from './write-stats.js';

describe('boundOf', () => {
  it('reads DuckDB date and timestamp text, BC years and offsets included', () => {
    expect(boundOf('2020-01-02', primitive('date'))).toBe('2020-01-02');
    expect(boundOf('0045-03-15 (BC)', primitive('date'))).toBe('-0044-03-15');
    expect(boundOf('infinity', primitive('date'))).toBeUndefined();
    expect(boundOf('2020-01-02 03:04:05.5+00', primitive('timestamp'))).toBe(1577934245500000n);
    expect(boundOf('2020-01-02 08:49:05.5+05:45', primitive('timestamp'))).toBe(1577934245500000n);
    expect(boundOf('1969-12-31 23:59:59.999999+00', primitive('timestamp'))).toBe(-1n);
    expect(boundOf('0001-01-01 (BC) 00:00:00', primitive('timestamp_ntz'))).toBe(-62167219200000000n);
    expect(boundOf('20000-01-01 00:00:00+00', primitive('timestamp'))).toBe(568971820800000000n);
    expect(boundOf('infinity', primitive('timestamp'))).toBeUndefined();
  });

  it('reads numbers in the Literal representation of their type', () => {
    expect(boundOf('1', primitive('boolean'))).toBe(true);
    expect(boundOf('0', primitive('boolean'))).toBe(false);
    expect(boundOf('-128', primitive('byte'))).toBe(-128);
    expect(boundOf('9223372036854775807', primitive('long'))).toBe(9223372036854775807n);
    expect(boundOf('1e-07', primitive('double'))).toBe(1e-7);
    expect(boundOf('3.4028235e+38', primitive('float'))).toBe(3.4028235e38);
    expect(boundOf('-inf', primitive('double'))).toBe(Number.NEGATIVE_INFINITY);
    expect(boundOf('nan', primitive('double'))).toBeUndefined();
    expect(boundOf('-0.5', decimal(5, 3))).toBe('-0.500');
    expect(boundOf('12', decimal(5, 0))).toBe('12');
    expect(boundOf('1.230', decimal(5, 2))).toBe('1.23');
    expect(boundOf('1.234', decimal(5, 2))).toBeUndefined();
    expect(boundOf('FF', primitive('binary'))).toBeUndefined();
    expect(boundOf('a "b"', primitive('string'))).toBe('a "b"');
  });
});

describe('columnStatsOf', () => {
  it('finds leaves by quoted physical paths and keeps bounds only outside lists and maps', () => {
    const columns: WriteColumn[] = [
      {
        source: 's',
        name: 's',
        physicalName: 'col "s"',
        nullable: true,
        type: { kind: 'struct', fields: [field('a', primitive('integer'), true, { physicalName: 'a.b' }), field('l', { kind: 'array', element: primitive('long'), containsNull: true })] },
      },
    ];
    const raw = (min: string, max: string, nulls: string) => new Map([['min', min], ['max', max], ['null_count', nulls]]);
    const stats = new Map([
      ['"col ""s"""."a.b"', raw('1', '5', '2')],
      ['"col ""s"""."l"."element"', raw('1', '9', '3')],
    ]);
    expect(columnStatsOf(columns, stats)).toEqual([
      { path: ['col "s"', 'a.b'], min: 1, max: 5, nullCount: 2 },
      { path: ['col "s"', 'l', 'element'], nullCount: 3 },
    ]);
  });
});
