import { describe, expect, it } from 'vitest';
import { readOnlyRefusal } from './read-only-sql.js';

describe('readOnlyRefusal', () => {
  it('allows single reads', () => {
    for (const sql of [
      'SELECT * FROM main.default.t',
      'select 1;',
      'WITH x AS (SELECT 1 AS a) SELECT a FROM x',
      'VALUES (1), (2)',
      'SHOW TABLES IN main.default',
      'DESCRIBE TABLE main.default.t',
      'EXPLAIN SELECT 1',
      '(SELECT 1) UNION ALL (SELECT 2)',
      "SELECT replace(name, 'a', 'b') FROM t",
      "SELECT 'insert into t values (1)' AS text -- delete everything",
      'SELECT "update" FROM t',
      'SELECT t.set FROM t',
    ]) expect(readOnlyRefusal(sql), sql).toBeUndefined();
  });

  it('refuses writes, DDL, writes hidden in WITH and several statements', () => {
    const cases: [string, RegExp][] = [
      ['INSERT INTO t VALUES (1)', /only SELECT/],
      ['CREATE TABLE x AS SELECT 1', /only SELECT/],
      ['WITH x AS (SELECT 1) INSERT INTO t SELECT * FROM x', /contains INSERT/],
      ['WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d', /contains DELETE/],
      ['SELECT 1; DROP TABLE t', /only one statement.*2/],
      ['EXPLAIN ANALYZE UPDATE t SET a = 1', /contains UPDATE/],
      ['UPDATE t SET a = 1', /only SELECT/],
      ['MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN DELETE', /only SELECT/],
      ["COPY t TO '/tmp/x.csv'", /only SELECT/],
      ["SELECT * FROM t; ATTACH 'x.db'", /only one statement/],
      ['SELECT 1 FROM t WHERE 1 = 1 UNION SELECT 2 FROM (CREATE TABLE x (a INT))', /contains CREATE/],
      ['', /empty/],
      ["SELECT 'unterminated", /does not tokenize/],
    ];
    for (const [sql, why] of cases) expect(readOnlyRefusal(sql), sql).toMatch(why);
  });
});
