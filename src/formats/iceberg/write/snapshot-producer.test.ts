import { describe, expect, it } from 'vitest';
import { inheritEntries } from '../manifests/inheritance.js';
import { decodeManifestList } from '../manifests/manifest-list.js';
import { decodeManifest } from '../manifests/manifest.js';
import type { DataFile, IcebergSchema, LiveEntry, ManifestEntry, ManifestFile, SnapshotOperation, TableMetadata } from '../model.js';
import { partitionType } from '../spec/partition-spec.js';
import { applyUpdates, newTableMetadata } from '../spec/updates.js';
import { decodeBinaryValue } from '../values/binary-value.js';
import { planSnapshot, type SnapshotPlanInput } from './snapshot-producer.js';

const schema: IcebergSchema = {
  schemaId: 0,
  identifierFieldIds: [],
  fields: [
    { id: 1, name: 'p', required: false, type: { kind: 'primitive', name: 'int' } },
    { id: 2, name: 'v', required: false, type: { kind: 'primitive', name: 'string' } },
  ],
};
const identity = { specId: 0, fields: [{ sourceIds: [1], fieldId: 1000, name: 'p', transform: 'identity' }] };

/** A tiny table plus an in-memory object store, committing plans as the table layer would. */
class Harness {
  readonly files = new Map<string, Uint8Array>();
  m: TableMetadata;
  private next = 0;
  constructor(formatVersion: 1 | 2 | 3, partitioned = true) {
    const spec = partitioned ? identity : { specId: 0, fields: [] };
    this.m = newTableMetadata({ location: 'mem://t', schema, spec, properties: {}, formatVersion, tableUuid: 'u', nowMs: 1000 });
  }
  get head() {
    return this.m.snapshots.find((s) => s.snapshotId === this.m.currentSnapshotId);
  }
  manifests(): ManifestFile[] {
    const list = this.head?.manifestList;
    return list === undefined ? [] : decodeManifestList(this.files.get(list)!, list);
  }
  entries(manifest: ManifestFile): ManifestEntry[] {
    const spec = this.m.partitionSpecs.find((s) => s.specId === manifest.partitionSpecId)!;
    return decodeManifest(this.files.get(manifest.manifestPath)!, manifest.manifestPath, partitionType(spec, schema)).entries;
  }
  live(): LiveEntry[] {
    return this.manifests().flatMap((mf) => inheritEntries(this.entries(mf), mf, mf.partitionSpecId)).filter((e) => e.status !== 'deleted');
  }
  plan(operation: SnapshotOperation, added: DataFile[], removedPaths: string[] = [], extra: Partial<SnapshotPlanInput> = {}) {
    this.next += 1;
    const k = this.next;
    const parentManifests = this.manifests();
    const removed = this.live().filter((e) => removedPaths.includes(e.dataFile.filePath));
    const removedFrom = new Map(parentManifests.map((mf) => [mf.manifestPath, this.entries(mf)] as const));
    return planSnapshot({
      base: this.m,
      ...(this.head === undefined ? {} : { parent: this.head }),
      parentManifests,
      added,
      removed,
      removedFrom,
      operation,
      snapshotId: BigInt(k * 100),
      nowMs: 1000 + k,
      manifestPath: (i) => `mem://t/metadata/c${k}-m${i}.avro`,
      manifestListPath: `mem://t/metadata/snap-${k}.avro`,
      ...extra,
    });
  }
  commit(operation: SnapshotOperation, added: DataFile[], removedPaths: string[] = [], extra: Partial<SnapshotPlanInput> = {}) {
    const plan = this.plan(operation, added, removedPaths, extra);
    for (const m of plan.manifests) this.files.set(m.path, m.bytes);
    this.files.set(plan.snapshot.manifestList!, plan.manifestList);
    this.m = applyUpdates(this.m, plan.updates, plan.snapshot.timestampMs);
    return plan;
  }
}

const dataFile = (path: string, p: number | null, rows: number, size = 100): DataFile => ({
  content: 'data',
  filePath: path,
  fileFormat: 'parquet',
  partition: new Map([[1000, p]]),
  recordCount: rows,
  fileSizeInBytes: size,
});

