import { describe, expect, it } from 'vitest';
import { checkExternalLocation, isManagedLocation, joinLocation, locationKey, managedLocation, managedRoot, normalizeLocation, overlaps } from './managed-locations.js';

describe('managed locations', () => {
  it('joins roots and parts with single slashes', () => {
    expect(joinLocation('/w', 'tables', 'id1')).toBe('/w/tables/id1');
    expect(joinLocation('/w///', '/tables/', 'id1')).toBe('/w/tables/id1');
    expect(joinLocation('/', 'tables')).toBe('/tables');
    expect(joinLocation('s3://bucket', 'tables', 'x')).toBe('s3://bucket/tables/x');
    expect(joinLocation('s3://bucket/pre/', 'volumes', 'x')).toBe('s3://bucket/pre/volumes/x');
    expect(joinLocation('file:///', 'tables')).toBe('file:///tables');
    expect(joinLocation('file:///data/lake/', 'tables')).toBe('file:///data/lake/tables');
    expect(joinLocation('memory://wh', 'tables', 'x')).toBe('memory://wh/tables/x');
  });

  it('puts managed objects under the nearest root, named by id', () => {
    expect(managedRoot('s3://b/schema', 's3://b/cat', '/w')).toBe('s3://b/schema');
    expect(managedRoot(undefined, 's3://b/cat', '/w')).toBe('s3://b/cat');
    expect(managedRoot(undefined, undefined, '/w')).toBe('/w');
    expect(managedLocation('/w', 'tables', 'abc')).toBe('/w/tables/abc');
    expect(managedLocation('s3://b/p', 'volumes', 'abc')).toBe('s3://b/p/volumes/abc');
  });

  it('recognises the managed shape before anything is deleted', () => {
    expect(isManagedLocation('/w/tables/abc', 'tables', 'abc')).toBe(true);
    expect(isManagedLocation('s3://b/volumes/abc/', 'volumes', 'abc')).toBe(true);
    expect(isManagedLocation('/w/tables/abc', 'volumes', 'abc')).toBe(false);
    expect(isManagedLocation('/w/data', 'tables', 'abc')).toBe(false);
    expect(isManagedLocation('/w/tables/', 'tables', '')).toBe(false);
  });

  it('normalises locations: relative and file: paths become absolute, URLs lose trailing slashes', () => {
    expect(normalizeLocation('data/x', 'table', '/base')).toBe('/base/data/x');
    expect(normalizeLocation('/a/b/../c/', 'table')).toBe('/a/c');
    expect(normalizeLocation('file:///a/b', 'table')).toBe('/a/b');
    expect(normalizeLocation('s3://bucket/p/', 'table')).toBe('s3://bucket/p');
    expect(normalizeLocation('memory://m/x', 'table')).toBe('memory://m/x');
  });

  it.each(['', '   ', 'ftp://x/y', 's3://bucket/a/../b', 's3:///nobucket'])('refuses location %j', (location) => {
    expect(() => normalizeLocation(location, 'table t', '/base')).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/^catalog: invalid table t location/) }),
    );
  });

  it('compares spellings of one place alike', () => {
    expect(locationKey('s3a://b/p/')).toBe('s3://b/p');
    expect(locationKey('file:///x/y/')).toBe('/x/y');
    expect(overlaps('/w/tables', '/w/tables/t1')).toBe(true);
    expect(overlaps('/w', '/w/tables')).toBe(true);
    expect(overlaps('/w/tablesX', '/w/tables')).toBe(false);
    expect(overlaps('/', '/w')).toBe(true);
  });

  it('refuses external locations overlapping managed storage', () => {
    const roots = ['/w', 's3://b/cat'];
    expect(checkExternalLocation('/ext/t', roots, 'table t')).toBe('/ext/t');
    expect(checkExternalLocation('/w/external/t', roots, 'table t')).toBe('/w/external/t');
    expect(checkExternalLocation('s3://b/cat/ext', roots, 'table t')).toBe('s3://b/cat/ext');
    for (const bad of ['/w/tables/x', '/w/volumes', 'file:///w/tables/y/', '/w', '/', 's3a://b/cat/tables/z', 's3://b']) {
      expect(() => checkExternalLocation(bad, roots, 'table t')).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('LOCATION_OVERLAP') }));
    }
  });
});
