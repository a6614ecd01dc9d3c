import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Snapshot, TableMetadata } from '../model.js';
import { parseTableMetadata } from '../spec/table-metadata.js';
import { schemaFor, selectSnapshot } from './snapshot-select.js';

const ICEBERG_CORPUS = join(process.env['LOCH_TESTDATA'] ?? '/work/shared/testdata', 'iceberg');

interface Expected {
  table: string;
  metadata_file: string;
  current_snapshot_id: string | null;
  refs: Record<string, { snapshot_id: string }>;
  snapshots: { snapshot_id: string; is_current: boolean; schema_id_used: number | null; unreadable?: boolean }[];
  time_travel_by_timestamp: { as_of_timestamp_ms: number; expected_snapshot_id: string | null }[] | null;
}

const tables = readdirSync(ICEBERG_CORPUS)
  .filter((f) => f.endsWith('.expected.json'))
  .map((f) => JSON.parse(readFileSync(join(ICEBERG_CORPUS, f), 'utf8')) as Expected);

const snap = (id: bigint, timestampMs: number, schemaId?: number): Snapshot => ({
  snapshotId: id,
  sequenceNumber: Number(id),
  timestampMs,
  manifestList: `m${id}.avro`,
  summary: { operation: 'append' },
  ...(schemaId !== undefined ? { schemaId } : {}),
});

const base: TableMetadata = {
  formatVersion: 2,
  location: 's3://b/t',
  lastSequenceNumber: 3,
  lastUpdatedMs: 0,
  lastColumnId: 1,
  schemas: [
    { schemaId: 0, identifierFieldIds: [], fields: [] },
    { schemaId: 1, identifierFieldIds: [], fields: [{ id: 1, name: 'a', required: false, type: { kind: 'primitive', name: 'int' } }] },
  ],
  currentSchemaId: 1,
  partitionSpecs: [{ specId: 0, fields: [] }],
  defaultSpecId: 0,
  lastPartitionId: 999,
  properties: {},
  currentSnapshotId: 2n,
  snapshots: [snap(1n, 100, 0), snap(2n, 200, 1), snap(3n, 300)],
  // Rolled back to 1 at 250, then 2 again at 400.
  snapshotLog: [
    { timestampMs: 100, snapshotId: 1n },
    { timestampMs: 200, snapshotId: 2n },
    { timestampMs: 250, snapshotId: 1n },
    { timestampMs: 400, snapshotId: 2n },
  ],
  metadataLog: [],
  sortOrders: [],
  defaultSortOrderId: 0,
  refs: { main: { snapshotId: 2n, type: 'branch' }, t: { snapshotId: 3n, type: 'tag' }, lost: { snapshotId: 9n, type: 'tag' } },
  statistics: [],
  partitionStatistics: [],
};

describe('selectSnapshot', () => {
  it('selects current, by id and by ref', () => {
    expect(selectSnapshot(base, {}, 't')?.snapshotId).toBe(2n);
    expect(selectSnapshot({ ...base, currentSnapshotId: undefined }, {}, 't')).toBeUndefined();
    expect(selectSnapshot(base, { snapshotId: 3n }, 't')?.snapshotId).toBe(3n);
    expect(selectSnapshot(base, { ref: 't' }, 't')?.snapshotId).toBe(3n);
    expect(() => selectSnapshot(base, { snapshotId: 7n }, 'tbl')).toThrow(expect.objectContaining({ code: 'VERSION_NOT_AVAILABLE', message: expect.stringMatching(/^iceberg snapshot: tbl: snapshot 7 does not exist/) }));
    expect(() => selectSnapshot(base, { ref: 'nope' }, 'tbl')).toThrow(expect.objectContaining({ code: 'VERSION_NOT_AVAILABLE', message: expect.stringMatching(/ref "nope"/) }));
    expect(() => selectSnapshot(base, { ref: 'lost' }, 'tbl')).toThrow(expect.objectContaining({ code: 'PROTOCOL_VIOLATION' }));
    expect(() => selectSnapshot(base, { ref: 't', snapshotId: 1n }, 'tbl')).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });

  it('time travels through the snapshot log, rollbacks included', () => {
    const at = (t: number): bigint | undefined => selectSnapshot(base, { timestampMs: t }, 't')?.snapshotId;
    expect(at(100)).toBe(1n);
    expect(at(249)).toBe(2n);
    expect(at(250)).toBe(1n);
    expect(at(350)).toBe(1n);
    expect(at(10_000)).toBe(2n);
    expect(() => at(99)).toThrow(expect.objectContaining({ code: 'VERSION_NOT_AVAILABLE', message: expect.stringMatching(/no snapshot as of 99/) }));
    // Without a log, the snapshots' own timestamps decide.
    expect(selectSnapshot({ ...base, snapshotLog: [] }, { timestampMs: 350 }, 't')?.snapshotId).toBe(3n);
    const expired = { ...base, snapshotLog: [{ timestampMs: 50, snapshotId: 42n }] };
    expect(() => selectSnapshot(expired, { timestampMs: 60 }, 't')).toThrow(/snapshot 42, current as of 60, has expired/);
  });

  it('reads history with the snapshot schema and falls back to the current one', () => {
    expect(schemaFor(base, base.snapshots[0], true).schemaId).toBe(0);
    expect(schemaFor(base, base.snapshots[0], false).schemaId).toBe(1);
    expect(schemaFor(base, base.snapshots[2], true).schemaId).toBe(1);
    expect(schemaFor(base, undefined, true).schemaId).toBe(1);
    expect(() => schemaFor(base, snap(4n, 1, 8), true)).toThrow(expect.objectContaining({ code: 'PROTOCOL_VIOLATION' }));
  });

  it.each(tables.map((t) => [t.table, t] as const))('%s: refs, time travel and schemas agree with expected.json', (_n, t) => {
    const m = parseTableMetadata(readFileSync(join(ICEBERG_CORPUS, t.table, t.metadata_file), 'utf8'), t.metadata_file);
    expect(selectSnapshot(m, {}, t.table)?.snapshotId).toBe(t.current_snapshot_id === null ? undefined : BigInt(t.current_snapshot_id));
    for (const [name, ref] of Object.entries(t.refs)) expect(selectSnapshot(m, { ref: name }, t.table)?.snapshotId).toBe(BigInt(ref.snapshot_id));
    for (const probe of t.time_travel_by_timestamp ?? []) {
      const select = (): Snapshot | undefined => selectSnapshot(m, { timestampMs: probe.as_of_timestamp_ms }, t.table);
      if (probe.expected_snapshot_id === null) expect(select).toThrow(expect.objectContaining({ code: 'VERSION_NOT_AVAILABLE' }));
      else expect(select()?.snapshotId).toBe(BigInt(probe.expected_snapshot_id));
    }
    for (const s of t.snapshots) {
      if (s.unreadable === true) continue;
      const found = selectSnapshot(m, { snapshotId: BigInt(s.snapshot_id) }, t.table);
      expect(schemaFor(m, found, !s.is_current).schemaId).toBe(s.schema_id_used);
    }
  });
});
