import { describe, expect, it } from 'vitest';
import { assignmentsJson, requestPrivilege, ucPrivileges } from './privilege-mapping.js';
import { catalogPath, objectPath, schemaPath } from './uc-names.js';
import { metastoreId } from './metastore-id.js';

describe('UC names', () => {
  it('splits full names into validated lower-case parts', () => {
    expect(catalogPath('Main')).toBe('main');
    expect(schemaPath('Main.Sales')).toEqual({ catalog: 'main', schema: 'sales' });
    expect(objectPath("m.s.it's;ok", 'table')).toEqual({ catalog: 'm', schema: 's', name: "it's;ok" });
  });

  it('refuses traversal, NUL, empty parts and wrong part counts', () => {
    for (const bad of ['a..b', '../x', 'a.b.c.d', 'a.b', 'a.b.c\u0000', 'a.b./etc', 'a. b.c', '', `a.b.${'x'.repeat(300)}`]) {
      expect(() => objectPath(bad, 'table'), bad).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    }
  });
});

describe('UC privileges', () => {
  it('expands ALL PRIVILEGES into enum values and leaves out what the enum lacks', () => {
    expect(ucPrivileges(['ALL PRIVILEGES'], 'VOLUME')).toEqual(['READ VOLUME']);
    expect(ucPrivileges(['ALL PRIVILEGES'], 'TABLE')).toEqual(['SELECT', 'MODIFY']);
    expect(ucPrivileges(['MANAGE', 'WRITE VOLUME'], 'SCHEMA')).toEqual([]);
    expect(assignmentsJson([{ principal: 'b', privileges: ['MANAGE'] }, { principal: 'a', privileges: ['SELECT'] }], 'TABLE')).toEqual([
      { principal: 'a', privileges: ['SELECT'], loch_privileges: ['SELECT'] },
      { principal: 'b', privileges: [], loch_privileges: ['MANAGE'] },
    ]);
  });

  it('accepts enum, SQL and underscore spellings; refuses unknown and unsupported ones', () => {
    expect(requestPrivilege('USE_CATALOG')).toBe('USE CATALOG');
    expect(requestPrivilege('all privileges')).toBe('ALL PRIVILEGES');
    expect(requestPrivilege('WRITE_VOLUME')).toBe('WRITE VOLUME');
    for (const bad of ['READ FILES', 'FLY', 7, 'x'.repeat(100)]) expect(() => requestPrivilege(bad)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });

  it('derives one stable UUID-shaped metastore id per warehouse', () => {
    expect(metastoreId('/w')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(metastoreId('/w')).toBe(metastoreId('/w'));
    expect(metastoreId('/w')).not.toBe(metastoreId('/v'));
  });
});
