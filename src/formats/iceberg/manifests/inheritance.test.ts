import { describe, expect, it } from 'vitest';
import { isLochError } from '../../../core/index.js';
import type { DataFile, ManifestEntry, ManifestFile } from '../model.js';
import { inheritEntries } from './inheritance.js';

const file = (path: string, recordCount: number, extra: Partial<DataFile> = {}): DataFile => ({
  content: 'data',
  filePath: path,
  fileFormat: 'parquet',
  partition: new Map(),
  recordCount,
  fileSizeInBytes: 10,
  ...extra,
});
const manifest: ManifestFile = { manifestPath: 'm.avro', manifestLength: 1, partitionSpecId: 2, content: 'data', sequenceNumber: 5, minSequenceNumber: 1, addedSnapshotId: 42n, firstRowId: 100 };

describe('inheritEntries', () => {
  it('inherits snapshot id and sequence numbers for ADDED entries and keeps explicit ones', () => {
    const entries: ManifestEntry[] = [
      { status: 'added', dataFile: file('a', 1) },
      { status: 'added', sequenceNumber: 3, dataFile: file('b', 1) }, // compaction output keeps an older data sequence number
      { status: 'existing', snapshotId: 7n, sequenceNumber: 2, fileSequenceNumber: 1, dataFile: file('c', 1) },
      { status: 'deleted', snapshotId: 8n, sequenceNumber: 1, dataFile: file('d', 1) },
    ];
    const live = inheritEntries(entries, manifest, 2);
    expect(live.map((e) => [e.status, e.snapshotId, e.sequenceNumber, e.fileSequenceNumber, e.specId])).toEqual([
      ['added', 42n, 5, 5, 2],
      ['added', 42n, 3, 5, 2],
      ['existing', 7n, 2, 1, 2],
      ['deleted', 8n, 1, 1, 2], // no file_sequence_number column (old writers): falls back to the data sequence number
    ]);
  });

  it('gives v1 manifests sequence number 0 for every status', () => {
    const v1 = { ...manifest, sequenceNumber: 0, minSequenceNumber: 0, firstRowId: undefined };
    const live = inheritEntries([{ status: 'existing', snapshotId: 1n, dataFile: file('a', 1) }], v1, 0);
    expect([live[0]?.sequenceNumber, live[0]?.fileSequenceNumber, live[0]?.firstRowId]).toEqual([0, 0, undefined]);
  });

  it('refuses a v2 EXISTING entry without a data sequence number', () => {
    try {
      inheritEntries([{ status: 'existing', dataFile: file('x.parquet', 1) }], manifest, 0);
      expect.unreachable();
    } catch (err) {
      expect(isLochError(err, 'PROTOCOL_VIOLATION')).toBe(true);
      expect((err as Error).message).toBe('iceberg manifest: m.avro: entry 0 (x.parquet) is existing but has no data sequence number to keep');
    }
  });

  it('assigns v3 first row ids as a running sum over data files with a null first_row_id', () => {
    const entries: ManifestEntry[] = [
      { status: 'added', dataFile: file('a', 10) },
      { status: 'existing', sequenceNumber: 1, fileSequenceNumber: 1, dataFile: file('b', 4, { firstRowId: 7 }) },
      { status: 'added', dataFile: file('c', 3) },
      { status: 'deleted', sequenceNumber: 1, fileSequenceNumber: 1, dataFile: file('gone', 50) },
      { status: 'added', dataFile: file('e', 2) },
    ];
    expect(inheritEntries(entries, manifest, 0).map((e) => e.firstRowId)).toEqual([100, 7, 110, undefined, 113]);
    const deletes = { ...manifest, content: 'deletes' as const };
    const del: ManifestEntry = { status: 'added', dataFile: file('p', 3, { content: 'position_deletes' }) };
    expect(inheritEntries([del], deletes, 0)[0]?.firstRowId).toBeUndefined();
    expect(inheritEntries([entries[0] as ManifestEntry], { ...manifest, firstRowId: undefined }, 0)[0]?.firstRowId).toBeUndefined();
  });
});
