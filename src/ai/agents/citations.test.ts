import { describe, expect, it } from 'vitest';
import { citedAnswer } from './citations.js';

const rows = [
  { index: 1, source: 'vector_search:main.d.idx', id: '7', text: 'The pump runs at 40 bar.' },
  { index: 2, source: 'vector_search:main.d.idx', id: '9', text: 'Valves are checked weekly.' },
];

describe('citedAnswer', () => {
  it('keeps cited rows in order of mention, once each, and lists the sources', () => {
    const { content, cited } = citedAnswer('Valves weekly [2]; pump 40 bar [1] [2] [7].', rows);
    expect(cited.map((c) => c.index)).toEqual([2, 1]);
    expect(content).toBe('Valves weekly [2]; pump 40 bar [1] [2] [7].\n\nSources:\n[2] vector_search:main.d.idx id=9: Valves are checked weekly.\n[1] vector_search:main.d.idx id=7: The pump runs at 40 bar.');
  });

  it('leaves an answer without markers alone', () => {
    expect(citedAnswer('I do not know.', rows)).toEqual({ content: 'I do not know.', cited: [] });
  });
});
