import { describe, expect, it } from 'vitest';
import { formatVolumePath, isVolumePath, parseVolumePath } from './volume-paths.js';

describe('parseVolumePath', () => {
  it('takes a volume path apart, keeping the case of names and key', () => {
    expect(parseVolumePath('/Volumes/Main/Default/Files/Dir/A.CSV')).toEqual({ catalog: 'Main', schema: 'Default', volume: 'Files', key: 'Dir/A.CSV' });
    expect(parseVolumePath('/Volumes/c/s/v')).toEqual({ catalog: 'c', schema: 's', volume: 'v', key: '' });
    expect(parseVolumePath('/Volumes/c/s/v/')).toEqual({ catalog: 'c', schema: 's', volume: 'v', key: '' });
  });

  it('accepts dbfs:/Volumes/… and collapses empty segments', () => {
    expect(parseVolumePath('dbfs:/Volumes/c/s/v/a')).toEqual({ catalog: 'c', schema: 's', volume: 'v', key: 'a' });
    expect(parseVolumePath('DBFS:/Volumes/c/s/v/a')).toMatchObject({ key: 'a' });
    expect(parseVolumePath('//Volumes//c///s/v//a//b/')).toEqual({ catalog: 'c', schema: 's', volume: 'v', key: 'a/b' });
  });

  it('keeps quotes, spaces, Unicode and harmless percent signs in keys', () => {
    expect(parseVolumePath("/Volumes/c/s/v/it's a file é.txt").key).toBe("it's a file é.txt");
    expect(parseVolumePath('/Volumes/c/s/v/100%.txt').key).toBe('100%.txt');
    expect(parseVolumePath('/Volumes/c/s/v/a%20b').key).toBe('a%20b');
    expect(parseVolumePath('/Volumes/c/s/v/..data/.hidden').key).toBe('..data/.hidden');
  });

  it.each([
    '/Volumes/c/s/v/../x',
    '/Volumes/c/s/v/./x',
    '/Volumes/c/s/../../etc/passwd',
    '/Volumes/c/s/v/a\\b',
    '/Volumes/c/s/v/a\0b',
    '/Volumes/c/s/v/%2e%2e/x',
    '/Volumes/c/s/v/%2E%2E',
    '/Volumes/c/s/v/%2e',
    '/Volumes/c/s/v/a%2f..%2fb',
    '/Volumes/c/s/v/%252e%252e/x',
    '/Volumes/c/s/v/a%5cb',
    '/Volumes/c/s/v/a%00b',
    '/Volumes/../c/s/v',
  ])('refuses %j with PATH_ESCAPE', (path) => {
    expect(() => parseVolumePath(path)).toThrow(expect.objectContaining({ code: 'PATH_ESCAPE' }));
  });

  it.each(['/Volumes/c/s', '/Volumes', 'Volumes/c/s/v', '/volumes/c/s/v/x', '/tmp/x', 's3://b/Volumes/c/s/v', ''])(
    'refuses %j with INVALID_ARGUMENT',
    (path) => {
      expect(() => parseVolumePath(path)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/^volume: /) }));
    },
  );
});

describe('volume path helpers', () => {
  it('formats and recognises volume paths', () => {
    expect(formatVolumePath({ catalog: 'c', schema: 's', volume: 'v', key: '' })).toBe('/Volumes/c/s/v');
    expect(formatVolumePath({ catalog: 'c', schema: 's', volume: 'v', key: 'a/b' })).toBe('/Volumes/c/s/v/a/b');
    expect(isVolumePath('/Volumes/c/s/v')).toBe(true);
    expect(isVolumePath('dbfs:/Volumes/c')).toBe(true);
    expect(isVolumePath('/VolumesX/c')).toBe(false);
    expect(isVolumePath('/data/x')).toBe(false);
  });
});
