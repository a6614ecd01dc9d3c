import { describe, expect, it } from 'vitest';
import { globRegExp, hasGlob, splitGlob } from './file-glob.js';

const matches = (glob: string, key: string) => globRegExp(glob).test(key);

describe('globRegExp', () => {
  it('matches * and ? within one segment', () => {
    expect(matches('a/*.csv', 'a/x.csv')).toBe(true);
    expect(matches('a/*.csv', 'a/b/x.csv')).toBe(false);
    expect(matches('a/?.csv', 'a/x.csv')).toBe(true);
    expect(matches('a/?.csv', 'a/xy.csv')).toBe(false);
    expect(matches('*', 'a/b')).toBe(false);
  });

  it('matches ** across segments', () => {
    expect(matches('a/**.csv', 'a/b/c/x.csv')).toBe(true);
    expect(matches('a/**/x.csv', 'a/b/c/x.csv')).toBe(true);
  });

  it('supports classes, ranges, negation and alternatives', () => {
    expect(matches('f[0-9].csv', 'f7.csv')).toBe(true);
    expect(matches('f[0-9].csv', 'fa.csv')).toBe(false);
    expect(matches('f[^0-9].csv', 'fa.csv')).toBe(true);
    expect(matches('f[!0-9].csv', 'f1.csv')).toBe(false);
    expect(matches('f[^x].csv', 'f/.csv')).toBe(false);
    expect(matches('f[]].csv', 'f].csv')).toBe(true);
    expect(matches('{2023,2024}/*.json', '2024/a.json')).toBe(true);
    expect(matches('{2023,2024}/*.json', '2025/a.json')).toBe(false);
    expect(matches('{a,b{c,d}}', 'bd')).toBe(true);
  });

  it('treats regex characters and escapes literally', () => {
    expect(matches('a+(b).csv', 'a+(b).csv')).toBe(true);
    expect(matches('a.csv', 'abcsv')).toBe(false);
    expect(matches('\\*.csv', '*.csv')).toBe(true);
    expect(matches('\\*.csv', 'x.csv')).toBe(false);
    expect(matches('ünï/*.csv', 'ünï/ä.csv')).toBe(true);
    expect(matches('a,b}', 'a,b}')).toBe(true);
  });

  it('rejects unclosed brackets and braces', () => {
    expect(() => globRegExp('a[bc')).toThrow(/unclosed '\['/);
    expect(() => globRegExp('{a,b')).toThrow(/unclosed '\{'/);
  });
});

describe('splitGlob and hasGlob', () => {
  it('splits at the directory holding the first glob character', () => {
    expect(splitGlob('a/b/*.csv')).toEqual({ base: 'a/b/', rest: '*.csv' });
    expect(splitGlob('a/b*/c.csv')).toEqual({ base: 'a/', rest: 'b*/c.csv' });
    expect(splitGlob('*.csv')).toEqual({ base: '', rest: '*.csv' });
    expect(splitGlob('a/b.csv')).toEqual({ base: 'a/', rest: 'b.csv' });
  });

  it('detects glob characters', () => {
    expect(hasGlob('a/b.csv')).toBe(false);
    expect(hasGlob('a/{b,c}.csv')).toBe(true);
    expect(hasGlob('a/[bc].csv')).toBe(true);
  });
});
