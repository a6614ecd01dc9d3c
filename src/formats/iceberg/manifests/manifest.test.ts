import { avroMetadata, avroRead } from 'icebird';
import { describe, expect, it } from 'vitest';
import { isLochError } from '../../../core/index.js';
import type { LiteralValue } from '../../../expr/nodes.js';
import { readAvroContainer } from '../avro/container.js';
import type { IcebergStruct, IcebergType, ManifestEntry, PartitionSpec } from '../model.js';
import { decodeManifest, encodeManifest, type ManifestWriteOptions } from './manifest.js';

const p = (name: string): IcebergType => ({ kind: 'primitive', name: name as 'int' });
const ALL_TYPES: [string, IcebergType, LiteralValue][] = [
  ['b', p('boolean'), true],
  ['i', p('int'), -7],
  ['l', p('long'), -9_007_199_254_740_993n],
  ['f', p('float'), 1.5],
  ['d', p('double'), -2.25],
  ['dec', { kind: 'decimal', precision: 9, scale: 2 }, '-1.50'],
  ['dec2', { kind: 'decimal', precision: 9, scale: 2 }, '1234567.89'],
  ['dt', p('date'), '0011-02-03'],
  ['t', p('time'), 61_200_000_000n],
  ['ts', p('timestamp'), -1n],
  ['tstz', p('timestamptz'), 1_740_960_000_000_000n],
  ['tsn', p('timestamp_ns'), 1_740_960_000_000_000_123n],
  ['tstzn', p('timestamptz_ns'), 5n],
  ['s', p('string'), 'ünï code'],
  ['u', p('uuid'), '12151fd2-7586-11e9-8f9e-2a86e4085a59'],
  ['fx', { kind: 'fixed', length: 3 }, Uint8Array.of(1, 2, 3)],
  ['bin', p('binary'), Uint8Array.of(0, 255)],
  ['day', p('int'), 20150],
  ['gone', p('unknown'), null],
  ['with space', p('int'), null],
];
const partitionType: IcebergStruct = {
  kind: 'struct',
  fields: ALL_TYPES.map(([name, type], i) => ({ id: 1000 + i, name, required: false, type })),
};
const spec: PartitionSpec = { specId: 3, fields: ALL_TYPES.map(([name], i) => ({ sourceIds: [i + 1], fieldId: 1000 + i, name, transform: 'identity' })) };
const tuple = new Map(ALL_TYPES.map(([, , value], i) => [1000 + i, value]));

function options(formatVersion: 1 | 2 | 3, content: 'data' | 'deletes' = 'data', type = partitionType): ManifestWriteOptions {
  return {
    formatVersion,
    schema: { schemaId: 4, identifierFieldIds: [], fields: [] },
    schemaJson: '{"type":"struct","schema-id":4,"fields":[]}',
    spec,
    specJson: '[]',
    partitionType: type,
    content,
  };
}

const dataEntry: ManifestEntry = {
  status: 'added',
  snapshotId: 9_085_912_707_585_491_401n,
  dataFile: {
    content: 'data',
    filePath: 's3://b/t/data/x.parquet',
    fileFormat: 'parquet',
    partition: tuple,
    recordCount: 51_793,
    fileSizeInBytes: 2_000_000,
    columnSizes: new Map([[1, 100], [2, 200]]),
    valueCounts: new Map([[1, 10]]),
    nullValueCounts: new Map([[1, 0]]),
    nanValueCounts: new Map([[3, 1]]),
    lowerBounds: new Map([[1, Uint8Array.of(1, 0, 0, 0)]]),
    upperBounds: new Map([[1, Uint8Array.of(9, 0, 0, 0)]]),
    keyMetadata: Uint8Array.of(5),
    splitOffsets: [4, 1000],
    sortOrderId: 0,
  },
};
const existing: ManifestEntry = { ...dataEntry, status: 'existing', sequenceNumber: 2, fileSequenceNumber: 1, dataFile: { ...dataEntry.dataFile, filePath: 'y.parquet', firstRowId: 77 } };

