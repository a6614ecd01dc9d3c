import { describe, expect, it } from 'vitest';
import { LochError } from '../../core/errors.js';
import { parseCatalogStatement, type CatalogStatement } from './catalog-parser.js';

function failure(sql: string): LochError {
  try {
    parseCatalogStatement(sql);
  } catch (error) {
    expect(error).toBeInstanceOf(LochError);
    expect((error as LochError).code).toBe('INVALID_ARGUMENT');
    return error as LochError;
  }
  throw new Error(`expected ${sql} to fail`);
}

const name = (...parts: string[]) => ({ kind: 'name' as const, parts });

describe('parseCatalogStatement: catalogs and schemas', () => {
  const cases: [string, CatalogStatement][] = [
    ['create catalog sales', { kind: 'create_catalog', name: 'sales', ifNotExists: false }],
    [
      "CREATE CATALOG IF NOT EXISTS `my cat` COMMENT 'c''s' MANAGED LOCATION '/data/x';",
      { kind: 'create_catalog', name: 'my cat', ifNotExists: true, managedLocation: '/data/x', comment: "c's" },
    ],
    ['DROP CATALOG IF EXISTS c CASCADE', { kind: 'drop', object: 'catalog', name: ['c'], ifExists: true, cascade: true }],
    ['drop catalog c restrict', { kind: 'drop', object: 'catalog', name: ['c'], ifExists: false, cascade: false }],
    ['ALTER CATALOG c RENAME TO d', { kind: 'alter', object: 'catalog', name: ['c'], change: { kind: 'rename', newName: ['d'] } }],
    ['ALTER CATALOG c SET OWNER TO `alf@melmak.et`', { kind: 'alter', object: 'catalog', name: ['c'], change: { kind: 'owner', principal: 'alf@melmak.et' } }],
    ["ALTER CATALOG c OWNER TO 'team'", { kind: 'alter', object: 'catalog', name: ['c'], change: { kind: 'owner', principal: 'team' } }],
    ["COMMENT ON CATALOG c IS 'hi'", { kind: 'comment_on', object: 'catalog', target: name('c'), comment: 'hi' }],
    ['COMMENT ON CATALOG c IS NULL', { kind: 'comment_on', object: 'catalog', target: name('c'), comment: null }],
    ['CREATE SCHEMA s', { kind: 'create_schema', name: ['s'], ifNotExists: false, properties: {} }],
    [
      "CREATE DATABASE IF NOT EXISTS c.\"ünï\" COMMENT 'x' WITH DBPROPERTIES ('a' = 1, b.c = 'd') MANAGED LOCATION 's3://b/p'",
      { kind: 'create_schema', name: ['c', 'ünï'], ifNotExists: true, managedLocation: 's3://b/p', comment: 'x', properties: { a: '1', 'b.c': 'd' } },
    ],
    ['DROP SCHEMA c.s CASCADE', { kind: 'drop', object: 'schema', name: ['c', 's'], ifExists: false, cascade: true }],
    ['DROP DATABASE IF EXISTS s', { kind: 'drop', object: 'schema', name: ['s'], ifExists: true, cascade: false }],
    ["ALTER SCHEMA s SET DBPROPERTIES ('k' = 'v')", { kind: 'alter', object: 'schema', name: ['s'], change: { kind: 'set_properties', properties: { k: 'v' } } }],
    ['ALTER DATABASE c.s RENAME TO t', { kind: 'alter', object: 'schema', name: ['c', 's'], change: { kind: 'rename', newName: ['t'] } }],
    ["COMMENT ON DATABASE s IS ''", { kind: 'comment_on', object: 'schema', target: name('s'), comment: null }],
    ['USE CATALOG c', { kind: 'use_catalog', name: 'c' }],
    ['use schema s', { kind: 'use_schema', name: ['s'] }],
    ['USE DATABASE c.s', { kind: 'use_schema', name: ['c', 's'] }],
    ['USE s', { kind: 'use_schema', name: ['s'] }],
    ['USE catalog', { kind: 'use_schema', name: ['catalog'] }],
    ['USE `we``ird`.s', { kind: 'use_schema', name: ['we`ird', 's'] }],
  ];
  it.each(cases)('%s', (sql, expected) => expect(parseCatalogStatement(sql)).toEqual(expected));
});

