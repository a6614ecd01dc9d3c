import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FileStats } from '../../expr/file-facts.js';
import type { LiteralValue } from '../../expr/nodes.js';
import type { DataType, StructField, StructType } from '../../expr/types.js';
import { decimal, field, primitive } from '../../expr/types.js';
import { parseDecimalText, parseTimestampText } from './partition-values.js';
import { parseFileStats, parseJsonExact, stringUpperBound } from './stats.js';
import { parseDeltaSchema } from './spec/schema.js';
import { DELTA_TESTDATA, corpusTables, latestMetadata, readLogActions } from './test-support/corpus.js';

const schema: StructType = {
  kind: 'struct',
  fields: [
    field('i', primitive('integer')),
    field('l', primitive('long')),
    field('d', decimal(20, 2)),
    field('small', decimal(10, 2)),
    field('f', primitive('float')),
    field('x', primitive('double')),
    field('s', primitive('string')),
    field('dt', primitive('date')),
    field('ts', primitive('timestamp')),
    field('ntz', primitive('timestamp_ntz')),
    field('b', primitive('boolean')),
    { name: 'Nested', physicalName: 'col-n', nullable: true, type: { kind: 'struct', fields: [{ ...field('inner', primitive('integer')), physicalName: 'col-i' }] } },
  ],
};

function parse(stats: unknown, statsParsed?: unknown): FileStats {
  const result = parseFileStats(typeof stats === 'string' ? stats : JSON.stringify(stats), statsParsed, schema);
  expect(result).toBeDefined();
  return result!;
}

