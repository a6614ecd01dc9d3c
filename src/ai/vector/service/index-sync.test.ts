import { describe, expect, it } from 'vitest';
import { collapseChanges } from './index-sync.js';
import { keyText, pkKey } from './source-reader.js';

const change = (id: number | string, body: string, changeType: string, version: number) => ({ values: [id, body], changeType, version });

describe('collapseChanges', () => {
  it('keeps the last version per key, ignores pre-images, and lets an insert beat a delete within one version', () => {
    const { upserts, deletes } = collapseChanges([
      change(1, 'a', 'insert', 1),
      change(2, 'b', 'insert', 1),
      change(1, 'a', 'update_preimage', 2),
      change(1, 'a2', 'update_postimage', 2),
      change(2, 'b', 'delete', 3),
      // A file rewritten without CDC files: delete + insert of the same key in one version.
      change(3, 'c', 'insert', 4),
      change(3, 'c', 'delete', 4),
      change(4, 'd', 'delete', 5),
    ]);
    expect(upserts).toEqual([[1, 'a2'], [3, 'c']]);
    expect(deletes.sort()).toEqual(['2', '4']);
  });

  it('orders by version whatever order the feed rows come in', () => {
    const { upserts, deletes } = collapseChanges([change('k', 'new', 'insert', 7), change('k', 'old', 'delete', 6)]);
    expect(upserts).toEqual([['k', 'new']]);
    expect(deletes).toEqual([]);
  });
});

describe('primary key keys', () => {
  it('are the JSON of the value and give back what CAST(pk AS VARCHAR) prints', () => {
    expect(pkKey(12n)).toBe('12');
    expect(pkKey(7)).toBe('7');
    expect(pkKey('a"b')).toBe('"a\\"b"');
    expect(pkKey(null)).toBeUndefined();
    expect(keyText(pkKey('a"b') ?? '')).toBe('a"b');
    expect(keyText('12')).toBe('12');
  });
});
