import { describe, expect, it } from 'vitest';
import { LochError } from '../../core/errors.js';
import { likeMatcher } from './like-pattern.js';

describe('likeMatcher (Databricks SHOW … LIKE)', () => {
  const names = ['main', 'sales', 'sales_eu', 'Ünï', 'a.b', 'x|y'];
  const match = (pattern: string | undefined) => names.filter(likeMatcher(pattern));

  it.each([
    [undefined, names],
    ['sales', ['sales']],
    ['sal*', ['sales', 'sales_eu']],
    ['*EU', ['sales_eu']],
    ['  main | sales  ', ['main', 'sales']],
    ['ün*', ['Ünï']],
    ['m.in', ['main']],
    ['a\\.b', ['a.b']],
    // `|` splits before the regex is compiled, as in Spark: both halves are invalid.
    ['sales_(eu|us)', []],
    ['*', names],
    ['', []],
    ['x[|main', ['main']],
  ] as const)('%s', (pattern, expected) => expect(match(pattern)).toEqual(expected));

  it('matches the whole name, not a part of it', () => {
    expect(likeMatcher('ale')('sales')).toBe(false);
  });

  it('refuses patterns too long to be a name filter', () => {
    expect(() => likeMatcher('a'.repeat(1001))).toThrow(LochError);
  });
});
