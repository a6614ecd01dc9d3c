import { describe, expect, it } from 'vitest';
import { LochError } from '../../core/errors.js';
import { classifyStatement, type Statement } from './statement.js';

describe('classifyStatement', () => {
  const cases: [string, string, Statement][] = [
    ['DESCRIBE HISTORY delta.`path`', 'DESCRIBE HISTORY delta.`/tmp/t`', { kind: 'describe_history', path: '/tmp/t' }],
    ['DESCRIBE HISTORY with LIMIT', 'describe history delta.`/tmp/t` limit 5', { kind: 'describe_history', path: '/tmp/t', limit: 5 }],
    ['DESCRIBE HISTORY string path', "DESCRIBE HISTORY '/tmp/it''s'", { kind: 'describe_history', path: "/tmp/it's" }],
    ['DESC short form', 'DESC HISTORY delta.`/p` LIMIT 0;', { kind: 'describe_history', path: '/p', limit: 0 }],
    ['comments and newlines between words', '/* x */ Describe -- a\n History /* b */ delta . `/p` ; -- end', { kind: 'describe_history', path: '/p' }],
    ['backtick and unicode in path', 'DESCRIBE HISTORY delta.`/é/a``b`', { kind: 'describe_history', path: '/é/a`b' }],
    ['DESCRIBE DETAIL delta.`path`', 'DESCRIBE DETAIL delta.`s3://b/t`', { kind: 'describe_detail', path: 's3://b/t' }],
    ['DESCRIBE DETAIL string path', "describe detail '/p';;", { kind: 'describe_detail', path: '/p' }],
    ['DESCRIBE DETAIL dollar-quoted path', 'describe detail $$/p$$', { kind: 'describe_detail', path: '/p' }],
    ['HISTORY of a table name', 'DESCRIBE HISTORY my_table', { kind: 'describe_history', name: ['my_table'] }],
    ['HISTORY of a three-part name with LIMIT', 'DESCRIBE HISTORY Main.`my sch`."T""x" LIMIT 2', { kind: 'describe_history', name: ['Main', 'my sch', 'T"x'], limit: 2 }],
    ['DETAIL of a two-part unicode name', 'DESC DETAIL s.tëst;', { kind: 'describe_detail', name: ['s', 'tëst'] }],
  ];
  it.each(cases)('%s', (_name, sql, expected) => {
    expect(classifyStatement(sql)).toEqual(expected);
  });

  const queries: [string, string][] = [
    ['select', 'SELECT 1'],
    ['select with lake refs', "SELECT * FROM delta.`/p` VERSION AS OF 1 JOIN delta_scan('/q') ON true"],
    ['describe a table', 'DESCRIBE t'],
    ['describe a query', 'DESCRIBE SELECT 1'],
    ['describe a table named history', 'DESCRIBE history'],
    ['describe a table named detail', 'describe detail;'],
    ['history as a word elsewhere', "SELECT history FROM t WHERE x = 'DESCRIBE HISTORY delta.`/p`'"],
    ['describe keyword in a comment', '-- DESCRIBE HISTORY delta.`/p`\nSELECT 1'],
    ['empty', ''],
    ['only a comment', '/* DESCRIBE DETAIL delta.`/p` */'],
  ];
  it.each(queries)('%s is a query, returned unchanged', (_name, sql) => {
    expect(classifyStatement(sql)).toEqual({ kind: 'query', sql });
  });

  const errors: [string, string, string][] = [
    ['HISTORY of a number', 'DESCRIBE HISTORY 42', "sql: DESCRIBE HISTORY expects a table name, delta.`<path>` or a '<path>' string at line 1 column 18"],
    ['DETAIL of delta_scan', "DESCRIBE DETAIL delta_scan('/p')", 'sql: unexpected ( in DESCRIBE DETAIL at line 1 column 27'],
    ['four-part name', 'DESCRIBE DETAIL a.b.c.d', 'sql: DESCRIBE DETAIL expects a name of at most three parts (catalog.schema.table) at line 1 column 22'],
    ['dangling dot', 'DESCRIBE DETAIL a.', "sql: DESCRIBE DETAIL expects a name part after '.' at line 1 column 19"],
    ['empty path', "DESCRIBE HISTORY ''", 'sql: DESCRIBE HISTORY expects a non-empty path at line 1 column 18'],
    ['empty delta path', 'DESCRIBE DETAIL delta.``', 'sql: DESCRIBE DETAIL expects a non-empty path at line 1 column 17'],
    ['LIMIT without a number', 'DESCRIBE HISTORY delta.`/p` LIMIT', 'sql: DESCRIBE HISTORY LIMIT expects an integer at line 1 column 34'],
    ['LIMIT of a string', "DESCRIBE HISTORY delta.`/p` LIMIT '5'", 'sql: DESCRIBE HISTORY LIMIT expects an integer at line 1 column 35'],
    ['negative LIMIT', 'DESCRIBE HISTORY delta.`/p`\nLIMIT -5', 'sql: DESCRIBE HISTORY LIMIT expects a non-negative integer at line 2 column 7'],
    ['time travel is not accepted', 'DESCRIBE HISTORY delta.`/p` VERSION AS OF 1', 'sql: unexpected VERSION in DESCRIBE HISTORY at line 1 column 29'],
    ['trailing words after DETAIL', "DESCRIBE DETAIL '/p' x", 'sql: unexpected x in DESCRIBE DETAIL at line 1 column 22'],
    ['statement after ;', "DESCRIBE DETAIL '/p'; select 1", 'sql: unexpected ; in DESCRIBE DETAIL at line 1 column 21'],
    ['unterminated', "DESCRIBE DETAIL '/p", 'sql: unterminated string literal starting at line 1 column 17'],
  ];
  it.each(errors)('rejects %s', (_name, sql, message) => {
    let caught: unknown;
    try {
      classifyStatement(sql);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(LochError);
    expect((caught as LochError).code).toBe('INVALID_ARGUMENT');
    expect((caught as LochError).message).toBe(message);
  });
});