describe('parseCatalogStatement: tables, views, volumes', () => {
  const cases: [string, CatalogStatement][] = [
    ['DROP TABLE t', { kind: 'drop', object: 'table', name: ['t'], ifExists: false, cascade: false }],
    ['DROP TABLE IF EXISTS c.s.`t 1`', { kind: 'drop', object: 'table', name: ['c', 's', 't 1'], ifExists: true, cascade: false }],
    ['UNDROP TABLE s.t', { kind: 'undrop_table', name: ['s', 't'] }],
    ['ALTER TABLE t RENAME TO s.u', { kind: 'alter', object: 'table', name: ['t'], change: { kind: 'rename', newName: ['s', 'u'] } }],
    ['ALTER TABLE t SET OWNER TO bob', { kind: 'alter', object: 'table', name: ['t'], change: { kind: 'owner', principal: 'bob' } }],
    ["COMMENT ON TABLE delta.`/p` IS 'x'", { kind: 'comment_on', object: 'table', target: { kind: 'path', format: 'delta', path: '/p' }, comment: 'x' }],
    ["COMMENT ON VIEW v IS 'x'", { kind: 'comment_on', object: 'table', target: name('v'), comment: 'x' }],
    [
      'CREATE VIEW v AS SELECT 1 AS a',
      { kind: 'create_view', name: ['v'], orReplace: false, ifNotExists: false, properties: {}, query: 'SELECT 1 AS a' },
    ],
    [
      "create or replace view c.s.v (a COMMENT 'first', b) COMMENT 'view' TBLPROPERTIES ('k' = 'v') AS\n  WITH x AS (SELECT 1 a, 2 b) SELECT * FROM x;",
      {
        kind: 'create_view',
        name: ['c', 's', 'v'],
        orReplace: true,
        ifNotExists: false,
        columns: [{ name: 'a', comment: 'first' }, { name: 'b' }],
        comment: 'view',
        properties: { k: 'v' },
        query: 'WITH x AS (SELECT 1 a, 2 b) SELECT * FROM x',
      },
    ],
    ['CREATE VIEW IF NOT EXISTS v AS (SELECT 1)', { kind: 'create_view', name: ['v'], orReplace: false, ifNotExists: true, properties: {}, query: '(SELECT 1)' }],
    ['DROP VIEW IF EXISTS v', { kind: 'drop', object: 'view', name: ['v'], ifExists: true, cascade: false }],
    ['ALTER VIEW v AS SELECT 2', { kind: 'redefine_view', name: ['v'], query: 'SELECT 2' }],
    ["ALTER VIEW v SET TBLPROPERTIES ('a' = 'b')", { kind: 'alter', object: 'view', name: ['v'], change: { kind: 'set_properties', properties: { a: 'b' } } }],
    ["ALTER VIEW v UNSET TBLPROPERTIES IF EXISTS ('a')", { kind: 'alter', object: 'view', name: ['v'], change: { kind: 'unset_properties', keys: ['a'], ifExists: true } }],
    ['ALTER VIEW v RENAME TO w', { kind: 'alter', object: 'view', name: ['v'], change: { kind: 'rename', newName: ['w'] } }],
    ["CREATE VOLUME IF NOT EXISTS s.v COMMENT 'files'", { kind: 'create_volume', name: ['s', 'v'], ifNotExists: true, comment: 'files' }],
    ["CREATE EXTERNAL VOLUME v LOCATION '/mnt/x'", { kind: 'create_volume', name: ['v'], ifNotExists: false, location: '/mnt/x' }],
    ['DROP VOLUME c.s.v', { kind: 'drop', object: 'volume', name: ['c', 's', 'v'], ifExists: false, cascade: false }],
    ['ALTER VOLUME v RENAME TO w', { kind: 'alter', object: 'volume', name: ['v'], change: { kind: 'rename', newName: ['w'] } }],
    ["COMMENT ON VOLUME v IS 'x'", { kind: 'comment_on', object: 'volume', target: name('v'), comment: 'x' }],
  ];
  it.each(cases)('%s', (sql, expected) => expect(parseCatalogStatement(sql)).toEqual(expected));
});

