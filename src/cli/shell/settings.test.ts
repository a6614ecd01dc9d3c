import { describe, expect, it } from 'vitest';
import { changesNames, ShellSettings } from './settings.js';

describe('shell settings', () => {
  it('follows USE statements', () => {
    const s = new ShellSettings('table');
    s.followUse('USE CATALOG Lab');
    expect([s.catalog, s.schema]).toEqual(['lab', 'default']);
    s.followUse('use schema `my.schema`');
    expect([s.catalog, s.schema]).toEqual(['lab', 'my.schema']);
    s.followUse('USE main.sales');
    expect([s.catalog, s.schema]).toEqual(['main', 'sales']);
    s.followUse('SELECT 1');
    expect([s.catalog, s.schema]).toEqual(['main', 'sales']);
  });

  it('knows which statements change names', () => {
    expect(changesNames('/* x */ CREATE TABLE t (a INT)')).toBe(true);
    expect(changesNames('drop view v')).toBe(true);
    expect(changesNames('SELECT 1')).toBe(false);
  });

  it('derives table limits from the terminal unless .maxwidth is set', () => {
    const s = new ShellSettings('table');
    expect(s.limits(90)).toEqual({ maxRows: 40, maxWidth: 90 });
    s.maxWidth = 50;
    s.maxRows = 0;
    expect(s.limits(90)).toEqual({ maxRows: 0, maxWidth: 50 });
  });
});
