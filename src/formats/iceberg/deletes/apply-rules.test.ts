import { describe, expect, it } from 'vitest';
import type { LiteralValue } from '../../../expr/nodes.js';
import type { DataFileContent, EntryStatus, LiveEntry, PartitionSpec } from '../model.js';
import { assignDeletes, isUnpartitioned, partitionKey } from './apply-rules.js';
import type { AppliedDeletes } from './apply-rules.js';
import { thrown } from '../../../test-support/errors.js';


interface EntryOptions {
  readonly path: string;
  readonly seq: number;
  readonly content?: DataFileContent;
  readonly format?: string;
  readonly specId?: number;
  readonly partition?: ReadonlyArray<readonly [number, LiteralValue]>;
  readonly ref?: string;
  readonly status?: EntryStatus;
}

function entry(o: EntryOptions): LiveEntry {
  const format = o.format ?? 'parquet';
  const isDv = format === 'puffin' || format === 'PUFFIN';
  return {
    status: o.status ?? 'added',
    snapshotId: BigInt(o.seq),
    sequenceNumber: o.seq,
    fileSequenceNumber: o.seq,
    specId: o.specId ?? 0,
    dataFile: {
      content: o.content ?? 'data',
      filePath: o.path,
      fileFormat: format,
      partition: new Map(o.partition ?? []),
      recordCount: 1,
      fileSizeInBytes: 100,
      ...(o.ref !== undefined ? { referencedDataFile: o.ref } : {}),
      ...(isDv ? { contentOffset: 4, contentSizeInBytes: 40 } : {}),
    },
  };
}

const data = (path: string, seq: number, extra: Partial<EntryOptions> = {}): LiveEntry => entry({ path, seq, ...extra });
const dv = (path: string, seq: number, ref: string, extra: Partial<EntryOptions> = {}): LiveEntry =>
  entry({ path, seq, ref, content: 'position_deletes', format: 'puffin', ...extra });
const pos = (path: string, seq: number, extra: Partial<EntryOptions> = {}): LiveEntry => entry({ path, seq, content: 'position_deletes', ...extra });
const eqd = (path: string, seq: number, extra: Partial<EntryOptions> = {}): LiveEntry => entry({ path, seq, content: 'equality_deletes', ...extra });

const UNPARTITIONED: PartitionSpec = { specId: 0, fields: [] };
const BY_DAY: PartitionSpec = { specId: 1, fields: [{ sourceIds: [2], fieldId: 1000, name: 'd', transform: 'identity' }] };
const VOID_ONLY: PartitionSpec = { specId: 2, fields: [{ sourceIds: [2], fieldId: 1000, name: 'd', transform: 'void' }] };
const SPECS: ReadonlyMap<number, PartitionSpec> = new Map([
  [0, UNPARTITIONED],
  [1, BY_DAY],
  [2, VOID_ONLY],
]);

function paths(applied: AppliedDeletes | undefined): { dv?: string; pos: string[]; eq: string[] } {
  if (!applied) throw new Error('no entry for the data file');
  return {
    ...(applied.deletionVector ? { dv: applied.deletionVector.dataFile.filePath } : {}),
    pos: applied.positionDeletes.map((x) => x.dataFile.filePath),
    eq: applied.equalityDeletes.map((x) => x.dataFile.filePath),
  };
}

