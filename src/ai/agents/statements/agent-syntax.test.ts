import { describe, expect, it } from 'vitest';
import { statementCursor } from '../../../sql/parse/write-clauses.js';
import { readAgentStatement } from './agent-syntax.js';

const read = (sql: string) => readAgentStatement(statementCursor(sql));

describe('agent statements', () => {
  it('reads CREATE AGENT with arrow options and a comment', () => {
    const s = read(`CREATE OR REPLACE AGENT main.s.bot WITH (endpoint => 'main.s.chat', instructions => 'Be brief', tools => array('sql', 'vector_search:main.s.idx'), max_steps => 4) COMMENT 'helps'`);
    expect(s).toMatchObject({ kind: 'create', name: ['main', 's', 'bot'], orReplace: true, ifNotExists: false, comment: 'helps' });
    const options = s?.kind === 'create' ? s.options : [];
    expect(options.map((o) => o.key)).toEqual(['endpoint', 'instructions', 'tools', 'max_steps']);
    expect(options[2]?.value).toEqual({ kind: 'list', items: [{ kind: 'string', value: 'sql' }, { kind: 'string', value: 'vector_search:main.s.idx' }] });
  });

  it('reads DROP, DESCRIBE and SHOW, and passes other statements on', () => {
    expect(read('DROP AGENT IF EXISTS s.bot')).toEqual({ kind: 'drop', name: ['s', 'bot'], ifExists: true });
    expect(read('DESC AGENT bot')).toEqual({ kind: 'describe', name: ['bot'] });
    expect(read("SHOW AGENTS IN main.s LIKE 'b*'")).toEqual({ kind: 'show', schema: ['main', 's'], pattern: 'b*' });
    expect(read('DESCRIBE agent')).toBeUndefined();
    expect(read('CREATE TABLE agent (a INT)')).toBeUndefined();
    expect(read('SELECT * FROM agents')).toBeUndefined();
  });

  it('fails malformed agent statements with a position', () => {
    expect(() => read('CREATE AGENT bot')).toThrow(/CREATE AGENT expects WITH/);
    expect(() => read("CREATE OR REPLACE AGENT IF NOT EXISTS bot WITH (endpoint => 'a.b.c')")).toThrow(/both OR REPLACE and IF NOT EXISTS/);
    expect(() => read("CREATE AGENT bot WITH (endpoint => 'a', endpoint => 'b')")).toThrow(/sets endpoint twice/);
  });
});
