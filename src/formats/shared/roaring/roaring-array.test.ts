import { describe, expect, it } from 'vitest';
import roaring from 'roaring';
import { parseRoaringBitmapArray, portableBitmapSize, serializeRoaringBitmapArray } from './roaring-array.js';
import { thrown } from '../../../test-support/errors.js';

const { RoaringBitmap32 } = roaring;


function sortedUnique(values: number[]): number[] {
  return [...new Set(values)].sort((a, b) => a - b);
}

describe('RoaringBitmapArray', () => {
  it('round-trips positions across several 32-bit buckets', () => {
    let seed = 11;
    const next = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    for (let round = 0; round < 50; round++) {
      const values: number[] = [];
      const n = next() % 300;
      for (let i = 0; i < n; i++) values.push((next() % 3) * 2 ** 32 + (next() % 200_000));
      if (round % 5 === 0) for (let i = 0; i < 70_000; i++) values.push(5 * 2 ** 32 + i); // a run / bitmap container
      const bytes = serializeRoaringBitmapArray(values);
      const rows = parseRoaringBitmapArray(bytes);
      const expected = sortedUnique(values);
      expect(rows.cardinality).toBe(expected.length);
      expect([...rows.positions]).toEqual(expected);
    }
  });

  it('serializes an empty set as magic plus a zero bucket count', () => {
    const bytes = serializeRoaringBitmapArray([]);
    expect(bytes.length).toBe(12);
    expect(parseRoaringBitmapArray(bytes)).toEqual({ positions: new Float64Array(0), cardinality: 0 });
  });

  it('reads the native-format example of PROTOCOL.md (rows 3, 4, 7, 11, 18, 29)', () => {
    // The Z85 text 'wi5b=000010000siXQKl0rr91000f55c8Xg0@@D72lkbi5=-{L', decoded.
    const bytes = Buffer.from('6439d3d0000000010000001c3a3000000100000000000500100000000300040007000b0012001d00', 'hex');
    expect([...parseRoaringBitmapArray(bytes).positions]).toEqual([3, 4, 7, 11, 18, 29]);
  });

  it('computes the byte size of array, bitmap and run containers from the header', () => {
    const cases: number[][] = [[1, 2, 3], Array.from({ length: 5000 }, (_, i) => i * 3), Array.from({ length: 9000 }, (_, i) => i)];
    for (const values of cases) {
      for (const optimize of [false, true]) {
        const bitmap = new RoaringBitmap32(values);
        if (optimize) bitmap.runOptimize();
        const bytes = new Uint8Array(bitmap.serialize('portable'));
        const padded = new Uint8Array(bytes.length + 3);
        padded.set(bytes, 3);
        expect(portableBitmapSize(padded, 3)).toBe(bytes.length);
      }
    }
    // Many containers with runs: the offset header appears from 4 containers on.
    const many = new RoaringBitmap32();
    for (let c = 0; c < 6; c++) many.addRange(c * 65536, c * 65536 + 100);
    many.runOptimize();
    expect(portableBitmapSize(new Uint8Array(many.serialize('portable')), 0)).toBe(many.getSerializationSizeInBytes('portable'));
  });

  it('rejects a wrong magic number, truncation and trailing bytes', () => {
    const good = serializeRoaringBitmapArray([1, 2, 2 ** 32 + 7]);
    const wrongMagic = good.slice();
    wrongMagic[0] = 0;
    expect(thrown(() => parseRoaringBitmapArray(wrongMagic)).code).toBe('CORRUPT_DATA');
    for (const cut of [2, 11, 14, good.length - 1]) {
      expect(thrown(() => parseRoaringBitmapArray(good.subarray(0, cut))).code).toBe('CORRUPT_DATA');
    }
    const trailing = new Uint8Array(good.length + 1);
    trailing.set(good);
    expect(thrown(() => parseRoaringBitmapArray(trailing)).code).toBe('CORRUPT_DATA');
  });

  it('rejects bucket keys that are not ascending or put positions beyond 2^53', () => {
    const a = serializeRoaringBitmapArray([2 ** 32 + 1, 2 * 2 ** 32 + 1]);
    // Swap the two bucket keys (1 and 2): each bucket is key(4) + bitmap(18).
    const swapped = a.slice();
    swapped[12] = 2;
    swapped[12 + 4 + 18] = 1;
    expect(thrown(() => parseRoaringBitmapArray(swapped)).code).toBe('CORRUPT_DATA');
    const huge = serializeRoaringBitmapArray([1]);
    new DataView(huge.buffer).setUint32(12, 2 ** 21, true);
    expect(thrown(() => parseRoaringBitmapArray(huge)).code).toBe('CORRUPT_DATA');
  });

  it('rejects positions it cannot represent when serializing', () => {
    expect(thrown(() => serializeRoaringBitmapArray([-1])).code).toBe('INVALID_ARGUMENT');
    expect(thrown(() => serializeRoaringBitmapArray([1.5])).code).toBe('INVALID_ARGUMENT');
  });

  it('starts error messages with the caller\'s subsystem, or a neutral one by default', () => {
    const bad = Uint8Array.of(1, 2, 3, 4, 5);
    expect(thrown(() => parseRoaringBitmapArray(bad, 'file x.bin', 'delta deletion vector')).message).toMatch(/^delta deletion vector: file x\.bin: unknown magic number/);
    expect(thrown(() => parseRoaringBitmapArray(bad)).message).toMatch(/^roaring bitmap array: bitmap: /);
    expect(thrown(() => serializeRoaringBitmapArray([-2], 'iceberg deletion vector')).message).toBe(
      'iceberg deletion vector: row position -2 is not a non-negative safe integer',
    );
    expect(thrown(() => portableBitmapSize(Uint8Array.of(9, 9, 9, 9), 0, 'blob 3', 'x')).message).toBe('x: blob 3: unknown 32-bit roaring cookie 151587081');
  });
});
