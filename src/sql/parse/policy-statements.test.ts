import { describe, expect, it } from 'vitest';
import { parsePolicyStatement } from './policy-statements.js';

describe('parsePolicyStatement', () => {
  it('reads SET and DROP ROW FILTER', () => {
    expect(parsePolicyStatement('ALTER TABLE main.s.t SET ROW FILTER gov.us_only ON (region, `Dept`);')).toEqual({
      kind: 'set_row_filter',
      table: ['main', 's', 't'],
      function: ['gov', 'us_only'],
      columns: ['region', 'Dept'],
    });
    expect(parsePolicyStatement('alter table t set row filter f on ()')).toMatchObject({ columns: [] });
    expect(parsePolicyStatement('ALTER TABLE t DROP ROW FILTER')).toEqual({ kind: 'drop_row_filter', table: ['t'] });
  });

  it('reads SET and DROP MASK with and without the COLUMN keyword', () => {
    expect(parsePolicyStatement('ALTER TABLE t ALTER COLUMN ssn SET MASK m USING COLUMNS (region, id)')).toEqual({
      kind: 'set_column_mask',
      table: ['t'],
      column: 'ssn',
      function: ['m'],
      usingColumns: ['region', 'id'],
    });
    expect(parsePolicyStatement('ALTER TABLE t CHANGE ssn SET MASK c.s.m')).toMatchObject({ column: 'ssn', function: ['c', 's', 'm'], usingColumns: [] });
    expect(parsePolicyStatement('ALTER TABLE t ALTER COLUMN column DROP MASK')).toEqual({ kind: 'drop_column_mask', table: ['t'], column: 'column' });
  });

  it('leaves other ALTER TABLE statements alone', () => {
    expect(parsePolicyStatement('ALTER TABLE t ADD COLUMN mask INT')).toBeUndefined();
    expect(parsePolicyStatement('ALTER TABLE t ALTER COLUMN c SET NOT NULL')).toBeUndefined();
    expect(parsePolicyStatement('ALTER TABLE row_filter RENAME TO x')).toBeUndefined();
    expect(parsePolicyStatement('SELECT 1')).toBeUndefined();
  });

  it('refuses paths, constants, nested fields and repeated columns', () => {
    expect(() => parsePolicyStatement('ALTER TABLE delta.`/tmp/t` SET ROW FILTER f ON (a)')).toThrow(/catalog tables/);
    expect(() => parsePolicyStatement("ALTER TABLE t SET ROW FILTER f ON (a, 'x')")).toThrow(/constant arguments/);
    expect(() => parsePolicyStatement('ALTER TABLE t ALTER COLUMN a.b SET MASK m')).toThrow(/top-level columns/);
    expect(() => parsePolicyStatement('ALTER TABLE t ALTER COLUMN a SET MASK m USING COLUMNS (a)')).toThrow(/masked column itself/);
    expect(() => parsePolicyStatement('ALTER TABLE t SET ROW FILTER f (a)')).toThrow(/expects ON/);
    expect(() => parsePolicyStatement('ALTER TABLE t DROP ROW FILTER now')).toThrow(/unexpected now/);
  });
});
