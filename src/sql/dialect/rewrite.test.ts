import { describe, expect, it } from 'vitest';
import { rewriteDialect } from './index.js';

const rw = rewriteDialect;

describe('rewriteDialect: text it leaves alone', () => {
  it('returns DuckDB queries unchanged', () => {
    for (const sql of [
      'SELECT 1',
      "SELECT datediff('day', a, b), date_diff('month', a, b), list(x), regexp_extract(s, '[0-9]+') FROM t",
      "SELECT date_add(d, INTERVAL 1 DAY), date_add(d, to_days(2)), regexp_replace(s, 'a', 'b', 'g'), map(['k'], [1]), map(ks, vs)",
      'SELECT EXISTS (SELECT 1, list_filter(l, x -> x > 1) FROM t)',
      'WITH concat(a) AS (SELECT 1) SELECT * FROM concat',
      'CREATE MACRO split(a) AS a',
      'CREATE TABLE t (m MAP(VARCHAR, INT), s STRUCT(a INT), size INT)',
      'SELECT CAST(x AS MAP(VARCHAR, INT)), y::STRUCT(a INT) FROM t',
      'SELECT system.main.concat(a, b), t.split FROM t',
      'SELECT ARRAY(SELECT 1)',
      'SELECT 1 AS div, x div FROM t',
    ]) {
      expect(rw(sql), sql).toBe(sql);
    }
  });

  it('never touches strings, comments or quoted identifiers', () => {
    const sql = `SELECT 'explode(x) a div b', "size"(1), /* date_format(x, 'yyyy') */ 1 -- rlike 'a'\n`;
    expect(rw(sql)).toBe(sql);
  });

  it('leaves very deep nesting to DuckDB and handles deep nesting it rewrites', () => {
    const tooDeep = `SELECT ${'array('.repeat(300)}1${')'.repeat(300)}`;
    expect(rw(tooDeep)).toBe(tooDeep);
    expect(rw(`SELECT ${'array('.repeat(100)}1${')'.repeat(100)}`)).toBe(`SELECT ${'list_value('.repeat(100)}1${')'.repeat(100)}`);
  });

  it('returns text that does not lex unchanged', () => {
    expect(rw("SELECT explode(x), 'unterminated")).toBe("SELECT explode(x), 'unterminated");
  });
});

describe('rewriteDialect: dates', () => {
  it('translates Spark patterns in literal formats', () => {
    expect(rw("SELECT date_format(ts, 'yyyy-MM-dd HH:mm')")).toBe("SELECT strftime(CAST(ts AS TIMESTAMP), '%Y-%m-%d %H:%M')");
    expect(rw("SELECT to_date(s, 'dd/MM/yyyy')")).toBe("SELECT CAST(strptime(CAST(s AS VARCHAR), '%d/%m/%Y') AS DATE)");
    expect(rw("SELECT to_timestamp(s, 'yyyy-MM-dd HH:mm:ss')")).toBe("SELECT CAST(strptime(CAST(s AS VARCHAR), '%Y-%m-%d %H:%M:%S') AS TIMESTAMPTZ)");
    expect(rw("SELECT from_unixtime(n, 'yyyy')")).toBe("SELECT strftime(make_timestamp(CAST(n AS BIGINT) * 1000000), '%Y')");
  });

  it('leaves untranslatable or non-literal patterns to the macros, which fail clearly', () => {
    expect(rw("SELECT date_format(ts, 'QQ')")).toBe("SELECT date_format(ts, 'QQ')");
    expect(rw('SELECT date_format(ts, fmt)')).toBe('SELECT date_format(ts, fmt)');
  });

  it('quotes bare unit keywords and routes them to timestampdiff/timestampadd', () => {
    expect(rw('SELECT datediff(DAY, a, b), timestampdiff(month, a, b)')).toBe("SELECT timestampdiff('day', a, b), timestampdiff('month', a, b)");
    expect(rw('SELECT dateadd(HOUR, 2, ts), date_add(YEAR, 1, d)')).toBe("SELECT timestampadd('hour', 2, ts), timestampadd('year', 1, d)");
  });

  it("casts date_add's Spark arguments and keeps interval forms", () => {
    expect(rw("SELECT date_add('2024-01-01', n)")).toBe("SELECT date_add(CAST('2024-01-01' AS DATE), CAST(n AS INTEGER))");
    expect(rw("SELECT date_add(d, CAST('1 day' AS INTERVAL))")).toBe("SELECT date_add(d, CAST('1 day' AS INTERVAL))");
  });

  it('rewrites trunc with a format and Spark date_trunc units', () => {
    expect(rw("SELECT trunc(d, 'MM'), trunc(d, 'nope'), trunc(x, 2)")).toBe("SELECT CAST(date_trunc('month', CAST(d AS DATE)) AS DATE), CAST(NULL AS DATE), trunc(x, 2)");
    expect(rw("SELECT date_trunc('YYYY', ts), date_trunc('hour', ts)")).toBe("SELECT date_trunc('year', ts), date_trunc('hour', ts)");
  });

  it('drops the parentheses of current_timestamp()', () => {
    expect(rw('SELECT current_timestamp(), current_timestamp ( ), current_date()')).toBe('SELECT current_timestamp, current_timestamp, current_date()');
  });

  it('rewrites nested calls inside out', () => {
    expect(rw("SELECT date_format(to_date(s, 'yyyyMMdd'), 'MM')")).toBe("SELECT strftime(CAST(CAST(strptime(CAST(s AS VARCHAR), '%Y%m%d') AS DATE) AS TIMESTAMP), '%m')");
  });
});

