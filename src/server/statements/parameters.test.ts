import { describe, expect, it } from 'vitest';
import { bindStatementParameters } from './parameters.js';

describe('bindStatementParameters', () => {
  it('casts typed markers in SQL and binds every value as a string', () => {
    const bound = bindStatementParameters('SELECT :id, :Name, :d FROM t WHERE x = :id', [
      { name: 'id', value: '7', type: 'INT' },
      { name: 'name', value: "o'hara" },
      { name: 'd', value: '1.50', type: 'decimal(10, 2)' },
    ]);
    expect(bound.text).toBe('SELECT CAST(:id AS INTEGER), :Name, CAST(:d AS DECIMAL(10,2)) FROM t WHERE x = CAST(:id AS INTEGER)');
    expect(bound.params).toEqual({ id: '7', name: "o'hara", d: '1.50' });
  });

  it('binds positional parameters in order and absent values as NULL', () => {
    const bound = bindStatementParameters('SELECT ?, ?', [{ value: '2024-01-02', type: 'DATE' }, { type: 'TIMESTAMP' }]);
    expect(bound.text).toBe('SELECT CAST(? AS DATE), CAST(? AS TIMESTAMPTZ)');
    expect(bound.params).toEqual(['2024-01-02', null]);
  });

  it('leaves text inside strings and comments alone and ignores unused parameters', () => {
    const bound = bindStatementParameters("SELECT ':id' /* :id */, :other", [{ name: 'id', value: '1', type: 'INT' }]);
    expect(bound.text).toBe("SELECT ':id' /* :id */, :other");
  });

  it('refuses unknown and complex types', () => {
    expect(() => bindStatementParameters('SELECT :x', [{ name: 'x', value: '1', type: 'INT); DROP TABLE t; --' }])).toThrow(/unknown type/);
    expect(() => bindStatementParameters('SELECT :x', [{ name: 'x', value: '[1]', type: 'ARRAY<INT>' }])).toThrow(/ARRAY parameters are not supported/);
  });
});
