import { describe, expect, it } from 'vitest';
import { tokenize } from '../../sql/parse/index.js';
import { rewrite } from './pg-catalog.js';

const adapt = (sql: string): string => rewrite(tokenize(sql));

describe('pg_catalog query adaptation', () => {
  it('drops pg_catalog qualifiers, OPERATOR() and default collations, never inside literals', () => {
    expect(adapt("SELECT c.oid FROM pg_catalog.pg_class c WHERE c.relname OPERATOR(pg_catalog.~) '^(t)$' COLLATE pg_catalog.default AND pg_catalog.pg_table_is_visible(c.oid)")).toBe(
      "SELECT c.oid FROM pg_class c WHERE c.relname  ~  '^(t)$'  AND pg_table_is_visible(c.oid)",
    );
    expect(adapt("SELECT 'pg_catalog.pg_class', \"pg_catalog\" FROM pg_catalog.pg_namespace")).toBe("SELECT 'pg_catalog.pg_class', \"pg_catalog\" FROM pg_namespace");
    expect(adapt('SELECT x::pg_catalog.regtype::pg_catalog.text')).toBe('SELECT x::regtype::text');
  });

  it('names the column of a set-returning function after its alias, as PostgreSQL does', () => {
    expect(adapt('SELECT s FROM pg_catalog.generate_series(0, 3) s, pg_attribute WHERE attnum = prattrs[s]')).toBe(
      'SELECT s FROM generate_series(0, 3) s(s), pg_attribute WHERE attnum = prattrs[s]',
    );
    expect(adapt('SELECT * FROM generate_series(1, 2) AS g(n) WHERE true')).toBe('SELECT * FROM generate_series(1, 2) AS g(n) WHERE true');
  });
});
