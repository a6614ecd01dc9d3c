import { describe, expect, it } from 'vitest';
import type { WrittenColumnStats } from '../../../expr/file-facts.js';
import { decimal, field, primitive } from '../../../expr/types.js';
import type { StructType } from '../../../expr/types.js';
import { buildStatsJson } from './stats-build.js';
import { statsProblems } from './validate-stats.js';

const schema: StructType = {
  kind: 'struct',
  fields: [
    field('id', primitive('long'), true, { physicalName: 'col-1' }),
    field('s', { kind: 'struct', fields: [field('t', primitive('timestamp')), field('n', primitive('timestamp_ntz')), field('d', decimal(5, 2))] }),
    field('f', primitive('double')),
    field('r', primitive('float')),
    field('b', primitive('boolean')),
    field('day', primitive('date')),
    field('txt', primitive('string')),
    field('bin', primitive('binary')),
    field('m', { kind: 'map', key: primitive('string'), value: primitive('long'), valueContainsNull: true }),
  ],
};

describe('statsProblems', () => {
  it('accepts what stats-build writes, extremes included', () => {
    const columns: WrittenColumnStats[] = [
      { path: ['col-1'], min: -(2n ** 63n), max: 2n ** 63n - 1n, nullCount: 0 },
      { path: ['s', 't'], min: -62_135_596_800_000_000n, max: 253_402_300_799_999_999n, nullCount: 1 },
      { path: ['s', 'n'], min: -1n, max: 0n, nullCount: 0 },
      { path: ['s', 'd'], min: '-999.99', max: '999.99', nullCount: 2 },
      { path: ['f'], min: Number.NEGATIVE_INFINITY, max: 1e308, nullCount: 0 },
      { path: ['r'], min: Math.fround(-3.4e38), max: Math.fround(1.1), nullCount: 0 },
      { path: ['b'], min: false, max: true, nullCount: 0 },
      { path: ['day'], min: '0001-01-01', max: '9999-12-31', nullCount: 0 },
      { path: ['txt'], min: '', max: 'x'.repeat(40), nullCount: 0 },
      { path: ['bin'], min: new Uint8Array([0]), max: new Uint8Array([255]), nullCount: 3 },
      { path: ['m'], nullCount: 4 },
    ];
    for (const tightBounds of [undefined, true, false]) {
      const stats = buildStatsJson(schema, 5, columns, { numIndexedCols: -1, ...(tightBounds === undefined ? {} : { tightBounds }) });
      expect(statsProblems(stats, schema.fields)).toEqual([]);
    }
  });

  it('accepts empty and count-only statistics', () => {
    expect(statsProblems('{"numRecords":0}', schema.fields)).toEqual([]);
    expect(statsProblems(buildStatsJson(schema, 0, [], { numIndexedCols: 32 }), schema.fields)).toEqual([]);
  });

  it('reports every problem of one record', () => {
    const stats = JSON.stringify({
      numRecords: 2.5,
      minValues: { 'col-1': '1', s: { d: 'abc', zz: 1 }, b: 1, m: { a: 1 } },
      maxValues: [],
      nullCount: { f: 'none', s: { t: 1.5 } },
    });
    expect(statsProblems(stats, schema.fields)).toEqual([
      'stats numRecords 2.5 is not a non-negative integer',
      'stats minValues.col-1 = "1" is not a long value',
      'stats minValues.s.d = "abc" is not a decimal(5,2) value',
      "stats minValues key 's.zz' is not the physical name of a data column",
      'stats minValues.b = 1 is not a boolean value',
      'stats minValues.m: map columns have no minimum',
      'stats maxValues is not an object',
      'stats nullCount.f = "none" is not a non-negative integer',
      'stats nullCount.s.t = 1.5 is not a non-negative integer',
    ]);
  });

  it('checks dates and timestamp_ntz text', () => {
    expect(statsProblems('{"numRecords":1,"minValues":{"day":"2020-02-30"}}', schema.fields)).toEqual(['stats minValues.day = "2020-02-30" is not a date value']);
    expect(statsProblems('{"numRecords":1,"minValues":{"s":{"n":"2020-01-01T00:00:00.000+01:00"}}}', schema.fields)).toEqual([
      'stats minValues.s.n = "2020-01-01T00:00:00.000+01:00" is not a timestamp_ntz value',
    ]);
  });
});
