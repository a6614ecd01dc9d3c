import { describe, expect, it } from 'vitest';
import type { AddFile } from '../../formats/delta/spec/actions.js';
import { binWorthRewriting, compactionBins, hasTooManyDeletedRows, packBins } from './optimize-bins.js';

function file(path: string, size: number, extra: Partial<AddFile> = {}): AddFile {
  return { path, size, partitionValues: {}, modificationTime: 0, dataChange: true, ...extra };
}

const dv = (cardinality: number) => ({ storageType: 'i' as const, pathOrInlineDv: 'x', sizeInBytes: 10, cardinality });
const policy = { minFileSize: 75, maxFileSize: 100, maxDeletedRowsRatio: 0.05 };

describe('optimize bins', () => {
  it('packs smallest first into bins no larger than the maximum', () => {
    const bins = packBins([file('c', 60), file('a', 10), file('b', 30), file('d', 50)], 100);
    expect(bins.map((b) => b.map((f) => f.path))).toEqual([['a', 'b', 'd'], ['c']]);
  });

  it('gives an oversized file a bin of its own', () => {
    expect(packBins([file('big', 500), file('s', 1)], 100).map((b) => b.map((f) => f.path))).toEqual([['s'], ['big']]);
  });

  it('leaves large files and lone small files alone, keeps lone files with deleted rows', () => {
    expect(compactionBins([file('big', 90), file('small', 10)], policy)).toEqual([]);
    const purged = compactionBins([file('big', 90), file('small', 10, { deletionVector: dv(1), stats: '{"numRecords":100}' })], policy);
    expect(purged.map((b) => b.map((f) => f.path))).toEqual([['small']]);
  });

  it('rewrites a large file whose deletion vector hides more than the ratio', () => {
    const heavy = file('big', 90, { deletionVector: dv(10), stats: '{"numRecords":100}' });
    const light = file('big2', 95, { deletionVector: dv(1), stats: '{"numRecords":100}' });
    expect(hasTooManyDeletedRows(heavy, 0.05)).toBe(true);
    expect(hasTooManyDeletedRows(light, 0.05)).toBe(false);
    expect(hasTooManyDeletedRows(file('nostats', 1, { deletionVector: dv(1) }), 0.05)).toBe(true);
    expect(compactionBins([heavy, light], policy).map((b) => b.map((f) => f.path))).toEqual([['big']]);
  });

  it('rewrites bins of several files', () => {
    expect(binWorthRewriting([file('a', 1), file('b', 1)])).toBe(true);
    expect(binWorthRewriting([file('a', 1)])).toBe(false);
    expect(compactionBins([file('a', 40), file('b', 40), file('c', 40)], policy).map((b) => b.length)).toEqual([2]);
  });
});
