import { describe, expect, it } from 'vitest';
import { chunkText } from './chunk-text.js';
import { countTokens } from './token-count.js';

const SENTENCES = Array.from({ length: 30 }, (_, i) => `Sentence number ${i} talks about lakes and tables.`).join(' ');

describe('chunkText', () => {
  it('keeps a short text as one chunk and gives none for blank text', () => {
    expect(chunkText('  Short text.  ', { maxTokens: 50, overlap: 5 })).toEqual([{ chunk_index: 0, text: 'Short text.', start_offset: 2, end_offset: 13, token_count: 3 }]);
    expect(chunkText(' \n ', { maxTokens: 50, overlap: 5 })).toEqual([]);
  });

  it('windows long text within max_tokens, ending at sentence ends, with overlap', () => {
    const chunks = chunkText(SENTENCES, { maxTokens: 40, overlap: 6 });
    expect(chunks.length).toBeGreaterThan(5);
    chunks.forEach((c, i) => {
      expect(c.chunk_index).toBe(i);
      expect(c.token_count).toBeLessThanOrEqual(40);
      expect(c.token_count).toBe(countTokens(c.text));
      expect(SENTENCES.slice(c.start_offset, c.end_offset)).toBe(c.text);
      if (i < chunks.length - 1) expect(c.text.endsWith('.')).toBe(true);
      if (i > 0) expect(c.start_offset).toBeLessThan((chunks[i - 1] as { end_offset: number }).end_offset);
    });
    expect(chunks[chunks.length - 1]?.end_offset).toBe(SENTENCES.length);
  });

  it('without overlap the chunks tile the text', () => {
    const chunks = chunkText(SENTENCES, { maxTokens: 30, overlap: 0 });
    const rebuilt = chunks.map((c) => c.text).join(' ');
    expect(rebuilt).toBe(SENTENCES);
  });

  it('prefers a paragraph break in the window', () => {
    // The break (after 25 tokens) wins over the later sentence end (after 32), both in the window's second half.
    const text = `${'alpha '.repeat(24).trim()}.\n\n${'beta '.repeat(5).trim()} gamma. ${'delta '.repeat(30).trim()}`;
    const [first] = chunkText(text, { maxTokens: 40, overlap: 0 });
    expect(first?.text).toBe(`${'alpha '.repeat(24).trim()}.`);
  });

  it('falls back to word boundaries without sentences and reports code point offsets', () => {
    const text = `😀 ${'word '.repeat(50).trim()}`;
    const chunks = chunkText(text, { maxTokens: 10, overlap: 2 });
    expect(chunks[0]?.text).toBe('😀 word word word word word word word word word');
    // Chunk 1 starts 2 tokens back: at the 8th word, after the emoji (one code point, two UTF-16 units), a space and 7 words.
    expect(chunks[1]?.start_offset).toBe(1 + 1 + 7 * 5);
    for (const c of chunks) expect([...text].slice(c.start_offset, c.end_offset).join('')).toBe(c.text);
  });
});
