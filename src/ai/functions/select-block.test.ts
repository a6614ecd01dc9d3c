import { describe, expect, it } from 'vitest';
import { blockAt } from './select-block.js';
import { SqlStructure } from './sql-structure.js';

function block(sql: string, marker: string) {
  const s = new SqlStructure(sql);
  const b = blockAt(s, s.indexAt(sql.indexOf(marker)));
  if (b === undefined) return undefined;
  const text = (x: { start: number; end: number } | undefined) => (x === undefined ? undefined : sql.slice(x.start, x.end));
  return {
    depth: b.depth,
    text: text(b.span),
    distinct: b.distinct,
    items: b.items.map((i) => ({ text: text(i.span), ...(i.alias === undefined ? {} : { alias: i.alias }), ...(i.star === undefined ? {} : { star: text(i.star.exclude) ?? true }) })),
    from: b.from === undefined ? undefined : { relation: text(b.from.relation), name: b.from.name, join: b.from.isJoin },
    clauses: Object.fromEntries(Object.entries(b.clauses).map(([k, c]) => [k, text(c.body)])),
    setOp: b.inSetOperation,
    ctes: b.ctes,
  };
}

describe('blockAt', () => {
  it('splits a block into items, FROM and clauses', () => {
    const sql = "SELECT DISTINCT id, f(x) AS y, x IS DISTINCT FROM z, t.* EXCLUDE (a) FROM (SELECT 1) AS \"t\" WHERE a > 1 GROUP BY 1 HAVING count(*) > 1 QUALIFY true ORDER BY y DESC LIMIT 5 OFFSET 2";
    expect(block(sql, 'f(x)')).toEqual({
      depth: 0,
      text: sql,
      distinct: true,
      items: [{ text: 'id' }, { text: 'f(x) AS y', alias: 'y' }, { text: 'x IS DISTINCT FROM z', alias: 'z' }, { text: 't.* EXCLUDE (a)', star: 'a' }],
      from: { relation: '(SELECT 1) AS "t"', name: 't', join: false },
      clauses: { where: 'a > 1', groupBy: '1', having: 'count(*) > 1', qualify: 'true', orderBy: 'y DESC', limit: '5', offset: '2' },
      setOp: false,
      ctes: [],
    });
  });

  it('finds the innermost block, its relation name and the CTEs before it', () => {
    const sql = 'WITH a AS (SELECT 1 AS x), b(y) AS (SELECT g(x) FROM a r), c AS (SELECT 3) SELECT * FROM (SELECT h(y) FROM b) s, range(3)';
    expect(block(sql, 'g(x)')).toMatchObject({ depth: 1, text: 'SELECT g(x) FROM a r', from: { relation: 'a r', name: 'r', join: false }, ctes: ['a AS (SELECT 1 AS x)'] });
    expect(block(sql, 'h(y)')).toMatchObject({ depth: 1, from: { name: 'b' }, ctes: ['a AS (SELECT 1 AS x)', 'b(y) AS (SELECT g(x) FROM a r)', 'c AS (SELECT 3)'] });
    expect(block(sql, '* FROM')).toMatchObject({ depth: 0, from: { join: true } });
    expect(block('SELECT q(1) FROM range(3)', 'q(')).toMatchObject({ from: { relation: 'range(3)', name: 'range' } });
    expect(block('SELECT q(1) FROM main.s.t JOIN u USING (k)', 'q(')).toMatchObject({ from: { name: 't', join: true } });
    expect(block('SELECT q(1)', 'q(')).toMatchObject({ from: undefined, items: [{ text: 'q(1)' }] });
  });

  it('stops a branch of a set operation before the trailing ORDER BY', () => {
    const sql = 'SELECT a FROM t UNION ALL SELECT f(b) FROM u WHERE c ORDER BY 1 LIMIT 2';
    expect(block(sql, 'f(b)')).toMatchObject({ text: 'SELECT f(b) FROM u WHERE c', setOp: true, clauses: { where: 'c' } });
  });

  it('keeps nested parentheses of calls, windows and subqueries inside their clause', () => {
    const sql = 'SELECT sum(x) OVER (ORDER BY y), (SELECT max(z) FROM v WHERE v.k = t.k) AS m, extract(year FROM d) FROM t';
    const b = block(sql, 'sum(');
    expect(b?.items.map((i) => i.text)).toEqual(['sum(x) OVER (ORDER BY y)', '(SELECT max(z) FROM v WHERE v.k = t.k) AS m', 'extract(year FROM d)']);
    expect(b?.clauses).toEqual({});
    expect(block(sql, 'max(z)')).toMatchObject({ depth: 1, from: { name: 'v' }, clauses: { where: 'v.k = t.k' } });
  });
});
