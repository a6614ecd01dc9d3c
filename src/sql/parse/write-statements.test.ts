import { describe, expect, it } from 'vitest';
import { LochError } from '../../core/errors.js';
import { decimal, field, primitive, type DataType } from '../../expr/types.js';
import { parseWriteStatement, type ColumnDef, type TableRef, type WriteStatement } from './write-statements.js';

const int = primitive('integer');
const str = primitive('string');
const delta = (path: string): TableRef => ({ kind: 'path', format: 'delta', path });
const named = (...parts: string[]): TableRef => ({ kind: 'name', parts });
const col = (name: string, type: DataType, extra: Partial<ColumnDef> = {}): ColumnDef => ({ name, type, nullable: true, ...extra });

/** The fields every CREATE TABLE statement has, for spreading into expectations. */
const created = (target: TableRef) => ({
  kind: 'create_table' as const,
  target,
  orReplace: false,
  mustExist: false,
  ifNotExists: false,
  constraints: [],
  partitionedBy: [],
  properties: {},
});

function failure(sql: string): LochError {
  try {
    parseWriteStatement(sql);
  } catch (error) {
    expect(error).toBeInstanceOf(LochError);
    expect((error as LochError).code).toBe('INVALID_ARGUMENT');
    return error as LochError;
  }
  throw new Error(`expected ${sql} to fail`);
}

describe('parseWriteStatement: CREATE TABLE', () => {
  const cases: [string, string, WriteStatement][] = [
    ['bare', 'CREATE TABLE delta.`/t`', created(delta('/t'))],
    ['plain name, trailing semicolons', 'create table t (a int);; ', { ...created(named('t')), columns: [col('a', int)] }],
    ['qualified quoted name', 'CREATE TABLE cat."my schema".`t``1` (a INT)', { ...created(named('cat', 'my schema', 't`1')), columns: [col('a', int)] }],
    ['parquet path', 'CREATE TABLE parquet.`/p` (a INT)', { ...created({ kind: 'path', format: 'parquet', path: '/p' }), columns: [col('a', int)] }],
    ['a schema named delta is a name', 'CREATE TABLE delta.t (a INT)', { ...created(named('delta', 't')), columns: [col('a', int)] }],
    [
      'column options',
      "CREATE TABLE delta.`/t` (id BIGINT NOT NULL COMMENT 'key', name VARCHAR DEFAULT 'n/a' COMMENT 'who', price DECIMAL(10,2) DEFAULT round(1.5, 1) NOT NULL, s STRUCT<a: INT> NULL)",
      {
        ...created(delta('/t')),
        columns: [
          col('id', primitive('long'), { nullable: false, comment: 'key' }),
          col('name', str, { comment: 'who', defaultSql: "'n/a'" }),
          col('price', decimal(10, 2), { nullable: false, defaultSql: 'round(1.5, 1)' }),
          col('s', { kind: 'struct', fields: [field('a', int)] }),
        ],
      },
    ],
    [
      'constraints among columns, expression text kept as written',
      'CREATE TABLE delta.`/t` (a INT, CONSTRAINT a_pos CHECK (a > 0 /* positive */ AND (a < 10)), b STRING, constraint `b ok` check (b <> \'\'))',
      {
        ...created(delta('/t')),
        columns: [col('a', int), col('b', str)],
        constraints: [
          { name: 'a_pos', checkSql: 'a > 0 /* positive */ AND (a < 10)' },
          { name: 'b ok', checkSql: "b <> ''" },
        ],
      },
    ],
    [
      'columns named like keywords',
      'CREATE TABLE delta.`/t` (comment STRING, constraint INT, check INT, `select` INT)',
      { ...created(delta('/t')), columns: [col('comment', str), col('constraint', int), col('check', int), col('select', int)] },
    ],
    [
      'every clause, in Spark order',
      "CREATE TABLE IF NOT EXISTS delta.`/t` (a INT, d DATE) USING DELTA PARTITIONED BY (d) LOCATION '/elsewhere' COMMENT 'the t' TBLPROPERTIES ('delta.appendOnly' = 'true', delta.logRetentionDuration = 'interval 1 day', n = 5, neg -1.5, b = TRUE)",
      {
        ...created(delta('/t')),
        ifNotExists: true,
        columns: [col('a', int), col('d', primitive('date'))],
        using: 'delta',
        partitionedBy: ['d'],
        location: '/elsewhere',
        comment: 'the t',
        properties: {
          'delta.appendOnly': 'true',
          'delta.logRetentionDuration': 'interval 1 day',
          n: '5',
          neg: '-1.5',
          b: 'true',
        },
      },
    ],
    [
      'clauses in another order',
      "CREATE TABLE t TBLPROPERTIES (`x`.y = 'z') COMMENT 'c' CLUSTER BY (a, b) USING parquet",
      { ...created(named('t')), properties: { 'x.y': 'z' }, comment: 'c', clusterBy: ['a', 'b'], using: 'parquet' },
    ],
    ['CLUSTER BY NONE', 'CREATE TABLE t CLUSTER BY NONE', { ...created(named('t')), clusterBy: [] }],
    [
      'Hive-style typed partition columns are appended',
      'CREATE TABLE delta.`/t` (a INT) PARTITIONED BY (y INT, m INT NOT NULL)',
      { ...created(delta('/t')), columns: [col('a', int), col('y', int), col('m', int, { nullable: false })], partitionedBy: ['y', 'm'] },
    ],
    [
      'typed partition columns without a column list',
      'CREATE TABLE delta.`/t` PARTITIONED BY (y INT)',
      { ...created(delta('/t')), columns: [col('y', int)], partitionedBy: ['y'] },
    ],
    [
      'CREATE OR REPLACE … AS SELECT',
      'CREATE OR REPLACE TABLE delta.`/t` USING DELTA AS SELECT a, b FROM delta.`/s` WHERE a > 1;',
      { ...created(delta('/t')), orReplace: true, using: 'delta', asQuery: 'SELECT a, b FROM delta.`/s` WHERE a > 1' },
    ],
    [
      'AS (WITH …) across lines with comments',
      'create table delta.`/t`\n-- from a CTE\nas (\n  with q as (select 1 as x)\n  select * from q -- done\n)  ;',
      { ...created(delta('/t')), asQuery: '(\n  with q as (select 1 as x)\n  select * from q -- done\n)' },
    ],
    ['AS VALUES', 'CREATE TABLE delta.`/t` AS VALUES (1, 2), (3, 4)', { ...created(delta('/t')), asQuery: 'VALUES (1, 2), (3, 4)' }],
    ['AS WITH', 'CREATE TABLE delta.`/t` AS WITH q AS (SELECT 1) SELECT * FROM q', { ...created(delta('/t')), asQuery: 'WITH q AS (SELECT 1) SELECT * FROM q' }],
    ['AS FROM (DuckDB)', 'CREATE TABLE t AS FROM src', { ...created(named('t')), asQuery: 'FROM src' }],
    [
      'columns and AS together are parsed (the executor decides)',
      'CREATE TABLE delta.`/t` (a INT) AS SELECT 1',
      { ...created(delta('/t')), columns: [col('a', int)], asQuery: 'SELECT 1' },
    ],
    [
      'REPLACE TABLE must exist',
      'REPLACE TABLE delta.`/t` (a INT) USING delta',
      { ...created(delta('/t')), orReplace: true, mustExist: true, columns: [col('a', int)], using: 'delta' },
    ],
    [
      'odd spacing and comments everywhere',
      '/*c*/CREATE/*c*/OR--c\nREPLACE\tTABLE delta . `/t`(a\nARRAY<ARRAY<INT>>,b MAP<STRING,INT>)PARTITIONED/**/BY(a)',
      {
        ...created(delta('/t')),
        orReplace: true,
        columns: [
          col('a', { kind: 'array', element: { kind: 'array', element: int, containsNull: true }, containsNull: true }),
          col('b', { kind: 'map', key: str, value: int, valueContainsNull: true }),
        ],
        partitionedBy: ['a'],
      },
    ],
    [
      'DuckDB types on a path',
      'CREATE TABLE delta.`/t` (a INTEGER[], m MAP(VARCHAR, DOUBLE), s STRUCT(x TIMESTAMP))',
      {
        ...created(delta('/t')),
        columns: [
          col('a', { kind: 'array', element: int, containsNull: true }),
          col('m', { kind: 'map', key: str, value: primitive('double'), valueContainsNull: true }),
          col('s', { kind: 'struct', fields: [field('x', primitive('timestamp'))] }),
        ],
      },
    ],
  ];
  it.each(cases)('%s', (_name, sql, expected) => {
    expect(parseWriteStatement(sql)).toEqual(expected);
  });
});

