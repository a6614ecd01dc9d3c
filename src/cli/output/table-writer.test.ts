import { describe, expect, it } from 'vitest';
import { fitColumns, TableWriter } from './table-writer.js';

function render(columns: { name: string; type: string }[], rows: unknown[][], maxRows = 40, maxWidth = 120): string {
  let out = '';
  const writer = new TableWriter((t) => (out += t), { maxRows, maxWidth });
  writer.begin(columns);
  writer.rows(rows);
  writer.end();
  return out;
}

describe('the table box', () => {
  it('aligns numbers right and text left, with a row count', () => {
    const out = render([{ name: 'n', type: 'INTEGER' }, { name: 'word', type: 'VARCHAR' }], [[1, 'a'], [22, 'bb']]);
    expect(out).toBe(
      [
        '┌─────────┬─────────┐',
        '│    n    │  word   │',
        '│ integer │ varchar │',
        '├─────────┼─────────┤',
        '│       1 │ a       │',
        '│      22 │ bb      │',
        '└─────────┴─────────┘',
        '2 rows',
        '',
      ].join('\n'),
    );
  });

  it('shows the first and last rows of a long result around an omission marker', () => {
    const rows = Array.from({ length: 1000 }, (_, i) => [i]);
    const lines = render([{ name: 'i', type: 'BIGINT' }], rows, 10).split('\n');
    const values = lines.filter((l) => /^│\s+\d+ │$/.test(l)).map((l) => Number(l.replace(/[│ ]/g, '')));
    expect(values).toEqual([0, 1, 2, 3, 4, 995, 996, 997, 998, 999]);
    expect(lines.some((l) => l.includes('… 990 rows omitted …'))).toBe(true);
    expect(lines).toContain('1000 rows (10 shown)');
  });

  it('clips wide values with an ellipsis so the box fits the width', () => {
    const out = render([{ name: 'id', type: 'INTEGER' }, { name: 'text', type: 'VARCHAR' }], [[1, 'x'.repeat(500)]], 40, 40);
    const lines = out.trimEnd().split('\n');
    for (const line of lines.slice(0, -1)) expect([...line].length).toBeLessThanOrEqual(40);
    expect(out).toContain('x…');
    expect(out).not.toContain('x'.repeat(100));
  });

  it('hides middle columns behind … when even narrow columns do not fit', () => {
    const columns = Array.from({ length: 30 }, (_, i) => ({ name: `column_${i}`, type: 'VARCHAR' }));
    const out = render(columns, [columns.map((c) => c.name)], 40, 60);
    expect(out).toContain('column_0');
    expect(out).toContain('column_29');
    expect(out).toContain('│ … │');
    expect(out).toMatch(/30 columns \(\d+ shown\)/);
    for (const line of out.trimEnd().split('\n').slice(0, -1)) expect([...line].length).toBeLessThanOrEqual(60);
  });

  it('keeps newlines of a value on one line', () => {
    expect(render([{ name: 's', type: 'VARCHAR' }], [['a\nb']])).toContain('│ a\\nb    │');
  });
});

describe('fitColumns', () => {
  it('leaves columns that fit alone and caps the widest to one width', () => {
    expect(fitColumns([3, 4], 100)).toEqual([{ index: 0, width: 3 }, { index: 1, width: 4 }]);
    const fitted = fitColumns([3, 50, 80], 60);
    expect(fitted.map((s) => s.width)).toEqual([3, 23, 23]);
    expect(fitted.reduce((sum, s) => sum + s.width + 3, 1)).toBeLessThanOrEqual(60);
  });
});
