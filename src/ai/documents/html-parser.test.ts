import { describe, expect, it } from 'vitest';
import { parseHtml } from './html-parser.js';

describe('parseHtml', () => {
  it('keeps headings, paragraphs, list items, code and table rows; skips script, style and nav', () => {
    const doc = parseHtml(`<html><head><title>T &amp; C</title><style>.x{}</style></head><body>
      <nav>Menu</nav><h1>Terms</h1><p>First   line<br>second line</p>
      <h3>Deep</h3><ol><li>one <em>item</em></li><li><p>two</p></li></ol>
      <pre>  indented
    code</pre><table><thead><tr><th>k</th><th>v</th></tr></thead><tr><td>a</td><td>1</td></tr><tr><td></td><td></td></tr></table>
      <div>loose text</div><script>var x = 1;</script><p>caf&eacute;</p></body></html>`);
    expect(doc.metadata).toEqual({ format: 'html', title: 'T & C', page_count: 1 });
    expect(doc.document?.elements.map((e) => [e.type, e.content, e.level, e.section])).toEqual([
      ['section_header', 'Terms', 1, 'Terms'],
      ['text', 'First line\nsecond line', null, 'Terms'],
      ['section_header', 'Deep', 3, 'Terms > Deep'],
      ['list_item', 'one item', null, 'Terms > Deep'],
      ['list_item', 'two', null, 'Terms > Deep'],
      ['code', '  indented\n    code', null, 'Terms > Deep'],
      ['table', 'k | v\na | 1', null, 'Terms > Deep'],
      ['text', 'loose text', null, 'Terms > Deep'],
      ['text', 'café', null, 'Terms > Deep'],
    ]);
  });

  it('recovers from broken markup and titles by the first heading without <title>', () => {
    const doc = parseHtml('<h2>Only <b>heading</h2><p>unclosed <i>para');
    expect(doc.error_status).toBeNull();
    expect(doc.metadata.title).toBe('Only heading');
    expect(doc.document?.elements.map((e) => e.content)).toEqual(['Only heading', 'unclosed para']);
  });
});
