import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../../storage/memory/memory-store.js';
import { readDeletionVector } from './read.js';
import { encodeDvFile, encodeInlineDv } from './write.js';

const UUID = '0b4cbbb1-63c6-4f59-b7a8-1e0f3f1b0a5d';

describe('deletion vector writing', () => {
  it('round-trips several vectors through one DV file and the reader', async () => {
    const vectors = [[0, 5, 7], [3, 2, 2, 1, 2 ** 32 + 9], Array.from({ length: 70_000 }, (_, i) => i * 3)];
    const file = encodeDvFile(UUID, vectors.map((positions) => ({ positions })));
    expect(file.path).toBe(`deletion_vector_${UUID}.bin`);
    expect(file.bytes[0]).toBe(1);
    const store = new MemoryStore('dv');
    await store.put(file.path, file.bytes);
    for (const [i, d] of file.descriptors.entries()) {
      const rows = await readDeletionVector(d, { store, table: 't', file: `f${i}` });
      expect(Array.from(rows.positions)).toEqual([...new Set(vectors[i])].sort((a, b) => a - b));
      expect(d.cardinality).toBe(new Set(vectors[i]).size);
    }
    expect(file.descriptors[0]?.offset).toBe(1);
  });

  it('round-trips inline vectors of every length modulo 4', async () => {
    const store = new MemoryStore('dv');
    for (const positions of [[1], [1, 2], [1, 100, 1000], [5, 6, 7, 8, 9, 100_000]]) {
      const d = encodeInlineDv(positions);
      expect(d.storageType).toBe('i');
      const rows = await readDeletionVector(d, { store, table: 't', file: 'f' });
      expect(Array.from(rows.positions)).toEqual(positions);
    }
  });

  it('refuses bad input with INVALID_ARGUMENT', () => {
    expect(() => encodeDvFile('nope', [{ positions: [1] }])).toThrow(/not a lowercase UUID/);
    expect(() => encodeDvFile(UUID, [])).toThrow(/at least one vector/);
    expect(() => encodeDvFile(UUID, [{ positions: [-1] }])).toThrow(/non-negative/);
  });
});
