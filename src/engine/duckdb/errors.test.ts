import { describe, expect, it } from 'vitest';
import { LochError } from '../../core/errors.js';
import { duckDbError, formatDuckDbError, isMissingFileError } from './errors.js';

describe('DuckDB errors', () => {
  it('reduces a message to one line without the query excerpt', () => {
    const raw = new Error('Catalog Error: Table with name nope does not exist!\nDid you mean "pg_enum"?\n\nLINE 1: select * from nope\n                      ^');
    expect(formatDuckDbError(raw)).toBe('Catalog Error: Table with name nope does not exist! Did you mean "pg_enum"?');
  });

  it('wraps as SQL_ERROR by default and lets LochErrors through', () => {
    const wrapped = duckDbError(new Error('Parser Error: syntax error at or near "x"'));
    expect(wrapped).toBeInstanceOf(LochError);
    expect(wrapped.code).toBe('SQL_ERROR');
    expect(wrapped.message).toBe('sql: Parser Error: syntax error at or near "x"');
    const own = new LochError('NOT_FOUND', 'x: y');
    expect(duckDbError(own)).toBe(own);
  });

  it('recognises missing files', () => {
    expect(isMissingFileError(new Error('IO Error: No files found that match the pattern "/x.parquet"'))).toBe(true);
    expect(isMissingFileError(new Error('Invalid Input Error: No magic bytes found at end of file'))).toBe(false);
  });
});