describe('parseWriteStatement: CONVERT TO DELTA', () => {
  const cases: [string, string, WriteStatement][] = [
    ['parquet path', 'CONVERT TO DELTA parquet.`/p`', { kind: 'convert_to_delta', source: { kind: 'path', format: 'parquet', path: '/p' }, noStatistics: false }],
    [
      'NO STATISTICS and partitions',
      'convert to delta parquet.`s3://b/p` no statistics partitioned by (d DATE, h INT COMMENT \'hour\');',
      {
        kind: 'convert_to_delta',
        source: { kind: 'path', format: 'parquet', path: 's3://b/p' },
        noStatistics: true,
        partitionSchema: [col('d', primitive('date')), col('h', int, { comment: 'hour' })],
      },
    ],
    ['a named table', 'CONVERT TO DELTA db.events', { kind: 'convert_to_delta', source: named('db', 'events'), noStatistics: false }],
  ];
  it.each(cases)('%s', (_name, sql, expected) => {
    expect(parseWriteStatement(sql)).toEqual(expected);
  });
});

describe('parseWriteStatement: INSERT', () => {
  const append = (target: TableRef, querySql: string) => ({ kind: 'insert' as const, target, mode: 'append' as const, byName: false, querySql });
  const cases: [string, string, WriteStatement][] = [
    ['VALUES', 'INSERT INTO delta.`/t` VALUES (1, \'a\'), (2, \'b\');', append(delta('/t'), "VALUES (1, 'a'), (2, 'b')")],
    ['TABLE keyword', 'insert into table delta.`/t` select * from s', append(delta('/t'), 'select * from s')],
    ['a table named table', 'INSERT INTO table SELECT 1', append(named('table'), 'SELECT 1')],
    ['Spark TABLE query', 'INSERT INTO delta.`/t` TABLE src', append(delta('/t'), 'TABLE src')],
    ['FROM-first query', 'INSERT INTO t FROM src', append(named('t'), 'FROM src')],
    ['WITH query', 'INSERT INTO delta.`/t` WITH q AS (SELECT 1) SELECT * FROM q', append(delta('/t'), 'WITH q AS (SELECT 1) SELECT * FROM q')],
    ['parenthesised query', 'INSERT INTO delta.`/t` (SELECT 1)', append(delta('/t'), '(SELECT 1)')],
    ['doubly parenthesised query', 'INSERT INTO delta.`/t` ((SELECT 1) UNION ALL (SELECT 2))', append(delta('/t'), '((SELECT 1) UNION ALL (SELECT 2))')],
    ['column list', 'INSERT INTO delta.`/t` (b, `a a`) SELECT 1, 2', { ...append(delta('/t'), 'SELECT 1, 2'), columns: ['b', 'a a'] }],
    ['BY NAME', 'INSERT INTO delta.`/t` BY NAME SELECT 1 AS a', { ...append(delta('/t'), 'SELECT 1 AS a'), byName: true }],
    ['BY POSITION', 'INSERT INTO t BY POSITION VALUES (1)', append(named('t'), 'VALUES (1)')],
    ['a DuckDB temp table', 'INSERT INTO temp_t SELECT * FROM read_csv(\'x.csv\')', append(named('temp_t'), "SELECT * FROM read_csv('x.csv')")],
    ['a join on a column named conflict', 'INSERT INTO t SELECT * FROM a JOIN b ON conflict', append(named('t'), 'SELECT * FROM a JOIN b ON conflict')],
    ['OVERWRITE', 'INSERT OVERWRITE delta.`/t` SELECT 1', { ...append(delta('/t'), 'SELECT 1'), mode: 'overwrite' }],
    [
      'OVERWRITE with PARTITION and columns',
      "INSERT OVERWRITE TABLE delta.`/t` PARTITION (p = 'x', q, r = DATE '2024-01-01') (a, b) VALUES (1, 2)",
      {
        ...append(delta('/t'), 'VALUES (1, 2)'),
        mode: 'overwrite',
        columns: ['a', 'b'],
        partitionSpec: [{ column: 'p', valueSql: "'x'" }, { column: 'q' }, { column: 'r', valueSql: "DATE '2024-01-01'" }],
      },
    ],
    [
      'INTO with PARTITION',
      'INSERT INTO delta.`/t` PARTITION (p = -1) SELECT 1',
      { ...append(delta('/t'), 'SELECT 1'), partitionSpec: [{ column: 'p', valueSql: '-1' }] },
    ],
  ];
  it.each(cases)('%s', (_name, sql, expected) => {
    expect(parseWriteStatement(sql)).toEqual(expected);
  });

  const replaceWhere: [string, string, string, string][] = [
    ['simple', "INSERT INTO delta.`/t` REPLACE WHERE d >= '2024-01-01' SELECT * FROM s", "d >= '2024-01-01'", 'SELECT * FROM s'],
    ['parentheses in the predicate', 'INSERT INTO delta.`/t` REPLACE WHERE (a = 1 OR (b = 2)) AND c IN (1, 2) VALUES (1)', '(a = 1 OR (b = 2)) AND c IN (1, 2)', 'VALUES (1)'],
    ['subquery in the predicate', 'INSERT INTO delta.`/t` REPLACE WHERE a IN (SELECT x FROM k) AND EXISTS (SELECT 1) SELECT 2', 'a IN (SELECT x FROM k) AND EXISTS (SELECT 1)', 'SELECT 2'],
    ['function call', 'INSERT INTO delta.`/t` REPLACE WHERE year(d) = 2024 TABLE src', 'year(d) = 2024', 'TABLE src'],
    ['FROM inside a call', 'INSERT INTO delta.`/t` REPLACE WHERE extract(year FROM d) = 2024 FROM src', 'extract(year FROM d) = 2024', 'FROM src'],
    ['IS DISTINCT FROM', 'INSERT INTO delta.`/t` REPLACE WHERE a IS NOT DISTINCT FROM 3 SELECT 1', 'a IS NOT DISTINCT FROM 3', 'SELECT 1'],
    ['parenthesised query after a literal', "INSERT INTO delta.`/t` REPLACE WHERE d = '2024' (SELECT 1)", "d = '2024'", '(SELECT 1)'],
    ['parenthesised query after )', 'INSERT INTO delta.`/t` REPLACE WHERE (d = 1) ((SELECT 1))', '(d = 1)', '((SELECT 1))'],
    ['parenthesised query after true', 'INSERT INTO delta.`/t` REPLACE WHERE true (WITH q AS (SELECT 1) SELECT * FROM q)', 'true', '(WITH q AS (SELECT 1) SELECT * FROM q)'],
    ['scalar subquery first', 'INSERT INTO delta.`/t` REPLACE WHERE (SELECT max(d) FROM s) > d SELECT 1', '(SELECT max(d) FROM s) > d', 'SELECT 1'],
    ['comments between', 'INSERT INTO delta.`/t` REPLACE WHERE /* a */ a = 1 /* b */ -- c\n SELECT 1', 'a = 1', 'SELECT 1'],
  ];
  it.each(replaceWhere)('REPLACE WHERE: %s', (_name, sql, replaceWhereSql, querySql) => {
    expect(parseWriteStatement(sql)).toEqual({ kind: 'insert', target: delta('/t'), mode: 'replace_where', byName: false, replaceWhereSql, querySql });
  });
});

