import { describe, expect, it } from 'vitest';
import { parseMarkdown } from './markdown-parser.js';

describe('parseMarkdown', () => {
  it('turns headings, paragraphs, nested lists, code, tables and quotes into elements with plain text', () => {
    const doc = parseMarkdown(`Setext Title
============

Some **bold** and a [link](https://x.example) with \`code\`.

- top
  - nested
- [x] done

\`\`\`ts
const a = 1;
\`\`\`

### Table

| a | b |
|---|---|
| 1 | *2* |

> quoted text
`);
    expect(doc.metadata).toEqual({ format: 'markdown', title: 'Setext Title', page_count: 1 });
    expect(doc.document?.elements.map((e) => [e.type, e.content, e.level, e.section])).toEqual([
      ['section_header', 'Setext Title', 1, 'Setext Title'],
      ['text', 'Some bold and a link with code.', null, 'Setext Title'],
      ['list_item', 'top', null, 'Setext Title'],
      ['list_item', 'nested', null, 'Setext Title'],
      ['list_item', '[x] done', null, 'Setext Title'],
      ['code', 'const a = 1;', null, 'Setext Title'],
      ['section_header', 'Table', 3, 'Setext Title > Table'],
      ['table', 'a | b\n1 | 2', null, 'Setext Title > Table'],
      ['text', 'quoted text', null, 'Setext Title > Table'],
    ]);
  });
});
