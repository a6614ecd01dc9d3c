import { describe, expect, it } from 'vitest';
import { statementCursor } from '../../../sql/parse/write-clauses.js';
import { readVectorStatement } from './vector-syntax.js';

const read = (sql: string) => readVectorStatement(statementCursor(sql));

describe('vector index statements', () => {
  it('reads CREATE with endpoint, WITH options and comment in any order', () => {
    const s = read(`CREATE OR REPLACE VECTOR INDEX c.s.idx ON c.s.docs (body) WITH (primary_key => 'id', connectivity = 32, pipeline_type 'CONTINUOUS') USING ENDPOINT c.s.embed COMMENT 'x'`);
    expect(s).toMatchObject({ kind: 'create', name: ['c', 's', 'idx'], orReplace: true, ifNotExists: false, source: ['c', 's', 'docs'], column: 'body', endpoint: 'c.s.embed', comment: 'x' });
    expect(s?.kind === 'create' ? s.options.map((o) => [o.key, o.value]) : []).toEqual([
      ['primary_key', { kind: 'string', value: 'id' }],
      ['connectivity', { kind: 'number', value: 32, text: '32' }],
      ['pipeline_type', { kind: 'string', value: 'CONTINUOUS' }],
    ]);
    expect(read(`create vector index if not exists idx on docs (v) using endpoint 'a.b.c'`)).toMatchObject({ ifNotExists: true, endpoint: 'a.b.c', name: ['idx'] });
  });

  it('reads DROP, DESCRIBE, SHOW, REFRESH, SYNC and ALTER … REBUILD', () => {
    expect(read('DROP VECTOR INDEX IF EXISTS s.i')).toEqual({ kind: 'drop', name: ['s', 'i'], ifExists: true });
    expect(read('DESC VECTOR INDEX i')).toEqual({ kind: 'describe', name: ['i'] });
    expect(read('SHOW VECTOR INDEXES IN c.s')).toEqual({ kind: 'show', schema: ['c', 's'] });
    expect(read('SHOW VECTOR INDEXES')).toEqual({ kind: 'show' });
    expect(read('REFRESH VECTOR INDEX c.s.i FULL')).toEqual({ kind: 'sync', name: ['c', 's', 'i'], full: true });
    expect(read('SYNC VECTOR INDEX i')).toEqual({ kind: 'sync', name: ['i'], full: false });
    expect(read('ALTER VECTOR INDEX i REBUILD')).toEqual({ kind: 'sync', name: ['i'], full: true });
  });

  it('leaves other statements alone and fails malformed ones with a position', () => {
    expect(read('CREATE TABLE vector (index INT)')).toBeUndefined();
    expect(read('DROP TABLE t')).toBeUndefined();
    expect(() => read('CREATE VECTOR INDEX i ON t body')).toThrow(/expects '\('/);
    expect(() => read('CREATE OR REPLACE VECTOR INDEX IF NOT EXISTS i ON t (b)')).toThrow(/both OR REPLACE and IF NOT EXISTS/);
    expect(() => read(`CREATE VECTOR INDEX i ON t (b) WITH (a => 1, a => 2)`)).toThrow(/sets a twice/);
    expect(() => read('REFRESH VECTOR INDEX i NOW')).toThrow(/line 1/);
  });
});
