import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../storage/memory/memory-store.js';
import { isHiddenName, listVacuumCandidates } from './vacuum-candidates.js';

describe('isHiddenName (Spark: DeltaTableUtils.isHiddenDirectory)', () => {
  it('hides names starting with _ or . and UniForm metadata, except change data, indexes and partition folders', () => {
    for (const name of ['_delta_log', '_loch_staging', '.hidden', '.part-0.parquet.crc', '_x=1', 'metadata']) expect(isHiddenName(name, ['p']), name).toBe(true);
    for (const name of ['_change_data', '_delta_index', 'p=1', 'part-0.parquet', 'deletion_vector_x.bin', '_p=1']) expect(isHiddenName(name, ['p', '_p']), name).toBe(false);
  });
});

describe('listVacuumCandidates', () => {
  it('keeps hidden paths, referenced files and files modified at or after the cutoff', async () => {
    const store = new MemoryStore('vacuum-candidates');
    const keys = ['a.parquet', 'b.parquet', 'p=1/c.parquet', '_delta_log/00000000000000000000.json', '_change_data/d.parquet', 'x/_tmp/e.parquet', 'x/f.parquet'];
    for (const key of keys) await store.put(key, new Uint8Array(3));
    const listed = await listVacuumCandidates(store, { partitionColumns: ['p'], cutoff: Date.now() + 60_000, retained: new Set(['b.parquet']) });
    expect(listed.files.map((f) => f.key).sort()).toEqual(['_change_data/d.parquet', 'a.parquet', 'p=1/c.parquet', 'x/f.parquet']);
    expect(listed.files.every((f) => f.size === 3)).toBe(true);
    // Root, p=1, _change_data and x.
    expect(listed.directories).toBe(4);
    const early = await listVacuumCandidates(store, { partitionColumns: ['p'], cutoff: 0, retained: new Set() });
    expect(early.files).toEqual([]);
  });
});
