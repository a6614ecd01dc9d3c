import { describe, expect, it } from 'vitest';
import { LochError } from '../../core/errors.js';
import { parseWriteStatement, type DeleteStatement, type TableRef, type UpdateStatement } from './write-statements.js';

const delta = (path: string): TableRef => ({ kind: 'path', format: 'delta', path });
const named = (...parts: string[]): TableRef => ({ kind: 'name', parts });
const T = delta('/t');

/** The LochError a statement fails with; fails the test when it parses. */
function parseFailure(sql: string): LochError {
  try {
    parseWriteStatement(sql);
  } catch (error) {
    expect(error).toBeInstanceOf(LochError);
    expect((error as LochError).code).toBe('INVALID_ARGUMENT');
    return error as LochError;
  }
  throw new Error(`expected ${sql} to fail`);
}

describe('parseWriteStatement: DELETE', () => {
  const cases: [string, string, DeleteStatement][] = [
    ['whole table', 'DELETE FROM delta.`/t`', { kind: 'delete', target: T }],
    ['lower case, trailing semicolons and comments', 'delete from delta.`/t` ; -- done\n;', { kind: 'delete', target: T }],
    ['WHERE', 'DELETE FROM delta.`/t` WHERE id = 3', { kind: 'delete', target: T, whereSql: 'id = 3' }],
    ['alias with AS', 'DELETE FROM delta.`/t` AS x WHERE x.id = 3', { kind: 'delete', target: T, alias: 'x', whereSql: 'x.id = 3' }],
    ['bare alias', 'DELETE FROM delta.`/t` x', { kind: 'delete', target: T, alias: 'x' }],
    ['quoted alias', 'DELETE FROM delta.`/t` AS `my t` WHERE `my t`.a > 0', { kind: 'delete', target: T, alias: 'my t', whereSql: '`my t`.a > 0' }],
    ['plain qualified name', 'DELETE FROM cat.sch.tbl WHERE a IS NULL', { kind: 'delete', target: named('cat', 'sch', 'tbl'), whereSql: 'a IS NULL' }],
    ['parquet path (the executor refuses it)', 'DELETE FROM parquet.`/p`', { kind: 'delete', target: { kind: 'path', format: 'parquet', path: '/p' } }],
    [
      'condition with nested parentheses and a subquery',
      'DELETE FROM delta.`/t` WHERE (a > 1 AND (b < 2 OR c IN (SELECT c FROM s WHERE d = (1)))) OR e',
      { kind: 'delete', target: T, whereSql: '(a > 1 AND (b < 2 OR c IN (SELECT c FROM s WHERE d = (1)))) OR e' },
    ],
    [
      'strings and quoted names holding keywords',
      "DELETE FROM delta.`/t` WHERE note = 'RETURNING; WHEN ) (' AND \"where\" = 1",
      { kind: 'delete', target: T, whereSql: "note = 'RETURNING; WHEN ) (' AND \"where\" = 1" },
    ],
    [
      'comments inside kept, around dropped',
      'DELETE FROM delta.`/t` WHERE /* lead */ a = 1 /* mid */ AND b = 2 -- tail\n',
      { kind: 'delete', target: T, whereSql: 'a = 1 /* mid */ AND b = 2' },
    ],
    ['CASE in the condition', 'DELETE FROM delta.`/t` WHERE CASE WHEN a THEN b ELSE c END', { kind: 'delete', target: T, whereSql: 'CASE WHEN a THEN b ELSE c END' }],
    ['multi-line condition', 'DELETE FROM delta.`/t`\nWHERE a = 1\n  AND b = 2\n', { kind: 'delete', target: T, whereSql: 'a = 1\n  AND b = 2' }],
  ];
  it.each(cases)('%s', (_name, sql, expected) => {
    expect(parseWriteStatement(sql)).toEqual(expected);
  });
});

