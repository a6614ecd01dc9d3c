import { describe, expect, it } from 'vitest';
import { chunkDocument } from './chunk-document.js';
import { documentOf, failedDocument } from './document-model.js';
import type { RawBlock } from './document-model.js';

const limits = { maxTokens: 30, overlap: 4 };

describe('chunkDocument', () => {
  it('keeps each section whole when it fits, with its heading path and start page', () => {
    const blocks: RawBlock[] = [
      { type: 'text', content: 'Preface before any heading.', page: 0 },
      { type: 'section_header', content: 'Guide', page: 0, level: 1 },
      { type: 'section_header', content: 'Setup', page: 1, level: 2 },
      { type: 'text', content: 'Install it.', page: 1 },
      { type: 'list_item', content: 'Step one.', page: 2 },
      { type: 'section_header', content: 'Use', page: 2, level: 2 },
      { type: 'text', content: 'Query it.', page: 2 },
    ];
    expect(chunkDocument(documentOf('pdf', blocks, 3, null), limits)).toEqual([
      { chunk_index: 0, text: 'Preface before any heading.', section: null, page: 0, token_count: 8 },
      { chunk_index: 1, text: 'Guide\n\nSetup\n\nInstall it.\n\nStep one.', section: 'Guide > Setup', page: 0, token_count: 9 },
      { chunk_index: 2, text: 'Use\n\nQuery it.', section: 'Guide > Use', page: 2, token_count: 4 },
    ]);
  });

  it('splits a long section by tokens with overlap, each piece on the page it starts on', () => {
    const para = (n: number): string => Array.from({ length: 4 }, (_, i) => `Paragraph ${n} sentence ${i} is here.`).join(' ');
    const blocks: RawBlock[] = [{ type: 'section_header', content: 'Long', page: 0, level: 1 }, { type: 'text', content: para(1), page: 0 }, { type: 'text', content: para(2), page: 1 }];
    const overlapping = chunkDocument(documentOf('pdf', blocks, 2, null), limits);
    expect(overlapping.length).toBeGreaterThan(2);
    expect(overlapping.every((c) => c.section === 'Long' && c.token_count <= 30)).toBe(true);
    const chunks = chunkDocument(documentOf('pdf', blocks, 2, null), { maxTokens: 30, overlap: 0 });
    expect(chunks.every((c) => c.section === 'Long' && c.token_count <= 30)).toBe(true);
    expect(chunks[0]?.text.startsWith('Long\n\nParagraph 1')).toBe(true);
    expect(chunks[0]?.page).toBe(0);
    const second = chunks.find((c) => c.text.startsWith('Paragraph 2'));
    expect(second?.page).toBe(1);
    expect(chunks[chunks.length - 1]?.page).toBe(1);
  });

  it('gives no chunks for a failed or empty document', () => {
    expect(chunkDocument(failedDocument('pdf', 'pdf: broken'), limits)).toEqual([]);
    expect(chunkDocument(documentOf('text', [], 1, null), limits)).toEqual([]);
  });
});
