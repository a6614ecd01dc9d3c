import { describe, expect, it } from 'vitest';
import { isLochError } from '../../../core/errors.js';
import { AnnIndex, scoreOf } from './ann-index.js';

const v = (...xs: number[]): Float32Array => Float32Array.from(xs);

describe('AnnIndex', () => {
  it('finds nearest keys with higher-is-closer cosine scores', () => {
    const ann = new AnnIndex({ dimensions: 3, metric: 'cosine' });
    ann.add([10n, 20n, 30n], [v(1, 0, 0), v(0, 1, 0), v(0.9, 0.1, 0)]);
    const hits = ann.search(v(1, 0, 0), 2);
    expect(hits.map((h) => h.key)).toEqual([10n, 30n]);
    expect(hits[0]?.score).toBeCloseTo(1, 5);
    expect(hits[0]!.score).toBeGreaterThan(hits[1]!.score);
    expect(ann.size).toBe(3);
  });

  it('removes keys and never returns them again', () => {
    const ann = new AnnIndex({ dimensions: 2, metric: 'l2' });
    ann.add([1n, 2n, 3n], [v(0, 0), v(1, 1), v(5, 5)]);
    ann.remove([1n, 99n]);
    expect(ann.size).toBe(2);
    const hits = ann.search(v(0, 0), 3);
    expect(hits.map((h) => h.key)).toEqual([2n, 3n]);
    expect(hits[0]?.score).toBeCloseTo(1 / (1 + 2), 5);
  });

  it('scores inner product as the dot product', () => {
    const ann = new AnnIndex({ dimensions: 2, metric: 'ip' });
    ann.add([1n, 2n], [v(2, 0), v(0, 1)]);
    const hits = ann.search(v(1, 0), 1);
    expect(hits[0]?.key).toBe(1n);
    expect(hits[0]?.score).toBeCloseTo(2, 5);
    expect(scoreOf('cosine', 0.25)).toBe(0.75);
  });

  it('round-trips through bytes, empty or not', () => {
    const ann = new AnnIndex({ dimensions: 4, metric: 'cosine', connectivity: 8 });
    const empty = AnnIndex.fromBytes(ann.options, ann.toBytes());
    expect(empty.size).toBe(0);
    expect(empty.search(v(1, 0, 0, 0), 3)).toEqual([]);
    ann.add([5n, 6n], [v(1, 0, 0, 0), v(0, 0, 1, 0)]);
    const copy = AnnIndex.fromBytes(ann.options, ann.toBytes());
    expect(copy.size).toBe(2);
    expect(copy.search(v(0, 0, 1, 0), 1)[0]?.key).toBe(6n);
    // Removed keys stay removed through a save and load (a compacted base holds tombstones).
    copy.remove([6n]);
    const again = AnnIndex.fromBytes(ann.options, copy.toBytes());
    expect(again.size).toBe(1);
    expect(again.search(v(0, 0, 1, 0), 2).map((m) => m.key)).toEqual([5n]);
    again.add([7n], [v(0, 0, 1, 0)]);
    expect(again.search(v(0, 0, 1, 0), 1)[0]?.key).toBe(7n);
  });

  it('rejects bad settings and bad files as LochErrors', () => {
    expect(() => new AnnIndex({ dimensions: 0, metric: 'cosine' })).toThrow(/dimensions 0 is out of range/);
    let error: unknown;
    try {
      AnnIndex.fromBytes({ dimensions: 4, metric: 'cosine' }, new Uint8Array([1, 2, 3]));
    } catch (e) {
      error = e;
    }
    expect(isLochError(error)).toBe(true);
  });
});