describe('rewriteDialect: regular expressions', () => {
  it("reads '\\\\d' in regex literals as Spark does and keeps raw literals", () => {
    expect(rw("SELECT regexp_extract(s, '(\\\\d+)-(\\\\d+)', 1)")).toBe("SELECT regexp_extract(s, '(\\d+)-(\\d+)', 1)");
    expect(rw("SELECT regexp_extract(s, r'(\\d+)')")).toBe("SELECT regexp_extract(s, '(\\d+)')");
    expect(rw("SELECT r'\\n' AS x")).toBe("SELECT '\\n' AS x");
  });

  it('makes regexp_replace global and translates $n', () => {
    expect(rw("SELECT regexp_replace(s, '(a)(b)', '$2$1')")).toBe("SELECT regexp_replace(s, '(a)(b)', '\\2\\1', 'g')");
    expect(rw('SELECT regexp_replace(s, p, r)')).toBe("SELECT regexp_replace(s, p, regexp_replace(r, '\\$(\\d)', '\\\\\\1', 'g'), 'g')");
  });

  it('splits on a lone metacharacter literally', () => {
    expect(rw("SELECT split(s, '.'), split(s, '|'), split(s, '\\\\.'), split(s, '[,;]')")).toBe("SELECT split(s, '\\.'), split(s, '\\|'), split(s, '\\.'), split(s, '[,;]')");
  });

  it('turns RLIKE and REGEXP into an unanchored ~', () => {
    expect(rw("SELECT * FROM t WHERE s RLIKE 'a.c' AND s NOT REGEXP '^x'")).toBe(
      "SELECT * FROM t WHERE s ~ '(?s:.*)(?:a.c)(?s:.*)' AND s !~ '(?s:.*)(?:^x)(?s:.*)'",
    );
    expect(rw('SELECT s rlike t.p')).toBe("SELECT s ~ ('(?s:.*)(?:' || t.p || ')(?s:.*)')");
    expect(rw("SELECT s rlike 'a' || 'b'")).toBe("SELECT s rlike 'a' || 'b'");
  });
});

