import { describe, expect, it } from 'vitest';
import { parseJsonExact, stringifyJsonExact } from '../../../core/json-exact.js';
import type { IcebergSchema, Snapshot, TableMetadata } from '../model.js';
import { applyUpdates, checkRequirements, newTableMetadata, type TableRequirement, type TableUpdate } from './updates.js';
import { fromRestJson, toRestJson } from './updates-json.js';

const INT = { kind: 'primitive', name: 'int' } as const;
const STR = { kind: 'primitive', name: 'string' } as const;
const schema0: IcebergSchema = { schemaId: 0, identifierFieldIds: [], fields: [{ id: 1, name: 'a', required: false, type: INT }] };
const schema1: IcebergSchema = {
  schemaId: 7,
  identifierFieldIds: [1],
  fields: [...schema0.fields, { id: 2, name: 'b', required: false, type: { kind: 'list', elementId: 3, elementRequired: false, element: STR } }],
};

function table(formatVersion: 1 | 2 | 3 = 2): TableMetadata {
  return newTableMetadata({
    location: 's3://b/t/',
    schema: schema0,
    spec: { specId: 0, fields: [] },
    properties: { owner: 'x', 'format-version': '2' },
    formatVersion,
    tableUuid: 'A2B65BF0-9C89-4E90-8724-8686CF1DDD86',
    nowMs: 1000,
  });
}

const snap = (id: bigint, seq: number, ts: number, parent?: bigint, extra: Partial<Snapshot> = {}): Snapshot => ({
  snapshotId: id,
  ...(parent === undefined ? {} : { parentSnapshotId: parent }),
  sequenceNumber: seq,
  timestampMs: ts,
  manifestList: `s3://b/t/metadata/snap-${id}.avro`,
  summary: { operation: 'append' },
  schemaId: 0,
  ...extra,
});
const commit = (s: Snapshot): TableUpdate[] => [
  { action: 'add-snapshot', snapshot: s },
  { action: 'set-snapshot-ref', refName: 'main', ref: { snapshotId: s.snapshotId, type: 'branch' } },
];

describe('newTableMetadata', () => {
  it('builds an empty table with derived ids and without reserved properties', () => {
    const m = table(3);
    expect(m).toMatchObject({ location: 's3://b/t', lastColumnId: 1, lastPartitionId: 999, nextRowId: 0, defaultSortOrderId: 0, refs: {} });
    expect(m.properties).toEqual({ owner: 'x' });
    expect(m.currentSnapshotId).toBeUndefined();
  });
  it('refuses partition sources missing from the schema', () => {
    const spec = { specId: 0, fields: [{ sourceIds: [9], fieldId: 1000, name: 'p', transform: 'identity' }] };
    expect(() => newTableMetadata({ ...baseOptions(), spec })).toThrow(/source ids 9/);
  });
});

function baseOptions() {
  return { location: 'x', schema: schema0, spec: { specId: 0, fields: [] }, properties: {}, formatVersion: 2 as const, tableUuid: 'u', nowMs: 1 };
}

describe('checkRequirements', () => {
  const m = applyUpdates(table(), commit(snap(5n, 1, 2000)), 2000);
  const cases: [TableRequirement, boolean][] = [
    [{ type: 'assert-create' }, false],
    [{ type: 'assert-table-uuid', uuid: 'a2b65bf0-9c89-4e90-8724-8686cf1ddd86' }, true],
    [{ type: 'assert-table-uuid', uuid: 'other' }, false],
    [{ type: 'assert-ref-snapshot-id', ref: 'main', snapshotId: 5n }, true],
    [{ type: 'assert-ref-snapshot-id', ref: 'main', snapshotId: 6n }, false],
    [{ type: 'assert-ref-snapshot-id', ref: 'main', snapshotId: null }, false],
    [{ type: 'assert-ref-snapshot-id', ref: 'dev', snapshotId: null }, true],
    [{ type: 'assert-last-assigned-field-id', lastAssignedFieldId: 1 }, true],
    [{ type: 'assert-last-assigned-field-id', lastAssignedFieldId: 2 }, false],
    [{ type: 'assert-current-schema-id', currentSchemaId: 0 }, true],
    [{ type: 'assert-last-assigned-partition-id', lastAssignedPartitionId: 999 }, true],
    [{ type: 'assert-default-spec-id', defaultSpecId: 1 }, false],
    [{ type: 'assert-default-sort-order-id', defaultSortOrderId: 0 }, true],
  ];
  it.each(cases)('%o holds: %s', (req, holds) => {
    const result = checkRequirements(m, [req]);
    if (holds) expect(result).toBeUndefined();
    else expect(result).toMatch(new RegExp(`^requirement ${req.type} failed: `));
  });
  it('assert-create passes only for a missing table, others fail on it', () => {
    expect(checkRequirements(undefined, [{ type: 'assert-create' }])).toBeUndefined();
    expect(checkRequirements(undefined, [{ type: 'assert-current-schema-id', currentSchemaId: 0 }])).toMatch(/does not exist/);
  });
});