describe('parseCatalogStatement: SHOW and DESCRIBE', () => {
  const path = { kind: 'path' as const, format: 'delta' as const, path: '/p' };
  const cases: [string, CatalogStatement][] = [
    ['SHOW CATALOGS', { kind: 'show_catalogs' }],
    ["SHOW CATALOGS LIKE 'ma*'", { kind: 'show_catalogs', pattern: 'ma*' }],
    ["show catalogs 'ma*|x'", { kind: 'show_catalogs', pattern: 'ma*|x' }],
    ['SHOW SCHEMAS IN c', { kind: 'show_schemas', catalog: 'c' }],
    ["SHOW DATABASES FROM c LIKE 'd*'", { kind: 'show_schemas', catalog: 'c', pattern: 'd*' }],
    ['SHOW TABLES', { kind: 'show_relations', relation: 'tables' }],
    ["SHOW TABLES IN c.s LIKE 't*'", { kind: 'show_relations', relation: 'tables', schema: ['c', 's'], pattern: 't*' }],
    ['SHOW VIEWS FROM s', { kind: 'show_relations', relation: 'views', schema: ['s'] }],
    ['SHOW TABLES DROPPED IN s LIMIT 5', { kind: 'show_tables_dropped', schema: ['s'], limit: 5 }],
    ["SHOW VOLUMES IN s 'v*'", { kind: 'show_volumes', schema: ['s'], pattern: 'v*' }],
    ['SHOW COLUMNS IN t FROM s', { kind: 'show_columns', table: name('t'), schema: ['s'] }],
    ['SHOW COLUMNS FROM delta.`/p`', { kind: 'show_columns', table: path }],
    ['SHOW TBLPROPERTIES t', { kind: 'show_tblproperties', table: name('t') }],
    ["SHOW TBLPROPERTIES t ('delta.appendOnly')", { kind: 'show_tblproperties', table: name('t'), key: 'delta.appendOnly' }],
    ['SHOW TBLPROPERTIES t (delta.appendOnly)', { kind: 'show_tblproperties', table: name('t'), key: 'delta.appendOnly' }],
    ['SHOW CREATE TABLE c.s.t', { kind: 'show_create_table', table: name('c', 's', 't') }],
    ['DESCRIBE t', { kind: 'describe_table', table: name('t'), extended: false }],
    ['DESC TABLE EXTENDED s.t', { kind: 'describe_table', table: name('s', 't'), extended: true }],
    ['DESCRIBE FORMATTED delta.`/p`', { kind: 'describe_table', table: path, extended: true }],
    ['DESCRIBE t a.b', { kind: 'describe_table', table: name('t'), extended: false, column: ['a', 'b'] }],
    ['DESCRIBE history', { kind: 'describe_table', table: name('history'), extended: false }],
    ['DESCRIBE extended', { kind: 'describe_table', table: name('extended'), extended: false }],
    ['DESCRIBE CATALOG EXTENDED c', { kind: 'describe_catalog', name: 'c', extended: true }],
    ['DESCRIBE SCHEMA c.s', { kind: 'describe_schema', name: ['c', 's'], extended: false }],
    ['DESC DATABASE EXTENDED s', { kind: 'describe_schema', name: ['s'], extended: true }],
    ['DESCRIBE VOLUME s.v', { kind: 'describe_volume', name: ['s', 'v'] }],
  ];
  it.each(cases)('%s', (sql, expected) => expect(parseCatalogStatement(sql)).toEqual(expected));
});

