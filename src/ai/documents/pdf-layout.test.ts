import { describe, expect, it } from 'vitest';
import { bodySize, groupLines, layoutBlocks } from './pdf-layout.js';

describe('pdf layout', () => {
  it('groups runs on one baseline into a line, with spaces only at gaps', () => {
    const lines = groupLines([
      { text: 'Hel', x: 10, y: 700, size: 10, width: 15 },
      { text: 'lo', x: 25, y: 700.5, size: 10, width: 10 },
      { text: 'world', x: 45, y: 700, size: 10, width: 25 },
      { text: 'next', x: 10, y: 685, size: 10, width: 20 },
    ]);
    expect(lines.map((l) => l.text)).toEqual(['Hello world', 'next']);
  });

  it('takes the size with the most characters as body and ranks larger sizes as heading levels', () => {
    const page = [
      { text: 'Big', y: 700, size: 24 },
      { text: 'Medium', y: 660, size: 16 },
      { text: 'body text that is long enough to dominate', y: 640, size: 10 },
      { text: 'hyphen-', y: 628, size: 10 },
      { text: 'ated word', y: 616, size: 10 },
      { text: 'Medium again', y: 580, size: 16 },
    ];
    expect(bodySize([page])).toBe(10);
    expect(layoutBlocks([page])).toEqual([
      { type: 'section_header', content: 'Big', page: 0, level: 1 },
      { type: 'section_header', content: 'Medium', page: 0, level: 2 },
      { type: 'text', content: 'body text that is long enough to dominate hyphenated word', page: 0 },
      { type: 'section_header', content: 'Medium again', page: 0, level: 2 },
    ]);
  });

  it('without font sizes everything is text', () => {
    expect(layoutBlocks([[{ text: 'a', y: 10, size: 0 }]])).toEqual([{ type: 'text', content: 'a', page: 0 }]);
  });
});
