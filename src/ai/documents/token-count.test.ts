import { describe, expect, it } from 'vitest';
import { countTokens, tokenUnits } from './token-count.js';

describe('approximate token count', () => {
  it('counts words by started 5 characters and punctuation and CJK characters as one each', () => {
    expect(countTokens('the document')).toBe(1 + 2);
    expect(countTokens('internationalization')).toBe(4);
    expect(countTokens('Hello, world!')).toBe(1 + 1 + 1 + 1);
    expect(countTokens('日本語')).toBe(3);
    expect(countTokens('   ')).toBe(0);
  });

  it('gives about 1.3 tokens per word on English prose', () => {
    const prose = 'Readers replay the transaction log to find the data files of a table version, then prune them with statistics before scanning.';
    const words = prose.split(/\s+/).length;
    expect(countTokens(prose) / words).toBeGreaterThan(1.1);
    expect(countTokens(prose) / words).toBeLessThan(1.6);
  });

  it('cuts very long words into 40-character pieces with exact offsets', () => {
    const word = 'x'.repeat(95);
    expect(tokenUnits(`a ${word}`)).toEqual([
      { start: 0, end: 1, weight: 1 },
      { start: 2, end: 42, weight: 8 },
      { start: 42, end: 82, weight: 8 },
      { start: 82, end: 97, weight: 3 },
    ]);
  });
});
