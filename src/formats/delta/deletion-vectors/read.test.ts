import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../../storage/memory/memory-store.js';
import { corpusStore, corpusTables, readLogActions } from '../test-support/corpus.js';
import { rejection } from '../../../test-support/errors.js';
import { crc32 } from '../../shared/roaring/crc32.js';
import type { DeletionVectorDescriptor } from './descriptor.js';
import { readDeletionVector } from './read.js';
import { serializeRoaringBitmapArray } from '../../shared/roaring/roaring-array.js';
import { encodeZ85 } from './z85.js';

interface FoundDv {
  readonly table: string;
  readonly logFile: string;
  readonly action: 'add' | 'remove';
  readonly path: string;
  readonly dv: DeletionVectorDescriptor;
  readonly numRecords?: number;
}

/** Every deletion vector of every add/remove in the JSON log files of the corpus. */
function corpusDeletionVectors(): FoundDv[] {
  const found: FoundDv[] = [];
  for (const table of corpusTables()) {
    for (const { logFile, action } of readLogActions(table)) {
      for (const kind of ['add', 'remove'] as const) {
        const file = action[kind];
        if (!file?.deletionVector) continue;
        const stats = typeof file.stats === 'string' ? (JSON.parse(file.stats) as { numRecords?: number }) : undefined;
        found.push({
          table,
          logFile,
          action: kind,
          path: String(file.path),
          dv: file.deletionVector as unknown as DeletionVectorDescriptor,
          ...(stats?.numRecords !== undefined ? { numRecords: stats.numRecords } : {}),
        });
      }
    }
  }
  return found;
}

async function read(table: string, dv: DeletionVectorDescriptor, file = 'part-0.parquet'): Promise<number[]> {
  const rows = await readDeletionVector(dv, { store: corpusStore(table), table, file });
  return [...rows.positions];
}

describe('readDeletionVector on the test corpus', () => {
  const all = corpusDeletionVectors();

  it('finds inline and on-disk DVs in the corpus', () => {
    expect(all.length).toBeGreaterThan(50);
    expect(new Set(all.map((d) => d.dv.storageType))).toEqual(new Set(['u', 'i']));
  });

  it('decodes every DV with the cardinality the log states, positions inside the file', async () => {
    for (const found of all) {
      const rows = await readDeletionVector(found.dv, {
        store: corpusStore(found.table),
        table: found.table,
        file: found.path,
      });
      expect(rows.cardinality, `${found.table} ${found.logFile} ${found.path}`).toBe(found.dv.cardinality);
      const positions = [...rows.positions];
      expect(positions).toEqual([...positions].sort((a, b) => a - b));
      if (found.numRecords !== undefined) expect(Math.max(...positions)).toBeLessThan(found.numRecords);
    }
  });

  it('decodes the kernel-rs CDF table: on-disk DV at v1, inline DVs at v3..v5 incl. the padded Z85 tail', async () => {
    const table = 'kernelrs-cdf-table-with-dv';
    const byVersion = new Map(all.filter((d) => d.table === table && d.action === 'add').map((d) => [Number(d.logFile.slice(0, 20)), d.dv]));
    // Row i holds value i; the expected file lists the visible values per version.
    expect(await read(table, byVersion.get(1)!)).toEqual([0, 9]);
    expect(await read(table, byVersion.get(3)!)).toEqual([0, 1, 4, 5]);
    expect(await read(table, byVersion.get(4)!)).toEqual([0, 5]);
    expect(await read(table, byVersion.get(5)!)).toEqual([3]);
  });

  it('reads two DVs stored in one file at different offsets', async () => {
    const shared = all.filter((d) => d.table === 'kernelrs-compacted-log-files-table' && d.dv.pathOrInlineDv === 'F0u+Uo^@EuVa@tFk))2D');
    expect(new Set(shared.map((d) => d.dv.offset))).toEqual(new Set([1, 43]));
  });
});