describe('applyUpdates', () => {
  it('adds a schema with a fresh id, follows -1 and raises last-column-id', () => {
    const m = applyUpdates(table(), [{ action: 'add-schema', schema: schema1 }, { action: 'set-current-schema', schemaId: -1 }], 50);
    expect(m.schemas.map((s) => s.schemaId)).toEqual([0, 1]);
    expect(m.currentSchemaId).toBe(1);
    expect(m.lastColumnId).toBe(3);
    expect(m.lastUpdatedMs).toBe(50);
    const again = applyUpdates(m, [{ action: 'add-schema', schema: { ...schema0, schemaId: 4 } }, { action: 'set-current-schema', schemaId: -1 }], 60);
    expect(again.schemas).toHaveLength(2);
    expect(again.currentSchemaId).toBe(0);
  });
  it('adds specs and sort orders, keeping last-partition-id', () => {
    const spec = { specId: 3, fields: [{ sourceIds: [1], fieldId: 1000, name: 'a_bucket', transform: 'bucket[4]' }] };
    const order = { orderId: 9, fields: [{ sourceIds: [1], transform: 'identity', direction: 'asc', nullOrder: 'nulls-first' }] } as const;
    const m = applyUpdates(table(), [
      { action: 'add-spec', spec },
      { action: 'set-default-spec', specId: -1 },
      { action: 'add-sort-order', sortOrder: order },
      { action: 'set-default-sort-order', sortOrderId: -1 },
    ], 1);
    expect(m.partitionSpecs.map((s) => s.specId)).toEqual([0, 1]);
    expect([m.defaultSpecId, m.lastPartitionId, m.defaultSortOrderId]).toEqual([1, 1000, 1]);
    expect(() => applyUpdates(table(1), [{ action: 'add-spec', spec: { specId: 1, fields: [{ ...spec.fields[0]!, fieldId: 1005 }] } }], 1)).toThrow(/1000, 1001/);
  });
  it('adds snapshots, moves main and logs it', () => {
    const m = applyUpdates(table(), [...commit(snap(5n, 1, 2000)), ...commit(snap(6n, 2, 3000, 5n))], 9999);
    expect(m.currentSnapshotId).toBe(6n);
    expect(m.lastSequenceNumber).toBe(2);
    expect(m.lastUpdatedMs).toBe(3000);
    expect(m.snapshotLog).toEqual([{ timestampMs: 2000, snapshotId: 5n }, { timestampMs: 3000, snapshotId: 6n }]);
    const rolledBack = applyUpdates(m, [{ action: 'set-snapshot-ref', refName: 'main', ref: { snapshotId: 5n, type: 'branch' } }], 4000);
    expect(rolledBack.snapshotLog.at(-1)).toEqual({ timestampMs: 4000, snapshotId: 5n });
  });
  it('validates snapshots', () => {
    const m = applyUpdates(table(), commit(snap(5n, 1, 2000)), 2000);
    expect(() => applyUpdates(m, [{ action: 'add-snapshot', snapshot: snap(5n, 2, 2000) }], 1)).toThrow(/exists already/);
    expect(() => applyUpdates(m, [{ action: 'add-snapshot', snapshot: snap(6n, 1, 2000, 5n) }], 1)).toThrow(/not above/);
    expect(() => applyUpdates(m, [{ action: 'add-snapshot', snapshot: snap(6n, 2, 2000 - 61_000, 5n) }], 1)).toThrow(/a minute/);
    expect(() => applyUpdates(m, [{ action: 'set-snapshot-ref', refName: 't', ref: { snapshotId: 77n, type: 'tag' } }], 1)).toThrow(/unknown snapshot 77/);
    expect(() => applyUpdates(m, [{ action: 'set-current-schema', schemaId: 3 }], 1)).toThrow(/unknown schema id 3/);
    expect(() => applyUpdates(m, [{ action: 'set-default-spec', specId: -1 }], 1)).toThrow(/none was added/);
    try {
      applyUpdates(m, [{ action: 'set-current-schema', schemaId: 3 }], 1);
    } catch (e) {
      expect((e as { code: string }).code).toBe('INVALID_ARGUMENT');
    }
  });
  it('maintains v3 row lineage', () => {
    const m = applyUpdates(table(3), commit(snap(5n, 1, 2000, undefined, { firstRowId: 0, addedRows: 4 })), 1);
    expect(m.nextRowId).toBe(4);
    expect(() => applyUpdates(m, [{ action: 'add-snapshot', snapshot: snap(6n, 2, 2000, 5n, { firstRowId: 3, addedRows: 1 }) }], 1)).toThrow(/below the table's next-row-id 4/);
    expect(() => applyUpdates(m, [{ action: 'add-snapshot', snapshot: snap(6n, 2, 2000, 5n) }], 1)).toThrow(/needs first-row-id/);
    const upgraded = applyUpdates(table(2), [{ action: 'upgrade-format-version', formatVersion: 3 }], 1);
    expect([upgraded.formatVersion, upgraded.nextRowId]).toEqual([3, 0]);
    expect(() => applyUpdates(upgraded, [{ action: 'upgrade-format-version', formatVersion: 2 }], 1)).toThrow(/downgrade/);
    expect(() => applyUpdates(upgraded, [{ action: 'upgrade-format-version', formatVersion: 4 }], 1)).toThrow(/not supported/);
  });
  it('removes snapshots with their refs, statistics and older history', () => {
    let m = applyUpdates(table(), [...commit(snap(5n, 1, 2000)), ...commit(snap(6n, 2, 3000, 5n))], 1);
    m = applyUpdates(m, [
      { action: 'set-snapshot-ref', refName: 'old', ref: { snapshotId: 5n, type: 'tag' } },
      { action: 'set-statistics', statistics: { 'snapshot-id': 5, 'statistics-path': 'a' } },
      { action: 'set-statistics', statistics: { 'snapshot-id': 6, 'statistics-path': 'b' } },
      { action: 'set-statistics', statistics: { 'snapshot-id': 6, 'statistics-path': 'c' } },
    ], 3500);
    expect(m.statistics).toHaveLength(2);
    const r = applyUpdates(m, [{ action: 'remove-snapshots', snapshotIds: [5n] }], 4000);
    expect(r.snapshots.map((s) => s.snapshotId)).toEqual([6n]);
    expect(Object.keys(r.refs)).toEqual(['main']);
    expect(r.statistics).toEqual([{ 'snapshot-id': 6, 'statistics-path': 'c' }]);
    expect(r.snapshotLog).toEqual([{ timestampMs: 3000, snapshotId: 6n }]);
    const noMain = applyUpdates(r, [{ action: 'remove-snapshot-ref', refName: 'main' }], 1);
    expect(noMain.currentSnapshotId).toBeUndefined();
  });
  it('handles properties, location, uuid and the metadata log', () => {
    const base = { ...table(), properties: { 'write.metadata.previous-versions-max': '2' }, metadataLog: [{ timestampMs: 1, metadataFile: 'v1' }, { timestampMs: 2, metadataFile: 'v2' }] };
    const m = applyUpdates(base, [
      { action: 'set-properties', updates: { a: '1', b: '2' } },
      { action: 'remove-properties', removals: ['b', 'zz'] },
      { action: 'set-location', location: 's3://c/t//' },
    ], 5, { previousMetadataFile: 'v3' });
    expect(m.properties).toEqual({ 'write.metadata.previous-versions-max': '2', a: '1' });
    expect(m.location).toBe('s3://c/t');
    expect(m.metadataLog).toEqual([{ timestampMs: 2, metadataFile: 'v2' }, { timestampMs: base.lastUpdatedMs, metadataFile: 'v3' }]);
    expect(() => applyUpdates(base, [{ action: 'set-properties', updates: { 'format-version': '3' } }], 1)).toThrow(/reserved/);
    expect(() => applyUpdates(base, [{ action: 'assign-uuid', uuid: 'other' }], 1)).toThrow(/uuid/);
    expect(applyUpdates(base, [], 1)).toBe(base);
  });
  it('refuses to remove the current schema or default spec', () => {
    expect(() => applyUpdates(table(), [{ action: 'remove-schemas', schemaIds: [0] }], 1)).toThrow(/current schema/);
    expect(() => applyUpdates(table(), [{ action: 'remove-partition-specs', specIds: [0] }], 1)).toThrow(/default partition spec/);
  });
});

describe('REST JSON', () => {
  const big = 8059325670730066324n;
  const updates: TableUpdate[] = [
    { action: 'assign-uuid', uuid: 'u' },
    { action: 'upgrade-format-version', formatVersion: 3 },
    { action: 'add-schema', schema: schema1, lastColumnId: 3 },
    { action: 'set-current-schema', schemaId: -1 },
    { action: 'add-spec', spec: { specId: 1, fields: [{ sourceIds: [1], fieldId: 1000, name: 'a', transform: 'identity' }] } },
    { action: 'set-default-spec', specId: 1 },
    { action: 'add-sort-order', sortOrder: { orderId: 1, fields: [{ sourceIds: [1], transform: 'identity', direction: 'desc', nullOrder: 'nulls-last' }] } },
    { action: 'set-default-sort-order', sortOrderId: 1 },
    { action: 'add-snapshot', snapshot: snap(big, 3, 5, 12n, { firstRowId: 10, addedRows: 2, summary: { operation: 'append', 'added-records': '2' } }) },
    { action: 'set-snapshot-ref', refName: 'dev', ref: { snapshotId: big, type: 'branch', minSnapshotsToKeep: 2, maxSnapshotAgeMs: 10, maxRefAgeMs: 20 } },
    { action: 'remove-snapshots', snapshotIds: [big, 1n] },
    { action: 'remove-snapshot-ref', refName: 'dev' },
    { action: 'set-location', location: 's3://x' },
    { action: 'set-properties', updates: { a: 'b' } },
    { action: 'remove-properties', removals: ['a'] },
    { action: 'remove-statistics', snapshotId: big },
    { action: 'remove-partition-statistics', snapshotId: 3n },
    { action: 'remove-partition-specs', specIds: [0] },
    { action: 'remove-schemas', schemaIds: [0, 1] },
    { action: 'remove-encryption-key', keyId: 'k' },
  ];
  const requirements: TableRequirement[] = [
    { type: 'assert-create' },
    { type: 'assert-table-uuid', uuid: 'u' },
    { type: 'assert-ref-snapshot-id', ref: 'main', snapshotId: big },
    { type: 'assert-ref-snapshot-id', ref: 'main', snapshotId: null },
    { type: 'assert-last-assigned-field-id', lastAssignedFieldId: 3 },
    { type: 'assert-current-schema-id', currentSchemaId: 1 },
    { type: 'assert-last-assigned-partition-id', lastAssignedPartitionId: 1000 },
    { type: 'assert-default-spec-id', defaultSpecId: 0 },
    { type: 'assert-default-sort-order-id', defaultSortOrderId: 0 },
  ];
  it.each([...updates, ...requirements].map((u) => [('action' in u ? u.action : u.type), u] as const))('%s round-trips through exact JSON text', (_, item) => {
    const text = stringifyJsonExact(toRestJson(item));
    expect(fromRestJson(parseJsonExact(text), 'test')).toEqual(item);
    expect(fromRestJson(JSON.parse(stringifyJsonExact(toRestJson(item))), 'test')).toMatchObject('action' in item ? { action: item.action } : { type: item.type });
  });
  it('writes REST names', () => {
    expect(stringifyJsonExact(toRestJson(updates[9]!))).toBe(
      '{"action":"set-snapshot-ref","ref-name":"dev","snapshot-id":8059325670730066324,"type":"branch","min-snapshots-to-keep":2,"max-snapshot-age-ms":10,"max-ref-age-ms":20}',
    );
    expect(toRestJson({ type: 'assert-ref-snapshot-id', ref: 'main', snapshotId: null })).toEqual({ type: 'assert-ref-snapshot-id', ref: 'main', 'snapshot-id': null });
  });
  it('keeps statistics and keys as JSON objects', () => {
    const item = fromRestJson({ action: 'set-statistics', statistics: { 'snapshot-id': 1, 'statistics-path': 'p' } }, 'x');
    expect(item).toEqual({ action: 'set-statistics', statistics: { 'snapshot-id': 1, 'statistics-path': 'p' } });
  });
  it('rejects unknown actions and types', () => {
    expect(() => fromRestJson({ action: 'drop-table' }, 'req')).toThrow(/unknown update action/);
    expect(() => fromRestJson({ type: 'assert-nothing' }, 'req')).toThrow(/unknown requirement type/);
  });
});
