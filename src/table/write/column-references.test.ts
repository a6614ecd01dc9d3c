import { describe, expect, it } from 'vitest';
import { identifierChains, referencesColumn } from './column-references.js';

describe('identifierChains', () => {
  it('finds dotted chains and skips function names, literals, numbers and comments', () => {
    expect(identifierChains(`s.x > 1.5 AND length(b) < 3 -- c.d\n OR "Q"."r s" = 'a.b' /* e */ OR \`t\`.\`u\`\`v\` IS NULL`)).toEqual([
      ['s', 'x'],
      ['AND'],
      ['b'],
      ['OR'],
      ['Q', 'r s'],
      ['OR'],
      ['t', 'u`v'],
      ['IS'],
      ['NULL'],
    ]);
  });

  it("handles doubled quotes in strings and a chain broken by other punctuation", () => {
    expect(identifierChains("a = 'it''s' AND m['k'].z > 0")).toEqual([['a'], ['AND'], ['m'], ['z']]);
  });
});

describe('referencesColumn', () => {
  it('matches case-insensitively, whole structs and fields inside them', () => {
    expect(referencesColumn('QTY > 0', ['qty'])).toBe(true);
    expect(referencesColumn('s.x > 0', ['s'])).toBe(true);
    expect(referencesColumn('s IS NOT NULL', ['s', 'x'])).toBe(true);
    expect(referencesColumn('s.x > 0', ['s', 'y'])).toBe(false);
    expect(referencesColumn('qty2 > 0', ['qty'])).toBe(false);
    expect(referencesColumn("label <> 'qty'", ['qty'])).toBe(false);
    expect(referencesColumn('qty(1) > 0', ['qty'])).toBe(false);
  });
});
