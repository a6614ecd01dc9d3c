import type { ParsedDocument, RawBlock } from './document-model.js';
import { documentOf } from './document-model.js';

/**
 * Plain text as paragraphs: blocks separated by blank lines, each one text element with its
 * lines kept. No headings are guessed. Form feeds (\f) separate pages, as text exports of
 * paged documents use them.
 */
export function parseText(text: string): ParsedDocument {
  const pages = text.replace(/\r\n?/g, '\n').split('\f');
  const blocks: RawBlock[] = [];
  pages.forEach((page, index) => {
    for (const paragraph of page.split(/\n[ \t]*\n/)) {
      const content = paragraph.replace(/[ \t]+$/gm, '').trim();
      if (content !== '') blocks.push({ type: 'text', content, page: index });
    }
  });
  return documentOf('text', blocks, pages.length, null);
}
