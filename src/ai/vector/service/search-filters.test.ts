import { describe, expect, it } from 'vitest';
import { filterSql } from './search-filters.js';

const columns = ['id', 'Category', 'price'];

describe('filterSql', () => {
  it('turns filters_json into bound conditions over known columns', () => {
    expect(filterSql({ category: 'food', 'price <': 3, 'id NOT': [1, 2], 'category LIKE': 'f%' }, columns)).toEqual({
      sql: `"Category" = ? AND "price" < ? AND "id" NOT IN (?, ?) AND "Category" LIKE ?`,
      params: ['food', 3, 1, 2, 'f%'],
    });
    expect(filterSql({ id: [3, 4], 'price >=': 1.5, category: null }, columns)).toEqual({ sql: `"id" IN (?, ?) AND "price" >= ? AND "Category" IS NULL`, params: [3, 4, 1.5] });
    expect(filterSql(undefined, columns)).toEqual({ sql: '', params: [] });
  });

  it('refuses unknown columns, operators and values that are not scalars', () => {
    expect(() => filterSql({ 'nope': 1 }, columns)).toThrow(/names no column/);
    expect(() => filterSql({ 'id ~': 1 }, columns)).toThrow(/names no column/);
    expect(() => filterSql({ id: { a: 1 } }, columns)).toThrow(/not a string, number or boolean/);
    expect(() => filterSql({ 'id LIKE': 1 }, columns)).toThrow(/string pattern/);
    expect(() => filterSql({ 'x; DROP TABLE t --': 1 }, columns)).toThrow(/names no column/);
  });
});
