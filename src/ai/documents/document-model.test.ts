import { describe, expect, it } from 'vitest';
import { buildElements, documentOf } from './document-model.js';

describe('document model', () => {
  it('assigns ids and heading paths, a heading replacing its level and deeper ones', () => {
    const elements = buildElements([
      { type: 'section_header', content: 'A', page: 0, level: 1 },
      { type: 'section_header', content: 'A.1', page: 0, level: 2 },
      { type: 'section_header', content: 'A.1.a', page: 0, level: 4 },
      { type: 'text', content: ' deep ', page: 0 },
      { type: 'text', content: '   ', page: 0 },
      { type: 'section_header', content: 'B', page: 1, level: 1 },
      { type: 'text', content: 'b', page: 1 },
    ]);
    expect(elements.map((e) => [e.id, e.content, e.section])).toEqual([
      [0, 'A', 'A'],
      [1, 'A.1', 'A > A.1'],
      [2, 'A.1.a', 'A > A.1 > A.1.a'],
      [3, 'deep', 'A > A.1 > A.1.a'],
      [4, 'B', 'B'],
      [5, 'b', 'B'],
    ]);
  });

  it('builds pages from elements and takes the first heading as the default title', () => {
    const doc = documentOf('pdf', [{ type: 'section_header', content: 'Head', page: 1, level: 1 }, { type: 'text', content: 'x', page: 1 }], 3, null);
    expect(doc.document?.pages).toEqual([{ id: 0, content: '' }, { id: 1, content: 'Head\n\nx' }, { id: 2, content: '' }]);
    expect(doc.metadata).toEqual({ format: 'pdf', title: 'Head', page_count: 3 });
  });
});
