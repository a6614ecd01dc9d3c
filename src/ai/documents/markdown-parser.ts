import { Lexer } from 'marked';
import type { Token, Tokens } from 'marked';
import type { ParsedDocument, RawBlock } from './document-model.js';
import { documentOf } from './document-model.js';

/**
 * Markdown as document elements through marked's lexer (GitHub-flavoured): headings (ATX and
 * setext), paragraphs, list items (nested lists flattened in order), fenced/indented code, tables
 * as text rows (`cell | cell`), block quotes' contents. Inline markup is reduced to its text
 * (links keep their text, images their alt text). One page. Never throws.
 */
export function parseMarkdown(markdown: string): ParsedDocument {
  const tokens = new Lexer({ gfm: true }).lex(markdown);
  const blocks: RawBlock[] = [];
  collectBlocks(tokens, blocks);
  return documentOf('markdown', blocks, 1, null);
}

function collectBlocks(tokens: readonly Token[], out: RawBlock[]): void {
  for (const token of tokens) {
    switch (token.type) {
      case 'heading': {
        const t = token as Tokens.Heading;
        out.push({ type: 'section_header', content: inlineText(t.tokens, t.text), page: 0, level: t.depth });
        break;
      }
      case 'paragraph':
      case 'text': {
        const t = token as Tokens.Paragraph | Tokens.Text;
        out.push({ type: 'text', content: inlineText(t.tokens, t.text), page: 0 });
        break;
      }
      case 'code':
        out.push({ type: 'code', content: (token as Tokens.Code).text, page: 0 });
        break;
      case 'list':
        for (const item of (token as Tokens.List).items) listItem(item, out);
        break;
      case 'table':
        out.push({ type: 'table', content: tableText(token as Tokens.Table), page: 0 });
        break;
      case 'blockquote':
        collectBlocks((token as Tokens.Blockquote).tokens, out);
        break;
      case 'html':
        out.push({ type: 'text', content: stripTags((token as Tokens.HTML).text), page: 0 });
        break;
      default:
        // space, hr, def: no content.
        break;
    }
  }
}

/** An item's own text is one list_item; its nested blocks (sub-lists, code) follow it. */
function listItem(item: Tokens.ListItem, out: RawBlock[]): void {
  const own: string[] = [];
  const nested: Token[] = [];
  for (const child of item.tokens) {
    if (child.type === 'text' || child.type === 'paragraph') own.push(inlineText((child as Tokens.Text).tokens, (child as Tokens.Text).text));
    else nested.push(child);
  }
  const box = item.task ? (item.checked === true ? '[x] ' : '[ ] ') : '';
  if (own.length > 0) out.push({ type: 'list_item', content: box + own.join('\n'), page: 0 });
  collectBlocks(nested, out);
}

function tableText(table: Tokens.Table): string {
  const row = (cells: readonly Tokens.TableCell[]): string => cells.map((c) => inlineText(c.tokens, c.text)).join(' | ');
  return [row(table.header), ...table.rows.map(row)].join('\n');
}

/** The plain text of inline tokens (the raw text when marked gave none). */
function inlineText(tokens: readonly Token[] | undefined, fallback: string): string {
  if (tokens === undefined || tokens.length === 0) return fallback;
  return tokens.map(inlineTokenText).join('');
}

function inlineTokenText(token: Token): string {
  switch (token.type) {
    case 'br':
      return '\n';
    case 'image':
      return (token as Tokens.Image).text;
    case 'codespan':
    case 'escape':
      return (token as Tokens.Codespan).text;
    case 'html':
      return stripTags((token as Tokens.Tag).text);
    default: {
      const withChildren = token as { tokens?: Token[]; text?: string; raw: string };
      return inlineText(withChildren.tokens, withChildren.text ?? withChildren.raw);
    }
  }
}

function stripTags(html: string): string {
  return html.replace(/<!--[\s\S]*?-->/g, '').replace(/<[^>]*>/g, '');
}
