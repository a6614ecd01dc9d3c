import { describe, expect, it } from 'vitest';
import type { WrittenFile } from '../../../engine/write-spec.js';
import type { IcebergPrimitiveName, IcebergSchema, IcebergType } from '../model.js';
import { decodeBinaryValue } from '../values/binary-value.js';
import { truncateBinaryUpper, truncateStringLower, truncateStringUpper } from './bound-truncate.js';
import { dataFileFromWritten } from './data-file.js';
import { metricsModes, parseMetricsMode } from './metrics-config.js';

const p = (name: IcebergPrimitiveName): IcebergType => ({ kind: 'primitive', name });
const schema: IcebergSchema = {
  schemaId: 0,
  identifierFieldIds: [],
  fields: [
    { id: 1, name: 'id', required: true, type: p('long') },
    { id: 2, name: 'name', required: false, type: p('string') },
    { id: 3, name: 'price', required: false, type: { kind: 'decimal', precision: 9, scale: 2 } },
    { id: 4, name: 's', required: false, type: { kind: 'struct', fields: [{ id: 5, name: 'd', required: false, type: p('date') }, { id: 6, name: 'x', required: false, type: p('double') }] } },
    { id: 7, name: 'tags', required: false, type: { kind: 'list', elementId: 8, elementRequired: false, element: p('string') } },
    { id: 9, name: 'u', required: false, type: p('uuid') },
    { id: 10, name: 'f', required: false, type: p('float') },
  ],
};

const written: WrittenFile = {
  localPath: '/tmp/out/part-0.parquet',
  relativePath: 'part-0.parquet',
  partitionValues: {},
  rowCount: 10,
  sizeBytes: 1234,
  columnStats: [
    { path: ['id'], min: -5n, max: 99n, nullCount: 0 },
    { path: ['name'], min: 'aaaaaaaaaaaaaaaaaaaa', max: 'zzzzzzzzzzzzzzzzzzzz', nullCount: 2 },
    { path: ['price'], min: '-1.50', max: '10.00', nullCount: 1 },
    { path: ['s', 'd'], min: '2024-01-02', max: '2024-03-04', nullCount: 3 },
    { path: ['s', 'x'], min: -1.5, nullCount: 0 },
    { path: ['tags', 'element'], min: 'a', max: 'b', nullCount: 4 },
    { path: ['u'], min: '00000000-0000-4000-8000-000000000001', max: '00000000-0000-4000-8000-000000000002', nullCount: 0 },
    { path: ['f'], min: Number.NaN, max: Number.NaN, nullCount: 0 },
    { path: ['gone'], min: 1, max: 2, nullCount: 0 },
  ],
};

