import type { DocumentFormat, ParsedDocument } from './document-model.js';
import { failedDocument } from './document-model.js';
import { detectFormat } from './format-detect.js';
import { parseHtml } from './html-parser.js';
import { parseMarkdown } from './markdown-parser.js';
import { parsePdf } from './pdf-parser.js';
import { parseText } from './text-parser.js';

/**
 * Parses a document's bytes: detects the format (detectFormat: magic bytes, HTML prologue,
 * `hint` = format name or path, else text) and runs that format's parser. Text formats are
 * decoded as UTF-8 (invalid sequences become U+FFFD). Never throws for bad content: failures
 * come back as `error_status`.
 */
export async function parseDocument(bytes: Uint8Array, hint?: string): Promise<ParsedDocument> {
  const format = detectFormat(bytes, hint);
  if (format === 'pdf') return parsePdf(bytes);
  return parseTextual(format, new TextDecoder('utf-8', { fatal: false }).decode(bytes));
}

function parseTextual(format: Exclude<DocumentFormat, 'pdf'>, text: string): ParsedDocument {
  try {
    const clean = text.replace(/^\uFEFF/, '');
    if (format === 'html') return parseHtml(clean);
    if (format === 'markdown') return parseMarkdown(clean);
    return parseText(clean);
  } catch (error) {
    // The parsers recover from bad markup; this is a last resort so one row never fails a statement.
    return failedDocument(format, `${format}: cannot parse the document (${text.length} characters): ${error instanceof Error ? error.message : String(error)}`);
  }
}
