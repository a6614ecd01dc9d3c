import { describe, expect, it } from 'vitest';
import { LochError } from '../../core/errors.js';
import { classifyStatement } from './statement.js';
import { parseWriteStatement, type TableRef, type WriteStatement } from './write-statements.js';

const delta = (path: string): TableRef => ({ kind: 'path', format: 'delta', path });
const named = (...parts: string[]): TableRef => ({ kind: 'name', parts });
const T = delta('/t');

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

describe('parseWriteStatement: OPTIMIZE', () => {
  const cases: [string, string, WriteStatement][] = [
    ['bare', 'OPTIMIZE delta.`/t`', { kind: 'optimize', target: T }],
    ['lower case with semicolon', 'optimize delta.`/t`;', { kind: 'optimize', target: T }],
    ['path string', "OPTIMIZE '/data/t'", { kind: 'optimize', target: delta('/data/t') }],
    ['plain name', 'OPTIMIZE db.events', { kind: 'optimize', target: named('db', 'events') }],
    ['WHERE', "OPTIMIZE delta.`/t` WHERE date >= '2024-01-01'", { kind: 'optimize', target: T, whereSql: "date >= '2024-01-01'" }],
    ['ZORDER BY (…)', 'OPTIMIZE delta.`/t` ZORDER BY (a, `b c`)', { kind: 'optimize', target: T, zorderBy: ['a', 'b c'] }],
    ['ZORDER BY without parentheses', 'OPTIMIZE delta.`/t` zorder by a, b', { kind: 'optimize', target: T, zorderBy: ['a', 'b'] }],
    [
      'WHERE with parentheses, a ZORDER string and a comment, then ZORDER BY',
      "OPTIMIZE delta.`/t` WHERE (p IN ('ZORDER BY', 'x')) /* parts */ AND q = 1 -- c\nZORDER BY (a)",
      { kind: 'optimize', target: T, whereSql: "(p IN ('ZORDER BY', 'x')) /* parts */ AND q = 1", zorderBy: ['a'] },
    ],
  ];
  it.each(cases)('%s', (_name, sql, expected) => {
    expect(parseWriteStatement(sql)).toEqual(expected);
  });
});

describe('parseWriteStatement: VACUUM', () => {
  const cases: [string, string, WriteStatement][] = [
    ['bare', 'VACUUM delta.`/t`', { kind: 'vacuum', target: T, dryRun: false }],
    ['RETAIN hours', 'VACUUM delta.`/t` RETAIN 168 HOURS', { kind: 'vacuum', target: T, retainHours: 168, dryRun: false }],
    ['fractional hours and DRY RUN', 'vacuum delta.`/t` retain 0.5 hours dry run;', { kind: 'vacuum', target: T, retainHours: 0.5, dryRun: true }],
    ['DRY RUN before RETAIN', 'VACUUM delta.`/t` DRY RUN RETAIN 0 HOURS', { kind: 'vacuum', target: T, retainHours: 0, dryRun: true }],
    ['FULL (the default mode) and underscores', "VACUUM '/data/t' FULL RETAIN 1_000 HOURS", { kind: 'vacuum', target: delta('/data/t'), retainHours: 1000, dryRun: false }],
    ['plain name', 'VACUUM events DRY RUN', { kind: 'vacuum', target: named('events'), dryRun: true }],
    ['comments between words', 'VACUUM /* x */ delta.`/t` -- y\n RETAIN 2 /* z */ HOURS', { kind: 'vacuum', target: T, retainHours: 2, dryRun: false }],
  ];
  it.each(cases)('%s', (_name, sql, expected) => {
    expect(parseWriteStatement(sql)).toEqual(expected);
  });
});

