import { describe, expect, it } from 'vitest';
import { SessionState } from '../sql-env.js';
import { bindSessionFunctions } from './session-functions.js';

describe('bindSessionFunctions', () => {
  const state = new SessionState();
  state.catalog = 'shop';
  state.schema = 'sales';
  const neil = { name: "o'neil", groups: ['account users', 'hr'] };

  it('answers current_catalog(), current_schema(), current_database() and current_user() from the session', () => {
    expect(bindSessionFunctions('SELECT current_catalog(), CURRENT_SCHEMA( ), current_database(), current_user(), user()', state, neil)).toBe(
      "SELECT 'shop', 'sales', 'sales', 'o''neil', 'o''neil'",
    );
  });

  it('leaves strings, comments, qualified names, bare words and other calls alone', () => {
    const sql = "SELECT 'current_catalog()', x.current_catalog(), current_user, current_date(), x.is_member('hr') -- current_schema()";
    expect(bindSessionFunctions(sql, state, neil)).toBe(sql);
  });

  it('folds is_account_group_member and is_member of a literal group to TRUE or FALSE (exact names)', () => {
    expect(bindSessionFunctions("SELECT is_account_group_member('hr'), IS_MEMBER( 'admins' ), is_member('HR')", state, neil)).toBe('SELECT TRUE, FALSE, FALSE');
  });

  it('turns a group test of an expression into a membership test against the groups', () => {
    expect(bindSessionFunctions('SELECT is_member(dept || f(x, y)) FROM t', state, neil)).toBe(
      "SELECT list_contains(['account users', 'hr'], CAST((dept || f(x, y)) AS VARCHAR)) FROM t",
    );
    expect(bindSessionFunctions('SELECT is_member(dept)', state, { name: 'x', groups: [] })).toBe('SELECT list_contains([]::VARCHAR[], CAST((dept) AS VARCHAR))');
  });

  it('leaves group tests with no or two arguments to DuckDB', () => {
    const sql = "SELECT is_member(), is_member('a', 'b')";
    expect(bindSessionFunctions(sql, state, neil)).toBe(sql);
  });
});