describe('parseFileStats', () => {
  it('reads numRecords, bounds and null counts keyed by logical paths', () => {
    const stats = parse(
      '{"numRecords":3,"minValues":{"i":-1,"l":-9223372036854775808,"d":1.5,"s":"a","dt":"2021-01-01","col-n":{"col-i":4}},' +
        '"maxValues":{"i":7,"l":9223372036854775807,"d":-3.1661E-8,"x":1e300,"col-n":{"col-i":9}},"nullCount":{"i":0,"s":2,"col-n":{"col-i":1}}}',
    );
    expect(stats.numRecords).toBe(3);
    expect(stats.tightBounds).toBe(true);
    expect(stats.minValues).toEqual(
      new Map<string, LiteralValue>([['i', -1], ['l', -9223372036854775808n], ['d', '1.50'], ['s', 'a'], ['dt', '2021-01-01'], ['Nested.inner', 4]]),
    );
    expect(stats.maxValues).toEqual(
      new Map<string, LiteralValue>([['i', 7], ['l', 9223372036854775807n], ['d', '0.00'], ['x', 1e300], ['Nested.inner', 9]]),
    );
    expect(stats.nullCount).toEqual(new Map([['i', 0], ['s', 2], ['Nested.inner', 1]]));
  });

  it('widens a timestamp max on a millisecond boundary by 999µs, and leaves the min', () => {
    const stats = parse({
      minValues: { ts: '2020-02-01T08:09:10.000Z', ntz: '2021-11-18T02:30:00.123' },
      maxValues: { ts: '2020-02-01T08:09:10.000-08:00', ntz: '2021-11-18T02:30:00.123' },
    });
    const utc = parseTimestampText('2020-02-01T08:09:10Z', 'utc')!;
    expect(stats.minValues.get('ts')).toBe(utc);
    expect(stats.maxValues.get('ts')).toBe(utc + 8n * 3600n * 1_000_000n + 999n);
    const wall = parseTimestampText('2021-11-18 02:30:00.123', 'wall')!;
    expect(stats.minValues.get('ntz')).toBe(wall);
    expect(stats.maxValues.get('ntz')).toBe(wall + 999n);
    const micros = parse({ maxValues: { ts: '2020-02-01T08:09:10.000001Z' } });
    expect(micros.maxValues.get('ts')).toBe(utc + 1n);
  });

  it('treats string maxima that may be cut prefixes as prefix bounds', () => {
    const long = 'x'.repeat(32);
    const stats = parse({ minValues: { s: long }, maxValues: { s: long } });
    expect(stats.minValues.get('s')).toBe(long);
    expect(stats.maxValues.get('s')).toBe(`${'x'.repeat(31)}y`);
    expect(stringUpperBound('abc')).toBe('abc');
    expect(stringUpperBound('ab\uffff')).toBe('ac');
    expect(stringUpperBound('ab\u{10ffff}')).toBe('ac');
    expect(stringUpperBound('a\ud7ff\uffff')).toBe('a\ue000');
    expect(stringUpperBound('\u{10ffff}\u{10ffff}')).toBeUndefined();
    expect(stringUpperBound(`${'é'.repeat(31)}\u{1F600}`)).toBe(`${'é'.repeat(31)}\u{1F601}`);
  });

  it('converts floats to float32, drops NaN bounds, keeps infinities', () => {
    const stats = parse({ minValues: { f: 1.1, x: 'NaN' }, maxValues: { f: 'Infinity', x: '-Infinity' } });
    expect(stats.minValues.get('f')).toBe(Math.fround(1.1));
    expect(stats.minValues.has('x')).toBe(false);
    expect(stats.maxValues.get('f')).toBe(Number.POSITIVE_INFINITY);
    expect(stats.maxValues.get('x')).toBe(Number.NEGATIVE_INFINITY);
  });

  it('widens double bounds to cover a float32 written before float -> double widening', () => {
    const stats = parse({ minValues: { x: 3.4 }, maxValues: { x: 3.4 } });
    expect(stats.minValues.get('x')).toBe(3.4);
    expect(stats.maxValues.get('x')).toBe(Math.fround(3.4));
    const negative = parse({ minValues: { x: -3.4 }, maxValues: { x: 0.5 } });
    expect(negative.minValues.get('x')).toBe(Math.fround(-3.4));
    expect(negative.maxValues.get('x')).toBe(0.5);
  });

  it('keeps only null counts of 0 or numRecords when bounds are wide', () => {
    const stats = parse({ numRecords: 5, tightBounds: false, nullCount: { i: 0, l: 5, s: 3 }, minValues: { i: 1 } });
    expect(stats.tightBounds).toBe(false);
    expect(stats.nullCount).toEqual(new Map([['i', 0], ['l', 5]]));
    expect(stats.minValues.get('i')).toBe(1);
  });

  it('drops values that do not fit their column instead of failing', () => {
    const stats = parse({ minValues: { i: 'one', l: 1.5, dt: '2021-13-01', b: 1, s: 7, ts: 'yesterday' }, maxValues: { i: 3e10, b: true } });
    expect(stats.minValues.size).toBe(0);
    expect(stats.maxValues).toEqual(new Map([['b', true]]));
  });

  it('returns undefined for malformed or missing statistics and says why', () => {
    const messages: string[] = [];
    const ctx = { table: 't', file: 'f', onInvalid: (m: string) => messages.push(m) };
    expect(parseFileStats('{"numRecords":', undefined, schema, ctx)).toBeUndefined();
    expect(parseFileStats('[1]', undefined, schema, ctx)).toBeUndefined();
    expect(parseFileStats(undefined, undefined, schema, ctx)).toBeUndefined();
    expect(parseFileStats('', null, schema, ctx)).toBeUndefined();
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(/^delta stats: table t file f: stats JSON does not parse/);
  });

  it('falls back to stats_parsed, distrusting numbers that went through a double', () => {
    const statsParsed = {
      numRecords: 4,
      minValues: { l: 2 ** 53 + 2, small: 1.25, d: 1.25, i: 3, col_n: null, ts: '2020-01-01 00:00:00+00', ntz: '2020-01-01 00:00:00' },
      maxValues: { l: 42, small: 12345678.91, d: 7, dt: '2021-01-01' },
      nullCount: { i: 0 },
    };
    const stats = parseFileStats('{not json', statsParsed, schema)!;
    expect(stats.numRecords).toBe(4);
    expect(stats.minValues.has('l')).toBe(false);
    expect(stats.maxValues.get('l')).toBe(42n);
    expect(stats.minValues.get('small')).toBe('1.25');
    expect(stats.maxValues.get('small')).toBe('12345678.91');
    expect(stats.minValues.has('d')).toBe(false);
    expect(stats.maxValues.has('d')).toBe(false);
    expect(stats.minValues.get('ts')).toBe(parseTimestampText('2020-01-01T00:00:00Z', 'utc'));
    expect(stats.maxValues.get('dt')).toBe('2021-01-01');
  });
});

describe('parseJsonExact', () => {
  it('agrees with JSON.parse apart from keeping numbers as written', () => {
    const text = '{"a":[1,-2.5e3,true,false,null,"x\\u00e9\\n"],"b":{},"c":[],"d":12345678901234567890}';
    const plain = JSON.stringify(parseJsonExact(text), (_k, v: unknown) => (v && typeof v === 'object' && 'text' in v ? Number((v as { text: string }).text) : v));
    expect(JSON.parse(plain)).toEqual(JSON.parse(text));
    for (const bad of ['{', '{"a":1,}', '[1 2]', '01', '"\\x"', '{"a":1} x', 'nul', '{"a"1}', '"\u0001"']) {
      expect(() => parseJsonExact(bad), bad).toThrow();
    }
  });
});

