import { Parser } from 'htmlparser2';
import type { ElementType, ParsedDocument, RawBlock } from './document-model.js';
import { documentOf } from './document-model.js';

/** Elements whose text is not document content. */
const SKIPPED = new Set(['script', 'style', 'nav', 'noscript', 'template', 'svg', 'iframe', 'head', 'button', 'select']);
/** Elements that end the running paragraph. */
const BLOCKS = new Set(['p', 'div', 'section', 'article', 'main', 'header', 'footer', 'aside', 'blockquote', 'ul', 'ol', 'dl', 'dt', 'dd', 'figure', 'figcaption', 'form', 'hr', 'body', 'address', 'details', 'summary']);
const HEADING = /^h([1-6])$/;

interface Context {
  readonly type: ElementType;
  readonly level?: number;
}

/**
 * HTML as document elements: h1–h6 headings, paragraphs (p and other block containers), list
 * items, pre/code blocks (whitespace kept), tables as text rows (`cell | cell`, one line per row),
 * with script, style, nav and similar non-content elements skipped. The document is one page;
 * its title is <title>, else the first heading. Never throws: htmlparser2 recovers from bad markup.
 */
export function parseHtml(html: string): ParsedDocument {
  const builder = new HtmlBlocks();
  const parser = new Parser(
    {
      onopentag: (name) => builder.open(name),
      onclosetag: (name) => builder.close(name),
      ontext: (text) => builder.text(text),
    },
    { decodeEntities: true, lowerCaseTags: true },
  );
  parser.write(html);
  parser.end();
  builder.flush();
  return documentOf('html', builder.blocks, 1, builder.title);
}

class HtmlBlocks {
  readonly blocks: RawBlock[] = [];
  private rawTitle = '';
  private readonly stack: Context[] = [{ type: 'text' }];
  private buffer = '';
  private bufferContext: Context = { type: 'text' };
  private skipDepth = 0;
  private inTitle = false;
  private table: { depth: number; rows: string[][] } | undefined;

  get title(): string | null {
    return this.rawTitle.replace(/\s+/g, ' ').trim() || null;
  }

  open(name: string): void {
    if (name === 'title') this.inTitle = true;
    if (SKIPPED.has(name) || this.skipDepth > 0) {
      this.skipDepth += SKIPPED.has(name) ? 1 : 0;
      return;
    }
    if (this.table !== undefined) return this.openInTable(name);
    if (name === 'br') return this.text('\n');
    const heading = HEADING.exec(name);
    if (heading !== null) return this.push({ type: 'section_header', level: Number(heading[1]) });
    if (name === 'li') return this.push({ type: 'list_item' });
    if (name === 'pre') return this.push({ type: 'code' });
    if (name === 'table') {
      this.flush();
      this.table = { depth: 1, rows: [] };
      return;
    }
    if (BLOCKS.has(name)) this.push(this.top().type === 'list_item' || this.top().type === 'code' ? this.top() : { type: 'text' });
  }

  close(name: string): void {
    if (name === 'title') this.inTitle = false;
    if (this.skipDepth > 0) {
      if (SKIPPED.has(name)) this.skipDepth--;
      return;
    }
    if (this.table !== undefined) return this.closeInTable(name);
    if (HEADING.test(name) || name === 'li' || name === 'pre' || BLOCKS.has(name)) {
      this.flush();
      if (this.stack.length > 1) this.stack.pop();
    }
  }

  text(text: string): void {
    if (this.inTitle) {
      this.rawTitle += text;
      return;
    }
    if (this.skipDepth > 0) return;
    if (this.table !== undefined) {
      const row = this.table.rows[this.table.rows.length - 1];
      if (row !== undefined && row.length > 0) row[row.length - 1] += text;
      return;
    }
    const context = this.top();
    if (context !== this.bufferContext) this.flush();
    this.bufferContext = context;
    this.buffer += text;
  }

  flush(): void {
    const type = this.bufferContext.type;
    const content = type === 'code' ? this.buffer.replace(/^\n+|\s+$/g, '') : this.buffer.replace(/[ \t\r\f\v]*\n[ \t\r\f\v]*/g, '\n').replace(/[ \t\r\f\v]+/g, ' ').replace(/\n{2,}/g, '\n').trim();
    if (content !== '') {
      const level = this.bufferContext.level;
      this.blocks.push({ type, content: type === 'section_header' ? content.replace(/\s+/g, ' ') : content, page: 0, ...(level === undefined ? {} : { level }) });
    }
    this.buffer = '';
  }

  private push(context: Context): void {
    this.flush();
    this.stack.push(context);
  }

  private top(): Context {
    return this.stack[this.stack.length - 1] as Context;
  }

  private openInTable(name: string): void {
    const table = this.table as { depth: number; rows: string[][] };
    // A nested table's cells flatten into the outer table's current cell.
    if (name === 'table') table.depth++;
    else if (name === 'tr' && table.depth === 1) table.rows.push([]);
    else if ((name === 'td' || name === 'th') && table.depth === 1) {
      if (table.rows.length === 0) table.rows.push([]);
      (table.rows[table.rows.length - 1] as string[]).push('');
    } else if (name === 'br') this.text(' ');
  }

  private closeInTable(name: string): void {
    const table = this.table as { depth: number; rows: string[][] };
    if (name !== 'table') return;
    table.depth--;
    if (table.depth > 0) return;
    const lines = table.rows.map((cells) => cells.map((c) => c.replace(/\s+/g, ' ').trim()).join(' | ')).filter((l) => l.replace(/[|\s]/g, '') !== '');
    if (lines.length > 0) this.blocks.push({ type: 'table', content: lines.join('\n'), page: 0 });
    this.table = undefined;
  }
}