describe('parseWriteStatement: UPDATE', () => {
  const update = (assignments: [string[], string][], extra: Partial<UpdateStatement> = {}): UpdateStatement => ({
    kind: 'update',
    target: T,
    assignments: assignments.map(([path, valueSql]) => ({ path, valueSql })),
    ...extra,
  });
  const cases: [string, string, UpdateStatement][] = [
    ['one column', 'UPDATE delta.`/t` SET a = 1', update([[['a'], '1']])],
    ['several with WHERE', 'update delta.`/t` set a = a + 1, b = upper(b) where id = 3;', update([[['a'], 'a + 1'], [['b'], 'upper(b)']], { whereSql: 'id = 3' })],
    ['no spaces', 'UPDATE delta.`/t` SET a=-1,b=2 WHERE c=3', update([[['a'], '-1'], [['b'], '2']], { whereSql: 'c=3' })],
    ['nested field path', 'UPDATE delta.`/t` SET s.inner.x = 1', update([[['s', 'inner', 'x'], '1']])],
    ['backticked name with a dot is one part', 'UPDATE delta.`/t` SET `a.b` = 1, `s`.`c d` = 2', update([[['a.b'], '1'], [['s', 'c d'], '2']])],
    ['alias qualifier dropped', 'UPDATE delta.`/t` AS t SET t.a = 1, T.s.x = 2', update([[['a'], '1'], [['s', 'x'], '2']], { alias: 't' })],
    ['bare alias', 'UPDATE delta.`/t` u SET a = u.a * 2', update([[['a'], 'u.a * 2']], { alias: 'u' })],
    ['table name qualifier dropped', 'UPDATE db.tbl SET tbl.a = 1', { kind: 'update', target: named('db', 'tbl'), assignments: [{ path: ['a'], valueSql: '1' }] }],
    ['a lone alias-named column is kept', 'UPDATE delta.`/t` t SET t = 1', update([[['t'], '1']], { alias: 't' })],
    [
      'values with commas in calls, CASE and strings',
      "UPDATE delta.`/t` SET a = coalesce(b, c, 0), d = CASE WHEN e = ',' THEN 'WHERE' ELSE f END, g = [1, 2], h = {'k': 1} WHERE i",
      update(
        [
          [['a'], 'coalesce(b, c, 0)'],
          [['d'], "CASE WHEN e = ',' THEN 'WHERE' ELSE f END"],
          [['g'], '[1, 2]'],
          [['h'], "{'k': 1}"],
        ],
        { whereSql: 'i' },
      ),
    ],
    ['IS DISTINCT FROM is an expression, not UPDATE … FROM', 'UPDATE delta.`/t` SET a = b IS NOT DISTINCT FROM c', update([[['a'], 'b IS NOT DISTINCT FROM c']])],
    ['scalar subquery with its own WHERE', 'UPDATE delta.`/t` SET a = (SELECT max(x) FROM s WHERE s.k = 1) WHERE b', update([[['a'], '(SELECT max(x) FROM s WHERE s.k = 1)']], { whereSql: 'b' })],
    ['DEFAULT', 'UPDATE delta.`/t` SET a = DEFAULT', update([[['a'], 'DEFAULT']])],
    ['comment inside a value', 'UPDATE delta.`/t` SET a = 1 /* one */ + 2 -- x\n, b = 3', update([[['a'], '1 /* one */ + 2'], [['b'], '3']])],
    ['a field named where after a dot', 'UPDATE delta.`/t` SET a = s.where WHERE s.when', update([[['a'], 's.where']], { whereSql: 's.when' })],
    ['nested CASE', 'UPDATE delta.`/t` SET a = CASE WHEN b THEN CASE c WHEN 1 THEN 2 END END, d = 4', update([[['a'], 'CASE WHEN b THEN CASE c WHEN 1 THEN 2 END END'], [['d'], '4']])],
  ];
  it.each(cases)('%s', (_name, sql, expected) => {
    expect(parseWriteStatement(sql)).toEqual(expected);
  });
});

describe('parseWriteStatement: DuckDB-only DELETE/UPDATE on a plain name is left to DuckDB', () => {
  const duckdb: [string, string][] = [
    ['DELETE … USING', 'DELETE FROM t USING s WHERE t.id = s.id'],
    ['DELETE … RETURNING', 'DELETE FROM t WHERE a = 1 RETURNING *'],
    ['DELETE without WHERE … RETURNING', 'DELETE FROM t RETURNING a'],
    ['UPDATE … FROM', 'UPDATE t SET a = s.a FROM s WHERE t.id = s.id'],
    ['UPDATE … FROM without WHERE', 'UPDATE t SET a = s.a FROM s'],
    ['UPDATE … RETURNING', 'UPDATE t SET a = 1 WHERE b RETURNING a'],
    ['UPDATE SET (a, b) =', 'UPDATE t SET (a, b) = (1, 2)'],
    ['UPDATE EXTENSIONS', 'UPDATE EXTENSIONS'],
    ['UPDATE EXTENSIONS (list)', 'UPDATE EXTENSIONS (httpfs, json)'],
  ];
  it.each(duckdb)('%s', (_name, sql) => {
    expect(parseWriteStatement(sql)).toBeUndefined();
  });
});

