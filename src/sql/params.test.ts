import { describe, expect, it } from 'vitest';
import { findParamMarkers, isUntypedParam, mentionsUntypedParam, typedParam, untyped, UntypedParam } from './params.js';

const markers = (sql: string) => findParamMarkers(sql).map((m) => m.name ?? '?');

describe('findParamMarkers', () => {
  it('finds named and unnamed markers in expression positions', () => {
    expect(markers('SELECT :a, ? FROM t WHERE x = :b AND y IN (:c, ?) LIMIT :n')).toEqual(['a', '?', 'b', 'c', '?', 'n']);
    expect(markers("SELECT {'k': :v}, [:w]")).toEqual(['v', 'w']);
    expect(markers('SELECT CASE WHEN :a THEN :b ELSE :c END')).toEqual(['a', 'b', 'c']);
    expect(markers('SELECT x || :y, -:z')).toEqual(['y', 'z']);
  });

  it('ignores casts, JSON paths, slices, struct keys, named arguments and DuckDB markers', () => {
    expect(markers('SELECT x::INT, col:a.b, f(x):c, arr[1]:d, "q":e, `b`:f')).toEqual([]);
    expect(markers("SELECT l[1:n], l[:n], {'a':b}, struct_pack(a := 1), $1, $name, 1:x")).toEqual([]);
    expect(markers('SELECT CASE WHEN true THEN 1 END:a')).toEqual([]);
    expect(markers('SELECT : a')).toEqual([]);
  });

  it('ignores markers inside strings, quoted identifiers and comments', () => {
    expect(markers(`SELECT ':a ?', "?:b", \`:c\`, $$?$$ -- :d ?\n /* :e ? */`)).toEqual([]);
  });

  it('gives the exact span of each marker', () => {
    const sql = 'SELECT :abc + ?';
    expect(findParamMarkers(sql).map((m) => sql.slice(m.start, m.end))).toEqual([':abc', '?']);
  });

  it('finds nothing in text that does not lex', () => {
    expect(findParamMarkers("SELECT :a, 'open")).toEqual([]);
  });
});

describe('typedParam', () => {
  it('types values explicitly', () => {
    expect(typedParam(3)).toEqual({ sql: 'CAST($1 AS BIGINT)', param: 3 });
    expect(typedParam(2.5)).toEqual({ sql: 'CAST($1 AS DOUBLE)', param: 2.5 });
    expect(typedParam(2n ** 70n).sql).toBe('CAST($1 AS HUGEINT)');
    expect(typedParam(-5n)).toEqual({ sql: 'CAST($1 AS BIGINT)', param: '-5' });
    expect(typedParam(null)).toEqual({ sql: 'NULL' });
    expect(typedParam(new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 6)))).toEqual({ sql: 'CAST($1 AS TIMESTAMP)', param: '2024-01-02T03:04:05.006' });
    expect(() => typedParam(new Date(NaN))).toThrow(/not a valid date/);
    expect(() => typedParam({} as never)).toThrow(/cannot be bound/);
  });
});

describe('untyped parameters', () => {
  it('bind as text and are recognised in bound SQL', () => {
    expect(untyped('42')).toEqual(new UntypedParam('42'));
    expect(typedParam(untyped('42'))).toEqual({ sql: 'CAST($1 AS VARCHAR)', param: '42' });
    expect(isUntypedParam(" getvariable('__loch_untyped_12') ")).toBe(true);
    expect(isUntypedParam("getvariable('__loch_param_1')")).toBe(false);
    expect(isUntypedParam("getvariable('__loch_untyped_1') + 1")).toBe(false);
    expect(mentionsUntypedParam("1 + getvariable('__loch_untyped_1')")).toBe(true);
  });
});
