import { describe, expect, it } from 'vitest';
import type { StructType } from '../../expr/types.js';
import { field, primitive } from '../../expr/types.js';
import type { AddFile } from '../../formats/delta/spec/actions.js';
import { decodeBinaryValue } from '../../formats/iceberg/values/binary-value.js';
import { dataFileOf, icebergFilePath } from './data-file.js';
import { operationOf } from './delta-changes.js';
import { icebergSchemaOf, identitySpec } from './iceberg-schema.js';

const delta: StructType = {
  kind: 'struct',
  fields: [
    field('id', primitive('long'), true, { physicalName: 'col_a', fieldId: 1 }),
    field('name', primitive('string'), true, { physicalName: 'col_b', fieldId: 2 }),
    field('s', { kind: 'struct', fields: [field('x', primitive('short'), true, { physicalName: 'x', fieldId: 4 })] }, true, { physicalName: 'col_c', fieldId: 3 }),
    field('d', primitive('date'), true, { physicalName: 'col_d', fieldId: 5 }),
  ],
};

describe('dataFileOf', () => {
  const schema = icebergSchemaOf(delta, 0, 't');
  const spec = identitySpec(schema, ['d'], 0, 't');
  const context = { table: 't', tableUrl: 'file:///w/t', deltaSchema: delta, partitionColumns: ['d'], schema, spec };
  const add: AddFile = {
    path: 'd%3D2024-01-02/part-0.parquet',
    partitionValues: { col_d: '2024-01-02' },
    size: 1234,
    modificationTime: 0,
    dataChange: true,
    stats: JSON.stringify({
      numRecords: 10,
      minValues: { col_a: 1, col_b: 'aaaaaaaaaaaaaaaaaaaaaaaa', col_c: { x: -3 } },
      maxValues: { col_a: 99, col_b: 'zz', col_c: { x: 7 } },
      nullCount: { col_a: 0, col_b: 2, col_c: { x: 1 } },
    }),
    deletionVector: { storageType: 'u', pathOrInlineDv: 'x', sizeInBytes: 1, cardinality: 3 },
  };

  it('builds the data_file from the add action and its statistics, keyed by column mapping ids', () => {
    expect(schema.fields.map((f) => [f.id, f.name, f.type])).toEqual([
      [1, 'id', { kind: 'primitive', name: 'long' }],
      [2, 'name', { kind: 'primitive', name: 'string' }],
      [3, 's', { kind: 'struct', fields: [{ id: 4, name: 'x', required: false, type: { kind: 'primitive', name: 'int' } }] }],
      [5, 'd', { kind: 'primitive', name: 'date' }],
    ]);
    const file = dataFileOf(add, context);
    expect(file.filePath).toBe('file:///w/t/d=2024-01-02/part-0.parquet');
    expect(file.recordCount).toBe(7);
    expect(file.fileSizeInBytes).toBe(1234);
    expect([...file.partition]).toEqual([[1000, '2024-01-02']]);
    expect(Object.fromEntries(file.nullValueCounts ?? [])).toEqual({ 1: 0, 2: 2, 4: 1, 5: 0 });
    const long = { kind: 'primitive', name: 'long' } as const;
    expect(decodeBinaryValue(file.lowerBounds?.get(1) as Uint8Array, long, 'x')).toBe(1n);
    expect(decodeBinaryValue(file.upperBounds?.get(1) as Uint8Array, long, 'x')).toBe(99n);
    // Strings are cut to 16 code points as Iceberg's default metrics mode does.
    expect(new TextDecoder().decode(file.lowerBounds?.get(2))).toBe('aaaaaaaaaaaaaaaa');
    expect(decodeBinaryValue(file.lowerBounds?.get(4) as Uint8Array, { kind: 'primitive', name: 'int' }, 'x')).toBe(-3);
    expect(decodeBinaryValue(file.upperBounds?.get(5) as Uint8Array, { kind: 'primitive', name: 'date' }, 'x')).toBe('2024-01-02');
  });

  it('refuses a file without numRecords and resolves paths', () => {
    expect(() => dataFileOf({ ...add, stats: undefined } as AddFile, context)).toThrow(/has no numRecords statistic/);
    expect(icebergFilePath('s3://b/t', 'a%20b/c.parquet')).toBe('s3://b/t/a b/c.parquet');
    expect(icebergFilePath('s3://b/t', 's3://other/x.parquet')).toBe('s3://other/x.parquet');
  });
});

describe('operationOf', () => {
  const m = (n: number) => new Map(Array.from({ length: n }, (_, i) => [String(i), i]));
  const s = (n: number) => new Set(Array.from({ length: n }, (_, i) => String(i)));
  it('maps Delta changes to Iceberg operations as delta-spark does', () => {
    expect(operationOf({ added: m(1), removed: s(0), rearrangeOnly: false })).toBe('append');
    expect(operationOf({ added: m(0), removed: s(2), rearrangeOnly: false })).toBe('delete');
    expect(operationOf({ added: m(1), removed: s(2), rearrangeOnly: false })).toBe('overwrite');
    expect(operationOf({ added: m(1), removed: s(2), rearrangeOnly: true })).toBe('replace');
    expect(operationOf({ added: m(0), removed: s(0), rearrangeOnly: true })).toBeUndefined();
  });
});