describe('parseWriteStatement: ALTER TABLE', () => {
  const t = delta('/t');
  const cases: [string, string, WriteStatement][] = [
    ['ADD CONSTRAINT', 'ALTER TABLE delta.`/t` ADD CONSTRAINT pos CHECK (a > 0 AND f(b, (c)))', { kind: 'add_constraint', target: t, name: 'pos', checkSql: 'a > 0 AND f(b, (c))' }],
    ['DROP CONSTRAINT', 'alter table delta.`/t` drop constraint pos;', { kind: 'drop_constraint', target: t, name: 'pos', ifExists: false }],
    ['DROP CONSTRAINT IF EXISTS', 'ALTER TABLE delta.`/t` DROP CONSTRAINT IF EXISTS `p q`', { kind: 'drop_constraint', target: t, name: 'p q', ifExists: true }],
    ['ADD COLUMN single', 'ALTER TABLE delta.`/t` ADD COLUMN c INT NOT NULL', { kind: 'add_columns', target: t, columns: [col('c', int, { nullable: false })] }],
    ['ADD COLUMN with default', "ALTER TABLE t ADD COLUMN c STRING DEFAULT 'x'", { kind: 'add_columns', target: named('t'), columns: [col('c', str, { defaultSql: "'x'" })] }],
    [
      'ADD COLUMNS list',
      "ALTER TABLE delta.`/t` ADD COLUMNS (c INT COMMENT 'x', d MAP<STRING, ARRAY<INT>>)",
      {
        kind: 'add_columns',
        target: t,
        columns: [col('c', int, { comment: 'x' }), col('d', { kind: 'map', key: str, value: { kind: 'array', element: int, containsNull: true }, valueContainsNull: true })],
      },
    ],
    ['ADD COLUMNS without parentheses', 'ALTER TABLE delta.`/t` ADD COLUMNS c INT, d DATE', { kind: 'add_columns', target: t, columns: [col('c', int), col('d', primitive('date'))] }],
    [
      'SET TBLPROPERTIES',
      "ALTER TABLE delta.`/t` SET TBLPROPERTIES ('delta.appendOnly' = 'true', delta.checkpointInterval = 5, f = false)",
      { kind: 'set_properties', target: t, properties: { 'delta.appendOnly': 'true', 'delta.checkpointInterval': '5', f: 'false' } },
    ],
    ['UNSET TBLPROPERTIES', "ALTER TABLE delta.`/t` UNSET TBLPROPERTIES ('a', b.c, 'a')", { kind: 'unset_properties', target: t, keys: ['a', 'b.c'], ifExists: false }],
    ['UNSET TBLPROPERTIES IF EXISTS', "ALTER TABLE delta.`/t` UNSET TBLPROPERTIES IF EXISTS ('a')", { kind: 'unset_properties', target: t, keys: ['a'], ifExists: true }],
    ['ALTER COLUMN SET NOT NULL', 'ALTER TABLE delta.`/t` ALTER COLUMN c SET NOT NULL', { kind: 'set_nullability', target: t, column: 'c', nullable: false }],
    ['ALTER c DROP NOT NULL', 'ALTER TABLE delta.`/t` ALTER c DROP NOT NULL', { kind: 'set_nullability', target: t, column: 'c', nullable: true }],
    ['CHANGE COLUMN', 'ALTER TABLE delta.`/t` CHANGE COLUMN `c` DROP NOT NULL', { kind: 'set_nullability', target: t, column: 'c', nullable: true }],
    ['a column named column', 'ALTER TABLE delta.`/t` ALTER COLUMN SET NOT NULL', { kind: 'set_nullability', target: t, column: 'COLUMN', nullable: false }],
    ['a column named set', 'ALTER TABLE delta.`/t` ALTER COLUMN set DROP NOT NULL', { kind: 'set_nullability', target: t, column: 'set', nullable: true }],
  ];
  it.each(cases)('%s', (_name, sql, expected) => {
    expect(parseWriteStatement(sql)).toEqual(expected);
  });
});

