import { describe, expect, it } from 'vitest';
import { cmp, col, eq, isNull, lit, not } from '../../../expr/nodes.js';
import { canPrune } from '../../../expr/prune.js';
import { decimal, field, primitive } from '../../../expr/types.js';
import type { StructType } from '../../../expr/types.js';
import type { DataFile, IcebergField, IcebergSchema, IcebergType } from '../model.js';
import { dataFileFacts, inexactUpperBound, leafColumns } from './file-facts.js';

const p = (name: string): IcebergType => ({ kind: 'primitive', name }) as IcebergType;
const f = (id: number, name: string, type: IcebergType): IcebergField => ({ id, name, required: false, type });
const hex = (s: string): Uint8Array => Uint8Array.from((s.match(/../g) ?? []).map((b) => parseInt(b, 16)));

// spark_rename_column_bucket: schema and the bounds of data file …-00001.parquet (ids 1 and 2).
const schema: IcebergSchema = {
  schemaId: 0,
  identifierFieldIds: [],
  fields: [f(1, 'id', p('int')), f(2, 'name', p('string')), f(3, 'event_date', p('date')), f(4, 'price', { kind: 'decimal', precision: 10, scale: 2 }), f(5, 'active', p('boolean'))],
};
const loch: StructType = {
  kind: 'struct',
  fields: [field('id', primitive('integer')), field('name', primitive('string')), field('event_date', primitive('date')), field('price', decimal(10, 2)), field('active', primitive('boolean'))],
};
const file = (over: Partial<DataFile> = {}): DataFile => ({
  content: 'data',
  filePath: 's3://b/t/data/00001.parquet',
  fileFormat: 'parquet',
  partition: new Map(),
  recordCount: 2,
  fileSizeInBytes: 100,
  nullValueCounts: new Map([[1, 0], [2, 0], [3, 0], [4, 0], [5, 0]]),
  lowerBounds: new Map([[1, hex('01000000')], [2, hex('466c6f70737920f09f9087')], [3, hex('314a0000')], [4, hex('fe0c')], [5, hex('00')]]),
  upperBounds: new Map([[1, hex('02000000')], [2, hex('4d6f707379e280934e61c3af7665')], [3, hex('314a0000')], [4, hex('03e7')], [5, hex('01')]]),
  ...over,
});