describe('parseWriteStatement: RESTORE', () => {
  const cases: [string, string, WriteStatement][] = [
    ['TABLE … TO VERSION', 'RESTORE TABLE delta.`/t` TO VERSION AS OF 3', { kind: 'restore', target: T, version: 3 }],
    ['without TABLE and TO', 'restore delta.`/t` version as of 0;', { kind: 'restore', target: T, version: 0 }],
    ['version as a string', "RESTORE delta.`/t` VERSION AS OF '12'", { kind: 'restore', target: T, version: 12 }],
    ['SYSTEM_VERSION', 'RESTORE delta.`/t` TO SYSTEM_VERSION AS OF 2', { kind: 'restore', target: T, version: 2 }],
    ['timestamp string', "RESTORE TABLE delta.`/t` TO TIMESTAMP AS OF '2024-05-01 10:00:00'", { kind: 'restore', target: T, timestampSql: "'2024-05-01 10:00:00'" }],
    [
      'timestamp expression',
      'RESTORE delta.`/t` TIMESTAMP AS OF current_timestamp() - INTERVAL 12 HOURS /* ago */ -- done\n',
      { kind: 'restore', target: T, timestampSql: 'current_timestamp() - INTERVAL 12 HOURS' },
    ],
    ['SYSTEM_TIME', "RESTORE delta.`/t` TO SYSTEM_TIME AS OF date_sub(current_date(), 1)", { kind: 'restore', target: T, timestampSql: 'date_sub(current_date(), 1)' }],
    ['plain name', 'RESTORE TABLE db.t TO VERSION AS OF 1', { kind: 'restore', target: named('db', 't'), version: 1 }],
    ['a table named table', 'RESTORE table VERSION AS OF 1', { kind: 'restore', target: named('table'), version: 1 }],
    ['a table named to', 'RESTORE TABLE to TO VERSION AS OF 1', { kind: 'restore', target: named('to'), version: 1 }],
  ];
  it.each(cases)('%s', (_name, sql, expected) => {
    expect(parseWriteStatement(sql)).toEqual(expected);
  });
});

describe('parseWriteStatement: maintenance statements that are not Delta writes', () => {
  const others: [string, string][] = [
    ['DuckDB VACUUM', 'VACUUM'],
    ['DuckDB VACUUM ANALYZE', 'VACUUM ANALYZE t'],
    ['DuckDB VACUUM FULL', 'VACUUM FULL t'],
    ['DuckDB VACUUM options', 'VACUUM (ANALYZE) t'],
    ['DuckDB VACUUM with columns', 'VACUUM t (a, b)'],
    ['DESCRIBE HISTORY', 'DESCRIBE HISTORY delta.`/t`'],
  ];
  it.each(others)('%s', (_name, sql) => {
    expect(parseWriteStatement(sql)).toBeUndefined();
  });

  it('leaves DESCRIBE HISTORY to classifyStatement', () => {
    const sql = 'DESCRIBE HISTORY delta.`/t` LIMIT 5;';
    expect(parseWriteStatement(sql)).toBeUndefined();
    expect(classifyStatement(sql)).toEqual({ kind: 'describe_history', path: '/t', limit: 5 });
  });
});