describe('deletion vectors', () => {
  it('apply to the referenced data file when seq(data) <= seq(dv), not when the DV is older', () => {
    const a = data('/t/a.parquet', 2);
    const b = data('/t/b.parquet', 4);
    const result = assignDeletes([a, b], [dv('/t/dv1.puffin', 2, '/t/a.parquet'), dv('/t/dv2.puffin', 3, '/t/b.parquet')], { specs: SPECS });
    expect(paths(result.get(a))).toEqual({ dv: '/t/dv1.puffin', pos: [], eq: [] });
    expect(paths(result.get(b))).toEqual({ pos: [], eq: [] });
  });

  it('supersede every position delete file of the data file, but not equality deletes', () => {
    const a = data('/t/a.parquet', 1);
    const deletes = [
      pos('/t/pos-by-path.parquet', 2, { ref: '/t/a.parquet' }),
      pos('/t/pos-partition.parquet', 2),
      dv('/t/dv.puffin', 3, '/t/a.parquet'),
      eqd('/t/eq.parquet', 2),
    ];
    expect(paths(assignDeletes([a], deletes, { specs: SPECS }).get(a))).toEqual({ dv: '/t/dv.puffin', pos: [], eq: ['/t/eq.parquet'] });
  });

  it('need the same partition as the data file', () => {
    const a = data('/t/a.parquet', 1, { specId: 1, partition: [[1000, '2024-01-01']] });
    const other = dv('/t/dv.puffin', 2, '/t/a.parquet', { specId: 1, partition: [[1000, '2024-01-02']] });
    expect(paths(assignDeletes([a], [other], { specs: SPECS }).get(a))).toEqual({ pos: [], eq: [] });
  });

  it('follow the trino_v3_deletion_vectors history: the replaced DV (status deleted) is ignored', () => {
    const A = 's3a://warehouse/deletion_vectors/data/A.parquet';
    const B = 's3a://warehouse/deletion_vectors/data/B.parquet';
    const a = data(A, 2);
    const b = data(B, 4);
    const dv1 = dv('dv-1.puffin', 3, A);
    // Snapshot 3: one data file, one DV.
    expect(paths(assignDeletes([a], [dv1], { specs: SPECS }).get(a)).dv).toBe('dv-1.puffin');
    // Snapshot 5: dv1 is DELETED in the manifest that adds dv-2's two blobs.
    const current = assignDeletes([a, b], [{ ...dv1, status: 'deleted' }, dv('dv-2.puffin#48', 5, A, { format: 'PUFFIN' }), dv('dv-2.puffin#4', 5, B, { format: 'PUFFIN' })], {
      specs: SPECS,
    });
    expect(paths(current.get(a)).dv).toBe('dv-2.puffin#48');
    expect(paths(current.get(b)).dv).toBe('dv-2.puffin#4');
  });

  it('break the spec when two apply to one data file or when one lacks its reference', () => {
    const a = data('/t/a.parquet', 1);
    const two = thrown(() => assignDeletes([a], [dv('/t/x.puffin', 2, '/t/a.parquet'), dv('/t/y.puffin', 3, '/t/a.parquet')], { specs: SPECS }));
    expect(two.code).toBe('PROTOCOL_VIOLATION');
    expect(two.message).toBe('iceberg deletes: data file /t/a.parquet has 2 deletion vectors (/t/x.puffin, /t/y.puffin); at most one may apply');
    const noRef = thrown(() => assignDeletes([a], [entry({ path: '/t/x.puffin', seq: 2, content: 'position_deletes', format: 'puffin' })], { specs: SPECS }));
    expect(noRef.code).toBe('PROTOCOL_VIOLATION');
    expect(noRef.message).toBe('iceberg deletes: deletion vector in /t/x.puffin has no referenced_data_file');
    const noOffset: LiveEntry = { ...dv('/t/z.puffin', 2, '/t/a.parquet') };
    const stripped = { ...noOffset, dataFile: { ...noOffset.dataFile, contentOffset: undefined } };
    expect(thrown(() => assignDeletes([a], [stripped], { specs: SPECS })).message).toMatch(/has no content_offset$/);
  });
});

