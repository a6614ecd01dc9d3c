import { describe, expect, it } from 'vitest';
import { SessionState } from '../sql-env.js';
import { bindSessionFunctions } from './session-functions.js';

describe('bindSessionFunctions', () => {
  const state = new SessionState();
  state.catalog = 'shop';
  state.schema = 'sales';

  it('answers current_catalog(), current_schema(), current_database() and current_user() from the session', () => {
    expect(bindSessionFunctions('SELECT current_catalog(), CURRENT_SCHEMA( ), current_database(), current_user(), user()', state, "o'neil")).toBe(
      "SELECT 'shop', 'sales', 'sales', 'o''neil', 'o''neil'",
    );
  });

  it('leaves strings, comments, qualified names, bare words and other calls alone', () => {
    const sql = "SELECT 'current_catalog()', x.current_catalog(), current_user, current_date() -- current_schema()";
    expect(bindSessionFunctions(sql, state, 'p')).toBe(sql);
  });
});
