import { describe, expect, it } from 'vitest';
import { LochError } from '../../core/errors.js';
import { lineColumn, sqlSyntaxError } from './position.js';

describe('lineColumn', () => {
  const cases: [string, string, number, { line: number; column: number }][] = [
    ['start', 'abc', 0, { line: 1, column: 1 }],
    ['middle of first line', 'abc', 2, { line: 1, column: 3 }],
    ['after \\n', 'a\nbc', 3, { line: 2, column: 2 }],
    ['\\r\\n counts once', 'a\r\nbc', 4, { line: 2, column: 2 }],
    ['lone \\r', 'a\rb\rc', 4, { line: 3, column: 1 }],
    ['astral characters count once', '😀😀x', 4, { line: 1, column: 3 }],
    ['past the end is clamped', 'ab', 99, { line: 1, column: 3 }],
    ['at a newline', 'ab\n', 2, { line: 1, column: 3 }],
  ];
  it.each(cases)('%s', (_name, sql, offset, expected) => {
    expect(lineColumn(sql, offset)).toEqual(expected);
  });
});

describe('sqlSyntaxError', () => {
  it('names the position and keeps it in the context', () => {
    const error = sqlSyntaxError('select\n  x', 9, 'bad thing', { found: 'x' });
    expect(error).toBeInstanceOf(LochError);
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toBe('sql: bad thing at line 2 column 3');
    expect(error.context).toEqual({ found: 'x', line: 2, column: 3, offset: 9 });
  });
});