describe('parseWriteStatement: not a write statement', () => {
  const others: [string, string][] = [
    ['empty', ''],
    ['a comment', '-- CREATE TABLE delta.`/t`'],
    ['SELECT', 'SELECT * FROM delta.`/t`'],
    ['DESCRIBE', 'DESCRIBE HISTORY delta.`/t`'],
    ['CREATE TEMP TABLE', 'CREATE TEMP TABLE t (a INT)'],
    ['CREATE OR REPLACE TEMPORARY TABLE', 'CREATE OR REPLACE TEMPORARY TABLE t AS SELECT 1'],
    ['CREATE VIEW', 'CREATE VIEW v AS SELECT * FROM delta.`/t`'],
    ['CREATE OR REPLACE VIEW', 'create or replace view v as select 1'],
    ['CREATE MACRO', 'CREATE MACRO m(a) AS a + 1'],
    ['CREATE FUNCTION', 'CREATE FUNCTION f(a) AS a'],
    ['CREATE SEQUENCE', 'CREATE SEQUENCE s'],
    ['CREATE TYPE', "CREATE TYPE mood AS ENUM ('a')"],
    ['CREATE INDEX', 'CREATE INDEX i ON t (a)'],
    ['CREATE SCHEMA', 'CREATE SCHEMA s'],
    ['REPLACE as a function', "SELECT replace('a', 'b', 'c')"],
    ['CONVERT without TO DELTA', 'CONVERT something'],
    ['INSERT OVERWRITE DIRECTORY', "INSERT OVERWRITE DIRECTORY '/d' SELECT 1"],
    ['INSERT OVERWRITE LOCAL DIRECTORY', "INSERT OVERWRITE LOCAL DIRECTORY '/d' SELECT 1"],
    ['ALTER VIEW', 'ALTER VIEW v RENAME TO w'],
    ['ALTER TABLE IF EXISTS (DuckDB)', 'ALTER TABLE IF EXISTS t ADD COLUMN c INT'],
  ];
  it.each(others)('%s', (_name, sql) => {
    expect(parseWriteStatement(sql)).toBeUndefined();
  });

  const duckdbOnNames: [string, string][] = [
    ['PRIMARY KEY column', 'CREATE TABLE t (id INTEGER PRIMARY KEY, v VARCHAR)'],
    ['UNIQUE column', 'CREATE TABLE t (id INTEGER UNIQUE)'],
    ['table PRIMARY KEY', 'CREATE TABLE t (id INTEGER, PRIMARY KEY (id))'],
    ['unnamed CHECK', 'CREATE TABLE t (id INTEGER, CHECK (id > 0))'],
    ['column CHECK', 'CREATE TABLE t (id INTEGER CHECK (id > 0))'],
    ['generated column', 'CREATE TABLE t (a INT, b INT GENERATED ALWAYS AS (a + 1))'],
    ['type Delta cannot store', 'CREATE TABLE t (u UUID, h HUGEINT)'],
    ['user-defined type', 'CREATE TABLE t (m mood)'],
    ['INSERT OR REPLACE', 'INSERT OR REPLACE INTO t VALUES (1)'],
    ['INSERT OR IGNORE', 'INSERT OR IGNORE INTO t SELECT 1'],
    ['DEFAULT VALUES', 'INSERT INTO t DEFAULT VALUES'],
    ['RETURNING', 'INSERT INTO t VALUES (1) RETURNING *'],
    ['ON CONFLICT', 'INSERT INTO t VALUES (1) ON CONFLICT DO NOTHING'],
    ['ON CONFLICT (cols)', 'INSERT INTO t VALUES (1) ON CONFLICT (a) DO UPDATE SET b = 2'],
    ['RENAME', 'ALTER TABLE t RENAME TO u'],
    ['DROP COLUMN', 'ALTER TABLE t DROP COLUMN c'],
    ['ALTER COLUMN TYPE', 'ALTER TABLE t ALTER COLUMN c TYPE BIGINT'],
    ['ALTER COLUMN SET DEFAULT', 'ALTER TABLE t ALTER COLUMN c SET DEFAULT 1'],
    ['ADD COLUMN IF NOT EXISTS', 'ALTER TABLE t ADD COLUMN IF NOT EXISTS c INT'],
    ['ADD COLUMN of a DuckDB type', 'ALTER TABLE t ADD COLUMN c UUID'],
    ['ADD without COLUMN', 'ALTER TABLE t ADD c INT'],
  ];
  it.each(duckdbOnNames)('DuckDB-only syntax on a plain name: %s', (_name, sql) => {
    expect(parseWriteStatement(sql)).toBeUndefined();
  });
});