describe('dataFileFacts', () => {
  it('maps bounds and null counts by field id to Loch column paths', () => {
    const facts = dataFileFacts(file(), schema);
    expect(facts.partitionValues.size).toBe(0);
    expect(facts.stats?.numRecords).toBe(2);
    expect(facts.stats?.tightBounds).toBe(true);
    expect(Object.fromEntries(facts.stats!.minValues)).toEqual({ id: 1, name: 'Flopsy 🐇', event_date: '2022-01-01', price: '-5.00', active: false });
    // The string max may be a cut prefix: its last character is incremented ('e' → 'f').
    expect(Object.fromEntries(facts.stats!.maxValues)).toEqual({ id: 2, name: 'Mopsy–Naïvf', event_date: '2022-01-01', price: '9.99', active: true });
    expect(facts.stats!.nullCount.get('id')).toBe(0);
  });
  it('prunes with expr/prune.ts', () => {
    const facts = dataFileFacts(file(), schema);
    expect(canPrune(cmp('>', col('id'), lit(primitive('integer'), 2)), facts, loch)).toBe(true);
    expect(canPrune(cmp('>=', col('id'), lit(primitive('integer'), 2)), facts, loch)).toBe(false);
    expect(canPrune(eq(col('event_date'), lit(primitive('date'), '2022-01-02')), facts, loch)).toBe(true);
    expect(canPrune(isNull(col('name')), facts, loch)).toBe(true);
    expect(canPrune(eq(col('name'), lit(primitive('string'), 'Mopsy–Naïve')), facts, loch)).toBe(false);
    expect(canPrune(cmp('>', col('price'), lit(decimal(10, 2), '9.99')), facts, loch)).toBe(true);
    expect(canPrune(not(eq(col('active'), lit(primitive('boolean'), true))), facts, loch)).toBe(false);
  });
  it('reads nested struct leaves by dotted path and skips list and map contents', () => {
    const nested: IcebergSchema = {
      schemaId: 1,
      identifierFieldIds: [],
      fields: [
        f(1, 's', { kind: 'struct', fields: [f(2, 'inner', p('long')), f(3, 'deeper', { kind: 'struct', fields: [f(4, 'x', p('string'))] })] }),
        f(5, 'l', { kind: 'list', elementId: 6, elementRequired: false, element: p('int') }),
        f(7, 'm', { kind: 'map', keyId: 8, key: p('string'), valueId: 9, valueRequired: false, value: p('int') }),
      ],
    };
    expect([...leafColumns(nested)].map(([id, c]) => [id, c.path.join('.')])).toEqual([[2, 's.inner'], [4, 's.deeper.x']]);
    const facts = dataFileFacts(
      file({
        lowerBounds: new Map([[2, hex('05000000')], [6, hex('01000000')], [4, hex('61')]]),
        upperBounds: new Map([[2, hex('0900000000000000')], [6, hex('09000000')]]),
        nullValueCounts: new Map([[2, 1], [6, 0]]),
      }),
      nested,
    );
    // A 4-byte bound of a long column was written before int → long promotion.
    expect(Object.fromEntries(facts.stats!.minValues)).toEqual({ 's.inner': 5n, 's.deeper.x': 'a' });
    expect(Object.fromEntries(facts.stats!.maxValues)).toEqual({ 's.inner': 9n });
    expect(Object.fromEntries(facts.stats!.nullCount)).toEqual({ 's.inner': 1 });
  });
  it('drops undecodable and NaN bounds instead of failing', () => {
    const facts = dataFileFacts(
      file({
        lowerBounds: new Map([[1, hex('0100')], [2, hex('ff')]]),
        upperBounds: new Map([[1, hex('02000000')]]),
        nullValueCounts: undefined,
      }),
      schema,
    );
    expect(facts.stats!.minValues.size).toBe(0);
    expect(facts.stats!.maxValues.get('id')).toBe(2);
    expect(facts.stats!.nullCount.size).toBe(0);
    const dbl: IcebergSchema = { schemaId: 0, identifierFieldIds: [], fields: [f(1, 'd', p('double'))] };
    const nan = dataFileFacts(file({ lowerBounds: new Map([[1, hex('000000000000f87f')]]), upperBounds: new Map() }), dbl);
    expect(nan.stats!.minValues.size).toBe(0);
  });
});

describe('inexactUpperBound', () => {
  it('increments the last code point or byte, carrying past maxima', () => {
    const s = p('string');
    expect(inexactUpperBound('abc', s)).toBe('abd');
    expect(inexactUpperBound('a\u{10ffff}', s)).toBe('b');
    expect(inexactUpperBound('\u{10ffff}', s)).toBeUndefined();
    expect(inexactUpperBound('a\ud7ff', s)).toBe('a\ue000');
    expect(inexactUpperBound(hex('01ff'), p('binary'))).toEqual(hex('02'));
    expect(inexactUpperBound(hex('0102'), { kind: 'fixed', length: 2 })).toEqual(hex('0103'));
    expect(inexactUpperBound(hex('ffff'), p('binary'))).toBeUndefined();
  });
  it('leaves other types alone, including those represented as strings', () => {
    expect(inexactUpperBound(5n, p('long'))).toBe(5n);
    expect(inexactUpperBound('2022-01-01', p('date'))).toBe('2022-01-01');
    expect(inexactUpperBound('9.99', { kind: 'decimal', precision: 4, scale: 2 })).toBe('9.99');
    expect(inexactUpperBound('550e8400-e29b-41d4-a716-446655440000', p('uuid'))).toBe('550e8400-e29b-41d4-a716-446655440000');
  });
});
