import { describe, expect, it } from 'vitest';
import type { TableMetadata } from '../../../formats/iceberg/model.js';
import { rowStrategy } from './dml-mode.js';
import { mergeSorted } from './dml-removal.js';

function metadata(formatVersion: 1 | 2 | 3, properties: Record<string, string>): TableMetadata {
  return {
    formatVersion,
    location: '/t',
    lastSequenceNumber: 0,
    lastUpdatedMs: 0,
    lastColumnId: 1,
    schemas: [{ schemaId: 0, identifierFieldIds: [], fields: [{ id: 1, name: 'id', required: false, type: { kind: 'primitive', name: 'long' } }] }],
    currentSchemaId: 0,
    partitionSpecs: [{ specId: 0, fields: [] }],
    defaultSpecId: 0,
    lastPartitionId: 999,
    properties,
    snapshots: [],
    snapshotLog: [],
    metadataLog: [],
    sortOrders: [{ orderId: 0, fields: [] }],
    defaultSortOrderId: 0,
    refs: {},
    statistics: [],
    partitionStatistics: [],
  };
}

describe('rowStrategy', () => {
  it('defaults to copy-on-write and reads the property of each operation', () => {
    const m = metadata(2, { 'write.delete.mode': 'merge-on-read', 'write.merge.mode': ' Merge-On-Read ' });
    expect(rowStrategy(m, 'delete', 't')).toBe('merge-on-read');
    expect(rowStrategy(m, 'update', 't')).toBe('copy-on-write');
    expect(rowStrategy(m, 'merge', 't')).toBe('merge-on-read');
  });

  it('refuses unknown values and merge-on-read on v1 tables', () => {
    expect(() => rowStrategy(metadata(2, { 'write.update.mode': 'fast' }), 'update', '/x')).toThrow(/iceberg update: table \/x: table property write.update.mode = 'fast'/);
    expect(() => rowStrategy(metadata(1, { 'write.delete.mode': 'merge-on-read' }), 'delete', '/x')).toThrow(/needs format version 2/);
    expect(rowStrategy(metadata(1, {}), 'delete', '/x')).toBe('copy-on-write');
  });
});

describe('mergeSorted', () => {
  it('unions two ascending lists without duplicates', () => {
    expect(mergeSorted(undefined, [1, 4])).toEqual([1, 4]);
    expect(mergeSorted([0, 2, 4], [1, 2, 5])).toEqual([0, 1, 2, 4, 5]);
    expect(mergeSorted(Uint32Array.of(3), [])).toEqual([3]);
  });
});