describe('parseWriteStatement: errors', () => {
  const errors: [string, string, string][] = [
    // CREATE / REPLACE TABLE
    ['unknown type', 'CREATE TABLE delta.`/x` (a INTEGR)', 'sql: unknown type INTEGR at line 1 column 28'],
    ['unsupported type', 'CREATE TABLE delta.`/x` (a INT,\n b INTERVAL)', 'sql: type INTERVAL is not supported in Delta tables at line 2 column 4'],
    ['nested unsupported type', 'CREATE TABLE delta.`/x` (a ARRAY<STRUCT<u: UUID>>)', 'sql: type UUID is not supported in Delta tables at line 1 column 44'],
    ['bad decimal', 'CREATE TABLE t (a DECIMAL(40, 2))', 'sql: DECIMAL precision 40 is out of range (1 to 38) at line 1 column 27'],
    ['no target', 'CREATE TABLE', 'sql: CREATE TABLE expects a table name or delta.`<path>` at line 1 column 13'],
    ['target is a string', "CREATE TABLE '/p' (a INT)", 'sql: CREATE TABLE expects a table name or delta.`<path>` at line 1 column 14'],
    ['empty path', 'CREATE TABLE delta.`` (a INT)', 'sql: CREATE TABLE expects a non-empty path at line 1 column 20'],
    ['dangling dot in the name', 'CREATE TABLE a. (x INT)', 'sql: CREATE TABLE table name expects a name at line 1 column 17'],
    ['OR REPLACE with IF NOT EXISTS', 'CREATE OR REPLACE TABLE IF NOT EXISTS t (a INT)', 'sql: CREATE OR REPLACE TABLE cannot be combined with IF NOT EXISTS at line 1 column 25'],
    ['REPLACE TABLE IF NOT EXISTS', 'REPLACE TABLE IF NOT EXISTS t', 'sql: REPLACE TABLE cannot be combined with IF NOT EXISTS at line 1 column 15'],
    ['empty column list', 'CREATE TABLE delta.`/x` ()', 'sql: CREATE TABLE column expects a name at line 1 column 26'],
    ['column without a type', 'CREATE TABLE delta.`/x` (a)', 'sql: expects a type at line 1 column 27'],
    ['missing comma', 'CREATE TABLE delta.`/x` (a INT b INT)', "sql: CREATE TABLE column list expects ')' at line 1 column 32"],
    ['unclosed column list', 'CREATE TABLE delta.`/x` (a INT', "sql: CREATE TABLE column list expects ')' at line 1 column 31"],
    ['duplicate column', 'CREATE TABLE delta.`/x` (a INT, A STRING)', 'sql: CREATE TABLE has two columns named A at line 1 column 33'],
    ['qualified column name', 'CREATE TABLE delta.`/x` (s.a INT)', 'sql: CREATE TABLE expects a plain column name, not a qualified one at line 1 column 27'],
    ['two NOT NULLs', 'CREATE TABLE delta.`/x` (a INT NOT NULL NOT NULL)', 'sql: column a has two NULL/NOT NULL clauses at line 1 column 41'],
    ['NULL and NOT NULL', 'CREATE TABLE delta.`/x` (a INT NULL NOT NULL)', 'sql: column a has two NULL/NOT NULL clauses at line 1 column 37'],
    ['two comments', "CREATE TABLE delta.`/x` (a INT COMMENT 'x' COMMENT 'y')", 'sql: column a has two COMMENT clauses at line 1 column 44'],
    ['empty DEFAULT', 'CREATE TABLE delta.`/x` (a INT DEFAULT)', 'sql: column a DEFAULT expects an expression at line 1 column 39'],
    ['comment not a string', 'CREATE TABLE delta.`/x` (a INT COMMENT x)', 'sql: column a COMMENT expects a string literal at line 1 column 40'],
    ['PRIMARY KEY on a path', 'CREATE TABLE delta.`/x` (id INT PRIMARY KEY)', 'sql: column id: PRIMARY KEY is not supported in Delta tables at line 1 column 33'],
    ['generated column on a path', 'CREATE TABLE delta.`/x` (a INT GENERATED ALWAYS AS (1))', 'sql: column a: GENERATED (generated and identity columns) is not supported in Delta tables at line 1 column 32'],
    ['unnamed CHECK on a path', 'CREATE TABLE delta.`/x` (a INT, CHECK (a > 0))', 'sql: CREATE TABLE: a CHECK constraint needs a name (CONSTRAINT <name> CHECK (…)) at line 1 column 33'],
    ['named PRIMARY KEY on a path', 'CREATE TABLE delta.`/x` (a INT, CONSTRAINT pk PRIMARY KEY (a))', 'sql: CREATE TABLE: PRIMARY KEY constraints are not supported in Delta tables at line 1 column 47'],
    ['FOREIGN KEY on a path', 'CREATE TABLE delta.`/x` (a INT, FOREIGN KEY (a) REFERENCES o (b))', 'sql: CREATE TABLE: FOREIGN KEY constraints are not supported in Delta tables at line 1 column 33'],
    ['CHECK without parentheses', 'CREATE TABLE delta.`/x` (a INT, CONSTRAINT c CHECK a > 0)', "sql: CONSTRAINT c CHECK expects '(' at line 1 column 52"],
    ['empty CHECK', 'CREATE TABLE delta.`/x` (a INT, CONSTRAINT c CHECK ())', 'sql: CONSTRAINT c CHECK expects an expression at line 1 column 53'],
    ['unclosed CHECK', 'CREATE TABLE delta.`/x` (a INT, CONSTRAINT c CHECK (a > (0)', "sql: CONSTRAINT c CHECK expects ')' at line 1 column 60"],
    ['duplicate constraint', 'CREATE TABLE delta.`/x` (a INT, CONSTRAINT c CHECK (a > 0), CONSTRAINT C CHECK (a < 9))', 'sql: CREATE TABLE has two constraints named C at line 1 column 61'],
    ['unknown clause', 'CREATE TABLE delta.`/x` (a INT) STORED AS PARQUET', 'sql: unexpected STORED in CREATE TABLE at line 1 column 33'],
    ['second statement', 'CREATE TABLE delta.`/x` (a INT); SELECT 1', 'sql: unexpected ; in CREATE TABLE at line 1 column 32'],
    ['clause twice', "CREATE TABLE delta.`/x` LOCATION '/a' COMMENT 'c' LOCATION '/b'", 'sql: CREATE TABLE has two LOCATION clauses at line 1 column 51'],
    ['PARTITIONED BY twice', 'CREATE TABLE t PARTITIONED BY (a) PARTITIONED BY (b)', 'sql: CREATE TABLE has two PARTITIONED BY clauses at line 1 column 35'],
    ['PARTITIONED and CLUSTERED', 'CREATE TABLE t (a INT) PARTITIONED BY (a) CLUSTER BY (a)', 'sql: CREATE TABLE cannot have both PARTITIONED BY and CLUSTER BY at line 1 column 57'],
    ['PARTITIONED BY without a list', 'CREATE TABLE t PARTITIONED BY a', "sql: CREATE TABLE PARTITIONED BY expects '(' at line 1 column 31"],
    ['PARTITIONED BY a column twice', 'CREATE TABLE t PARTITIONED BY (a, A)', 'sql: CREATE TABLE PARTITIONED BY names column A twice at line 1 column 35'],
    ['typed partition repeats a column', 'CREATE TABLE t (a INT) PARTITIONED BY (a INT)', 'sql: CREATE TABLE PARTITIONED BY defines column a, which the column list defines already at line 1 column 40'],
    ['CLUSTER BY AUTO', 'CREATE TABLE t CLUSTER BY AUTO', 'sql: CREATE TABLE CLUSTER BY AUTO is not supported at line 1 column 27'],
    ['USING without a format', 'CREATE TABLE t USING', 'sql: CREATE TABLE USING expects a name at line 1 column 21'],
    ['LOCATION not a string', 'CREATE TABLE t LOCATION /p', 'sql: CREATE TABLE LOCATION expects a string literal at line 1 column 25'],
    ['empty LOCATION', "CREATE TABLE t LOCATION ''", 'sql: CREATE TABLE LOCATION expects a non-empty path at line 1 column 25'],
    ['empty TBLPROPERTIES', 'CREATE TABLE t TBLPROPERTIES ()', "sql: CREATE TABLE TBLPROPERTIES expects a property key ('key' or a dotted name) at line 1 column 31"],
    ['property without a value', "CREATE TABLE t TBLPROPERTIES ('a')", 'sql: CREATE TABLE TBLPROPERTIES a expects a string, number, true or false at line 1 column 34'],
    ['property value a name', 'CREATE TABLE t TBLPROPERTIES (a = b)', 'sql: CREATE TABLE TBLPROPERTIES a expects a string, number, true or false at line 1 column 35'],
    ['property twice', "CREATE TABLE t TBLPROPERTIES (a = 1, 'a' = 2)", 'sql: CREATE TABLE TBLPROPERTIES sets a twice at line 1 column 38'],
    ['leading comma in TBLPROPERTIES', "CREATE TABLE t TBLPROPERTIES (, 'a' = 1)", "sql: CREATE TABLE TBLPROPERTIES expects a property key ('key' or a dotted name) at line 1 column 31"],
    ['trailing comma in TBLPROPERTIES', "CREATE TABLE t TBLPROPERTIES ('a' = 1,)", "sql: CREATE TABLE TBLPROPERTIES expects a property key ('key' or a dotted name) at line 1 column 39"],
    ['empty property key', "CREATE TABLE t TBLPROPERTIES ('' = 1)", 'sql: CREATE TABLE TBLPROPERTIES expects a non-empty key at line 1 column 31'],
    ['AS without a query', 'CREATE TABLE t AS', 'sql: CREATE TABLE AS expects a query at line 1 column 18'],
    ['AS of an expression', 'CREATE TABLE t AS 1 + 1', 'sql: CREATE TABLE AS expects a query (SELECT, VALUES, WITH, FROM, TABLE or a parenthesised query) at line 1 column 19'],
    ['clause after AS query is part of the query', 'CREATE TABLE t AS SELECT 1; LOCATION', 'sql: unexpected ; in CREATE TABLE AS at line 1 column 27'],
    // CONVERT TO DELTA
    ['CONVERT without a source', 'CONVERT TO DELTA', 'sql: CONVERT TO DELTA expects a table name or delta.`<path>` at line 1 column 17'],
    ['CONVERT partition without a type', 'CONVERT TO DELTA parquet.`/p` PARTITIONED BY (d)', 'sql: CONVERT TO DELTA PARTITIONED BY expects a type after column d at line 1 column 48'],
    ['CONVERT with trailing words', 'CONVERT TO DELTA parquet.`/p` NO STATS', 'sql: unexpected NO in CONVERT TO DELTA at line 1 column 31'],
    ['CONVERT with an unsupported partition type', 'CONVERT TO DELTA parquet.`/p` PARTITIONED BY (d UUID)', 'sql: type UUID is not supported in Delta tables at line 1 column 49'],
    // INSERT
    ['INSERT without a target', 'INSERT INTO', 'sql: INSERT INTO expects a table name or delta.`<path>` at line 1 column 12'],
    ['INSERT without a query', 'INSERT INTO delta.`/x`', 'sql: INSERT INTO expects a query at line 1 column 23'],
    ['INSERT with columns but no query', 'INSERT INTO delta.`/x` (a, b);', 'sql: INSERT INTO expects a query at line 1 column 31'],
    ['INSERT OVERWRITE without a query', 'INSERT OVERWRITE delta.`/x`', 'sql: INSERT OVERWRITE expects a query at line 1 column 28'],
    ['INSERT of an expression', 'INSERT INTO delta.`/x` 1', 'sql: INSERT INTO expects a query (SELECT, VALUES, WITH, FROM, TABLE or a parenthesised query) at line 1 column 24'],
    ['columns and BY NAME', 'INSERT INTO delta.`/x` (a) BY NAME SELECT 1', 'sql: INSERT INTO cannot have both a column list and BY NAME at line 1 column 28'],
    ['empty column list', 'INSERT INTO delta.`/x` () SELECT 1', 'sql: INSERT INTO column list expects a name at line 1 column 25'],
    ['PARTITION value missing', 'INSERT OVERWRITE delta.`/x` PARTITION (p = ) SELECT 1', 'sql: INSERT OVERWRITE PARTITION expects a value for column p at line 1 column 44'],
    ['PARTITION column twice', "INSERT OVERWRITE delta.`/x` PARTITION (p = 1, P = 2) SELECT 1", 'sql: INSERT OVERWRITE PARTITION names column P twice at line 1 column 47'],
    ['PARTITION unclosed', 'INSERT OVERWRITE delta.`/x` PARTITION (p = 1 SELECT 1', "sql: INSERT OVERWRITE PARTITION expects ')' at line 1 column 54"],
    ['DEFAULT VALUES on a path', 'INSERT INTO delta.`/x` DEFAULT VALUES', 'sql: INSERT INTO DEFAULT VALUES is not supported for Delta tables at line 1 column 24'],
    ['RETURNING on a path', 'INSERT INTO delta.`/x` SELECT 1 RETURNING *', 'sql: INSERT INTO … RETURNING is not supported for Delta tables at line 1 column 33'],
    ['ON CONFLICT on a path', 'INSERT INTO delta.`/x` VALUES (1) ON CONFLICT DO NOTHING', 'sql: INSERT INTO … ON CONFLICT is not supported for Delta tables at line 1 column 35'],
    ['INSERT OR REPLACE on a path', 'INSERT OR REPLACE INTO delta.`/x` VALUES (1)', 'sql: INSERT OR REPLACE/IGNORE is not supported for Delta tables (use MERGE) at line 1 column 8'],
    ['second statement after INSERT', 'INSERT INTO delta.`/x` SELECT 1; SELECT 2', 'sql: unexpected ; in INSERT INTO at line 1 column 32'],
    ['REPLACE WHERE without a predicate', 'INSERT INTO delta.`/x` REPLACE WHERE SELECT 1', 'sql: INSERT INTO … REPLACE WHERE expects a predicate at line 1 column 38'],
    ['REPLACE WHERE at the end', 'INSERT INTO delta.`/x` REPLACE WHERE', 'sql: INSERT INTO … REPLACE WHERE expects a predicate at line 1 column 37'],
    ['REPLACE WHERE without a query', 'INSERT INTO delta.`/x` REPLACE WHERE a = 1', 'sql: INSERT INTO … REPLACE WHERE expects a query after the predicate at line 1 column 43'],
    ['REPLACE WHERE with a name before (', 'INSERT INTO delta.`/x` REPLACE WHERE flag (SELECT 1)', 'sql: INSERT INTO … REPLACE WHERE expects a query after the predicate at line 1 column 53'],
    ['REPLACE WHERE unbalanced', 'INSERT INTO delta.`/x` REPLACE WHERE a = 1) SELECT 1', 'sql: unexpected ) in INSERT INTO … REPLACE WHERE at line 1 column 43'],
    ['REPLACE WHERE with ;', 'INSERT INTO delta.`/x` REPLACE WHERE a = 1; SELECT 1', 'sql: unexpected ; in INSERT INTO … REPLACE WHERE at line 1 column 43'],
    // ALTER TABLE
    ['ALTER TABLE without an action', 'ALTER TABLE delta.`/x`', 'sql: ALTER TABLE expects an action (ADD, DROP, SET, UNSET, ALTER, CHANGE, RENAME COLUMN or CLUSTER BY) at line 1 column 23'],
    ['other action on a path', 'ALTER TABLE delta.`/x` RENAME TO y', 'sql: ALTER TABLE supports ADD CONSTRAINT, DROP CONSTRAINT, ADD COLUMN[S], DROP COLUMN[S], RENAME COLUMN, SET TBLPROPERTIES, UNSET TBLPROPERTIES, ALTER|CHANGE COLUMN … COMMENT/TYPE/SET NOT NULL/DROP NOT NULL and CLUSTER BY; found RENAME at line 1 column 24'],
    ['ADD CONSTRAINT without CHECK', 'ALTER TABLE delta.`/x` ADD CONSTRAINT c', 'sql: ALTER TABLE ADD CONSTRAINT c expects CHECK (<condition>) at line 1 column 40'],
    ['ADD CONSTRAINT UNIQUE on a path', 'ALTER TABLE delta.`/x` ADD CONSTRAINT c UNIQUE (a)', 'sql: ALTER TABLE ADD CONSTRAINT: UNIQUE constraints are not supported in Delta tables at line 1 column 41'],
    ['ADD CONSTRAINT without a name', 'ALTER TABLE delta.`/x` ADD CONSTRAINT CHECK (a > 0)', 'sql: ALTER TABLE ADD CONSTRAINT CHECK expects CHECK (<condition>) at line 1 column 45'],
    ['ADD CONSTRAINT trailing words', 'ALTER TABLE delta.`/x` ADD CONSTRAINT c CHECK (a > 0) ENFORCED', 'sql: unexpected ENFORCED in ALTER TABLE at line 1 column 55'],
    ['DROP CONSTRAINT without a name', 'ALTER TABLE delta.`/x` DROP CONSTRAINT', 'sql: ALTER TABLE DROP CONSTRAINT expects a name at line 1 column 39'],
    ['ADD COLUMNS with FIRST', 'ALTER TABLE delta.`/x` ADD COLUMNS (c INT FIRST)', 'sql: ALTER TABLE ADD COLUMNS: column positions (FIRST, AFTER) are not supported at line 1 column 43'],
    ['ADD COLUMN AFTER', 'ALTER TABLE delta.`/x` ADD COLUMN c INT AFTER b', 'sql: ALTER TABLE ADD COLUMN: column positions (FIRST, AFTER) are not supported at line 1 column 41'],
    ['ADD COLUMNS twice the same', 'ALTER TABLE delta.`/x` ADD COLUMNS (c INT, c INT)', 'sql: ALTER TABLE ADD COLUMNS names column c twice at line 1 column 44'],
    ['ADD COLUMNS unclosed', 'ALTER TABLE delta.`/x` ADD COLUMNS (c INT', "sql: ALTER TABLE ADD COLUMNS expects ')' at line 1 column 42"],
    ['ADD COLUMN nested field', 'ALTER TABLE delta.`/x` ADD COLUMN s.f INT', 'sql: ALTER TABLE ADD COLUMN expects a plain column name, not a qualified one at line 1 column 36'],
    ['ADD COLUMN bad type', 'ALTER TABLE delta.`/x` ADD COLUMN c VARIANT', 'sql: type VARIANT is not supported in Delta tables at line 1 column 37'],
    ['ADD COLUMN IF NOT EXISTS on a path', 'ALTER TABLE delta.`/x` ADD COLUMN IF NOT EXISTS c INT', 'sql: ALTER TABLE ADD COLUMN IF NOT EXISTS is not supported for Delta tables at line 1 column 35'],
    ['SET TBLPROPERTIES without a list', "ALTER TABLE delta.`/x` SET TBLPROPERTIES 'a' = 1", "sql: ALTER TABLE SET TBLPROPERTIES expects '(' at line 1 column 42"],
    ['UNSET TBLPROPERTIES of a number', 'ALTER TABLE delta.`/x` UNSET TBLPROPERTIES (1)', "sql: ALTER TABLE UNSET TBLPROPERTIES expects a property key ('key' or a dotted name) at line 1 column 45"],
    ['ALTER COLUMN without an action', 'ALTER TABLE delta.`/x` ALTER COLUMN', 'sql: ALTER TABLE ALTER COLUMN supports COMMENT, TYPE, SET NOT NULL and DROP NOT NULL at line 1 column 36'],
    ['ALTER without a column', 'ALTER TABLE delta.`/x` ALTER', 'sql: ALTER TABLE ALTER COLUMN expects a name at line 1 column 29'],
    // lexing
    ['unterminated string', "INSERT INTO delta.`/x` VALUES ('a)", 'sql: unterminated string literal starting at line 1 column 32'],
  ];
  it.each(errors)('%s', (_name, sql, message) => {
    expect(failure(sql).message).toBe(message);
  });

  it('carries line, column and the offending text in the context', () => {
    const error = failure('CREATE TABLE delta.`/x` (\n  a INTEGR\n)');
    expect(error.context).toMatchObject({ line: 2, column: 5, found: 'INTEGR' });
  });
});
