import { describe, expect, it } from 'vitest';
import { reciprocalRankFusion } from './fusion.js';
import { KeywordIndex } from './keyword-index.js';
import { tokenize, words } from './text-tokens.js';

describe('text tokens', () => {
  it('lower-cases, splits on unicode word boundaries and drops stop words', () => {
    expect(tokenize('The Quick, brown Fox—jumps over the lazy dog; Ünïcode café 42!')).toEqual([
      'quick', 'brown', 'fox', 'jumps', 'over', 'lazy', 'dog', 'ünïcode', 'café', '42',
    ]);
    expect(words("Don't stop")).toEqual(['dont', 'stop']);
  });
});

describe('KeywordIndex (BM25)', () => {
  const build = (): KeywordIndex => {
    const index = new KeywordIndex();
    index.add(1n, 'Delta Lake tables keep a transaction log');
    index.add(2n, 'Vector indexes use HNSW graphs for search');
    index.add(3n, 'Search search search: keyword search with BM25 scores');
    index.add(4n, 'A long document about cooking pasta and tomatoes and basil and olive oil');
    return index;
  };

  it('ranks documents by BM25 and ignores documents without query terms', () => {
    const hits = build().search('search graphs', 10);
    expect(hits.map((h) => h.key)).toEqual([2n, 3n]);
    expect(hits[0]!.score).toBeGreaterThan(0);
  });

  it('prefers rarer terms and term frequency', () => {
    const hits = build().search('search', 10);
    expect(hits[0]?.key).toBe(3n);
    expect(build().search('transaction', 10).map((h) => h.key)).toEqual([1n]);
  });

  it('removes and replaces documents', () => {
    const index = build();
    index.remove(3n);
    expect(index.search('bm25', 5)).toEqual([]);
    index.add(2n, 'now about pasta');
    expect(index.search('hnsw', 5)).toEqual([]);
    expect(index.search('pasta', 5).map((h) => h.key)).toEqual([2n, 4n]);
    expect(index.size).toBe(3);
  });

  it('round-trips through bytes with identical scores', () => {
    const index = build();
    const copy = KeywordIndex.fromBytes(index.toBytes());
    expect(copy.search('search log pasta', 10)).toEqual(index.search('search log pasta', 10));
    expect(() => KeywordIndex.fromBytes(new TextEncoder().encode('{"v":2}'))).toThrow(/keyword index: cannot decode/);
  });
});

describe('reciprocal rank fusion', () => {
  it('sums 1/(60+rank) over lists, best first', () => {
    const fused = reciprocalRankFusion([['a', 'b', 'c'], ['c', 'a']]);
    expect(fused.map((f) => f.id)).toEqual(['a', 'c', 'b']);
    expect(fused[0]?.score).toBeCloseTo(1 / 61 + 1 / 62, 12);
    expect(fused[2]?.score).toBeCloseTo(1 / 62, 12);
  });

  it('breaks ties by first appearance and counts repeats once', () => {
    expect(reciprocalRankFusion([['x', 'x', 'y'], ['y', 'x']]).map((f) => f.id)).toEqual(['x', 'y']);
    expect(reciprocalRankFusion([])).toEqual([]);
  });
});
