import { describe, expect, it } from 'vitest';
import { LochError } from '../../core/errors.js';
import { decimal, primitive } from '../../expr/types.js';
import { parseWriteStatement, type TableRef, type WriteStatement } from './write-statements.js';

const t: TableRef = { kind: 'path', format: 'delta', path: '/t' };
const named: TableRef = { kind: 'name', parts: ['t'] };

describe('ALTER TABLE column changes and CLUSTER BY', () => {
  const cases: [string, string, WriteStatement][] = [
    ['RENAME COLUMN', 'ALTER TABLE delta.`/t` RENAME COLUMN a TO b', { kind: 'rename_column', target: t, path: ['a'], newName: 'b' }],
    ['RENAME COLUMN nested, quoted', 'alter table delta.`/t` rename column s.`x y`.z to "new"', { kind: 'rename_column', target: t, path: ['s', 'x y', 'z'], newName: 'new' }],
    ['DROP COLUMN', 'ALTER TABLE delta.`/t` DROP COLUMN a', { kind: 'drop_columns', target: t, paths: [['a']], ifExists: false }],
    ['DROP COLUMN IF EXISTS list', 'ALTER TABLE delta.`/t` DROP COLUMN IF EXISTS a, s.b', { kind: 'drop_columns', target: t, paths: [['a'], ['s', 'b']], ifExists: true }],
    ['DROP COLUMNS (…)', 'ALTER TABLE delta.`/t` DROP COLUMNS (a, b);', { kind: 'drop_columns', target: t, paths: [['a'], ['b']], ifExists: false }],
    ['DROP COLUMNS on a name', 'ALTER TABLE t DROP COLUMNS (a)', { kind: 'drop_columns', target: named, paths: [['a']], ifExists: false }],
    ['ALTER COLUMN COMMENT', "ALTER TABLE delta.`/t` ALTER COLUMN a COMMENT 'the a'", { kind: 'alter_column', target: t, path: ['a'], comment: 'the a' }],
    ['CHANGE nested COMMENT', "ALTER TABLE delta.`/t` CHANGE s.x COMMENT ''", { kind: 'alter_column', target: t, path: ['s', 'x'], comment: '' }],
    ['a column named column', "ALTER TABLE delta.`/t` ALTER COLUMN COMMENT 'c'", { kind: 'alter_column', target: t, path: ['COLUMN'], comment: 'c' }],
    ['ALTER COLUMN TYPE', 'ALTER TABLE delta.`/t` ALTER COLUMN a TYPE BIGINT', { kind: 'alter_column', target: t, path: ['a'], type: primitive('long') }],
    ['CHANGE COLUMN element TYPE', 'ALTER TABLE delta.`/t` CHANGE COLUMN arr.element TYPE DECIMAL(12, 2)', { kind: 'alter_column', target: t, path: ['arr', 'element'], type: decimal(12, 2) }],
    ['CHANGE COLUMN TYPE on a name', 'ALTER TABLE t CHANGE COLUMN a TYPE DOUBLE', { kind: 'alter_column', target: named, path: ['a'], type: primitive('double') }],
    ['SET NOT NULL still', 'ALTER TABLE delta.`/t` ALTER COLUMN a SET NOT NULL', { kind: 'set_nullability', target: t, column: 'a', nullable: false }],
    ['CLUSTER BY', 'ALTER TABLE delta.`/t` CLUSTER BY (a, `b c`)', { kind: 'cluster_by', target: t, columns: ['a', 'b c'] }],
    ['CLUSTER BY NONE', 'ALTER TABLE delta.`/t` CLUSTER BY NONE', { kind: 'cluster_by', target: t, columns: [] }],
    ['CLUSTER BY on a name', 'ALTER TABLE t CLUSTER BY (a)', { kind: 'cluster_by', target: named, columns: ['a'] }],
  ];
  it.each(cases)('%s', (_name, sql, expected) => {
    expect(parseWriteStatement(sql)).toEqual(expected);
  });

  const duckdb: [string, string][] = [
    ['RENAME COLUMN', 'ALTER TABLE t RENAME COLUMN a TO b'],
    ['DROP COLUMN', 'ALTER TABLE t DROP COLUMN a'],
    ['DROP COLUMN IF EXISTS', 'ALTER TABLE t DROP COLUMN IF EXISTS a'],
    ['ALTER COLUMN TYPE', 'ALTER TABLE t ALTER COLUMN a TYPE BIGINT'],
    ['ALTER TYPE of a DuckDB type', 'ALTER TABLE t CHANGE COLUMN a TYPE UUID'],
    ['SET DEFAULT', 'ALTER TABLE t ALTER COLUMN a SET DEFAULT 1'],
    ['RENAME TO', 'ALTER TABLE t RENAME TO u'],
  ];
  it.each(duckdb)('DuckDB syntax on a plain name is not a write statement: %s', (_name, sql) => {
    expect(parseWriteStatement(sql)).toBeUndefined();
  });

  const errors: [string, string, string][] = [
    ['RENAME without TO', 'ALTER TABLE delta.`/t` RENAME COLUMN a b', 'sql: ALTER TABLE RENAME COLUMN a expects TO at line 1 column 40'],
    ['RENAME to a path', 'ALTER TABLE delta.`/t` RENAME COLUMN s.a TO s.b', 'sql: ALTER TABLE RENAME COLUMN … TO expects the new name of the field alone, not a path at line 1 column 45'],
    ['DROP COLUMNS unclosed', 'ALTER TABLE delta.`/t` DROP COLUMNS (a, b', "sql: ALTER TABLE DROP COLUMNS expects ')' at line 1 column 42"],
    ['DROP COLUMN without a name', 'ALTER TABLE delta.`/t` DROP COLUMN', 'sql: ALTER TABLE DROP COLUMN expects a name at line 1 column 35'],
    ['TYPE of an unknown type', 'ALTER TABLE delta.`/t` ALTER COLUMN a TYPE WIDGET', 'sql: unknown type WIDGET at line 1 column 44'],
    ['COMMENT without text', 'ALTER TABLE delta.`/t` ALTER COLUMN a COMMENT 3', 'sql: ALTER TABLE ALTER COLUMN a COMMENT expects a string literal at line 1 column 47'],
    ['FIRST', 'ALTER TABLE delta.`/t` ALTER COLUMN a FIRST', 'sql: ALTER TABLE ALTER COLUMN a: column positions (FIRST, AFTER) are not supported at line 1 column 39'],
    ['Hive CHANGE', 'ALTER TABLE delta.`/t` CHANGE COLUMN a b BIGINT', 'sql: ALTER TABLE CHANGE COLUMN a: the Hive form CHANGE COLUMN old new type is not supported; use RENAME COLUMN and ALTER COLUMN … TYPE at line 1 column 40'],
    ['SET DEFAULT on a path', 'ALTER TABLE delta.`/t` ALTER COLUMN a SET DEFAULT 1', 'sql: ALTER TABLE ALTER COLUMN supports COMMENT, TYPE, SET NOT NULL and DROP NOT NULL at line 1 column 39'],
    ['nested NOT NULL', 'ALTER TABLE delta.`/t` ALTER COLUMN s.x SET NOT NULL', 'sql: ALTER TABLE ALTER COLUMN s.x: SET/DROP NOT NULL applies to top-level columns only at line 1 column 41'],
    ['CLUSTER BY without a list', 'ALTER TABLE delta.`/t` CLUSTER BY a', "sql: ALTER TABLE CLUSTER BY expects '(' at line 1 column 35"],
    ['trailing words', 'ALTER TABLE delta.`/t` RENAME COLUMN a TO b c', 'sql: unexpected c in ALTER TABLE at line 1 column 45'],
  ];
  it.each(errors)('%s', (_name, sql, message) => {
    let caught: unknown;
    try {
      parseWriteStatement(sql);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(LochError);
    expect((caught as LochError).code).toBe('INVALID_ARGUMENT');
    expect((caught as LochError).message).toBe(message);
  });
});
