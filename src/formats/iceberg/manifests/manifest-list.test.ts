import { describe, expect, it } from 'vitest';
import { isLochError, utf8Decode } from '../../../core/index.js';
import { readAvroContainer, writeAvroContainer } from '../avro/container.js';
import { manifestListSchema } from '../avro/manifest-schemas.js';
import type { ManifestFile } from '../model.js';
import { UNASSIGNED_SEQUENCE_NUMBER, assignManifestFirstRowIds, decodeManifestList, encodeManifestList } from './manifest-list.js';

const data: ManifestFile = {
  manifestPath: 's3://b/t/metadata/a-m0.avro',
  manifestLength: 7001,
  partitionSpecId: 0,
  content: 'data',
  sequenceNumber: 3,
  minSequenceNumber: 1,
  addedSnapshotId: 7_777_310_120_628_922_486n,
  addedFilesCount: 2,
  existingFilesCount: 1,
  deletedFilesCount: 0,
  addedRowsCount: 10,
  existingRowsCount: 5,
  deletedRowsCount: 0,
  partitions: [{ containsNull: true, containsNan: false, lowerBound: Uint8Array.of(1, 0, 0, 0), upperBound: Uint8Array.of(9, 0, 0, 0) }, { containsNull: false }],
};
const deletes: ManifestFile = { ...data, manifestPath: 's3://b/t/metadata/d-m0.avro', content: 'deletes', partitions: undefined, keyMetadata: Uint8Array.of(1, 2) };
const strip = (f: ManifestFile): ManifestFile => JSON.parse(JSON.stringify(f, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v instanceof Uint8Array ? [...v] : v))) as ManifestFile;

describe('manifest list', () => {
  it('round-trips v2 lists, 64-bit snapshot ids and Java metadata', () => {
    const bytes = encodeManifestList([data, deletes], { formatVersion: 2, snapshotId: 9_085_912_707_585_491_401n, parentSnapshotId: 1n, sequenceNumber: 3 });
    const decoded = decodeManifestList(bytes, 'snap.avro');
    expect(decoded.map(strip)).toEqual([data, deletes].map(strip));
    expect(decoded[0]?.addedSnapshotId).toBe(7_777_310_120_628_922_486n);
    const meta = readAvroContainer(bytes, 'snap.avro').metadata;
    const text = (k: string): string | undefined => (meta.get(k) === undefined ? undefined : utf8Decode(meta.get(k) as Uint8Array));
    expect([text('snapshot-id'), text('parent-snapshot-id'), text('sequence-number'), text('format-version')]).toEqual(['9085912707585491401', '1', '3', '2']);
  });

  it('writes "null" as the parent of a first snapshot and v1 lists without content or sequence numbers', () => {
    const v1 = { ...data, sequenceNumber: 0, minSequenceNumber: 0, addedFilesCount: undefined, addedRowsCount: undefined };
    const bytes = encodeManifestList([v1], { formatVersion: 1, snapshotId: 5n, sequenceNumber: 0 });
    const schema = JSON.stringify(readAvroContainer(bytes, 'x').schema);
    expect(schema).not.toContain('"content"');
    expect(utf8Decode(readAvroContainer(bytes, 'x').metadata.get('parent-snapshot-id') ?? new Uint8Array())).toBe('null');
    const [back] = decodeManifestList(bytes, 'x');
    expect(back?.addedFilesCount).toBeUndefined();
    expect(back?.sequenceNumber).toBe(0);
    expect(back?.content).toBe('data');
    expect(() => encodeManifestList([deletes], { formatVersion: 1, snapshotId: 5n, sequenceNumber: 0 })).toThrow(/v1 cannot list delete manifest/);
  });

  it('replaces unassigned sequence numbers and needs counts in v2', () => {
    const fresh = { ...data, sequenceNumber: UNASSIGNED_SEQUENCE_NUMBER, minSequenceNumber: UNASSIGNED_SEQUENCE_NUMBER };
    const [back] = decodeManifestList(encodeManifestList([fresh], { formatVersion: 2, snapshotId: 1n, sequenceNumber: 8 }), 'x');
    expect([back?.sequenceNumber, back?.minSequenceNumber]).toEqual([8, 8]);
    try {
      encodeManifestList([{ ...data, addedRowsCount: undefined }], { formatVersion: 2, snapshotId: 1n, sequenceNumber: 1 });
      expect.unreachable();
    } catch (err) {
      expect(isLochError(err, 'INVALID_ARGUMENT')).toBe(true);
      expect((err as Error).message).toMatch(/a-m0\.avro has no added_rows_count/);
    }
  });

  it('assigns v3 first row ids to data manifests only, advancing by added + existing rows', () => {
    const explicit = { ...data, manifestPath: 'e.avro', firstRowId: 100 };
    const { files, nextRowId } = assignManifestFirstRowIds([data, deletes, explicit, data], 40);
    expect(files.map((f) => f.firstRowId)).toEqual([40, undefined, 100, 55]);
    expect(nextRowId).toBe(70);
    const bytes = encodeManifestList([data, deletes], { formatVersion: 3, snapshotId: 1n, sequenceNumber: 2, firstRowId: 40 });
    expect(decodeManifestList(bytes, 'x').map((f) => f.firstRowId)).toEqual([40, undefined]);
    expect(utf8Decode(readAvroContainer(bytes, 'x').metadata.get('first-row-id') ?? new Uint8Array())).toBe('40');
  });

  it('reports corrupt content codes and non-containers with the file name', () => {
    const record = { manifest_path: 'm.avro', manifest_length: 1n, partition_spec_id: 0, content: 5, sequence_number: 1n, min_sequence_number: 1n, added_snapshot_id: 1n, added_files_count: 0, existing_files_count: 0, deleted_files_count: 0, added_rows_count: 0n, existing_rows_count: 0n, deleted_rows_count: 0n, partitions: null, key_metadata: null };
    const bytes = writeAvroContainer(manifestListSchema(2), [record], {});
    expect(() => decodeManifestList(bytes, 'lists/bad.avro')).toThrow(/^iceberg manifest list: lists\/bad\.avro: entry 0: manifest content 5 is neither/);
    expect(() => decodeManifestList(Uint8Array.of(1, 2, 3), 'lists/bad.avro')).toThrow(/^iceberg avro: lists\/bad\.avro: not an Avro container/);
  });
});