describe('planSnapshot (v2)', () => {
  it('appends: one ADDED manifest with inherited sequence numbers, summaries and totals', () => {
    const h = new Harness(2);
    const plan = h.commit('append', [dataFile('a', 1, 10), dataFile('b', 5, 20), dataFile('n', null, 1)]);
    expect(plan.snapshot).toMatchObject({ snapshotId: 100n, sequenceNumber: 1, schemaId: 0, timestampMs: 1001 });
    expect(plan.snapshot.summary).toEqual({
      operation: 'append', 'added-data-files': '3', 'added-records': '31', 'added-files-size': '300', 'changed-partition-count': '3',
      'total-records': '31', 'total-files-size': '300', 'total-data-files': '3', 'total-delete-files': '0', 'total-position-deletes': '0', 'total-equality-deletes': '0',
    });
    expect(plan.requirements).toEqual([{ type: 'assert-table-uuid', uuid: 'u' }, { type: 'assert-ref-snapshot-id', ref: 'main', snapshotId: null }]);
    const [mf] = h.manifests();
    expect(mf).toMatchObject({ sequenceNumber: 1, minSequenceNumber: 1, addedSnapshotId: 100n, addedFilesCount: 3, addedRowsCount: 31, content: 'data' });
    const summary = mf!.partitions![0]!;
    expect(summary.containsNull).toBe(true);
    expect([decodeBinaryValue(summary.lowerBound!, { kind: 'primitive', name: 'int' }, 't'), decodeBinaryValue(summary.upperBound!, { kind: 'primitive', name: 'int' }, 't')]).toEqual([1, 5]);
    const entries = h.entries(mf!);
    expect(entries.map((e) => [e.status, e.snapshotId, e.sequenceNumber])).toEqual([['added', 100n, undefined], ['added', 100n, undefined], ['added', 100n, undefined]]);
    expect(h.live().map((e) => e.sequenceNumber)).toEqual([1, 1, 1]);
    expect(h.m.currentSnapshotId).toBe(100n);
  });

  it('overwrites: rewrites the manifest holding removed files, keeps others, totals carry', () => {
    const h = new Harness(2);
    h.commit('append', [dataFile('a', 1, 10), dataFile('b', 2, 20)]);
    h.commit('append', [dataFile('c', 3, 5)]);
    const plan = h.commit('overwrite', [dataFile('a2', 1, 7)], ['a']);
    expect(plan.snapshot.summary).toMatchObject({
      'added-data-files': '1', 'deleted-data-files': '1', 'added-records': '7', 'deleted-records': '10', 'removed-files-size': '100',
      'changed-partition-count': '1', 'total-records': '32', 'total-data-files': '3', 'total-files-size': '300',
    });
    const manifests = h.manifests();
    expect(manifests.map((m) => [m.addedSnapshotId, m.addedFilesCount, m.existingFilesCount, m.deletedFilesCount, m.sequenceNumber, m.minSequenceNumber])).toEqual([
      [300n, 1, 0, 0, 3, 3],
      [200n, 1, 0, 0, 2, 2],
      [300n, 0, 1, 1, 3, 1],
    ]);
    const rewritten = h.entries(manifests[2]!);
    expect(rewritten.map((e) => [e.dataFile.filePath, e.status, e.snapshotId, e.sequenceNumber, e.fileSequenceNumber])).toEqual([
      ['a', 'deleted', 300n, 1, 1],
      ['b', 'existing', 100n, 1, 1],
    ]);
    expect(h.live().map((e) => e.dataFile.filePath).sort()).toEqual(['a2', 'b', 'c']);
  });

  it('drops parent manifests without live files at the next commit', () => {
    const h = new Harness(2);
    h.commit('append', [dataFile('a', 1, 10)]);
    h.commit('delete', [], ['a']);
    expect(h.manifests()).toHaveLength(1);
    expect(h.head!.summary).toMatchObject({ operation: 'delete', 'total-data-files': '0', 'total-records': '0' });
    h.commit('append', [dataFile('b', 1, 1)]);
    expect(h.manifests().map((m) => m.addedSnapshotId)).toEqual([300n]);
  });

  it('adds delete files in a deletes manifest and counts them', () => {
    const h = new Harness(2);
    h.commit('append', [dataFile('a', 1, 10)]);
    const eq: DataFile = { ...dataFile('eq', 1, 4, 50), content: 'equality_deletes', equalityIds: [2] };
    const pos: DataFile = { ...dataFile('pos', 1, 3, 60), content: 'position_deletes', referencedDataFile: 'a' };
    const plan = h.commit('overwrite', [eq, pos]);
    expect(plan.snapshot.summary).toMatchObject({
      'added-delete-files': '2', 'added-equality-delete-files': '1', 'added-position-delete-files': '1', 'added-equality-deletes': '4',
      'added-position-deletes': '3', 'added-files-size': '110', 'total-delete-files': '2', 'total-equality-deletes': '4', 'total-position-deletes': '3',
    });
    expect(h.manifests().map((m) => m.content)).toEqual(['deletes', 'data']);
    expect(h.live().filter((e) => e.dataFile.content !== 'data').map((e) => e.sequenceNumber)).toEqual([2, 2]);
  });

  it('keeps an explicit data sequence number for compaction output', () => {
    const h = new Harness(2);
    h.commit('append', [dataFile('a', 1, 10)]);
    h.commit('append', [dataFile('b', 1, 10)]);
    h.commit('replace', [dataFile('ab', 1, 20)], ['a', 'b'], { addedDataSequenceNumber: 1 });
    const ab = h.live().find((e) => e.dataFile.filePath === 'ab')!;
    expect([ab.sequenceNumber, ab.fileSequenceNumber]).toEqual([1, 3]);
    expect(h.head!.summary).toMatchObject({ operation: 'replace', 'total-records': '20', 'total-data-files': '1' });
  });

  it('refuses stale parents, files that are not live and two DVs for one file', () => {
    const h = new Harness(2);
    h.commit('append', [dataFile('a', 1, 10)]);
    const stale = { ...h.m, refs: {} };
    expect(() => planSnapshot({ ...baseInput(h), base: stale })).toThrow(/not at the parent/);
    const input = baseInput(h);
    expect(() => planSnapshot({ ...input, removed: [{ ...h.live()[0]!, dataFile: dataFile('zz', 1, 1) }] })).toThrow(/not live in the parent/);
    const dv = (target: string): DataFile => ({ ...dataFile('dv.puffin', 1, 1), content: 'position_deletes', fileFormat: 'puffin', referencedDataFile: target, contentOffset: 4, contentSizeInBytes: 40 });
    expect(() => planSnapshot({ ...input, added: [dv('a'), { ...dv('a'), contentOffset: 50 }] })).toThrow(/second deletion vector/);
  });
});

