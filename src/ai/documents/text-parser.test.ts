import { describe, expect, it } from 'vitest';
import { parseText } from './text-parser.js';

describe('parseText', () => {
  it('splits paragraphs on blank lines and pages on form feeds, guessing no headings', () => {
    const doc = parseText('Title line\r\nsecond line  \r\n\r\n  \n\nnext para\fpage two');
    expect(doc.metadata).toEqual({ format: 'text', title: null, page_count: 2 });
    expect(doc.document?.elements).toEqual([
      { id: 0, type: 'text', content: 'Title line\nsecond line', page_id: 0, level: null, section: null },
      { id: 1, type: 'text', content: 'next para', page_id: 0, level: null, section: null },
      { id: 2, type: 'text', content: 'page two', page_id: 1, level: null, section: null },
    ]);
    expect(doc.document?.pages.map((p) => p.content)).toEqual(['Title line\nsecond line\n\nnext para', 'page two']);
  });
});
