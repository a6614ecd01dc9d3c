import { describe, expect, it } from 'vitest';
import type { StoredObject } from './metastore.js';
import { changedDocument, newDocument, readProperties, toCatalogInfo, toSchemaInfo, toTableInfo, toVolumeInfo } from './object-mapping.js';

function stored(kind: StoredObject['kind'], name: string, data: Record<string, unknown>, deletedAt: number | null = null): StoredObject {
  return { id: `id-${name}`, kind, parentId: kind === 'catalog' ? null : 'p', name, data, revision: 1, createdAt: 10, updatedAt: 20, deletedAt };
}

describe('object mapping', () => {
  it('builds documents with owner and creator from the principal', () => {
    const data = newDocument({ principal: 'ann', comment: 'hi', properties: { a: '1' } }, { storageRoot: 's3://b/x', skip: undefined });
    expect(data).toEqual({ storageRoot: 's3://b/x', comment: 'hi', owner: 'ann', properties: { a: '1' }, createdBy: 'ann', updatedBy: 'ann' });
    expect(newDocument({ principal: 'ann', comment: '' })).not.toHaveProperty('comment');
  });

  it('maps catalogs and schemas', () => {
    const data = newDocument({ principal: 'ann', comment: 'c' }, { storageRoot: '/r' });
    expect(toCatalogInfo(stored('catalog', 'main', data))).toEqual({
      id: 'id-main', name: 'main', comment: 'c', owner: 'ann', properties: {}, createdAt: 10, createdBy: 'ann', updatedAt: 20, updatedBy: 'ann', storageRoot: '/r',
    });
    const schema = toSchemaInfo(stored('schema', 's', newDocument({ principal: 'bob' })), 'main');
    expect(schema).toMatchObject({ catalog: 'main', name: 's', owner: 'bob' });
    expect(schema).not.toHaveProperty('storageRoot');
    expect(schema).not.toHaveProperty('comment');
  });

  it('maps tables, dropped tables, views and volumes', () => {
    const table = stored('table', 't', newDocument({ principal: 'ann' }, { tableType: 'MANAGED', format: 'DELTA', location: '/w/tables/x' }), 99);
    expect(toTableInfo(table, 'c', 's')).toMatchObject({ catalog: 'c', schema: 's', name: 't', tableType: 'MANAGED', format: 'DELTA', location: '/w/tables/x', deletedAt: 99 });
    const viewData = newDocument({ principal: 'ann' }, { tableType: 'VIEW', viewText: 'SELECT 1', viewContext: { catalog: 'c', schema: 's' }, viewColumns: [{ name: 'x', type: 'INTEGER' }, { bad: 1 }] });
    const view = toTableInfo(stored('view', 'v', viewData), 'c', 's');
    expect(view).toMatchObject({ tableType: 'VIEW', viewText: 'SELECT 1', viewContext: { catalog: 'c', schema: 's' }, viewColumns: [{ name: 'x', type: 'INTEGER' }] });
    expect(view).not.toHaveProperty('location');
    expect(view).not.toHaveProperty('deletedAt');
    const volume = stored('volume', 'v', newDocument({ principal: 'ann' }, { volumeType: 'EXTERNAL', location: 's3://b/v' }));
    expect(toVolumeInfo(volume, 'c', 's')).toMatchObject({ name: 'v', volumeType: 'EXTERNAL', location: 's3://b/v' });
  });

  it('refuses damaged records with CORRUPT_DATA naming the object', () => {
    expect(() => toTableInfo(stored('table', 't', { tableType: 'MANAGED' }), 'c', 's')).toThrow(
      expect.objectContaining({ code: 'CORRUPT_DATA', message: expect.stringContaining('table c.s.t (id id-t) has no location') }),
    );
    expect(() => toVolumeInfo(stored('volume', 'v', { volumeType: 'WEIRD', location: '/x' }), 'c', 's')).toThrow(/volumeType "WEIRD"/);
  });

  it('tolerates odd documents where a default is safe', () => {
    const info = toCatalogInfo(stored('catalog', 'c', { owner: 5, properties: { a: '1', b: 2 }, comment: null }));
    expect(info).toMatchObject({ owner: '', properties: { a: '1' }, createdBy: '', updatedBy: '' });
    expect(readProperties({ properties: ['x'] })).toEqual({});
  });

  it('applies ALTER changes to a copy, keeping unknown fields', () => {
    const data = newDocument({ principal: 'ann', comment: 'old', properties: { a: '1', b: '2' } }, { future: { x: 1 } });
    const next = changedDocument(data, { comment: null, owner: 'bob', setProperties: { c: '3', a: 'one' }, unsetProperties: ['b', 'missing'] }, 'carl');
    expect(next).toEqual({ future: { x: 1 }, owner: 'bob', properties: { a: 'one', c: '3' }, createdBy: 'ann', updatedBy: 'carl' });
    expect(data['comment']).toBe('old');
    expect(changedDocument(data, { comment: 'new' }, 'carl')['comment']).toBe('new');
    expect(changedDocument(data, { comment: '' }, 'carl')).not.toHaveProperty('comment');
  });
});
