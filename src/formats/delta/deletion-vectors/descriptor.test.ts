import { describe, expect, it } from 'vitest';
import { thrown } from '../../../test-support/errors.js';
import { dvUniqueId, resolveDvLocation } from './descriptor.js';

describe('deletion vector descriptor', () => {
  it('derives the unique id with and without offset', () => {
    expect(dvUniqueId({ storageType: 'u', pathOrInlineDv: 'ab^-aqEH.-t@S}K{vb[*k^', offset: 4, sizeInBytes: 40, cardinality: 6 })).toBe(
      'uab^-aqEH.-t@S}K{vb[*k^@4',
    );
    expect(dvUniqueId({ storageType: 'i', pathOrInlineDv: 'abcde', sizeInBytes: 4, cardinality: 1 })).toBe('iabcde');
    expect(dvUniqueId({ storageType: 'i', pathOrInlineDv: 'abcde', offset: null, sizeInBytes: 4, cardinality: 1 })).toBe('iabcde');
  });

  it('resolves a relative UUID path with a random prefix (PROTOCOL.md example 1)', () => {
    const location = resolveDvLocation({ storageType: 'u', pathOrInlineDv: 'ab^-aqEH.-t@S}K{vb[*k^', offset: 4, sizeInBytes: 40, cardinality: 6 });
    expect(location).toEqual({ kind: 'relative', path: 'ab/deletion_vector_d2c639aa-8816-431a-aaf6-d3fe2512ff61.bin', offset: 4, size: 40 });
  });

  it('resolves a relative UUID path without prefix at the table root, offset defaulting to 1', () => {
    const location = resolveDvLocation({ storageType: 'u', pathOrInlineDv: 'vBn[lx{q8@P<9BNH/isA', sizeInBytes: 36, cardinality: 2 });
    expect(location).toEqual({ kind: 'relative', path: 'deletion_vector_61d16c75-6994-46b7-a15b-8b538852e50e.bin', offset: 1, size: 36 });
  });

  it('keeps absolute paths as written and URL-decodes scheme-less relative ones', () => {
    const abs = resolveDvLocation({
      storageType: 'p',
      pathOrInlineDv: 's3://mytable/deletion_vector_d2c639aa-8816-431a-aaf6-d3fe2512ff61.bin',
      offset: 4,
      sizeInBytes: 40,
      cardinality: 6,
    });
    expect(abs).toEqual({ kind: 'absolute', path: 's3://mytable/deletion_vector_d2c639aa-8816-431a-aaf6-d3fe2512ff61.bin', offset: 4, size: 40 });
    expect(resolveDvLocation({ storageType: 'p', pathOrInlineDv: 'file:/tmp/a%20b/x.bin', sizeInBytes: 1, cardinality: 1 })).toMatchObject({
      kind: 'absolute',
      path: 'file:/tmp/a%20b/x.bin',
    });
    expect(resolveDvLocation({ storageType: 'p', pathOrInlineDv: 'sub%20dir/x.bin', sizeInBytes: 1, cardinality: 1 })).toMatchObject({
      kind: 'relative',
      path: 'sub dir/x.bin',
    });
  });

  it('decodes inline DVs to exactly sizeInBytes bytes (Spark pads with zeros to a multiple of 4)', () => {
    const inline = resolveDvLocation({ storageType: 'i', pathOrInlineDv: 'wi5b=000010000siXQKl0rr91000f55c8Xg0@@D72lkbi5=-{L', sizeInBytes: 40, cardinality: 6 });
    expect(inline.kind).toBe('inline');
    expect(inline.kind === 'inline' && inline.bytes.length).toBe(40);
    const padded = resolveDvLocation({ storageType: 'i', pathOrInlineDv: 'HelloWorld', sizeInBytes: 6, cardinality: 1 });
    expect(padded.kind === 'inline' && padded.bytes.length).toBe(6);
    expect(thrown(() => resolveDvLocation({ storageType: 'i', pathOrInlineDv: 'HelloWorld', sizeInBytes: 9, cardinality: 1 })).code).toBe('CORRUPT_DATA');
    expect(thrown(() => resolveDvLocation({ storageType: 'i', pathOrInlineDv: 'HelloWorld', sizeInBytes: 4, cardinality: 1 })).code).toBe('CORRUPT_DATA');
  });

  it('rejects malformed descriptors', () => {
    expect(thrown(() => resolveDvLocation({ storageType: 'x', pathOrInlineDv: '', sizeInBytes: 1, cardinality: 1 })).code).toBe('UNSUPPORTED_FEATURE');
    expect(thrown(() => resolveDvLocation({ storageType: 'u', pathOrInlineDv: 'short', sizeInBytes: 1, cardinality: 1 })).code).toBe('CORRUPT_DATA');
    expect(thrown(() => resolveDvLocation({ storageType: 'u', pathOrInlineDv: 'ab"-aqEH.-t@S}K{vb[*k^', sizeInBytes: 1, cardinality: 1 })).code).toBe(
      'CORRUPT_DATA',
    );
    expect(thrown(() => resolveDvLocation({ storageType: 'u', pathOrInlineDv: 'vBn[lx{q8@P<9BNH/isA', sizeInBytes: -1, cardinality: 1 })).code).toBe(
      'CORRUPT_DATA',
    );
    expect(thrown(() => resolveDvLocation({ storageType: 'p', pathOrInlineDv: 'bad%zz', sizeInBytes: 1, cardinality: 1 })).code).toBe('CORRUPT_DATA');
  });
});
