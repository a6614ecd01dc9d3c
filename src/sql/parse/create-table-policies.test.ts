import { describe, expect, it } from 'vitest';
import { parseCreateTableWithPolicies } from './create-table-policies.js';

describe('parseCreateTableWithPolicies', () => {
  it('cuts WITH ROW FILTER and column MASK clauses out of CREATE TABLE', () => {
    const sql = "CREATE TABLE s.t (id INT, ssn STRING COMMENT 'x' MASK gov.m USING COLUMNS (id), region STRING MASK m2) WITH ROW FILTER gov.f ON (region) COMMENT 't';";
    expect(parseCreateTableWithPolicies(sql)).toEqual({
      kind: 'create_table_with_policies',
      createSql: "CREATE TABLE s.t (id INT, ssn STRING COMMENT 'x' , region STRING )  COMMENT 't';",
      rowFilter: { function: ['gov', 'f'], columns: ['region'] },
      masks: [
        { column: 'ssn', function: ['gov', 'm'], usingColumns: ['id'] },
        { column: 'region', function: ['m2'], usingColumns: [] },
      ],
    });
  });

  it('leaves other statements and columns named mask alone', () => {
    expect(parseCreateTableWithPolicies('CREATE TABLE t (mask INT, x INT) PARTITIONED BY (mask)')).toBeUndefined();
    expect(parseCreateTableWithPolicies('CREATE TABLE t AS SELECT mask, row_filter FROM x')).toBeUndefined();
    expect(parseCreateTableWithPolicies('CREATE VIEW v AS SELECT 1 AS mask')).toBeUndefined();
    expect(parseCreateTableWithPolicies('SELECT 1')).toBeUndefined();
  });

  it('refuses policies on CREATE TABLE … AS SELECT and malformed clauses', () => {
    expect(() => parseCreateTableWithPolicies('CREATE TABLE t WITH ROW FILTER f ON (a) AS SELECT 1 AS a')).toThrow(/AS SELECT with a row filter/);
    expect(() => parseCreateTableWithPolicies('CREATE TABLE t (a INT) WITH ROW FILTER f (a)')).toThrow(/expects ON/);
  });
});
