import { describe, expect, it } from 'vitest';
import { absentNode, decide, decideVisible, describeDenial, heldPrivileges } from './authorizer.js';
import type { Decision, SecurableNode } from './authorizer.js';
import type { Principal, Privilege } from './governance-types.js';
import { appliesTo, expandAllPrivileges, grantablePrivileges, parsePrivilege, sortPrivileges } from './privileges.js';

const user = (name: string, groups: string[] = [], admin = false): Principal => ({ name, kind: 'user', admin, groups: [...groups, 'account users'] });
const alice = user('alice');
const bob = user('bob', ['analysts', 'staff']);
const root = user('root', [], true);

type Grants = Record<string, Privilege[]>;
const metastore = (grants: Grants = {}): SecurableNode => ({ type: 'METASTORE', name: '', grants });
const catalog = (grants: Grants = {}, owner = 'admin'): SecurableNode => ({ type: 'CATALOG', name: 'shop', owner, grants });
const schema = (grants: Grants = {}, owner = 'admin'): SecurableNode => ({ type: 'SCHEMA', name: 'shop.sales', owner, grants });
const table = (grants: Grants = {}, owner = 'admin'): SecurableNode => ({ type: 'TABLE', name: 'shop.sales.orders', owner, grants });
const volume = (grants: Grants = {}, owner = 'admin'): SecurableNode => ({ type: 'VOLUME', name: 'shop.sales.files', owner, grants });
const fn = (grants: Grants = {}, owner = 'admin'): SecurableNode => ({ type: 'FUNCTION', name: 'shop.sales.f', owner, grants });
const endpoint = (grants: Grants = {}, owner = 'admin'): SecurableNode => ({ type: 'MODEL_ENDPOINT', name: 'shop.sales.chat', owner, grants });
const USE: Grants = { alice: ['USE CATALOG'] };
const USE_S: Grants = { alice: ['USE SCHEMA'] };

function verdict(d: Decision): string {
  return d === 'allow' ? 'allow' : `deny ${d.deny} on ${d.on.type}`;
}

