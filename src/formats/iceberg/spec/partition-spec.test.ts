import { describe, expect, it } from 'vitest';
import type { IcebergSchema } from '../model.js';
import { isUnpartitioned, lastPartitionId, parsePartitionSpec, partitionSpecToJson, partitionType } from './partition-spec.js';

const schema: IcebergSchema = {
  schemaId: 0,
  identifierFieldIds: [],
  fields: [
    { id: 1, name: 'id', required: true, type: { kind: 'primitive', name: 'long' } },
    { id: 2, name: 'ts', required: false, type: { kind: 'primitive', name: 'timestamptz' } },
    { id: 3, name: 'd', required: false, type: { kind: 'decimal', precision: 9, scale: 2 } },
  ],
};

describe('partition specs', () => {
  it('reads the v1 array form, assigning 1000, 1001, …', () => {
    const spec = parsePartitionSpec(
      [
        { name: 'ts_hour', transform: 'hour', 'source-id': 2 },
        { name: 'id_b', transform: 'bucket[16]', 'source-id': 1 },
      ],
      0,
      'v1.metadata.json',
    );
    expect(spec).toEqual({
      specId: 0,
      fields: [
        { sourceIds: [2], fieldId: 1000, name: 'ts_hour', transform: 'hour' },
        { sourceIds: [1], fieldId: 1001, name: 'id_b', transform: 'bucket[16]' },
      ],
    });
    expect(parsePartitionSpec(partitionSpecToJson(spec), undefined, 'w')).toEqual(spec);
    expect(lastPartitionId([spec])).toBe(1001);
    expect(lastPartitionId([])).toBe(999);
  });

  it('reads v3 multi-argument fields and refuses duplicates', () => {
    const spec = parsePartitionSpec({ 'spec-id': 2, fields: [{ name: 'z', transform: 'zorder', 'source-ids': [1, 2], 'field-id': 1005 }] }, undefined, 'w');
    expect(spec.fields[0]!.sourceIds).toEqual([1, 2]);
    expect(partitionSpecToJson(spec)).toEqual({ 'spec-id': 2, fields: [{ name: 'z', transform: 'zorder', 'source-ids': [1, 2], 'field-id': 1005 }] });
    const dup = { 'spec-id': 1, fields: [1, 2].map((s) => ({ name: `f${s}`, transform: 'identity', 'source-id': s, 'field-id': 1000 })) };
    expect(() => parsePartitionSpec(dup, undefined, 'w')).toThrow(/partition spec 1: partition field id 1000 is used twice/);
  });

  it('types partition tuples by transform result', () => {
    const spec = parsePartitionSpec(
      {
        'spec-id': 1,
        fields: [
          { name: 'ts_day', transform: 'day', 'source-id': 2, 'field-id': 1000 },
          { name: 'd', transform: 'identity', 'source-id': 3, 'field-id': 1001 },
          { name: 'id_b', transform: 'bucket[4]', 'source-id': 1, 'field-id': 1002 },
          { name: 'dropped', transform: 'identity', 'source-id': 99, 'field-id': 1003 },
        ],
      },
      undefined,
      'w',
    );
    expect(partitionType(spec, schema)).toEqual({
      kind: 'struct',
      fields: [
        { id: 1000, name: 'ts_day', required: false, type: { kind: 'primitive', name: 'int' } },
        { id: 1001, name: 'd', required: false, type: { kind: 'decimal', precision: 9, scale: 2 } },
        { id: 1002, name: 'id_b', required: false, type: { kind: 'primitive', name: 'int' } },
        { id: 1003, name: 'dropped', required: false, type: { kind: 'primitive', name: 'unknown' } },
      ],
    });
    const bad = parsePartitionSpec({ 'spec-id': 4, fields: [{ name: 'h', transform: 'hour', 'source-id': 3, 'field-id': 1000 }] }, undefined, 'w');
    expect(() => partitionType(bad, schema)).toThrow(/^iceberg metadata: partition spec 4 field 1000 \(h\): /);
  });

  it('counts all-void specs as unpartitioned', () => {
    expect(isUnpartitioned({ specId: 0, fields: [] })).toBe(true);
    expect(isUnpartitioned({ specId: 1, fields: [{ sourceIds: [1], fieldId: 1000, name: 'x', transform: 'void' }] })).toBe(true);
    expect(isUnpartitioned({ specId: 2, fields: [{ sourceIds: [1], fieldId: 1000, name: 'x', transform: 'identity' }] })).toBe(false);
  });
});