describe('parseCatalogStatement: statements it does not own', () => {
  it.each([
    'SELECT 1',
    'CREATE TABLE t (a INT)',
    'CREATE OR REPLACE TABLE t AS SELECT 1',
    'CREATE TEMP VIEW v AS SELECT 1',
    'CREATE OR REPLACE TEMPORARY VIEW v AS SELECT 1',
    'CREATE MACRO m(a) AS a',
    'ALTER TABLE t ADD COLUMNS (b INT)',
    "ALTER TABLE t SET TBLPROPERTIES ('a' = 'b')",
    'ALTER TABLE t RENAME COLUMN a TO b',
    'DROP MACRO m',
    'DESCRIBE HISTORY delta.`/p`',
    'DESCRIBE DETAIL t',
    'DESCRIBE SELECT 1',
    'DESC (SELECT 1)',
    'DESCRIBE QUERY SELECT 1',
    "DESCRIBE 'file.parquet'",
    "DESCRIBE read_csv('x.csv')",
    'SHOW ALL TABLES',
    'SHOW FUNCTIONS',
    'COMMENT ON COLUMN t.a IS NULL',
    'INSERT INTO t VALUES (1)',
    "-- a comment\nSELECT 'unterminated",
  ])('%s', (sql) => expect(parseCatalogStatement(sql)).toBeUndefined());
});

describe('parseCatalogStatement: malformed statements', () => {
  it.each([
    ['CREATE CATALOG a.b', /CREATE CATALOG: a.b has 2 name parts; expected name at line 1 column 16/],
    ['CREATE SCHEMA a.b.c', /expected name or schema.name/],
    ["CREATE SCHEMA s COMMENT 'a' COMMENT 'b'", /CREATE SCHEMA has two COMMENT clauses at line 1 column 29/],
    ["CREATE SCHEMA s LOCATION '/x'", /use MANAGED LOCATION/],
    ['CREATE OR REPLACE CATALOG c', /not supported for a catalog/],
    ['CREATE EXTERNAL VOLUME v', /expects LOCATION/],
    ["CREATE VOLUME v LOCATION '/x'", /CREATE EXTERNAL VOLUME/],
    ['CREATE OR REPLACE VIEW IF NOT EXISTS v AS SELECT 1', /both OR REPLACE and IF NOT EXISTS/],
    ['CREATE VIEW v', /CREATE VIEW expects AS <query>/],
    ['CREATE VIEW v AS DELETE FROM t', /expects a query/],
    ['CREATE VIEW v (a, A) AS SELECT 1, 2', /names A twice/],
    ['DROP TABLE t CASCADE', /DROP TABLE does not take CASCADE/],
    ['DROP TABLE delta.`/p`', /not a path/],
    ['DROP SCHEMA s extra', /unexpected extra in DROP SCHEMA/],
    ['ALTER CATALOG c SET DBPROPERTIES (a = 1)', /ALTER CATALOG supports RENAME TO, \[SET\] OWNER TO at line 1 column 17/],
    ['ALTER VOLUME v OWNER TO', /OWNER TO expects a principal/],
    ['COMMENT ON TABLE t', /expects IS/],
    ["COMMENT ON TABLE t IS 'a' 'b'", /unexpected 'b'/],
    ["UNDROP TABLE WITH ID 'x'", /WITH ID is not supported/],
    ['USE CATALOG a.b', /USE CATALOG: a.b has 2 name parts/],
    ['SHOW COLUMNS t', /SHOW COLUMNS expects IN or FROM/],
    ['SHOW TABLES IN a.b.c', /expected name or schema.name/],
    ['SHOW TABLES DROPPED LIMIT -1', /non-negative/],
    ['DESCRIBE TABLE t PARTITION (p = 1)', /PARTITION is not supported/],
    ['SHOW CATALOGS LIKE', /expects a string literal/],
  ])('%s', (sql, message) => expect(failure(sql).message).toMatch(message));

  it('reports the position on a later line', () => {
    expect(failure('CREATE SCHEMA s\n  WITH DBPROPERTIES (a)').message).toMatch(/line 2 column 23/);
  });
});
