import { describe, expect, it } from 'vitest';
import { parseGovernanceStatement } from './grant-statements.js';

describe('parseGovernanceStatement', () => {
  it('reads GRANT and REVOKE with multi-word, underscored and repeated privileges', () => {
    expect(parseGovernanceStatement('grant use_catalog, Use Schema, SELECT, select ON CATALOG main TO `alice@example.com`;')).toEqual({
      kind: 'grant',
      privileges: ['USE CATALOG', 'USE SCHEMA', 'SELECT'],
      securable: { kind: 'catalog', name: 'main' },
      principal: 'alice@example.com',
    });
    expect(parseGovernanceStatement("REVOKE ALL PRIVILEGES ON SCHEMA shop FROM 'data team'")).toEqual({
      kind: 'revoke',
      privileges: ['ALL PRIVILEGES'],
      securable: { kind: 'schema', name: ['shop'] },
      principal: 'data team',
    });
    expect(parseGovernanceStatement('GRANT ALL ON c.s.t TO bob')).toMatchObject({ privileges: ['ALL PRIVILEGES'], securable: { kind: 'table', name: ['c', 's', 't'] } });
  });

  it('reads every securable kind', () => {
    const on = (securable: string) => (parseGovernanceStatement(`GRANT MANAGE ON ${securable} TO x`) as { securable: unknown }).securable;
    expect(on('METASTORE')).toEqual({ kind: 'metastore' });
    expect(on('CATALOG')).toEqual({ kind: 'catalog' });
    expect(on('DATABASE c.s')).toEqual({ kind: 'schema', name: ['c', 's'] });
    expect(on('TABLE `my t`')).toEqual({ kind: 'table', name: ['my t'] });
    expect(on('VIEW s.v')).toEqual({ kind: 'view', name: ['s', 'v'] });
    expect(on('VOLUME c.s.v')).toEqual({ kind: 'volume', name: ['c', 's', 'v'] });
    expect(on('FUNCTION s.f')).toEqual({ kind: 'function', name: ['s', 'f'] });
    // A table named like a keyword, qualified.
    expect(on('volume.t')).toEqual({ kind: 'table', name: ['volume', 't'] });
  });

  it('reads MODEL ENDPOINT securables and USE ENDPOINT as EXECUTE on them only', () => {
    expect(parseGovernanceStatement('GRANT use endpoint, EXECUTE ON MODEL ENDPOINT main.ai.chat TO bob')).toEqual({
      kind: 'grant',
      privileges: ['EXECUTE'],
      securable: { kind: 'model_endpoint', name: ['main', 'ai', 'chat'] },
      principal: 'bob',
    });
    expect(parseGovernanceStatement('REVOKE USE_ENDPOINT ON model endpoint chat FROM bob')).toMatchObject({ kind: 'revoke', privileges: ['EXECUTE'], securable: { kind: 'model_endpoint', name: ['chat'] } });
    expect(parseGovernanceStatement('GRANT CREATE MODEL ENDPOINT ON SCHEMA main.ai TO bob')).toMatchObject({ privileges: ['CREATE MODEL ENDPOINT'], securable: { kind: 'schema', name: ['main', 'ai'] } });
    expect(parseGovernanceStatement('SHOW GRANTS bob ON MODEL ENDPOINT ai.chat')).toEqual({ kind: 'show_grants', principal: 'bob', securable: { kind: 'model_endpoint', name: ['ai', 'chat'] } });
    expect(() => parseGovernanceStatement('GRANT USE ENDPOINT ON SCHEMA main.ai TO bob')).toThrow(/USE ENDPOINT applies only ON MODEL ENDPOINT .*at line 1 column 7/);
    expect(() => parseGovernanceStatement('GRANT EXECUTE ON MODEL ENDPOINT a.b.c.d TO bob')).toThrow(/4 name parts/);
    // A table called `model`, qualified, is still a table.
    expect((parseGovernanceStatement('GRANT SELECT ON model.t TO x') as { securable: unknown }).securable).toEqual({ kind: 'table', name: ['model', 't'] });
  });

  it('reads SHOW GRANTS forms', () => {
    expect(parseGovernanceStatement('SHOW GRANTS ON TABLE t')).toEqual({ kind: 'show_grants', securable: { kind: 'table', name: ['t'] } });
    expect(parseGovernanceStatement('show grant `a@b` on schema s')).toEqual({ kind: 'show_grants', principal: 'a@b', securable: { kind: 'schema', name: ['s'] } });
    expect(parseGovernanceStatement('SHOW GRANTS TO `analysts`')).toEqual({ kind: 'show_grants_to', principal: 'analysts' });
  });

  it('reads user and group statements', () => {
    expect(parseGovernanceStatement('CREATE USER IF NOT EXISTS `c@x`')).toEqual({ kind: 'create_user', name: 'c@x', ifNotExists: true });
    expect(parseGovernanceStatement('CREATE GROUP g WITH USER a, b GROUP h')).toEqual({ kind: 'create_group', name: 'g', ifNotExists: false, users: ['a', 'b'], groups: ['h'] });
    expect(parseGovernanceStatement('ALTER GROUP g REMOVE GROUP h')).toEqual({ kind: 'alter_group', name: 'g', action: 'remove', users: [], groups: ['h'] });
    expect(parseGovernanceStatement('DROP GROUP IF EXISTS g')).toEqual({ kind: 'drop_group', name: 'g', ifExists: true });
    expect(parseGovernanceStatement('DROP USER u')).toEqual({ kind: 'drop_user', name: 'u', ifExists: false });
    expect(parseGovernanceStatement("SHOW USERS LIKE 'a*'")).toEqual({ kind: 'show_users', pattern: 'a*' });
    expect(parseGovernanceStatement('SHOW GROUPS WITH USER `u`')).toEqual({ kind: 'show_groups', withUser: 'u' });
  });

  it('leaves other statements alone', () => {
    for (const sql of ['SELECT 1', 'SHOW TABLES', 'CREATE TABLE t (a INT)', 'DROP TABLE t', 'ALTER TABLE t ADD COLUMNS (b INT)', 'CREATE MACRO m(x) AS x', '']) {
      expect(parseGovernanceStatement(sql)).toBeUndefined();
    }
  });

  it('fails clearly on malformed statements', () => {
    expect(() => parseGovernanceStatement('GRANT FLY ON TABLE t TO a')).toThrow(/unknown privilege FLY/);
    expect(() => parseGovernanceStatement('GRANT SELECT TABLE t TO a')).toThrow(/unknown privilege SELECT TABLE T TO A/);
    expect(() => parseGovernanceStatement('GRANT SELECT, MODIFY')).toThrow(/expects ON/);
    expect(() => parseGovernanceStatement('GRANT SELECT ON TABLE t')).toThrow(/expects TO <principal>/);
    expect(() => parseGovernanceStatement('REVOKE SELECT ON TABLE t TO a')).toThrow(/expects FROM <principal>/);
    expect(() => parseGovernanceStatement('GRANT SELECT ON TABLE t TO a.b')).toThrow(/unexpected \./);
    expect(() => parseGovernanceStatement('GRANT SELECT ON SCHEMA a.b.c TO x')).toThrow(/3 name parts/);
    expect(() => parseGovernanceStatement('ALTER GROUP g ADD')).toThrow(/expects USER <principal> or GROUP <principal>/);
    expect(() => parseGovernanceStatement('SHOW GRANTS alice')).toThrow(/expects ON <securable>/);
  });
});