describe('rewriteDialect: operators, constructors, generators, lambdas', () => {
  it('turns div between operands into //', () => {
    expect(rw('SELECT a div b, (x + 1) DIV 2')).toBe('SELECT a // b, (x + 1) // 2');
  });

  it('rewrites array, struct, named_struct and map constructors', () => {
    expect(rw('SELECT array(1, 2), array()')).toBe('SELECT list_value(1, 2), list_value()');
    expect(rw('SELECT struct(a, t.b, c + 1, d AS e, `f g`)')).toBe(`SELECT {'a': a, 'b': t.b, 'col3': c + 1, 'e': d, 'f g': \`f g\`}`);
    expect(rw("SELECT named_struct('x', 1, 'y', z)")).toBe("SELECT {'x': 1, 'y': z}");
    expect(rw("SELECT map('a', 1, 'b', 2), map(1, 'x')")).toBe("SELECT MAP {'a': 1, 'b': 2}, MAP {1: 'x'}");
  });

  it('rewrites explode and posexplode in the select list, naming columns as Spark does', () => {
    expect(rw('SELECT explode(xs), id FROM t')).toBe('SELECT unnest(xs) AS col, id FROM t');
    expect(rw('SELECT explode(xs) AS v FROM t')).toBe('SELECT unnest(xs) AS v FROM t');
    expect(rw('SELECT explode_outer(xs) FROM t')).toBe('SELECT unnest(CASE WHEN len(xs) > 0 THEN xs ELSE [NULL] END) AS col FROM t');
    expect(rw('SELECT posexplode(xs) FROM t')).toBe('SELECT unnest(generate_series(0, len(xs) - 1)) AS pos, unnest(xs) AS col FROM t');
    expect(rw('SELECT posexplode(xs) AS (i, v) FROM t')).toBe('SELECT unnest(generate_series(0, len(xs) - 1)) AS i, unnest(xs) AS v FROM t');
  });

  it('rewrites LATERAL VIEW into a lateral join', () => {
    expect(rw('SELECT id, v FROM t LATERAL VIEW explode(xs) e AS v WHERE v > 1')).toBe(
      'SELECT id, v FROM t CROSS JOIN LATERAL (SELECT unnest(xs) AS v) AS e WHERE v > 1',
    );
    expect(rw('SELECT * FROM t LATERAL VIEW OUTER posexplode(xs) e AS p, v')).toBe(
      'SELECT * FROM t LEFT JOIN LATERAL (SELECT unnest(generate_series(0, len(xs) - 1)) AS p, unnest(xs) AS v) AS e ON true',
    );
    expect(rw('SELECT * FROM t LATERAL VIEW explode(m) e AS k, v LATERAL VIEW explode(ys) f')).toBe(
      'SELECT * FROM t CROSS JOIN LATERAL (SELECT unnest(map_keys(m)) AS k, unnest(map_values(m)) AS v) AS e CROSS JOIN LATERAL (SELECT unnest(ys) AS col) AS f',
    );
  });

  it('rewrites collect_list/collect_set only as window functions', () => {
    expect(rw('SELECT collect_list(x) FROM t')).toBe('SELECT collect_list(x) FROM t');
    expect(rw('SELECT collect_set(x) OVER (PARTITION BY k) FROM t')).toBe('SELECT list(DISTINCT x) FILTER (WHERE (x) IS NOT NULL) OVER (PARTITION BY k) FROM t');
  });

  it('rewrites higher-order functions with lambdas', () => {
    expect(rw('SELECT transform(xs, x -> x + 1), aggregate(xs, 0, (acc, x) -> acc + x)')).toBe('SELECT list_transform(xs, x -> x + 1), list_reduce(xs, (acc, x) -> acc + x, 0)');
    expect(rw('SELECT exists(xs, x -> x > 1)')).toBe("SELECT CASE WHEN len(xs) = 0 THEN false ELSE list_aggregate(list_transform(xs, x -> x > 1), 'bool_or') END");
  });

  it('writes Spark cast types the DuckDB way', () => {
    expect(rw('SELECT CAST(x AS ARRAY<STRING>), TRY_CAST(m AS MAP<STRING, ARRAY<INT>>), CAST(s AS STRUCT<a: INT, b: TIMESTAMP_NTZ>)')).toBe(
      'SELECT CAST(x AS VARCHAR[]), TRY_CAST(m AS MAP(VARCHAR, INTEGER[])), CAST(s AS STRUCT("a" INTEGER, "b" TIMESTAMP))',
    );
    expect(rw('SELECT CAST(t AS TIMESTAMP_NTZ), CAST(CAST(1 AS SHORT) AS BYTE), CAST(x AS INT), CAST(y AS VARCHAR[])')).toBe(
      'SELECT CAST(t AS TIMESTAMP), CAST(CAST(1 AS SMALLINT) AS TINYINT), CAST(x AS INT), CAST(y AS VARCHAR[])',
    );
  });

  it('rewrites isnull and format_string', () => {
    expect(rw("SELECT isnull(a + 1), format_string('%d', 1)")).toBe("SELECT ((a + 1) IS NULL), printf('%d', 1)");
  });
});