describe('readDeletionVector failures', () => {
  const uuidName = 'deletion_vector_61d16c75-6994-46b7-a15b-8b538852e50e.bin';
  const descriptor = (over: Partial<DeletionVectorDescriptor> = {}): DeletionVectorDescriptor => ({
    storageType: 'u',
    pathOrInlineDv: 'vBn[lx{q8@P<9BNH/isA',
    offset: 1,
    sizeInBytes: 0,
    cardinality: 2,
    ...over,
  });

  /** A table root holding one DV file of `positions` (after `tweak`), and the bitmap's size. */
  async function dvFile(positions: number[], tweak: (file: Uint8Array, size: number) => void = () => {}): Promise<{ store: MemoryStore; size: number }> {
    const bitmap = serializeRoaringBitmapArray(positions);
    const file = new Uint8Array(1 + 4 + bitmap.length + 4);
    const view = new DataView(file.buffer);
    file[0] = 1;
    view.setUint32(1, bitmap.length, false);
    file.set(bitmap, 5);
    view.setUint32(5 + bitmap.length, crc32(bitmap), false);
    tweak(file, bitmap.length);
    const store = new MemoryStore('dv-table');
    await store.put(uuidName, file);
    return { store, size: bitmap.length };
  }

  const opts = (store: MemoryStore = new MemoryStore('empty-table')) => ({ store, table: 't1', file: 'part-7.parquet' });

  it('reads a DV file it wrote itself', async () => {
    const { store, size } = await dvFile([2, 5]);
    const rows = await readDeletionVector(descriptor({ sizeInBytes: size }), opts(store));
    expect([...rows.positions]).toEqual([2, 5]);
  });

  it('reports a checksum mismatch with table, file and both checksums', async () => {
    const { store, size } = await dvFile([2, 5], (file, n) => (file[5 + n + 3] = file[5 + n + 3]! ^ 0xff));
    const error = await rejection(readDeletionVector(descriptor({ sizeInBytes: size }), opts(store)));
    expect(error.code).toBe('CORRUPT_DATA');
    expect(error.message).toMatch(/^delta deletion vector: table t1 file part-7\.parquet: checksum mismatch \(expected 0x[0-9a-f]{8}, got 0x[0-9a-f]{8}\)$/);
  });

  it('rejects a wrong version byte, a size mismatch, truncation and a cardinality mismatch', async () => {
    const badVersion = await dvFile([2, 5], (file) => (file[0] = 2));
    expect((await rejection(readDeletionVector(descriptor({ sizeInBytes: badVersion.size }), opts(badVersion.store)))).code).toBe('CORRUPT_DATA');
    const good = await dvFile([2, 5]);
    const sizeMismatch = await rejection(readDeletionVector(descriptor({ sizeInBytes: good.size - 1 }), opts(good.store)));
    expect(sizeMismatch.code).toBe('CORRUPT_DATA');
    expect(sizeMismatch.message).toContain('sizeInBytes');
    const truncated = await rejection(readDeletionVector(descriptor({ sizeInBytes: good.size + 10 }), opts(good.store)));
    expect(truncated.message).toContain('truncated');
    const cardinality = await rejection(readDeletionVector(descriptor({ sizeInBytes: good.size, cardinality: 3 }), opts(good.store)));
    expect(cardinality.code).toBe('CORRUPT_DATA');
    expect(cardinality.message).toContain('cardinality is 3 but the bitmap holds 2 rows');
  });

  it('turns a missing DV file into DATA_FILE_MISSING naming the DV path and the data file', async () => {
    const error = await rejection(readDeletionVector(descriptor({ sizeInBytes: 10 }), opts()));
    expect(error.code).toBe('DATA_FILE_MISSING');
    expect(error.message).toContain(uuidName);
    expect(error.message).toContain('part-7.parquet');
  });

  it('propagates PATH_ESCAPE for DV paths that leave the table root', async () => {
    const viaPrefix = await rejection(readDeletionVector(descriptor({ pathOrInlineDv: `..${'vBn[lx{q8@P<9BNH/isA'}`, sizeInBytes: 10 }), opts()));
    expect(viaPrefix.code).toBe('PATH_ESCAPE');
    expect(viaPrefix.message).toContain('escapes the table root');
    const viaPath = await rejection(readDeletionVector(descriptor({ storageType: 'p', pathOrInlineDv: '../outside.bin', sizeInBytes: 10 }), opts()));
    expect(viaPath.code).toBe('PATH_ESCAPE');
  });

  it('opens absolute paths through openAbsolute, and refuses them without it', async () => {
    const elsewhere = await dvFile([1, 2]);
    const url = `file:///elsewhere/${uuidName}`;
    const abs = descriptor({ storageType: 'p', pathOrInlineDv: url, sizeInBytes: elsewhere.size });
    const seen: string[] = [];
    const rows = await readDeletionVector(abs, {
      ...opts(),
      openAbsolute: (u) => {
        seen.push(u);
        return { store: elsewhere.store, key: uuidName };
      },
    });
    expect(seen).toEqual([url]);
    expect([...rows.positions]).toEqual([1, 2]);
    expect((await rejection(readDeletionVector(abs, opts(elsewhere.store)))).code).toBe('UNSUPPORTED_FEATURE');
  });

  it('decodes inline DVs without touching the store', async () => {
    const bitmap = serializeRoaringBitmapArray([4, 8]);
    const padded = new Uint8Array(Math.ceil(bitmap.length / 4) * 4);
    padded.set(bitmap);
    const dv = { storageType: 'i', pathOrInlineDv: encodeZ85(padded), sizeInBytes: bitmap.length, cardinality: 2 };
    const rows = await readDeletionVector(dv, opts());
    expect([...rows.positions]).toEqual([4, 8]);
  });
});
