import { seededRandom } from '../../../core/random.js';
import { describe, expect, it } from 'vitest';
import type { WrittenColumnStats } from '../../../expr/file-facts.js';
import type { LiteralValue } from '../../../expr/nodes.js';
import type { DataType, PrimitiveName, StructType } from '../../../expr/types.js';
import { decimal, field, primitive } from '../../../expr/types.js';
import { parseFileStats } from '../stats.js';
import { thrown } from '../../../test-support/errors.js';
import { buildStatsJson } from './stats-build.js';

const T = (name: PrimitiveName): DataType => primitive(name);
const ALL = { numIndexedCols: -1 };

const rng = seededRandom;

/** Compares two non-null values of one type: negative, zero or positive. */
function compare(a: LiteralValue, b: LiteralValue, type: DataType): number {
  if (type.kind === 'decimal') {
    const scaled = (v: LiteralValue): bigint => BigInt(String(v).replace('.', ''));
    return Number(scaled(a) - scaled(b));
  }
  if (typeof a === 'string' && typeof b === 'string') {
    // Code point order (what parquet and DuckDB use), not UTF-16 unit order.
    const pa = Array.from(a, (c) => c.codePointAt(0)!);
    const pb = Array.from(b, (c) => c.codePointAt(0)!);
    for (let i = 0; i < Math.min(pa.length, pb.length); i++) if (pa[i] !== pb[i]) return pa[i]! - pb[i]!;
    return pa.length - pb.length;
  }
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  if (typeof a === 'bigint' && typeof b === 'bigint') return a < b ? -1 : a > b ? 1 : 0;
  return (a as number) - (b as number);
}

function randomValue(next: () => number, type: DataType): LiteralValue {
  const pick = <V>(xs: readonly V[]): V => xs[Math.floor(next() * xs.length)]!;
  if (type.kind === 'decimal') {
    const unscaled = BigInt(Math.floor((next() - 0.5) * 2e15));
    const digits = (unscaled < 0n ? -unscaled : unscaled).toString().padStart(type.scale + 1, '0');
    return `${unscaled < 0n ? '-' : ''}${digits.slice(0, -type.scale)}.${digits.slice(-type.scale)}`;
  }
  if (type.kind !== 'primitive') throw new Error('unexpected');
  switch (type.name) {
    case 'boolean':
      return next() < 0.5;
    case 'integer':
      return Math.floor((next() - 0.5) * 2 ** 32);
    case 'long':
      return BigInt(Math.floor((next() - 0.5) * 2 ** 53)) * pick([1n, 1024n]);
    case 'float':
      return Math.fround((next() - 0.5) * 10 ** Math.floor(next() * 60 - 30));
    case 'double':
      return next() < 0.05 ? pick([Infinity, -Infinity]) : (next() - 0.5) * 10 ** Math.floor(next() * 600 - 300);
    case 'string': {
      const alphabet = ['a', 'b', 'z', ' ', 'é', '\uffff', '\u{10ffff}', '😈', '\ue000', '"'];
      let s = '';
      const length = Math.floor(next() * 45);
      for (let i = 0; i < length; i++) s += pick(alphabet);
      return s;
    }
    case 'date':
      return new Date(Math.floor((next() - 0.5) * 2e13)).toISOString().slice(0, 10);
    case 'timestamp':
    case 'timestamp_ntz':
      return BigInt(Math.floor((next() - 0.5) * 2e12)) * 1000n + BigInt(pick([0, 999, Math.floor(next() * 1000)]));
    default:
      throw new Error('unexpected');
  }
}

const TYPES: DataType[] = [T('boolean'), T('integer'), T('long'), T('float'), T('double'), T('string'), T('date'), T('timestamp'), T('timestamp_ntz'), decimal(18, 3)];