describe('manifest encode/decode', () => {
  it('round-trips every partition type and all data file fields (v2)', () => {
    const v2Existing = { ...existing, dataFile: { ...existing.dataFile, firstRowId: undefined } };
    const bytes = encodeManifest([dataEntry, v2Existing], options(2));
    const { metadata, entries } = decodeManifest(bytes, 'm.avro', partitionType);
    expect(metadata).toEqual({ schemaJson: options(2).schemaJson, schemaId: 4, partitionSpecJson: '[]', partitionSpecId: 3, formatVersion: 2, content: 'data' });
    expect(entries).toEqual([dataEntry, { ...v2Existing, dataFile: { ...v2Existing.dataFile, firstRowId: undefined } }]);
    expect(entries[0]?.dataFile.partition.get(1005)).toBe('-1.50');
  });

  it('falls back to Avro logical types without a partition type', () => {
    const { entries } = decodeManifest(encodeManifest([dataEntry], options(2)), 'm.avro');
    const part = entries[0]?.dataFile.partition;
    expect(part?.get(1007)).toBe('0011-02-03');
    expect(part?.get(1014)).toBe('12151fd2-7586-11e9-8f9e-2a86e4085a59');
    expect(part?.get(1017)).toBe(20150); // written as plain int: Loch's day result type is int
  });

  it('writes v3 delete manifests with DV fields and v1 manifests with block sizes', () => {
    const dv: ManifestEntry = {
      status: 'added',
      dataFile: { content: 'position_deletes', filePath: 'dv.puffin', fileFormat: 'puffin', partition: tuple, recordCount: 3, fileSizeInBytes: 90, referencedDataFile: 'x.parquet', contentOffset: 4, contentSizeInBytes: 40 },
    };
    const v3 = decodeManifest(encodeManifest([dv], options(3, 'deletes')), 'd.avro', partitionType);
    expect(v3.entries).toEqual([dv]);
    expect(v3.metadata.content).toBe('deletes');
    const v1Bytes = encodeManifest([existing], options(1));
    expect(JSON.stringify(readAvroContainer(v1Bytes, 'x').schema)).toContain('"block_size_in_bytes"');
    const v1 = decodeManifest(v1Bytes, 'v1.avro', partitionType).entries[0];
    expect(v1?.sequenceNumber).toBeUndefined();
    expect(v1?.dataFile.firstRowId).toBeUndefined();
    expect(v1?.dataFile.content).toBe('data');
  });

  it('refuses entries that do not fit the manifest', () => {
    const code = (fn: () => unknown): string | undefined => {
      try {
        fn();
      } catch (err) {
        return isLochError(err) ? `${err.code}: ${err.message}` : String(err);
      }
      return undefined;
    };
    expect(code(() => encodeManifest([dataEntry], options(2, 'deletes')))).toMatch(/^INVALID_ARGUMENT: iceberg manifest: entry 0 \(s3:\/\/b\/t\/data\/x\.parquet\): a data file cannot go into a deletes manifest/);
    expect(code(() => encodeManifest([{ ...dataEntry, snapshotId: undefined }], options(1)))).toMatch(/format version 1 needs an explicit snapshot id/);
    expect(code(() => encodeManifest([{ ...existing, sequenceNumber: undefined }], options(2)))).toMatch(/existing entry needs an explicit data sequence number/);
    const badTuple = { ...dataEntry, dataFile: { ...dataEntry.dataFile, partition: new Map([[1001, 'x']]) } };
    expect(code(() => encodeManifest([badTuple], options(2)))).toMatch(/^INVALID_ARGUMENT: iceberg manifest: partition field 1001: value string x does not fit type int/);
  });

  it('reports a partition type that the file cannot hold as CORRUPT_DATA naming the field', () => {
    const bytes = encodeManifest([dataEntry], options(2));
    const wrong: IcebergStruct = { kind: 'struct', fields: [{ id: 1005, name: 'dec', required: false, type: p('int') }] };
    expect(() => decodeManifest(bytes, 'metadata/x-m0.avro', wrong)).toThrow(/^iceberg manifest: metadata\/x-m0\.avro: entry 0: partition field 1005 has Avro type fixed\[4\] \(decimal\) but the spec says int$/);
    const missing: IcebergStruct = { kind: 'struct', fields: [{ id: 1999, name: 'nope', required: false, type: p('int') }] };
    expect(() => decodeManifest(bytes, 'x.avro', missing)).toThrow(/partition field 1999 \(nope\) of the spec is not in the manifest's partition record/);
  });

  it('is readable by icebird (no fixed-typed partition values)', () => {
    const simple: IcebergStruct = { kind: 'struct', fields: partitionType.fields.filter((f) => ['i', 'l', 's', 'dt', 'tstz', 'bin', 'with space'].includes(f.name)) };
    const bytes = encodeManifest([dataEntry, existing], options(2, 'data', simple));
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const reader = { view, offset: 0 };
    const { metadata, syncMarker } = avroMetadata(reader);
    const records = avroRead({ reader, metadata, syncMarker }) as { status: number; data_file: { file_path: string; record_count: bigint; partition: Record<string, unknown> } }[];
    expect(records.map((r) => r.status)).toEqual([1, 0]);
    expect(records[0]?.data_file.file_path).toBe('s3://b/t/data/x.parquet');
    expect(records[0]?.data_file.record_count).toBe(51_793n);
    expect(records[0]?.data_file.partition).toMatchObject({ i: -7, s: 'ünï code', with_x20space: undefined }); // icebird reads null as undefined
    expect(metadata['partition-spec-id']).toBe('3');
  });
});
