import { describe, expect, it } from 'vitest';
import { containsExpected, exactMatch, normalizeAnswer } from './rule-scorers.js';

describe('rule scorers', () => {
  it('normalises case, white space and end punctuation', () => {
    expect(normalizeAnswer('  The  Answer\nis 42. ')).toBe('the answer is 42');
  });

  it('exact_match compares normalised texts and does not apply without an expectation', () => {
    expect(exactMatch('Paris.', 'paris').value).toBe(1);
    expect(exactMatch('Paris, France', 'Paris').value).toBe(0);
    expect(exactMatch('Paris', null).value).toBeNull();
  });

  it('contains_expected needs every fact, else the expected response, and names what is missing', () => {
    expect(containsExpected('Paris is the capital; 2.1M people', null, ['paris', '2.1M']).value).toBe(1);
    expect(containsExpected('Paris is the capital', null, ['Paris', 'Seine'])).toEqual({ value: 0, rationale: 'missing: "Seine"' });
    expect(containsExpected('It is Paris, of course', 'Paris', []).value).toBe(1);
    expect(containsExpected('x', null, null).value).toBeNull();
  });
});
