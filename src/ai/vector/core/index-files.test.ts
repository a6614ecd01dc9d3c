import { describe, expect, it } from 'vitest';
import { SequentialIds } from '../../../core/ids.js';
import { isLochError } from '../../../core/errors.js';
import { MemoryStore } from '../../../storage/memory/memory-store.js';
import { needsCompaction, readIndex, removeIndexFiles, removeUnreferenced, withSegment, writeBase, writeSegment } from './index-files.js';
import type { IndexRef } from './index-files.js';
import { LiveIndex } from './live-index.js';
import { clusteredVectors, row } from './test-vectors.js';

const DIMS = 16;

async function keys(store: MemoryStore): Promise<string[]> {
  const out: string[] = [];
  for await (const meta of store.list('')) out.push(meta.key);
  return out;
}

function sample(count: number, seed: number): { pk: string; vector: Float32Array; text: string }[] {
  const data = clusteredVectors(count, DIMS, { seed, clusters: 5, spread: 0.3 });
  return Array.from({ length: count }, (_, i) => ({ pk: JSON.stringify(i), vector: row(data, DIMS, i).slice(), text: `row ${i} ${i % 7 === 0 ? 'lucky' : 'plain'}` }));
}

describe('index files', () => {
  it('restores a base plus segments to the same search results', async () => {
    const store = new MemoryStore('vix');
    const ids = new SequentialIds();
    const live = LiveIndex.create({ dimensions: DIMS, metric: 'cosine', keyword: true });
    const rows = sample(1000, 1);
    live.upsert(rows.slice(0, 800));
    let ref: IndexRef = await writeBase(store, 'idx/1', live, { ids });
    const changes = [
      { upserts: rows.slice(800), deletes: ['3', '4'] },
      { upserts: [{ pk: '5', vector: rows[900]!.vector, text: 'moved lucky' }], deletes: ['999'] },
    ];
    for (const change of changes) {
      live.delete(change.deletes);
      live.upsert(change.upserts);
      ref = withSegment(ref, await writeSegment(store, 'idx/1', DIMS, change, { ids }));
    }
    expect(ref.segments).toHaveLength(2);
    const loaded = await readIndex(store, 'idx/1', ref);
    expect(loaded.size).toBe(live.size);
    expect(loaded.size).toBe(997);
    expect(loaded.parts().nextKey).toBe(live.parts().nextKey);
    for (const q of [0, 100, 900]) {
      // Expansion past the index size makes the search exhaustive: equal rows must give equal answers.
      const query = { vector: rows[q]!.vector, text: 'lucky', k: 10, type: 'HYBRID' as const, expansionSearch: 1024 };
      expect(loaded.search(query)).toEqual(live.search(query));
      expect(loaded.search({ ...query, type: 'ANN' })).toEqual(live.search({ ...query, type: 'ANN' }));
    }
    expect(loaded.has('3')).toBe(false);
  });

  it('writes files once under unique names and cleans up what the ref does not name', async () => {
    const store = new MemoryStore('vix2');
    const ids = new SequentialIds();
    const live = LiveIndex.create({ dimensions: DIMS, metric: 'l2' });
    live.upsert(sample(10, 2));
    const first = await writeBase(store, 'f', live, { ids });
    const seg = await writeSegment(store, 'f', DIMS, { upserts: [], deletes: ['1'] }, { ids });
    const second = await writeBase(store, 'f/', live, { ids });
    await store.put('f/unrelated.txt', new Uint8Array([1]));
    expect(await keys(store)).toHaveLength(4);
    expect(await removeUnreferenced(store, 'f', second)).toBe(2);
    expect(await keys(store)).toEqual([`f/${second.base}`, 'f/unrelated.txt']);
    await expect(readIndex(store, 'f', withSegment(first, seg))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await removeIndexFiles(store, 'f')).toBe(1);
    expect(await keys(store)).toEqual(['f/unrelated.txt']);
  });

  it('reports corrupt files as CORRUPT_DATA naming the file', async () => {
    const store = new MemoryStore('vix3');
    await store.put('c/base-x.vix', new TextEncoder().encode('LOCHVIX1garbage'));
    let error: unknown;
    try {
      await readIndex(store, 'c', { base: 'base-x.vix', segments: [] });
    } catch (e) {
      error = e;
    }
    expect(isLochError(error, 'CORRUPT_DATA')).toBe(true);
    expect(String(error)).toContain('base-x.vix');
  });

  it('asks for compaction past 16 segments', () => {
    const ref = { base: 'b', segments: Array.from({ length: 16 }, (_, i) => `s${i}`) };
    expect(needsCompaction(ref)).toBe(false);
    expect(needsCompaction(withSegment(ref, 's16'))).toBe(true);
  });
});
