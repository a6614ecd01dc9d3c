import { describe, expect, it } from 'vitest';
import { findCallSites } from './function-calls.js';

function shown(sql: string): { name: string; text: string; args: string[] }[] {
  return findCallSites(sql).map((c) => ({ name: c.parts.join('.'), text: sql.slice(c.start, c.end), args: c.args.map((a) => sql.slice(a.start, a.end)) }));
}

describe('findCallSites', () => {
  it('finds one- to three-part calls with their arguments, nested calls included', () => {
    expect(shown("SELECT f(a, g(b, [1, 2]), 'x,y'), s.h(), `main`.\"s\".k(c) FROM t")).toEqual([
      { name: 'f', text: "f(a, g(b, [1, 2]), 'x,y')", args: ['a', 'g(b, [1, 2])', "'x,y'"] },
      { name: 'g', text: 'g(b, [1, 2])', args: ['b', '[1, 2]'] },
      { name: 's.h', text: 's.h()', args: [] },
      { name: 'main.s.k', text: '`main`."s".k(c)', args: ['c'] },
    ]);
  });

  it('leaves out keywords, derived column lists, CTE column lists and over-long names', () => {
    expect(shown('WITH c(a) AS (SELECT 1) SELECT x IN (1, 2), sum(x) OVER (PARTITION BY y) FROM c AS t(a, b), a.b.c.d(1)')).toEqual([{ name: 'sum', text: 'sum(x)', args: ['x'] }]);
  });

  it('keeps empty arguments and stops at an unbalanced call', () => {
    expect(shown('SELECT f(a,)')).toEqual([{ name: 'f', text: 'f(a,)', args: ['a', ''] }]);
    expect(shown('SELECT f(a')).toEqual([]);
    expect(shown("SELECT 'unterminated")).toEqual([]);
  });
});
