import { describe, expect, it } from 'vitest';
import { orphanFiles } from './orphans.js';

describe('orphanFiles', () => {
  const listed = [
    { key: 'data/a.parquet', lastModified: 100 },
    { key: 'data/b.parquet', lastModified: 100 },
    { key: 'data/young.parquet', lastModified: 950 },
    { key: 'data/edge.parquet', lastModified: 900 },
    { key: 'metadata/v1.metadata.json', lastModified: 1 },
  ];
  it('lists unreachable files older than the threshold, sorted', () => {
    expect(orphanFiles(listed, new Set(['data/a.parquet', 'metadata/v1.metadata.json']), 100, 1000)).toEqual(['data/b.parquet']);
  });
  it('compares through normalize', () => {
    const reachable = new Set(['s3a://bucket/t/data/a.parquet', 's3a://bucket/t/data/b.parquet', 's3a://bucket/t/metadata/v1.metadata.json']);
    const normalize = (p: string) => p.replace(/^s3a:\/\/bucket\/t\//, '');
    expect(orphanFiles(listed, reachable, 50, 1000, { normalize })).toEqual(['data/edge.parquet']);
  });
  it('rejects a negative age', () => {
    expect(() => orphanFiles(listed, new Set(), -1, 1000)).toThrow(/age ≥ 0/);
  });
});
