import { describe, expect, it } from 'vitest';
import { classifyCommand, completionTag } from './commands.js';

describe('pgwire commands', () => {
  it('answers transaction and session commands itself', () => {
    expect(classifyCommand('BEGIN')).toEqual({ kind: 'transaction', action: 'begin' });
    expect(classifyCommand('start transaction isolation level serializable')).toEqual({ kind: 'transaction', action: 'begin' });
    expect(classifyCommand('ROLLBACK')).toEqual({ kind: 'transaction', action: 'rollback' });
    expect(classifyCommand("SET application_name = 'x y'")).toEqual({ kind: 'set', name: 'application_name', value: 'x y' });
    expect(classifyCommand('SET SESSION search_path TO a, b')).toEqual({ kind: 'set', name: 'search_path', value: 'a, b' });
    expect(classifyCommand("SET TIME ZONE 'UTC'")).toEqual({ kind: 'set', name: 'timezone', value: 'UTC' });
    expect(classifyCommand('SHOW server_version')).toEqual({ kind: 'show', name: 'server_version' });
    expect(classifyCommand('DISCARD ALL')).toMatchObject({ kind: 'discard', tag: 'DISCARD ALL' });
    expect(classifyCommand('COPY t FROM STDIN')).toMatchObject({ kind: 'unsupported' });
    expect(classifyCommand('  -- nothing\n')).toEqual({ kind: 'empty' });
  });

  it('sends catalog queries to the emulation and Loch statements to Loch', () => {
    expect(classifyCommand('SELECT c.relname FROM pg_catalog.pg_class c')).toEqual({ kind: 'pg_catalog' });
    expect(classifyCommand('select version()')).toEqual({ kind: 'pg_catalog' });
    expect(classifyCommand("SELECT 'pg_class' AS s").kind).toBe('loch');
    expect(classifyCommand('SHOW TABLES')).toMatchObject({ kind: 'loch', result: 'rows' });
    expect(classifyCommand('WITH x AS (SELECT 1) SELECT * FROM x')).toMatchObject({ kind: 'loch', result: 'rows', verb: 'SELECT' });
    expect(classifyCommand('OPTIMIZE t')).toMatchObject({ kind: 'loch', result: 'rows', verb: 'OPTIMIZE' });
  });

  it('derives PostgreSQL command tags', () => {
    const tag = (sql: string, n = 3): string => {
      const c = classifyCommand(sql);
      if (c.kind !== 'loch') throw new Error(c.kind);
      return completionTag(c, n);
    };
    expect(tag('INSERT INTO t VALUES (1)')).toBe('INSERT 0 3');
    expect(tag('update t set a = 1')).toBe('UPDATE 3');
    expect(tag('DELETE FROM t')).toBe('DELETE 3');
    expect(tag('MERGE INTO t USING s ON t.a = s.a WHEN MATCHED THEN DELETE')).toBe('MERGE 3');
    expect(tag('CREATE TABLE t (a INT)')).toBe('CREATE TABLE');
    expect(tag('CREATE OR REPLACE TABLE t AS SELECT 1')).toBe('SELECT 3');
    expect(tag('CREATE SCHEMA IF NOT EXISTS s')).toBe('CREATE SCHEMA');
    expect(tag('create or replace view v as select 1')).toBe('CREATE VIEW');
    expect(tag('DROP TABLE t')).toBe('DROP TABLE');
    expect(tag('GRANT SELECT ON TABLE t TO alice')).toBe('GRANT');
    expect(tag('ALTER TABLE t ADD COLUMN b INT')).toBe('ALTER TABLE');
  });
});