describe('decide', () => {
  const cases: [string, Principal, Privilege, SecurableNode[], string][] = [
    // the USE path
    ['no grants at all', alice, 'SELECT', [catalog(), schema(), table()], 'deny USE CATALOG on CATALOG'],
    ['SELECT on the table alone is not enough', alice, 'SELECT', [catalog(), schema(), table({ alice: ['SELECT'] })], 'deny USE CATALOG on CATALOG'],
    ['USE CATALOG but no USE SCHEMA', alice, 'SELECT', [catalog(USE), schema(), table({ alice: ['SELECT'] })], 'deny USE SCHEMA on SCHEMA'],
    ['the full path and SELECT', alice, 'SELECT', [catalog(USE), schema(USE_S), table({ alice: ['SELECT'] })], 'allow'],
    ['the full path without SELECT', alice, 'SELECT', [catalog(USE), schema(USE_S), table()], 'deny SELECT on TABLE'],
    ['the metastore node is ignored below it', alice, 'SELECT', [metastore({ alice: ['CREATE CATALOG'] }), catalog(USE), schema(USE_S), table({ alice: ['SELECT'] })], 'allow'],
    // inheritance
    ['SELECT on the schema reaches its tables', alice, 'SELECT', [catalog(USE), schema({ alice: ['USE SCHEMA', 'SELECT'] }), table()], 'allow'],
    ['SELECT on the catalog reaches its tables', alice, 'SELECT', [catalog({ alice: ['USE CATALOG', 'USE SCHEMA', 'SELECT'] }), schema(), table()], 'allow'],
    ['USE SCHEMA on the catalog reaches every schema', alice, 'USE SCHEMA', [catalog({ alice: ['USE CATALOG', 'USE SCHEMA'] }), schema()], 'allow'],
    ['MODIFY is not SELECT', alice, 'SELECT', [catalog(USE), schema(USE_S), table({ alice: ['MODIFY'] })], 'deny SELECT on TABLE'],
    ['a grant to someone else does not count', alice, 'SELECT', [catalog(USE), schema(USE_S), table({ bob: ['SELECT'] })], 'deny SELECT on TABLE'],
    ['a grant on a child does not flow up', alice, 'USE SCHEMA', [catalog(USE), schema()], 'deny USE SCHEMA on SCHEMA'],
    // ALL PRIVILEGES
    ['ALL PRIVILEGES on the table gives SELECT', alice, 'SELECT', [catalog(USE), schema(USE_S), table({ alice: ['ALL PRIVILEGES'] })], 'allow'],
    ['ALL PRIVILEGES on the table gives MODIFY', alice, 'MODIFY', [catalog(USE), schema(USE_S), table({ alice: ['ALL PRIVILEGES'] })], 'allow'],
    ['ALL PRIVILEGES is not MANAGE', alice, 'MANAGE', [catalog(USE), schema(USE_S), table({ alice: ['ALL PRIVILEGES'] })], 'deny MANAGE on TABLE'],
    ['ALL PRIVILEGES on the catalog gives the whole path and SELECT', alice, 'SELECT', [catalog({ alice: ['ALL PRIVILEGES'] }), schema(), table()], 'allow'],
    ['ALL PRIVILEGES on the catalog gives CREATE TABLE', alice, 'CREATE TABLE', [catalog({ alice: ['ALL PRIVILEGES'] }), schema()], 'allow'],
    ['ALL PRIVILEGES on a schema gives READ VOLUME', alice, 'READ VOLUME', [catalog(USE), schema({ alice: ['ALL PRIVILEGES'] }), volume()], 'allow'],
    ['ALL PRIVILEGES on a table does not give USE SCHEMA', alice, 'SELECT', [catalog(USE), schema(), table({ alice: ['ALL PRIVILEGES'] })], 'deny USE SCHEMA on SCHEMA'],
    // groups
    ['a grant to a group of the actor', bob, 'SELECT', [catalog({ analysts: ['USE CATALOG'] }), schema({ staff: ['USE SCHEMA'] }), table({ analysts: ['SELECT'] })], 'allow'],
    ['account users reaches every user', alice, 'SELECT', [catalog({ 'account users': ['USE CATALOG', 'USE SCHEMA', 'SELECT'] }), schema(), table()], 'allow'],
    ['a group the actor is not in', alice, 'SELECT', [catalog({ analysts: ['USE CATALOG', 'USE SCHEMA', 'SELECT'] }), schema(), table()], 'deny USE CATALOG on CATALOG'],
    // ownership
    ['the table owner still needs the USE path', alice, 'SELECT', [catalog(), schema(), table({}, 'alice')], 'deny USE CATALOG on CATALOG'],
    ['the table owner with the path holds everything', alice, 'MODIFY', [catalog(USE), schema(USE_S), table({}, 'alice')], 'allow'],
    ['the table owner may manage it', alice, 'MANAGE', [catalog(USE), schema(USE_S), table({}, 'alice')], 'allow'],
    ['the catalog owner holds everything below', alice, 'SELECT', [catalog({}, 'alice'), schema(), table()], 'allow'],
    ['the catalog owner may manage a table', alice, 'MANAGE', [catalog({}, 'alice'), schema(), table()], 'allow'],
    ['the schema owner needs USE CATALOG', alice, 'SELECT', [catalog(), schema({}, 'alice'), table()], 'deny USE CATALOG on CATALOG'],
    ['the schema owner with USE CATALOG reads tables', alice, 'SELECT', [catalog(USE), schema({}, 'alice'), table()], 'allow'],
    ['a group can own', bob, 'MANAGE', [catalog({}, 'analysts'), schema(), table()], 'allow'],
    ['USE SCHEMA alone does not give CREATE TABLE', alice, 'CREATE TABLE', [catalog(USE), schema(USE_S)], 'deny CREATE TABLE on SCHEMA'],
    // MANAGE
    ['MANAGE on the table', alice, 'MANAGE', [catalog(USE), schema(USE_S), table({ alice: ['MANAGE'] })], 'allow'],
    ['MANAGE on the schema reaches the table', alice, 'MANAGE', [catalog(USE), schema({ alice: ['USE SCHEMA', 'MANAGE'] }), table()], 'allow'],
    ['MANAGE does not give SELECT', alice, 'SELECT', [catalog(USE), schema(USE_S), table({ alice: ['MANAGE'] })], 'deny SELECT on TABLE'],
    ['SELECT does not give MANAGE', alice, 'MANAGE', [catalog(USE), schema(USE_S), table({ alice: ['SELECT'] })], 'deny MANAGE on TABLE'],
    // creating
    ['CREATE SCHEMA needs USE CATALOG too', alice, 'CREATE SCHEMA', [catalog({ alice: ['CREATE SCHEMA'] })], 'deny USE CATALOG on CATALOG'],
    ['CREATE SCHEMA with USE CATALOG', alice, 'CREATE SCHEMA', [catalog({ alice: ['USE CATALOG', 'CREATE SCHEMA'] })], 'allow'],
    ['CREATE TABLE on the schema', alice, 'CREATE TABLE', [catalog(USE), schema({ alice: ['USE SCHEMA', 'CREATE TABLE'] })], 'allow'],
    ['CREATE TABLE without USE SCHEMA', alice, 'CREATE TABLE', [catalog(USE), schema({ alice: ['CREATE TABLE'] })], 'deny USE SCHEMA on SCHEMA'],
    ['CREATE VOLUME inherited from the catalog', alice, 'CREATE VOLUME', [catalog({ alice: ['USE CATALOG', 'USE SCHEMA', 'CREATE VOLUME'] }), schema()], 'allow'],
    ['CREATE FUNCTION is not CREATE TABLE', alice, 'CREATE TABLE', [catalog(USE), schema({ alice: ['USE SCHEMA', 'CREATE FUNCTION'] })], 'deny CREATE TABLE on SCHEMA'],
    ['CREATE CATALOG on the metastore', alice, 'CREATE CATALOG', [metastore({ alice: ['CREATE CATALOG'] })], 'allow'],
    ['CREATE CATALOG through a group', bob, 'CREATE CATALOG', [metastore({ staff: ['ALL PRIVILEGES'] })], 'allow'],
    ['no CREATE CATALOG', alice, 'CREATE CATALOG', [metastore()], 'deny CREATE CATALOG on METASTORE'],
    ['nobody manages the metastore but admins', alice, 'MANAGE', [metastore({ alice: ['ALL PRIVILEGES'] })], 'deny MANAGE on METASTORE'],
    // volumes and functions
    ['READ VOLUME', alice, 'READ VOLUME', [catalog(USE), schema(USE_S), volume({ alice: ['READ VOLUME'] })], 'allow'],
    ['READ VOLUME is not WRITE VOLUME', alice, 'WRITE VOLUME', [catalog(USE), schema(USE_S), volume({ alice: ['READ VOLUME'] })], 'deny WRITE VOLUME on VOLUME'],
    ['EXECUTE on the schema', alice, 'EXECUTE', [catalog(USE), schema({ alice: ['USE SCHEMA', 'EXECUTE'] }), fn()], 'allow'],
    ['EXECUTE missing', alice, 'EXECUTE', [catalog(USE), schema(USE_S), fn()], 'deny EXECUTE on FUNCTION'],
    // model endpoints
    ['EXECUTE on the endpoint', alice, 'EXECUTE', [catalog(USE), schema(USE_S), endpoint({ alice: ['EXECUTE'] })], 'allow'],
    ['EXECUTE on the schema reaches endpoints', alice, 'EXECUTE', [catalog(USE), schema({ alice: ['USE SCHEMA', 'EXECUTE'] }), endpoint()], 'allow'],
    ['ALL PRIVILEGES on the catalog gives EXECUTE on endpoints', alice, 'EXECUTE', [catalog({ alice: ['ALL PRIVILEGES'] }), schema(), endpoint()], 'allow'],
    ['EXECUTE on an endpoint without the USE path', alice, 'EXECUTE', [catalog(USE), schema(), endpoint({ alice: ['EXECUTE'] })], 'deny USE SCHEMA on SCHEMA'],
    ['EXECUTE on an endpoint missing', alice, 'EXECUTE', [catalog(USE), schema(USE_S), endpoint()], 'deny EXECUTE on MODEL_ENDPOINT'],
    ['CREATE MODEL ENDPOINT on the schema', alice, 'CREATE MODEL ENDPOINT', [catalog(USE), schema({ alice: ['USE SCHEMA', 'CREATE MODEL ENDPOINT'] })], 'allow'],
    ['CREATE FUNCTION is not CREATE MODEL ENDPOINT', alice, 'CREATE MODEL ENDPOINT', [catalog(USE), schema({ alice: ['USE SCHEMA', 'CREATE FUNCTION'] })], 'deny CREATE MODEL ENDPOINT on SCHEMA'],
    ['the endpoint owner may manage it', alice, 'MANAGE', [catalog(USE), schema(USE_S), endpoint({}, 'alice')], 'allow'],
    ['EXECUTE does not give MANAGE on an endpoint', alice, 'MANAGE', [catalog(USE), schema(USE_S), endpoint({ alice: ['EXECUTE'] })], 'deny MANAGE on MODEL_ENDPOINT'],
    // admins
    ['an admin needs nothing', root, 'MODIFY', [catalog(), schema(), table()], 'allow'],
    ['an admin manages the metastore', root, 'MANAGE', [metastore()], 'allow'],
    ['an absent table is decided by its ancestors alone', alice, 'SELECT', [catalog(USE), schema({ alice: ['USE SCHEMA', 'SELECT'] }), absentNode('TABLE', 'shop.sales.nope')], 'allow'],
    ['an absent catalog is refused to everyone but admins', alice, 'USE CATALOG', [absentNode('CATALOG', 'nope')], 'deny USE CATALOG on CATALOG'],
  ];
  it.each(cases)('%s', (_label, actor, privilege, chain, expected) => {
    expect(verdict(decide(actor, privilege, chain))).toBe(expected);
  });

  it('explains a denial with the principal, privilege, type and name only', () => {
    const d = decide(alice, 'SELECT', [catalog(USE), schema(USE_S), table()]);
    expect(d).not.toBe('allow');
    if (d === 'allow') return;
    expect(d.reason).toBe('alice lacks SELECT on TABLE shop.sales.orders');
    expect(describeDenial(d)).toBe('catalog: alice lacks SELECT on TABLE shop.sales.orders (PERMISSION_DENIED)');
    const m = decide(alice, 'CREATE CATALOG', [metastore()]);
    expect(m !== 'allow' && describeDenial(m)).toBe('catalog: alice lacks CREATE CATALOG on METASTORE (PERMISSION_DENIED)');
  });
});

