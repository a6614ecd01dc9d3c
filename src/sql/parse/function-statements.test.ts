import { describe, expect, it } from 'vitest';
import { parseFunctionStatement } from './function-statements.js';

describe('parseFunctionStatement', () => {
  it('reads CREATE FUNCTION with parameters, characteristics in any order and the body as written', () => {
    const sql = `CREATE OR REPLACE FUNCTION main.gov.mask_ssn(ssn STRING COMMENT 'the value', n DECIMAL(10, 2))
      RETURNS STRING COMMENT 'masks' NOT DETERMINISTIC LANGUAGE SQL CONTAINS SQL SQL SECURITY DEFINER
      RETURN CASE WHEN is_account_group_member('hr') THEN ssn ELSE '***' END;`;
    expect(parseFunctionStatement(sql)).toEqual({
      kind: 'create_function',
      name: ['main', 'gov', 'mask_ssn'],
      orReplace: true,
      ifNotExists: false,
      parameters: [
        { name: 'ssn', type: 'STRING', comment: 'the value' },
        { name: 'n', type: 'DECIMAL(10, 2)' },
      ],
      returnType: 'STRING',
      comment: 'masks',
      deterministic: false,
      body: "CASE WHEN is_account_group_member('hr') THEN ssn ELSE '***' END",
    });
  });

  it('reads the short form without RETURNS, with no parameters or a query body', () => {
    expect(parseFunctionStatement('create function if not exists f() return 1')).toMatchObject({ name: ['f'], ifNotExists: true, parameters: [], body: '1' });
    expect(parseFunctionStatement('CREATE FUNCTION s.f(x INT) RETURNS BIGINT RETURN SELECT max(a) FROM t WHERE a < x')).toMatchObject({
      returnType: 'BIGINT',
      body: 'SELECT max(a) FROM t WHERE a < x',
    });
  });

  it("leaves DuckDB's macros and temporary functions alone", () => {
    expect(parseFunctionStatement('CREATE FUNCTION f(a, b) AS a + b')).toBeUndefined();
    expect(parseFunctionStatement('CREATE TEMP FUNCTION f(a) AS a')).toBeUndefined();
    expect(parseFunctionStatement('CREATE MACRO f(a) AS a')).toBeUndefined();
    expect(parseFunctionStatement('DROP TEMPORARY FUNCTION f')).toBeUndefined();
    expect(parseFunctionStatement('SELECT 1')).toBeUndefined();
  });

  it('refuses malformed and unsupported forms', () => {
    expect(() => parseFunctionStatement('CREATE OR REPLACE FUNCTION IF NOT EXISTS f() RETURN 1')).toThrow(/both OR REPLACE and IF NOT EXISTS/);
    expect(() => parseFunctionStatement('CREATE FUNCTION f(a INT, A INT) RETURN 1')).toThrow(/parameter A twice/);
    expect(() => parseFunctionStatement('CREATE FUNCTION f(a NOTATYPE) RETURNS INT RETURN 1')).toThrow(/unknown type/);
    expect(() => parseFunctionStatement('CREATE FUNCTION f(a INT) RETURNS INT')).toThrow(/expects RETURN/);
    expect(() => parseFunctionStatement('CREATE FUNCTION f(a INT) RETURNS INT RETURNS INT RETURN 1')).toThrow(/two RETURNS clauses/);
    expect(() => parseFunctionStatement('CREATE FUNCTION f(a INT) RETURNS TABLE (x INT) RETURN SELECT 1')).toThrow(/RETURNS TABLE/);
    expect(() => parseFunctionStatement("CREATE FUNCTION f(a INT) RETURNS INT LANGUAGE PYTHON AS $$ return 1 $$")).toThrow(/LANGUAGE PYTHON/);
    expect(() => parseFunctionStatement('CREATE FUNCTION f(a INT DEFAULT 1) RETURNS INT RETURN a')).toThrow(/DEFAULT/);
  });

  it('reads DROP, DESCRIBE and SHOW FUNCTIONS', () => {
    expect(parseFunctionStatement('DROP FUNCTION IF EXISTS `c`.s.f;')).toEqual({ kind: 'drop_function', name: ['c', 's', 'f'], ifExists: true });
    expect(parseFunctionStatement('DESC FUNCTION EXTENDED s.f')).toEqual({ kind: 'describe_function', name: ['s', 'f'], extended: true });
    expect(parseFunctionStatement('DESCRIBE FUNCTION extended')).toEqual({ kind: 'describe_function', name: ['extended'], extended: false });
    expect(parseFunctionStatement("SHOW USER FUNCTIONS IN main.gov LIKE 'mask*'")).toEqual({ kind: 'show_functions', scope: 'user', schema: ['main', 'gov'], pattern: 'mask*' });
    expect(parseFunctionStatement('SHOW FUNCTIONS')).toEqual({ kind: 'show_functions', scope: 'all' });
    expect(parseFunctionStatement('SHOW TABLES')).toBeUndefined();
    expect(() => parseFunctionStatement('DROP FUNCTION f g')).toThrow(/unexpected g/);
  });
});