describe('position delete files', () => {
  it('apply with seq(data) <= seq(delete), including the same commit; an older one dangles harmlessly', () => {
    const old = data('/t/old.parquet', 1);
    const same = data('/t/same.parquet', 2);
    const newer = data('/t/newer.parquet', 3);
    const result = assignDeletes([old, same, newer], [pos('/t/p.parquet', 2)], { specs: SPECS });
    expect(paths(result.get(old)).pos).toEqual(['/t/p.parquet']);
    expect(paths(result.get(same)).pos).toEqual(['/t/p.parquet']);
    expect(paths(result.get(newer)).pos).toEqual([]);
  });

  it('with a referenced_data_file apply only to that file', () => {
    const a = data('/t/a.parquet', 1);
    const b = data('/t/b.parquet', 1);
    const result = assignDeletes([a, b], [pos('/t/p.parquet', 2, { ref: '/t/b.parquet' })], { specs: SPECS });
    expect(paths(result.get(a)).pos).toEqual([]);
    expect(paths(result.get(b)).pos).toEqual(['/t/p.parquet']);
  });

  it('without one apply to the whole partition (same spec and values) only', () => {
    const jan1 = data('/t/d=1/a.parquet', 1, { specId: 1, partition: [[1000, '2024-01-01']] });
    const jan2 = data('/t/d=2/a.parquet', 1, { specId: 1, partition: [[1000, '2024-01-02']] });
    const otherSpec = data('/t/x.parquet', 1, { specId: 2, partition: [[1000, '2024-01-01']] });
    const result = assignDeletes([jan1, jan2, otherSpec], [pos('/t/d=1/p.parquet', 2, { specId: 1, partition: [[1000, '2024-01-01']] })], { specs: SPECS });
    expect(paths(result.get(jan1)).pos).toEqual(['/t/d=1/p.parquet']);
    expect(paths(result.get(jan2)).pos).toEqual([]);
    expect(paths(result.get(otherSpec)).pos).toEqual([]);
  });

  it('match a delete path spelled differently once both are normalised (flink hdfs:// trap)', () => {
    const a = data('/test-warehouse/t/data/a.parq', 1);
    const p = pos('/test-warehouse/t/data/p.parq', 2, { ref: 'hdfs://localhost:20500/test-warehouse/t/data/a.parq' });
    expect(paths(assignDeletes([a], [p], { specs: SPECS }).get(a)).pos).toEqual([]);
    const normalizePath = (path: string): string => path.replace(/^hdfs:\/\/[^/]+/, '');
    expect(paths(assignDeletes([a], [p], { specs: SPECS, normalizePath }).get(a)).pos).toEqual(['/test-warehouse/t/data/p.parq']);
  });

  it('ignore the dangling delete of spark_bunnies_delete_add_column (seq 2 against seq-3 data)', () => {
    const seq1 = data('/t/a.parquet', 1);
    const seq3 = data('/t/b.parquet', 3);
    const result = assignDeletes([seq1, seq3], [pos('/t/p.parquet', 2, { ref: '/t/b.parquet' })], { specs: SPECS });
    expect(paths(result.get(seq3)).pos).toEqual([]);
    expect(paths(result.get(seq1)).pos).toEqual([]);
  });

  it('are listed by sequence number, path-scoped and partition-scoped merged', () => {
    const a = data('/t/a.parquet', 1);
    const deletes = [pos('/t/p5.parquet', 5), pos('/t/p3.parquet', 3, { ref: '/t/a.parquet' }), pos('/t/p4.parquet', 4), pos('/t/p2.parquet', 2, { ref: '/t/a.parquet' })];
    expect(paths(assignDeletes([a], deletes, { specs: SPECS }).get(a)).pos).toEqual(['/t/p2.parquet', '/t/p3.parquet', '/t/p4.parquet', '/t/p5.parquet']);
  });
});

