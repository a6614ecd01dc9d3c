import { describe, expect, it } from 'vitest';
import { dropStatsColumns, renameStatsColumns } from './stats-columns-rename.js';

const KEY = 'delta.dataSkippingStatsColumns';

describe('stats columns after a rename or drop', () => {
  it('renames entries naming the column or a field inside it, case-insensitively, quoting where needed', () => {
    const config = { [KEY]: 'a, S.x,`b.c`,s.y.z', other: '1' };
    expect(renameStatsColumns(config, ['s', 'y'], ['s', 'new name'])).toEqual({ [KEY]: 'a,S.x,`b.c`,s.`new name`.z', other: '1' });
    expect(renameStatsColumns(config, ['b.c'], ['d'])).toEqual({ [KEY]: 'a,S.x,d,s.y.z', other: '1' });
  });

  it('leaves the configuration as it is when nothing matches or the property is absent', () => {
    const config = { [KEY]: 'a,b' };
    expect(renameStatsColumns(config, ['c'], ['d'])).toBe(config);
    const none = { x: 'y' };
    expect(dropStatsColumns(none, ['a'])).toBe(none);
  });

  it('drops entries of the column and its fields; the property goes when none is left', () => {
    expect(dropStatsColumns({ [KEY]: 'a,s.x,s.y' }, ['s'])).toEqual({ [KEY]: 'a' });
    expect(dropStatsColumns({ [KEY]: 'a' }, ['A'])).toEqual({});
  });
});