describe('parseWriteStatement: malformed DELETE/UPDATE', () => {
  const errors: [string, string, string][] = [
    ['DELETE without FROM', 'DELETE delta.`/t`', 'sql: DELETE expects FROM at line 1 column 8'],
    ['DELETE FROM without a table', 'DELETE FROM', 'sql: DELETE FROM expects a table name or delta.`<path>` at line 1 column 12'],
    ['WHERE without a condition', 'DELETE FROM delta.`/t` WHERE ;', 'sql: DELETE WHERE expects a condition at line 1 column 31'],
    ['AS without an alias', 'DELETE FROM delta.`/t` AS WHERE a = 1', 'sql: DELETE FROM expects an alias after AS at line 1 column 27'],
    ['words after the alias', 'DELETE FROM delta.`/t` x y', 'sql: unexpected y in DELETE at line 1 column 26'],
    ['unclosed parenthesis', 'DELETE FROM delta.`/t` WHERE (a = 1', 'sql: unclosed ( at line 1 column 30'],
    ['CASE without END', 'DELETE FROM delta.`/t` WHERE CASE WHEN a THEN b', 'sql: CASE without END at line 1 column 30'],
    ['unbalanced )', 'DELETE FROM delta.`/t` WHERE a = 1)', 'sql: unexpected ) in DELETE at line 1 column 35'],
    ['a second statement', 'DELETE FROM delta.`/t` WHERE a = 1; SELECT 1', 'sql: unexpected ; in DELETE at line 1 column 35'],
    ['DELETE … USING on a path', 'DELETE FROM delta.`/t` USING s WHERE a = s.a', 'sql: DELETE … USING is not supported for Delta tables (use MERGE … WHEN MATCHED THEN DELETE) at line 1 column 24'],
    ['DELETE … RETURNING on a path', 'DELETE FROM delta.`/t` WHERE a = 1 RETURNING *', 'sql: DELETE … RETURNING is not supported for Delta tables at line 1 column 36'],
    ['UPDATE without a table', 'UPDATE', 'sql: UPDATE expects a table name or delta.`<path>` at line 1 column 7'],
    ['UPDATE without SET', 'UPDATE delta.`/t` a = 1', 'sql: UPDATE expects SET at line 1 column 21'],
    ['SET without assignments', 'UPDATE delta.`/t` SET', 'sql: UPDATE SET expects a name at line 1 column 22'],
    ['assignment without =', 'UPDATE delta.`/t` SET a 1', 'sql: UPDATE SET expects = after a at line 1 column 25'],
    ['assignment without a value', 'UPDATE delta.`/t` SET a = WHERE b', 'sql: UPDATE SET expects a value for a at line 1 column 27'],
    ['trailing comma', 'UPDATE delta.`/t` SET a = 1,', 'sql: UPDATE SET expects a name at line 1 column 29'],
    ['incomplete path', 'UPDATE delta.`/t` SET s. = 1', 'sql: UPDATE SET expects a name at line 1 column 26'],
    ['column assigned twice (any case)', 'UPDATE delta.`/t` SET a = 1, A = 2', 'sql: UPDATE SET assigns A twice at line 1 column 30'],
    ['struct and its field', 'UPDATE delta.`/t` t SET t.s = 1, s.x = 2', 'sql: UPDATE SET assigns both s and s.x at line 1 column 34'],
    ['WHERE without a condition after SET', 'UPDATE delta.`/t` SET a = 1 WHERE', 'sql: UPDATE WHERE expects a condition at line 1 column 34'],
    ['unclosed call in a value', 'UPDATE delta.`/t` SET a = f(1 WHERE b = 2', 'sql: unclosed ( at line 1 column 28'],
    ['UPDATE … FROM on a path', 'UPDATE delta.`/t` SET a = 1 FROM s', 'sql: UPDATE … FROM is not supported for Delta tables (use MERGE INTO) at line 1 column 29'],
    ['UPDATE SET (a, b) on a path', 'UPDATE delta.`/t` SET (a, b) = (1, 2)', 'sql: UPDATE SET (a, b) = … is not supported for Delta tables; assign each column at line 1 column 23'],
    ['UPDATE … RETURNING on a path', 'UPDATE delta.`/t` SET a = 1 RETURNING a', 'sql: UPDATE … RETURNING is not supported for Delta tables at line 1 column 29'],
    ['error on a later line', 'UPDATE delta.`/t`\nSET a = 1,\n    a = 2', 'sql: UPDATE SET assigns a twice at line 3 column 5'],
  ];
  it.each(errors)('%s', (_name, sql, message) => {
    expect(parseFailure(sql).message).toBe(message);
  });

  it('carries line, column and the offending text in the context', () => {
    const error = parseFailure('DELETE FROM delta.`/t`\n  AS x\n  x y');
    expect(error.context).toMatchObject({ line: 3, column: 3, found: 'x' });
    expect(error.message).toBe('sql: unexpected x in DELETE at line 3 column 3');
  });
});

describe('TRUNCATE TABLE', () => {
  it('is a DELETE without a condition', () => {
    expect(parseWriteStatement('TRUNCATE TABLE main.default.t')).toEqual({ kind: 'delete', target: { kind: 'name', parts: ['main', 'default', 't'] } });
    expect(() => parseWriteStatement('TRUNCATE TABLE t PARTITION (p = 1)')).toThrow(/TRUNCATE TABLE/);
  });
});