describe('dataFileFromWritten', () => {
  const file = dataFileFromWritten(written, { path: 's3://b/t/data/part-0.parquet', schema, partition: new Map([[1000, 3]]) });
  const bound = (map: ReadonlyMap<number, Uint8Array> | undefined, id: number) => {
    const bytes = map?.get(id);
    const type = id === 5 ? p('date') : id === 6 ? p('double') : id === 3 ? schema.fields[2]!.type : id === 1 ? p('long') : p('string');
    return bytes === undefined ? undefined : decodeBinaryValue(bytes, type, 'test');
  };
  it('records the file and counts of every leaf outside lists', () => {
    expect(file).toMatchObject({ content: 'data', filePath: 's3://b/t/data/part-0.parquet', fileFormat: 'parquet', recordCount: 10, fileSizeInBytes: 1234 });
    expect(file.partition.get(1000)).toBe(3);
    expect([...file.valueCounts!.keys()].sort((a, b) => a - b)).toEqual([1, 2, 3, 5, 6, 9, 10]);
    expect(file.valueCounts!.get(5)).toBe(10);
    expect(file.nullValueCounts!.get(5)).toBe(3);
    expect(file.nullValueCounts!.has(8)).toBe(false);
  });
  it('encodes bounds by field id, truncating strings to 16 code points', () => {
    expect([bound(file.lowerBounds, 1), bound(file.upperBounds, 1)]).toEqual([-5n, 99n]);
    expect([bound(file.lowerBounds, 2), bound(file.upperBounds, 2)]).toEqual(['a'.repeat(16), `${'z'.repeat(15)}{`]);
    expect([bound(file.lowerBounds, 3), bound(file.upperBounds, 3)]).toEqual(['-1.50', '10.00']);
    expect([bound(file.lowerBounds, 5), bound(file.upperBounds, 5)]).toEqual(['2024-01-02', '2024-03-04']);
    expect([bound(file.lowerBounds, 6), bound(file.upperBounds, 6)]).toEqual([-1.5, undefined]);
  });
  it('writes no bounds for uuid, NaN or list elements', () => {
    for (const id of [8, 9, 10]) expect([file.lowerBounds!.has(id), file.upperBounds!.has(id)]).toEqual([false, false]);
  });
  it('follows metrics modes', () => {
    const modes = metricsModes({ 'write.metadata.metrics.default': 'counts', 'write.metadata.metrics.column.s.d': 'full', 'write.metadata.metrics.column.id': 'none' }, schema);
    const f = dataFileFromWritten(written, { path: 'x', schema, partition: new Map(), metrics: modes });
    expect(f.valueCounts!.has(1)).toBe(false);
    expect(f.valueCounts!.get(2)).toBe(10);
    expect(f.lowerBounds!.has(2)).toBe(false);
    expect([...f.lowerBounds!.keys()]).toEqual([5]);
  });
  it('validates delete file options', () => {
    expect(() => dataFileFromWritten(written, { path: 'x', schema, partition: new Map(), content: 'equality_deletes' })).toThrow(/equality field ids/);
    expect(() => dataFileFromWritten(written, { path: 'x', schema, partition: new Map(), equalityIds: [1] })).toThrow(/only for equality/);
    expect(() => dataFileFromWritten(written, { path: 'x', schema, partition: new Map(), referencedDataFile: 'd' })).toThrow(/only for position/);
    const eq = dataFileFromWritten(written, { path: 'x', schema, partition: new Map(), content: 'equality_deletes', equalityIds: [1, 2] });
    expect(eq.equalityIds).toEqual([1, 2]);
  });
});

describe('metrics modes', () => {
  it('parses Java mode names', () => {
    expect(parseMetricsMode('Truncate(8)', 'k')).toEqual({ kind: 'truncate', length: 8 });
    expect(parseMetricsMode('full', 'k')).toEqual({ kind: 'full' });
    expect(() => parseMetricsMode('truncate(0)', 'k')).toThrow(/metrics mode/);
  });
  it('limits inferred defaults to the first columns', () => {
    const modes = metricsModes({ 'write.metadata.metrics.max-inferred-column-defaults': '2' }, schema);
    expect([modes.get(1), modes.get(2), modes.get(3)]).toEqual([{ kind: 'truncate', length: 16 }, { kind: 'truncate', length: 16 }, { kind: 'none' }]);
  });
});

describe('bound truncation', () => {
  it('cuts strings by code point and increments the upper bound', () => {
    expect(truncateStringLower('😀😀😀', 2)).toBe('😀😀');
    expect(truncateStringUpper('abc', 3)).toBe('abc');
    expect(truncateStringUpper('abcd', 3)).toBe('abd');
    expect(truncateStringUpper('a\u{10FFFF}\u{10FFFF}x', 3)).toBe('b');
    expect(truncateStringUpper('\u{10FFFF}\u{10FFFF}x', 2)).toBeUndefined();
    expect(truncateStringUpper('a\uD7FFz', 2)).toBe('a\uE000');
  });
  it('cuts bytes and increments the upper bound', () => {
    expect(truncateBinaryUpper(Uint8Array.of(1, 0xff, 3), 2)).toEqual(Uint8Array.of(2));
    expect(truncateBinaryUpper(Uint8Array.of(0xff, 0xff, 3), 2)).toBeUndefined();
    expect(truncateBinaryUpper(Uint8Array.of(1, 2), 2)).toEqual(Uint8Array.of(1, 2));
  });
});
