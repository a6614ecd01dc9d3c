import { describe, expect, it } from 'vitest';
import { LochError } from '../core/errors.js';
import { displayName, normalizeName, normalizeObjectName } from './names.js';

function failure(kind: string, name: string): LochError {
  try {
    normalizeName(kind, name);
  } catch (error) {
    if (error instanceof LochError) return error;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(name)} to be refused`);
}

describe('normalizeName', () => {
  it('lower-cases and keeps quotes and Unicode', () => {
    expect(normalizeName('table', 'MyTable')).toBe('mytable');
    expect(normalizeName('table', `O'Brien"s`)).toBe(`o'brien"s`);
    expect(normalizeName('schema', 'ÉTÉ_日本')).toBe('été_日本');
    expect(normalizeName('table', 'a`b-c')).toBe('a`b-c');
    expect(normalizeName('volume', '😀')).toBe('😀');
  });

  it('accepts exactly 255 characters, counting code points', () => {
    expect(normalizeName('table', 'x'.repeat(255))).toHaveLength(255);
    expect(normalizeName('table', '😀'.repeat(255))).toHaveLength(510);
    expect(failure('table', 'x'.repeat(256)).message).toContain('256 characters');
  });

  it.each([
    ['', 'empty'],
    ['a.b', "'.'"],
    ['a b', 'space'],
    ['a/b', "'/'"],
    ['a\tb', 'control'],
    ['a\nb', 'control'],
    ['a\u007fb', 'control'],
    ['a\u0085b', 'control'],
    ['a\ud800b', 'surrogate'],
  ])('refuses %j (%s)', (name, why) => {
    const error = failure('schema', name);
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toMatch(/^catalog: invalid schema name '.*': .*\(INVALID_IDENTIFIER\)$/s);
    expect(error.message).toContain(why);
  });

  it('shows control characters escaped in the message', () => {
    expect(failure('table', 'a\nb').message).toContain("'a\\u000ab'");
  });

  it('normalises all three parts of a name', () => {
    expect(normalizeObjectName('table', { catalog: 'Main', schema: 'Default', name: 'T' })).toEqual({ catalog: 'main', schema: 'default', name: 't' });
    expect(() => normalizeObjectName('table', { catalog: 'a.b', schema: 's', name: 't' })).toThrow(/invalid catalog name/);
  });
});

describe('displayName', () => {
  it('quotes parts that are not plain identifiers', () => {
    expect(displayName('main', 'default', 't')).toBe('main.default.t');
    expect(displayName('main', 'my-s', 'a`b')).toBe('main.`my-s`.`a``b`');
    expect(displayName('1abc')).toBe('`1abc`');
  });
});