describe('decideVisible', () => {
  const cases: [string, Principal, SecurableNode[], string][] = [
    ['a catalog with USE CATALOG', alice, [catalog(USE)], 'allow'],
    ['a catalog with only CREATE SCHEMA', alice, [catalog({ alice: ['CREATE SCHEMA'] })], 'deny USE CATALOG on CATALOG'],
    ['an owned catalog', alice, [catalog({}, 'alice')], 'allow'],
    ['a schema with the path', alice, [catalog(USE), schema(USE_S)], 'allow'],
    ['a schema without USE SCHEMA', alice, [catalog(USE), schema({ alice: ['SELECT'] })], 'deny USE SCHEMA on SCHEMA'],
    ['a table with MODIFY only', alice, [catalog(USE), schema(USE_S), table({ alice: ['MODIFY'] })], 'allow'],
    ['a table with MANAGE only', alice, [catalog(USE), schema(USE_S), table({ alice: ['MANAGE'] })], 'allow'],
    ['a table with nothing', alice, [catalog(USE), schema(USE_S), table()], 'deny SELECT on TABLE'],
    ['a table with CREATE TABLE on its schema', alice, [catalog(USE), schema({ alice: ['USE SCHEMA', 'CREATE TABLE'] }), table()], 'deny SELECT on TABLE'],
    ['an owned table', alice, [catalog(USE), schema(USE_S), table({}, 'alice')], 'allow'],
    ['a volume with WRITE VOLUME', alice, [catalog(USE), schema(USE_S), volume({ alice: ['WRITE VOLUME'] })], 'allow'],
    ['a volume with nothing', alice, [catalog(USE), schema(USE_S), volume()], 'deny READ VOLUME on VOLUME'],
    ['a function with EXECUTE from the catalog', alice, [catalog({ alice: ['USE CATALOG', 'USE SCHEMA', 'EXECUTE'] }), schema(), fn()], 'allow'],
    ['an endpoint with EXECUTE', alice, [catalog(USE), schema(USE_S), endpoint({ alice: ['EXECUTE'] })], 'allow'],
    ['an endpoint with nothing', alice, [catalog(USE), schema(USE_S), endpoint()], 'deny EXECUTE on MODEL_ENDPOINT'],
    ['a function with nothing', alice, [catalog(USE), schema(USE_S), fn()], 'deny EXECUTE on FUNCTION'],
    ['anything for an admin', root, [catalog(), schema(), volume()], 'allow'],
  ];
  it.each(cases)('%s', (_label, actor, chain, expected) => {
    expect(verdict(decideVisible(actor, chain))).toBe(expected);
  });

  it('lists the privileges held', () => {
    const chain = [catalog(USE), schema({ alice: ['USE SCHEMA', 'SELECT'] }), table({ alice: ['MODIFY'] })];
    expect(heldPrivileges(alice, ['SELECT', 'MODIFY', 'MANAGE'], chain)).toEqual(['SELECT', 'MODIFY']);
  });
});