describe('equality delete files', () => {
  it('apply only with seq(data) < seq(delete), strictly', () => {
    const older = data('/t/a.parquet', 1);
    const same = data('/t/b.parquet', 2);
    const result = assignDeletes([older, same], [eqd('/t/e.parquet', 2)], { specs: SPECS });
    expect(paths(result.get(older)).eq).toEqual(['/t/e.parquet']);
    expect(paths(result.get(same)).eq).toEqual([]);
  });

  it('from a partitioned spec apply within their partition; from an unpartitioned or void-only spec everywhere', () => {
    const jan1 = data('/t/a.parquet', 1, { specId: 1, partition: [[1000, '2024-01-01']] });
    const jan2 = data('/t/b.parquet', 1, { specId: 1, partition: [[1000, '2024-01-02']] });
    const deletes = [
      eqd('/t/e-jan1.parquet', 2, { specId: 1, partition: [[1000, '2024-01-01']] }),
      eqd('/t/e-global.parquet', 3, { specId: 0 }),
      eqd('/t/e-void.parquet', 4, { specId: 2, partition: [[1000, null]] }),
    ];
    const result = assignDeletes([jan1, jan2], deletes, { specs: SPECS });
    expect(paths(result.get(jan1)).eq).toEqual(['/t/e-jan1.parquet', '/t/e-global.parquet', '/t/e-void.parquet']);
    expect(paths(result.get(jan2)).eq).toEqual(['/t/e-global.parquet', '/t/e-void.parquet']);
  });

  it('name an unknown spec as a protocol violation', () => {
    const error = thrown(() => assignDeletes([data('/t/a.parquet', 1)], [eqd('/t/e.parquet', 2, { specId: 9 })], { specs: SPECS }));
    expect(error.code).toBe('PROTOCOL_VIOLATION');
    expect(error.message).toBe('iceberg deletes: equality delete file /t/e.parquet uses partition spec 9, which the table does not define');
  });
});

describe('partition equality', () => {
  it('compares floats by bit pattern with a canonical NaN', () => {
    expect(partitionKey(1, new Map([[1000, 0]]))).not.toBe(partitionKey(1, new Map([[1000, -0]])));
    expect(partitionKey(1, new Map([[1000, Number.NaN]]))).toBe(partitionKey(1, new Map([[1000, 0 / 0]])));
    expect(partitionKey(1, new Map([[1000, 1.5]]))).toBe(partitionKey(1, new Map([[1000, 1.5]])));
  });

  it('tells apart spec ids, value types, nulls and binary contents; ignores map insertion order', () => {
    expect(partitionKey(1, new Map([[1000, 1]]))).not.toBe(partitionKey(2, new Map([[1000, 1]])));
    expect(partitionKey(1, new Map([[1000, 1]]))).not.toBe(partitionKey(1, new Map([[1000, 1n]])));
    expect(partitionKey(1, new Map([[1000, '1']]))).not.toBe(partitionKey(1, new Map([[1000, 1]])));
    expect(partitionKey(1, new Map([[1000, null]]))).not.toBe(partitionKey(1, new Map([[1000, 'null']])));
    expect(partitionKey(1, new Map([[1000, Uint8Array.of(1, 2)]]))).toBe(partitionKey(1, new Map([[1000, Uint8Array.of(1, 2)]])));
    expect(partitionKey(1, new Map([[1000, Uint8Array.of(1, 2)]]))).not.toBe(partitionKey(1, new Map([[1000, Uint8Array.of(1, 3)]])));
    const ab = new Map<number, LiteralValue>([
      [1000, 'x'],
      [1001, 5],
    ]);
    const ba = new Map<number, LiteralValue>([
      [1001, 5],
      [1000, 'x'],
    ]);
    expect(partitionKey(3, ab)).toBe(partitionKey(3, ba));
  });

  it('applies a position delete in a float partition only to the same bits', () => {
    const zero = data('/t/z.parquet', 1, { specId: 1, partition: [[1000, 0]] });
    const negZero = data('/t/n.parquet', 1, { specId: 1, partition: [[1000, -0]] });
    const nan = data('/t/nan.parquet', 1, { specId: 1, partition: [[1000, Number.NaN]] });
    const deletes = [pos('/t/p0.parquet', 2, { specId: 1, partition: [[1000, 0]] }), pos('/t/pnan.parquet', 2, { specId: 1, partition: [[1000, Number.NaN]] })];
    const result = assignDeletes([zero, negZero, nan], deletes, { specs: SPECS });
    expect(paths(result.get(zero)).pos).toEqual(['/t/p0.parquet']);
    expect(paths(result.get(negZero)).pos).toEqual([]);
    expect(paths(result.get(nan)).pos).toEqual(['/t/pnan.parquet']);
  });

  it('judges a spec unpartitioned when it has no fields or only void ones', () => {
    expect(isUnpartitioned(UNPARTITIONED)).toBe(true);
    expect(isUnpartitioned(VOID_ONLY)).toBe(true);
    expect(isUnpartitioned(BY_DAY)).toBe(false);
  });
});

