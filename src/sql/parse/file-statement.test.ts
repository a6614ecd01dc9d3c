import { describe, expect, it } from 'vitest';
import { LochError } from '../../core/errors.js';
import { parseFileStatement } from './file-statement.js';
import type { FileStatement } from './file-statement.js';

function failure(sql: string, code = 'INVALID_ARGUMENT'): LochError {
  try {
    parseFileStatement(sql);
  } catch (error) {
    expect(error).toBeInstanceOf(LochError);
    expect((error as LochError).code).toBe(code);
    return error as LochError;
  }
  throw new Error(`expected ${sql} to fail`);
}

describe('parseFileStatement: LIST', () => {
  const cases: [string, FileStatement][] = [
    ["LIST '/Volumes/main/default/v'", { kind: 'list', path: '/Volumes/main/default/v' }],
    ["list '/Volumes/main/default/v/dir/' LIMIT 10;", { kind: 'list', path: '/Volumes/main/default/v/dir/', limit: 10 }],
    ["LIST 's3://bucket/a b' -- comment", { kind: 'list', path: 's3://bucket/a b' }],
  ];
  it.each(cases)('%s', (sql, expected) => {
    expect(parseFileStatement(sql)).toEqual(expected);
  });

  it('leaves other text alone', () => {
    expect(parseFileStatement('SELECT list(1)')).toBeUndefined();
    expect(parseFileStatement('list(1)')).toBeUndefined();
    expect(parseFileStatement("COPY t FROM '/x.csv'")).toBeUndefined();
    expect(parseFileStatement("SELECT 'unterminated")).toBeUndefined();
  });

  it('rejects malformed LIST', () => {
    expect(failure("LIST '/p' LIMIT -1").message).toMatch(/non-negative/);
    expect(failure("LIST '/p' extra").message).toMatch(/unexpected extra/);
    failure("LIST '/p' WITH (CREDENTIAL c)", 'NOT_IMPLEMENTED');
  });
});

describe('parseFileStatement: COPY INTO', () => {
  it('reads the full grammar', () => {
    const st = parseFileStatement(
      "COPY INTO main.sales.orders FROM '/Volumes/main/sales/raw/orders' FILEFORMAT = csv PATTERN = '*.csv' " +
        "FORMAT_OPTIONS ('header' = 'true', 'inferSchema' = true, sep = ';') COPY_OPTIONS ('mergeSchema' = 'true', 'force' = 'false');",
    );
    expect(st).toEqual({
      kind: 'copy_into',
      target: { kind: 'name', parts: ['main', 'sales', 'orders'] },
      byPosition: false,
      source: '/Volumes/main/sales/raw/orders',
      format: 'csv',
      pattern: '*.csv',
      formatOptions: { header: 'true', inferSchema: 'true', sep: ';' },
      copyOptions: { mergeSchema: 'true', force: 'false' },
    });
  });

  it('reads FILES, a delta path target, BY POSITION and a column list', () => {
    expect(parseFileStatement("COPY INTO delta.`/t` BY POSITION FROM 's3://b/in' FILEFORMAT = CSV FILES = ('a.csv', 'b.csv')")).toMatchObject({
      target: { kind: 'path', format: 'delta', path: '/t' },
      byPosition: true,
      files: ['a.csv', 'b.csv'],
    });
    expect(parseFileStatement("COPY INTO t (a, `b c`) FROM '/in' FILEFORMAT = TEXT")).toMatchObject({ byPosition: true, columns: ['a', 'b c'], format: 'TEXT' });
  });

  it('reads a SELECT source and locates its path', () => {
    const sql = "COPY INTO t FROM (SELECT _c0::INT AS id, upper(_c1) AS name FROM '/Volumes/c/s/v/in' WHERE _c0 <> 'x') FILEFORMAT = CSV";
    const st = parseFileStatement(sql);
    if (st?.kind !== 'copy_into' || st.select === undefined) throw new Error('expected a SELECT source');
    expect(st.source).toBe('/Volumes/c/s/v/in');
    expect(st.select.sql).toBe("SELECT _c0::INT AS id, upper(_c1) AS name FROM '/Volumes/c/s/v/in' WHERE _c0 <> 'x'");
    expect(st.select.sql.slice(st.select.pathStart, st.select.pathEnd)).toBe("'/Volumes/c/s/v/in'");
  });

  it('rejects malformed COPY INTO', () => {
    expect(failure("COPY INTO t FROM '/in'").message).toMatch(/expects FILEFORMAT/);
    expect(failure("COPY INTO t FROM '/in' FILEFORMAT CSV").message).toMatch(/expects '='/);
    expect(failure("COPY INTO t FROM '/in' FILEFORMAT = CSV FILES = ('a') PATTERN = '*'").message).toMatch(/FILES or PATTERN/);
    expect(failure("COPY INTO t FROM '/in' FILEFORMAT = CSV PATTERN = 'a' PATTERN = 'b'").message).toMatch(/two PATTERN/);
    expect(failure('COPY INTO t FROM (SELECT 1) FILEFORMAT = CSV').message).toMatch(/FROM '<path>'/);
    expect(failure("COPY INTO t FROM '/in' FILEFORMAT = CSV junk").message).toMatch(/unexpected junk/);
    expect(failure('COPY INTO t FROM other FILEFORMAT = CSV').message).toMatch(/expects '<path>'/);
    failure("COPY INTO t FROM '/in' FILEFORMAT = CSV VALIDATE ALL", 'NOT_IMPLEMENTED');
  });
});
