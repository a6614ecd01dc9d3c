import { describe, expect, it } from 'vitest';
import { thrown } from '../../../test-support/errors.js';
import { decodeZ85, encodeZ85 } from './z85.js';

const HELLO = new Uint8Array([0x86, 0x4f, 0xd2, 0x6f, 0xb5, 0x59, 0xf7, 0x5b]);

describe('z85', () => {
  it('decodes and encodes the RFC 32 test vector', () => {
    expect(decodeZ85('HelloWorld')).toEqual(HELLO);
    expect(encodeZ85(HELLO)).toBe('HelloWorld');
  });

  it('round-trips random byte strings whose length is a multiple of 4', () => {
    let seed = 7;
    const next = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    for (let round = 0; round < 200; round++) {
      const bytes = new Uint8Array((next() % 10) * 4).map(() => next() % 256);
      expect(decodeZ85(encodeZ85(bytes))).toEqual(bytes);
    }
    expect(decodeZ85(encodeZ85(new Uint8Array([255, 255, 255, 255])))).toEqual(new Uint8Array([255, 255, 255, 255]));
  });

  it('decodes the padded tail of the Rust z85 crate (one # per missing byte, right-aligned)', () => {
    // From kernelrs-cdf-table-with-dv version 5: 34 bytes, the tail "##093" is the two bytes 03 00.
    const bytes = decodeZ85('^Bg9^0rr910000000000iXQKl0rr91000005c8Xg##093');
    expect(bytes.length).toBe(34);
    expect([...bytes.subarray(32)]).toEqual([3, 0]);
    // Tails of 3, 2 and 1 bytes.
    expect([...decodeZ85('#0001')]).toEqual([0, 0, 1]);
    expect([...decodeZ85('##0rr')]).toEqual([0x09, 0x12]);
    expect([...decodeZ85('###30')]).toEqual([255]);
    expect([...decodeZ85('HelloWorld###30')]).toEqual([...HELLO, 255]);
  });

  it('rejects invalid characters, lengths and overflowing chunks with CORRUPT_DATA', () => {
    expect(thrown(() => decodeZ85('Hello"orld')).code).toBe('CORRUPT_DATA');
    expect(thrown(() => decodeZ85('Hell')).code).toBe('CORRUPT_DATA');
    expect(thrown(() => decodeZ85('%%%%%')).code).toBe('CORRUPT_DATA');
    expect(thrown(() => decodeZ85('####0')).code).toBe('CORRUPT_DATA');
    expect(thrown(() => decodeZ85('###40')).code).toBe('CORRUPT_DATA'); // 4*85 > 255
    expect(thrown(() => decodeZ85('##093HelloWorld')).code).toBe('CORRUPT_DATA'); // padding only at the end
    expect(thrown(() => decodeZ85('Hellé')).code).toBe('CORRUPT_DATA');
    expect(decodeZ85('')).toEqual(new Uint8Array(0));
  });

  it('refuses to encode lengths that are not a multiple of 4', () => {
    expect(thrown(() => encodeZ85(new Uint8Array(3))).code).toBe('INVALID_ARGUMENT');
  });
});