describe('privileges', () => {
  it('applies each privilege to its type and the types above it', () => {
    expect(appliesTo('SELECT', 'TABLE')).toBe(true);
    expect(appliesTo('SELECT', 'SCHEMA')).toBe(true);
    expect(appliesTo('SELECT', 'CATALOG')).toBe(true);
    expect(appliesTo('SELECT', 'VOLUME')).toBe(false);
    expect(appliesTo('SELECT', 'METASTORE')).toBe(false);
    expect(appliesTo('USE CATALOG', 'SCHEMA')).toBe(false);
    expect(appliesTo('CREATE CATALOG', 'CATALOG')).toBe(false);
    expect(appliesTo('CREATE CATALOG', 'METASTORE')).toBe(true);
    expect(appliesTo('MANAGE', 'METASTORE')).toBe(false);
    expect(appliesTo('EXECUTE', 'FUNCTION')).toBe(true);
    expect(appliesTo('READ VOLUME', 'TABLE')).toBe(false);
  });

  it('lists grantable privileges in canonical order', () => {
    expect(grantablePrivileges('TABLE')).toEqual(['SELECT', 'MODIFY', 'ALL PRIVILEGES', 'MANAGE']);
    expect(grantablePrivileges('SCHEMA')).toEqual([
      'USE SCHEMA', 'CREATE TABLE', 'CREATE VOLUME', 'CREATE FUNCTION', 'CREATE MODEL ENDPOINT', 'SELECT', 'MODIFY', 'READ VOLUME', 'WRITE VOLUME', 'EXECUTE', 'ALL PRIVILEGES', 'MANAGE',
    ]);
    expect(grantablePrivileges('METASTORE')).toEqual(['CREATE CATALOG', 'ALL PRIVILEGES']);
    expect(grantablePrivileges('MODEL_ENDPOINT')).toEqual(['EXECUTE', 'ALL PRIVILEGES', 'MANAGE']);
    expect(grantablePrivileges('CATALOG')).toContain('CREATE MODEL ENDPOINT');
  });

  it('expands ALL PRIVILEGES without MANAGE', () => {
    expect(expandAllPrivileges('VOLUME')).toEqual(['READ VOLUME', 'WRITE VOLUME']);
    expect(expandAllPrivileges('MODEL_ENDPOINT')).toEqual(['EXECUTE']);
    expect(expandAllPrivileges('SCHEMA')).toEqual(expect.arrayContaining(['CREATE MODEL ENDPOINT', 'EXECUTE']));
    expect(expandAllPrivileges('CATALOG')).toContain('USE CATALOG');
    expect(expandAllPrivileges('CATALOG')).not.toContain('MANAGE');
  });

  it('parses SQL and API spellings', () => {
    expect(parsePrivilege('select')).toBe('SELECT');
    expect(parsePrivilege('USE_CATALOG')).toBe('USE CATALOG');
    expect(parsePrivilege('all')).toBe('ALL PRIVILEGES');
    expect(parsePrivilege('ALL_PRIVILEGES')).toBe('ALL PRIVILEGES');
    expect(parsePrivilege('read  volume')).toBe('READ VOLUME');
    expect(parsePrivilege('DROP')).toBeUndefined();
    expect(sortPrivileges(['MODIFY', 'SELECT', 'MODIFY'])).toEqual(['SELECT', 'MODIFY']);
  });
});
