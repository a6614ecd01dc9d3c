import { describe, expect, it } from 'vitest';
import { rowsSql, sqlBoolean, sqlInteger, textColumns } from './result-rows.js';

describe('rowsSql', () => {
  it('keeps row order and types every column', () => {
    const sql = rowsSql([...textColumns('name'), { name: 'isTemporary', type: 'BOOLEAN' }], [["'b'", sqlBoolean(false)], ["'a'", sqlBoolean(true)]]);
    expect(sql).toBe(`SELECT CAST(c0 AS VARCHAR) AS "name", CAST(c1 AS BOOLEAN) AS "isTemporary" FROM (VALUES (0, 'b', false), (1, 'a', true)) AS t(ord, c0, c1) ORDER BY ord`);
  });

  it('gives an empty result its columns', () => {
    expect(rowsSql([{ name: 'n"x', type: 'INTEGER' }], [])).toBe(`SELECT CAST(NULL AS INTEGER) AS "n""x" WHERE false`);
  });

  it('refuses rows of the wrong width', () => {
    expect(() => rowsSql(textColumns('a', 'b'), [["'x'"]])).toThrow(/1 values for 2 columns/);
  });

  it('renders integers and missing values', () => {
    expect([sqlInteger(3.7), sqlInteger(undefined), sqlBoolean(undefined)]).toEqual(['3::INTEGER', 'NULL::INTEGER', 'NULL::BOOLEAN']);
  });
});