function baseInput(h: Harness): SnapshotPlanInput {
  return {
    base: h.m,
    ...(h.head === undefined ? {} : { parent: h.head }),
    parentManifests: h.manifests(),
    added: [],
    removed: [],
    removedFrom: new Map(h.manifests().map((mf) => [mf.manifestPath, h.entries(mf)] as const)),
    operation: 'overwrite',
    snapshotId: 999n,
    nowMs: 5000,
    manifestPath: (i) => `mem://t/metadata/x-m${i}.avro`,
    manifestListPath: 'mem://t/metadata/snap-x.avro',
  };
}

describe('planSnapshot (v3 row lineage)', () => {
  it('assigns first-row-ids like the spark_v3_row_lineage corpus table', () => {
    const h = new Harness(3, false);
    const unpart = (path: string, rows: number): DataFile => ({ ...dataFile(path, null, rows), partition: new Map() });
    for (const name of ['a', 'b', 'c']) h.commit('append', [unpart(name, 1)]);
    expect(h.m.snapshots.map((s) => [s.firstRowId, s.addedRows])).toEqual([[0, 1], [1, 1], [2, 1]]);
    h.commit('replace', [unpart('abc', 3)], ['a', 'b', 'c']);
    expect(h.head).toMatchObject({ firstRowId: 3, addedRows: 3 });
    expect(h.m.nextRowId).toBe(6);
    expect(h.live().map((e) => [e.dataFile.filePath, e.firstRowId])).toEqual([['abc', 3]]);
    const deleted = h.manifests().slice(1).flatMap((mf) => h.entries(mf));
    expect(deleted.map((e) => [e.status, e.dataFile.firstRowId])).toEqual([['deleted', 2], ['deleted', 1], ['deleted', 0]]);
  });
  it('refuses position delete files', () => {
    const h = new Harness(3);
    const pos: DataFile = { ...dataFile('pos', 1, 3), content: 'position_deletes' };
    expect(() => h.plan('overwrite', [pos])).toThrow(/deletion vectors, not position delete files/);
  });
});

describe('planSnapshot (v1)', () => {
  it('writes sequence number 0 and refuses delete files', () => {
    const h = new Harness(1);
    h.commit('append', [dataFile('a', 1, 10)]);
    h.commit('overwrite', [dataFile('b', 1, 1)], ['a']);
    expect(h.head!.sequenceNumber).toBe(0);
    expect(h.live().map((e) => [e.dataFile.filePath, e.sequenceNumber])).toEqual([['b', 0]]);
    expect(() => h.plan('overwrite', [{ ...dataFile('eq', 1, 1), content: 'equality_deletes', equalityIds: [1] }])).toThrow(/no delete files/);
  });
});
