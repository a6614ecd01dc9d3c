import { describe, expect, it } from 'vitest';
import { LiveIndex } from './live-index.js';
import { clusteredVectors, exactCosineTopK, row } from './test-vectors.js';

const v = (...xs: number[]): Float32Array => Float32Array.from(xs);

describe('LiveIndex', () => {
  it('upserts, replaces and deletes rows by primary key', () => {
    const index = LiveIndex.create({ dimensions: 2, metric: 'cosine' });
    index.upsert([{ pk: '1', vector: v(1, 0) }, { pk: '2', vector: v(0, 1) }]);
    expect(index.search({ vector: v(1, 0.1), k: 1, type: 'ANN' })).toEqual([{ pk: '1', score: expect.closeTo(0.995, 2) }]);
    index.upsert([{ pk: '1', vector: v(0, 1) }, { pk: '3', vector: v(1, 0) }]);
    expect(index.size).toBe(3);
    expect(index.search({ vector: v(1, 0), k: 1, type: 'ANN' })[0]?.pk).toBe('3');
    expect(index.delete(['3', 'missing'])).toBe(1);
    expect(index.search({ vector: v(1, 0), k: 5, type: 'ANN' }).map((h) => h.pk).sort()).toEqual(['1', '2']);
    expect(index.has('3')).toBe(false);
  });

  it('never reuses row keys', () => {
    const index = LiveIndex.create({ dimensions: 2, metric: 'l2' });
    index.upsert([{ pk: 'a', vector: v(0, 0) }]);
    index.delete(['a']);
    index.upsert([{ pk: 'b', vector: v(1, 1) }, { pk: 'a', vector: v(2, 2) }]);
    const keys = [...index.parts().keys.values()];
    expect(keys).toEqual([2n, 3n]);
    expect(index.parts().nextKey).toBe(4n);
  });

  it('keeps the last row when a pk repeats within one upsert', () => {
    const index = LiveIndex.create({ dimensions: 2, metric: 'cosine' });
    index.upsert([{ pk: 'x', vector: v(1, 0) }, { pk: 'x', vector: v(0, 1) }]);
    expect(index.size).toBe(1);
    expect(index.search({ vector: v(0, 1), k: 1, type: 'ANN' })[0]?.score).toBeCloseTo(1, 5);
  });

  it('rejects wrong dimensions and non-finite values without changing anything', () => {
    const index = LiveIndex.create({ dimensions: 3, metric: 'cosine' });
    expect(() => index.upsert([{ pk: 'ok', vector: v(1, 0, 0) }, { pk: 'bad', vector: v(1, 0) }])).toThrow(/vector for bad has 2 dimensions, the index has 3/);
    expect(() => index.upsert([{ pk: 'nan', vector: v(1, Number.NaN, 0) }])).toThrow(/non-finite/);
    expect(index.size).toBe(0);
    expect(() => index.search({ k: 1, type: 'ANN' })).toThrow();
    expect(index.search({ vector: v(1, 0, 0), k: 1, type: 'ANN' })).toEqual([]);
  });

  it('fuses vector and keyword ranks for HYBRID search', () => {
    const index = LiveIndex.create({ dimensions: 2, metric: 'cosine', keyword: true });
    index.upsert([
      { pk: '"a"', vector: v(1, 0), text: 'apples and pears' },
      { pk: '"b"', vector: v(0.9, 0.2), text: 'the rare word zeppelin' },
      { pk: '"c"', vector: v(0, 1), text: 'zeppelin zeppelin airship' },
    ]);
    const ann = index.search({ vector: v(1, 0), k: 3, type: 'ANN' }).map((h) => h.pk);
    expect(ann).toEqual(['"a"', '"b"', '"c"']);
    const hybrid = index.search({ vector: v(1, 0), text: 'rare zeppelin', k: 3, type: 'HYBRID' });
    expect(hybrid[0]?.pk).toBe('"b"');
    expect(hybrid[0]?.score).toBeCloseTo(1 / 62 + 1 / 61, 10);
    expect(index.search({ text: 'airship', k: 3, type: 'HYBRID' }).map((h) => h.pk)).toEqual(['"c"']);
    index.delete(['"c"']);
    expect(index.search({ text: 'airship', k: 3, type: 'HYBRID' })).toEqual([]);
  });

  it('reaches recall@10 ≥ 0.95 on 20k clustered 64-dim vectors', () => {
    const dims = 64;
    const count = 20_000;
    // Same seed for centres, so queries fall into the data's clusters; a smaller expansionAdd keeps the build fast.
    const data = clusteredVectors(count, dims, { seed: 7, clusters: 1000, spread: 0.2 });
    const queries = clusteredVectors(100, dims, { seed: 7, clusters: 1000, spread: 0.2, skip: count });
    const index = LiveIndex.create({ dimensions: dims, metric: 'cosine', connectivity: 16, expansionAdd: 64, expansionSearch: 160 });
    const rows = Array.from({ length: count }, (_, i) => ({ pk: String(i), vector: row(data, dims, i) }));
    index.upsert(rows);
    let found = 0;
    for (let q = 0; q < 100; q++) {
      const query = row(queries, dims, q);
      const truth = new Set(exactCosineTopK(data, dims, query, 10).map(String));
      for (const hit of index.search({ vector: query, k: 10, type: 'ANN' })) if (truth.has(hit.pk)) found++;
    }
    expect(found / 1000).toBeGreaterThanOrEqual(0.95);
  }, 60_000);
});