describe('assignDeletes inputs and scale', () => {
  it('returns an entry for every live data file and skips deleted entries', () => {
    const live = data('/t/a.parquet', 1);
    const gone = data('/t/b.parquet', 1, { status: 'deleted' });
    const result = assignDeletes([live, gone], [pos('/t/p.parquet', 2, { status: 'deleted' })], { specs: SPECS });
    expect([...result.keys()]).toEqual([live]);
    expect(paths(result.get(live))).toEqual({ pos: [], eq: [] });
  });

  it('rejects delete files among the data and data files among the deletes', () => {
    expect(thrown(() => assignDeletes([pos('/t/p.parquet', 1)], [], { specs: SPECS })).code).toBe('INVALID_ARGUMENT');
    expect(thrown(() => assignDeletes([], [data('/t/a.parquet', 1)], { specs: SPECS })).code).toBe('INVALID_ARGUMENT');
  });

  it('assigns 1,000 deletes to 10,000 data files in 100 partitions quickly and correctly', () => {
    const dataFiles: LiveEntry[] = [];
    const deletes: LiveEntry[] = [];
    for (let p = 0; p < 100; p++) {
      const partition: Array<[number, LiteralValue]> = [[1000, `p${p}`]];
      for (let f = 0; f < 100; f++) dataFiles.push(data(`/t/p${p}/d${f}.parquet`, 1 + (f % 10), { specId: 1, partition }));
      for (let k = 0; k < 5; k++) deletes.push(dv(`/t/p${p}/dv${k}.puffin`, 10, `/t/p${p}/d${k}.parquet`, { specId: 1, partition }));
      for (let k = 0; k < 3; k++) deletes.push(pos(`/t/p${p}/pos${k}.parquet`, 5 + k, { specId: 1, partition }));
      for (let k = 0; k < 2; k++) deletes.push(eqd(`/t/p${p}/eq${k}.parquet`, 4 + 4 * k, { specId: 1, partition }));
    }
    expect(deletes.length).toBe(1000);
    const started = performance.now();
    const result = assignDeletes(dataFiles, deletes, { specs: SPECS });
    const elapsed = performance.now() - started;
    expect(elapsed).toBeLessThan(1500);
    expect(result.size).toBe(10_000);
    // File f has seq 1 + f % 10; d0..d4 have a DV (seq 10); pos deletes have seq 5..7, eq deletes 4 and 8.
    expect(paths(result.get(dataFiles[3]!))).toEqual({ dv: '/t/p0/dv3.puffin', pos: [], eq: ['/t/p0/eq1.parquet'] });
    expect(paths(result.get(dataFiles[102]!))).toEqual({ dv: '/t/p1/dv2.puffin', pos: [], eq: ['/t/p1/eq0.parquet', '/t/p1/eq1.parquet'] });
    expect(paths(result.get(dataFiles[105]!))).toEqual({ pos: ['/t/p1/pos1.parquet', '/t/p1/pos2.parquet'], eq: ['/t/p1/eq1.parquet'] });
    expect(paths(result.get(dataFiles[7]!))).toEqual({ pos: [], eq: [] });
    expect(paths(result.get(dataFiles[6]!))).toEqual({ pos: ['/t/p0/pos2.parquet'], eq: ['/t/p0/eq1.parquet'] });
  });
});