describe('parseWriteStatement: malformed maintenance statements', () => {
  const errors: [string, string, string][] = [
    ['OPTIMIZE without a table', 'OPTIMIZE', 'sql: OPTIMIZE expects a table name or delta.`<path>` at line 1 column 9'],
    ['OPTIMIZE empty path', "OPTIMIZE ''", 'sql: OPTIMIZE expects a non-empty path at line 1 column 10'],
    ['OPTIMIZE WHERE without a condition', 'OPTIMIZE delta.`/t` WHERE ZORDER BY (a)', 'sql: OPTIMIZE WHERE expects a condition at line 1 column 27'],
    ['OPTIMIZE WHERE unclosed', 'OPTIMIZE delta.`/t` WHERE (a = 1 ZORDER BY (a)', 'sql: unclosed ( at line 1 column 27'],
    ['ZORDER BY without columns', 'OPTIMIZE delta.`/t` ZORDER BY', 'sql: OPTIMIZE ZORDER BY expects a name at line 1 column 30'],
    ['ZORDER BY ()', 'OPTIMIZE delta.`/t` ZORDER BY ()', 'sql: OPTIMIZE ZORDER BY expects a name at line 1 column 32'],
    ['ZORDER BY a column twice', 'OPTIMIZE delta.`/t` ZORDER BY (a, A)', 'sql: OPTIMIZE ZORDER BY names column A twice at line 1 column 35'],
    ['ZORDER BY a nested field', 'OPTIMIZE delta.`/t` ZORDER BY (s.a)', 'sql: OPTIMIZE ZORDER BY expects top-level columns; nested fields are not supported at line 1 column 32'],
    ['ZORDER BY unclosed', 'OPTIMIZE delta.`/t` ZORDER BY (a', "sql: OPTIMIZE ZORDER BY expects ')' at line 1 column 33"],
    ['ZORDER without BY', 'OPTIMIZE delta.`/t` ZORDER (a)', 'sql: unexpected ZORDER in OPTIMIZE at line 1 column 21'],
    ['WHERE after ZORDER BY', 'OPTIMIZE delta.`/t` ZORDER BY a WHERE b = 1', 'sql: unexpected WHERE in OPTIMIZE at line 1 column 33'],
    ['OPTIMIZE FULL', 'OPTIMIZE delta.`/t` FULL', 'sql: OPTIMIZE … FULL is not supported at line 1 column 21'],
    ['RETAIN without a number', 'VACUUM delta.`/t` RETAIN HOURS', 'sql: VACUUM RETAIN expects a number of hours at line 1 column 26'],
    ['RETAIN negative', 'VACUUM delta.`/t` RETAIN -1 HOURS', 'sql: VACUUM RETAIN expects a non-negative number of hours at line 1 column 26'],
    ['RETAIN without HOURS', 'VACUUM delta.`/t` RETAIN 1', 'sql: VACUUM RETAIN 1 expects HOURS at line 1 column 27'],
    ['RETAIN in days', 'VACUUM delta.`/t` RETAIN 7 DAYS', 'sql: VACUUM RETAIN 7 expects HOURS at line 1 column 28'],
    ['RETAIN twice', 'VACUUM delta.`/t` RETAIN 1 HOURS RETAIN 2 HOURS', 'sql: VACUUM has two RETAIN clauses at line 1 column 34'],
    ['DRY RUN twice', 'VACUUM delta.`/t` DRY RUN RETAIN 2 HOURS DRY RUN', 'sql: VACUUM has two DRY RUN clauses at line 1 column 42'],
    ['DRY without RUN', 'VACUUM delta.`/t` DRY', 'sql: unexpected DRY in VACUUM at line 1 column 19'],
    ['VACUUM LITE', 'VACUUM delta.`/t` LITE', 'sql: VACUUM LITE is not supported (Loch always lists the table directory); drop LITE at line 1 column 19'],
    ['VACUUM USING INVENTORY', 'VACUUM delta.`/t` USING INVENTORY inv', 'sql: VACUUM … USING INVENTORY is not supported at line 1 column 19'],
    ['VACUUM columns on a path', 'VACUUM delta.`/t` (a)', 'sql: VACUUM of a Delta table takes no column list at line 1 column 19'],
    ['RESTORE without a table', 'RESTORE', 'sql: RESTORE expects a table name or delta.`<path>` at line 1 column 8'],
    ['RESTORE without a version', 'RESTORE TABLE delta.`/t`', 'sql: RESTORE expects VERSION AS OF <version> or TIMESTAMP AS OF <timestamp> at line 1 column 25'],
    ['RESTORE TO a number', 'RESTORE delta.`/t` TO 1', 'sql: RESTORE expects VERSION AS OF <version> or TIMESTAMP AS OF <timestamp> at line 1 column 20'],
    ['VERSION AS OF nothing', 'RESTORE delta.`/t` TO VERSION AS OF', 'sql: RESTORE VERSION AS OF expects an integer at line 1 column 36'],
    ['VERSION AS OF negative', 'RESTORE delta.`/t` TO VERSION AS OF -1', 'sql: RESTORE VERSION AS OF expects a non-negative integer at line 1 column 37'],
    ['VERSION AS OF a fraction', 'RESTORE delta.`/t` VERSION AS OF 1.5', 'sql: RESTORE VERSION AS OF expects an integer at line 1 column 34'],
    ['VERSION AS OF a word string', "RESTORE delta.`/t` VERSION AS OF 'x'", "sql: RESTORE VERSION AS OF expects an integer version, not 'x' at line 1 column 34"],
    ['VERSION too large', 'RESTORE delta.`/t` VERSION AS OF 99999999999999999999', 'sql: RESTORE VERSION AS OF 99999999999999999999 is too large (at most 9007199254740991) at line 1 column 34'],
    ['TIMESTAMP AS OF nothing', 'RESTORE delta.`/t` TIMESTAMP AS OF', 'sql: RESTORE TIMESTAMP AS OF expects a timestamp at line 1 column 35'],
    ['words after the version', 'RESTORE delta.`/t` VERSION AS OF 1 extra', 'sql: unexpected extra in RESTORE at line 1 column 36'],
    ['error on a later line', 'VACUUM delta.`/t`\n  RETAIN 24 HOURS\n  DRY  RUN\n  RETAIN 1 HOURS', 'sql: VACUUM has two RETAIN clauses at line 4 column 3'],
  ];
  it.each(errors)('%s', (_name, sql, message) => {
    expect(parseFailure(sql).message).toBe(message);
  });
});