/** Reads the expected canonical value of a column as the Literal representation of its type. */
function expectedLiteral(value: unknown, type: DataType): LiteralValue | undefined {
  if (value === null || value === undefined) return null;
  if (type.kind === 'decimal') return parseDecimalText(String(value), type.precision, type.scale, 'exact');
  if (type.kind !== 'primitive') return undefined;
  switch (type.name) {
    case 'long':
      return BigInt(value as string);
    case 'timestamp':
      return parseTimestampText(String(value), 'utc');
    case 'timestamp_ntz':
      return parseTimestampText(String(value), 'wall');
    case 'float':
    case 'double':
      return typeof value === 'string' ? Number(value) : (value as number);
    case 'binary':
      return undefined;
    default:
      return value as LiteralValue;
  }
}

function compare(a: LiteralValue, b: LiteralValue, type: DataType): number {
  if (type.kind === 'decimal') {
    const [x, y] = [BigInt((a as string).replace('.', '')), BigInt((b as string).replace('.', ''))];
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
}

function leaves(fields: readonly StructField[], prefix: string[] = []): Array<{ path: string[]; type: DataType }> {
  return fields.flatMap((f) =>
    f.type.kind === 'struct' ? leaves(f.type.fields, [...prefix, f.name]) : [{ path: [...prefix, f.name], type: f.type }],
  );
}

describe('parseFileStats on the test corpus', () => {
  it('gives bounds and null counts that hold for every expected row', () => {
    let checkedValues = 0;
    for (const table of corpusTables()) {
      const expectedFile = path.join(DELTA_TESTDATA, `${table}.expected.json`);
      const expected = JSON.parse(readFileSync(expectedFile, 'utf8')) as {
        active_files_latest?: Array<{ path: string; deletionVector?: unknown }>;
        latest?: { rows?: Array<Record<string, unknown>>; row_count?: number };
        partition_columns?: string[];
      };
      const rows = expected.latest?.rows;
      const meta = latestMetadata(table);
      if (!rows || !meta || !expected.active_files_latest) continue;
      const schema = parseDeltaSchema(meta.schemaString, { table, version: 0 });
      const live = new Map(expected.active_files_latest.map((f) => [f.path, f]));
      const stats: FileStats[] = [];
      for (const { action } of readLogActions(table)) {
        const add = action.add;
        if (!add || !live.has(String(add.path))) continue;
        const parsed = parseFileStats(add.stats as string | undefined, undefined, schema, { table });
        if (parsed) stats.push(parsed);
        live.delete(String(add.path));
      }
      if (live.size > 0 || stats.length === 0) continue; // some live files only in checkpoints
      for (const { path: p, type } of leaves(schema.fields)) {
        const key = p.join('.');
        if (meta.partitionColumns.includes(key)) continue;
        const converted = rows.map((r) => expectedLiteral(p.reduce<unknown>((o, k) => (o as Record<string, unknown> | null)?.[k] ?? null, r), type));
        if (converted.some((v) => v === undefined)) continue;
        const values = converted as LiteralValue[];
        if (stats.every((s) => s.minValues.has(key))) {
          const min = stats.map((s) => s.minValues.get(key)!).reduce((a, b) => (compare(a, b, type) <= 0 ? a : b));
          for (const v of values) if (v !== null && !(typeof v === 'number' && Number.isNaN(v))) expect(compare(min, v, type), `${table} ${key} min`).toBeLessThanOrEqual(0);
        }
        if (stats.every((s) => s.maxValues.has(key))) {
          const max = stats.map((s) => s.maxValues.get(key)!).reduce((a, b) => (compare(a, b, type) >= 0 ? a : b));
          for (const v of values) if (v !== null && !(typeof v === 'number' && Number.isNaN(v))) expect(compare(max, v, type), `${table} ${key} max`).toBeGreaterThanOrEqual(0);
        }
        const noDvs = expected.active_files_latest.every((f) => !f.deletionVector);
        if (noDvs && stats.every((s) => s.nullCount.has(key))) {
          const nulls = stats.reduce((sum, s) => sum + s.nullCount.get(key)!, 0);
          expect(nulls, `${table} ${key} nullCount`).toBe(values.filter((v) => v === null).length);
        }
        checkedValues += values.length;
      }
    }
    expect(checkedValues).toBeGreaterThan(1000);
  });
});
