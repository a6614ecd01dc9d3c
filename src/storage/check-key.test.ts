import { describe, expect, it } from 'vitest';
import { isLochError } from '../core/errors.js';
import { checkKey, checkPrefix, checkRange, joinKey } from './check-key.js';

const STORE = 'memory://t';

function codeOf(run: () => void): string | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    return isLochError(error) ? error.code : 'not a LochError';
  }
}

describe('checkKey', () => {
  it.each(['a', 'a/b', 'tbl/_delta_log/00000000000000000000.json', '.hidden', 'a/..b', 'a/b.', 'é/😀', 'a b/c'])('accepts %j', (key) => {
    expect(codeOf(() => checkKey(key, STORE))).toBeUndefined();
  });

  it.each(['', '/a', 'a//b', 'a/', '.', '..', '../x', 'a/./b', 'a/../b', 'a/..', 'a\\b', 'a\0b'])('rejects %j with PATH_ESCAPE', (key) => {
    expect(codeOf(() => checkKey(key, STORE))).toBe('PATH_ESCAPE');
  });

  it('names the key and the store in the message and context', () => {
    try {
      checkKey('x/../y', 'file:///data/lake');
      expect.unreachable();
    } catch (error) {
      expect(isLochError(error, 'PATH_ESCAPE')).toBe(true);
      if (!isLochError(error)) return;
      expect(error.message).toContain('"x/../y"');
      expect(error.message).toContain('file:///data/lake');
      expect(error.message.startsWith('storage: ')).toBe(true);
      expect(error.context).toEqual({ key: 'x/../y', store: 'file:///data/lake' });
    }
  });
});

describe('checkPrefix', () => {
  it.each(['', 'a', 'a/', 'a/b/', 'a/.', 'a/..', '_delta_log/0000000000000001'])('accepts %j', (prefix) => {
    expect(codeOf(() => checkPrefix(prefix, STORE))).toBeUndefined();
  });

  it.each(['/', '/a', 'a//', '../', './a', 'a/../b', 'a\\', 'a\0'])('rejects %j', (prefix) => {
    expect(codeOf(() => checkPrefix(prefix, STORE))).toBe('PATH_ESCAPE');
  });
});

describe('checkRange', () => {
  it('accepts non-negative integers and rejects the rest', () => {
    expect(codeOf(() => checkRange(STORE, 'k', 0, 0))).toBeUndefined();
    expect(codeOf(() => checkRange(STORE, 'k', -1, 1))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => checkRange(STORE, 'k', 0, 1.5))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => checkRange(STORE, 'k', Number.NaN, 1))).toBe('INVALID_ARGUMENT');
  });
});

describe('joinKey', () => {
  it('joins with single slashes and drops empty parts', () => {
    expect(joinKey('tbl', '_delta_log', '0.json')).toBe('tbl/_delta_log/0.json');
    expect(joinKey('tbl/', '/_delta_log/', '0.json')).toBe('tbl/_delta_log/0.json');
    expect(joinKey('', 'a', '', 'b')).toBe('a/b');
    expect(joinKey('a')).toBe('a');
    expect(joinKey()).toBe('');
  });

  it('keeps a leading slash so that checkKey still rejects it', () => {
    expect(joinKey('/abs', 'x')).toBe('/abs/x');
    expect(joinKey('/', 'x')).toBe('/x');
    expect(codeOf(() => checkKey(joinKey('/abs', 'x'), STORE))).toBe('PATH_ESCAPE');
  });
});
