import { describe, expect, it } from 'vitest';
import { isLochError } from '../../core/errors.js';
import { decodePageToken, encodePageToken, pageSizeOf } from './paging.js';
import { contentRange, parseRange } from './range.js';
import { decodePath } from './request-path.js';
import { childOrderKey } from './volume-tree.js';

describe('parseRange', () => {
  it('reads the three forms of one byte range, clipped to the file', () => {
    expect(parseRange('bytes=0-499', 1000)).toEqual({ start: 0, end: 499 });
    expect(parseRange('bytes=500-', 1000)).toEqual({ start: 500, end: 999 });
    expect(parseRange('bytes=-100', 1000)).toEqual({ start: 900, end: 999 });
    expect(parseRange('bytes=-5000', 1000)).toEqual({ start: 0, end: 999 });
    expect(parseRange('bytes=990-2000', 1000)).toEqual({ start: 990, end: 999 });
    expect(contentRange({ start: 990, end: 999 }, 1000)).toBe('bytes 990-999/1000');
  });

  it('says unsatisfiable for ranges outside the file and ignores what it does not understand', () => {
    expect(parseRange('bytes=1000-', 1000)).toBe('unsatisfiable');
    expect(parseRange('bytes=-0', 1000)).toBe('unsatisfiable');
    expect(parseRange('bytes=0-', 0)).toBe('unsatisfiable');
    expect(parseRange(undefined, 10)).toBeUndefined();
    expect(parseRange('bytes=0-1,5-6', 10)).toBeUndefined();
    expect(parseRange('items=0-1', 10)).toBeUndefined();
    expect(parseRange('bytes=5-2', 10)).toBeUndefined();
    expect(parseRange('bytes=-', 10)).toBeUndefined();
  });
});

describe('paging', () => {
  it('bounds page_size to 1..1000 and refuses junk', () => {
    expect(pageSizeOf(undefined)).toBe(1000);
    expect(pageSizeOf('7')).toBe(7);
    expect(pageSizeOf('5000')).toBe(1000);
    for (const bad of ['0', '-1', 'ten', '1.5']) expect(() => pageSizeOf(bad)).toThrow(/page_size/);
  });

  it('round-trips page tokens and refuses forged ones', () => {
    for (const key of ['a.csv', 'dir/', 'ünï €/', '𝄞']) expect(decodePageToken(encodePageToken(key))).toBe(key);
    expect(decodePageToken(undefined)).toBeUndefined();
    for (const bad of ['!!', 'a b', '_w', 'x'.repeat(9000)]) {
      const error = (() => {
        try {
          decodePageToken(bad);
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      expect(isLochError(error, 'INVALID_ARGUMENT')).toBe(true);
    }
  });

  it('orders a directory as its name and a slash', () => {
    expect(childOrderKey({ name: 'a', directory: true })).toBe('a/');
    expect(childOrderKey({ name: 'a', directory: false })).toBe('a');
  });
});

describe('decodePath', () => {
  it('decodes each segment exactly once', () => {
    expect(decodePath('/Volumes/c/s/v/a%20b.csv')).toBe('/Volumes/c/s/v/a b.csv');
    expect(decodePath('/Volumes/c/s/v/%252e%252e/x')).toBe('/Volumes/c/s/v/%2e%2e/x');
    expect(decodePath('/Volumes/c/s/v/%2e%2e/x')).toBe('/Volumes/c/s/v/../x');
  });

  it('refuses segments that decode to separators or NUL, and bad escapes', () => {
    for (const raw of ['/Volumes/c/s/v/..%2F..%2Fx', '/Volumes/c/s/v/a%5Cb', '/Volumes/c/s/v/a%00', '/Volumes/c/s/v/a\\b']) {
      expect(() => decodePath(raw)).toThrow(expect.objectContaining({ code: 'PATH_ESCAPE' }) as Error);
    }
    expect(() => decodePath('/Volumes/c/s/v/%E0%A4%A')).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }) as Error);
  });
});