describe('buildStatsJson', () => {
  it('gives true bounds and exact null counts for seeded random files', () => {
    const next = rng(7);
    const schema: StructType = { kind: 'struct', fields: TYPES.map((type, i) => field(`c${i}`, type, true, { physicalName: `p${i}` })) };
    for (let file = 0; file < 300; file++) {
      const numRecords = 1 + Math.floor(next() * 20);
      const columns: WrittenColumnStats[] = [];
      const truth = new Map<string, { min?: LiteralValue; max?: LiteralValue; nulls: number }>();
      schema.fields.forEach((f) => {
        const values = Array.from({ length: numRecords }, () => (next() < 0.2 ? null : randomValue(next, f.type)));
        const present = values.filter((v) => v !== null).sort((a, b) => compare(a, b, f.type));
        const t = { nulls: numRecords - present.length, ...(present.length > 0 ? { min: present[0], max: present[present.length - 1] } : {}) };
        truth.set(f.name, t);
        columns.push({ path: [f.physicalName], nullCount: t.nulls, ...(t.min !== undefined ? { min: t.min, max: t.max } : {}) });
      });
      const stats = parseFileStats(buildStatsJson(schema, numRecords, columns, ALL), undefined, schema)!;
      expect(stats.numRecords).toBe(numRecords);
      for (const f of schema.fields) {
        const t = truth.get(f.name)!;
        expect(stats.nullCount.get(f.name)).toBe(t.nulls);
        const min = stats.minValues.get(f.name);
        const max = stats.maxValues.get(f.name);
        if (t.min === undefined) continue;
        if (min !== undefined && compare(min, t.min, f.type) > 0) expect({ column: f.name, min, true: t.min }).toBeUndefined();
        if (max !== undefined && compare(max, t.max!, f.type) < 0) expect({ column: f.name, max, true: t.max }).toBeUndefined();
        // Only cut strings of U+10FFFF and unrepresentable values may lose a bound.
        if (f.type.kind !== 'primitive' || f.type.name !== 'string') {
          expect(min).toBeDefined();
          expect(max).toBeDefined();
        }
      }
    }
  });

  it('writes the Spark text forms, keyed by physical name, nested structs nested', () => {
    const schema: StructType = {
      kind: 'struct',
      fields: [
        field('id', T('long'), true, { physicalName: 'col-1' }),
        field('s', { kind: 'struct', fields: [field('t', T('timestamp')), field('n', T('timestamp_ntz')), field('d', decimal(5, 2))] }),
        field('f', T('double')),
      ],
    };
    const columns: WrittenColumnStats[] = [
      { path: ['col-1'], min: -(2n ** 63n), max: 2n ** 63n - 1n, nullCount: 0 },
      { path: ['s', 't'], min: 1_580_544_550_000_999n, max: 1_580_544_550_123_456n, nullCount: 1 },
      { path: ['s', 'n'], min: -1n, max: 0n, nullCount: 0 },
      { path: ['s', 'd'], min: '-1.50', max: '0.05', nullCount: 2 },
      { path: ['f'], min: 1e-4, max: 2021, nullCount: 0 },
    ];
    expect(buildStatsJson(schema, 3, columns, { numIndexedCols: 32, tightBounds: true })).toBe(
      '{"numRecords":3,' +
        '"minValues":{"col-1":-9223372036854775808,"s":{"t":"2020-02-01T08:09:10.000Z","n":"1969-12-31T23:59:59.999","d":-1.50},"f":1.0E-4},' +
        '"maxValues":{"col-1":9223372036854775807,"s":{"t":"2020-02-01T08:09:10.123Z","n":"1970-01-01T00:00:00.000","d":0.05},"f":2021.0},' +
        '"nullCount":{"col-1":0,"s":{"t":1,"n":0,"d":2},"f":0},"tightBounds":true}',
    );
    const parsed = parseFileStats(buildStatsJson(schema, 3, columns, ALL), undefined, schema)!;
    expect(parsed.minValues.get('id')).toBe(-(2n ** 63n));
    expect(parsed.maxValues.get('s.t')).toBe(1_580_544_550_123_999n);
    expect(parsed.minValues.get('s.d')).toBe('-1.50');
    expect(parsed.nullCount.get('s.d')).toBe(2);
  });

  it('cuts strings to 32 code points, the max followed by the U+10FFFF tie-breaker', () => {
    const schema: StructType = { kind: 'struct', fields: [field('s', T('string'))] };
    const long = `${'x'.repeat(31)}😈tail`;
    const json = buildStatsJson(schema, 1, [{ path: ['s'], min: long, max: long, nullCount: 0 }], ALL);
    const root = JSON.parse(json) as { minValues: { s: string }; maxValues: { s: string } };
    expect(root.minValues.s).toBe(`${'x'.repeat(31)}😈`);
    expect(root.maxValues.s).toBe(`${'x'.repeat(31)}😈\u{10ffff}`);
    const parsed = parseFileStats(json, undefined, schema)!;
    expect(compare(parsed.maxValues.get('s')!, long, T('string'))).toBeGreaterThan(0);
    const short = buildStatsJson(schema, 1, [{ path: ['s'], min: 'ab', max: 'cd' }], ALL);
    expect(short).toBe('{"numRecords":1,"minValues":{"s":"ab"},"maxValues":{"s":"cd"},"nullCount":{}}');
  });

  it('leaves out NaN bounds, binary bounds and unrepresentable years, and writes infinities as strings', () => {
    const schema: StructType = {
      kind: 'struct',
      fields: [field('d', T('double')), field('b', T('binary')), field('t', T('timestamp')), field('f', T('float'))],
    };
    const json = buildStatsJson(
      schema,
      4,
      [
        { path: ['d'], min: -Infinity, max: Number.NaN, nullCount: 0 },
        { path: ['b'], min: new Uint8Array([1]), max: new Uint8Array([2]), nullCount: 1 },
        { path: ['t'], min: 0n, max: 253_402_300_800_000_000n, nullCount: 0 },
        { path: ['f'], min: Math.fround(0.1), max: Infinity, nullCount: 0 },
      ],
      ALL,
    );
    expect(JSON.parse(json)).toEqual({
      numRecords: 4,
      minValues: { d: '-Infinity', t: '1970-01-01T00:00:00.000Z', f: 0.1 },
      maxValues: { f: 'Infinity' },
      nullCount: { d: 0, b: 1, t: 0, f: 0 },
    });
    const parsed = parseFileStats(json, undefined, schema)!;
    expect(parsed.minValues.get('d')).toBe(-Infinity);
    expect(parsed.minValues.get('f')).toBe(Math.fround(0.1));
    expect(parsed.maxValues.get('f')).toBe(Infinity);
  });

  it('indexes the first n leaf columns, struct fields counted one by one, arrays and maps as one', () => {
    const schema: StructType = {
      kind: 'struct',
      fields: [
        field('a', T('integer')),
        field('s', { kind: 'struct', fields: [field('x', T('integer')), field('y', T('integer'))] }),
        field('arr', { kind: 'array', element: T('integer'), containsNull: true }),
        field('z', T('integer')),
      ],
    };
    const columns: WrittenColumnStats[] = [
      { path: ['a'], min: 1, max: 1, nullCount: 0 },
      { path: ['s', 'x'], min: 2, max: 2, nullCount: 0 },
      { path: ['s', 'y'], min: 3, max: 3, nullCount: 0 },
      { path: ['arr'], nullCount: 1 },
      { path: ['arr', 'element'], min: 9, max: 9, nullCount: 5 },
      { path: ['z'], min: 4, max: 4, nullCount: 0 },
    ];
    const keys = (options: Parameters<typeof buildStatsJson>[3]): unknown => (JSON.parse(buildStatsJson(schema, 2, columns, options)) as { nullCount: unknown }).nullCount;
    expect(keys({ numIndexedCols: 2 })).toEqual({ a: 0, s: { x: 0 } });
    expect(keys({ numIndexedCols: 4 })).toEqual({ a: 0, s: { x: 0, y: 0 }, arr: 1 });
    expect(keys({ numIndexedCols: 0 })).toEqual({});
    expect(keys({ numIndexedCols: -1 })).toEqual({ a: 0, s: { x: 0, y: 0 }, arr: 1, z: 0 });
    expect(keys({ numIndexedCols: 1, statsColumns: ['Z', 's', 'nope', 'a.b'] })).toEqual({ s: { x: 0, y: 0 }, z: 0 });
    expect(keys({ numIndexedCols: 1, statsColumns: ['`s`.`y`'] })).toEqual({ s: { y: 0 } });
    const minValues = (JSON.parse(buildStatsJson(schema, 2, columns, ALL)) as { minValues: unknown }).minValues;
    expect(minValues).toEqual({ a: 1, s: { x: 2, y: 3 }, z: 4 });
  });

  it('reads back through a column-mapped schema under logical names', () => {
    const schema: StructType = {
      kind: 'struct',
      fields: [field('Name', { kind: 'struct', fields: [field('inner', T('string'), true, { physicalName: 'col-b' })] }, true, { physicalName: 'col-a' })],
    };
    const json = buildStatsJson(schema, 1, [{ path: ['col-a', 'col-b'], min: 'm', max: 'n', nullCount: 0 }], ALL);
    expect(json).toContain('"col-a":{"col-b":"m"}');
    const parsed = parseFileStats(json, undefined, schema)!;
    expect(parsed.minValues.get('Name.inner')).toBe('m');
  });

  it('refuses bad input', () => {
    const schema: StructType = { kind: 'struct', fields: [field('a', T('integer')), field('l', T('long'))] };
    expect(thrown(() => buildStatsJson(schema, -1, [], ALL)).code).toBe('INVALID_ARGUMENT');
    expect(thrown(() => buildStatsJson(schema, 1, [], { numIndexedCols: -2 })).code).toBe('INVALID_ARGUMENT');
    expect(thrown(() => buildStatsJson(schema, 1, [{ path: ['a'], nullCount: 2 }], ALL)).code).toBe('INVALID_ARGUMENT');
    const wrong = thrown(() => buildStatsJson(schema, 1, [{ path: ['a'], min: '1' }], ALL));
    expect(wrong.code).toBe('INVALID_ARGUMENT');
    expect(wrong.message).toContain('column a');
    expect(thrown(() => buildStatsJson(schema, 1, [{ path: ['l'], max: 1.5 }], ALL)).code).toBe('INVALID_ARGUMENT');
  });
});
