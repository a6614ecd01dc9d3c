import { field, primitive } from '../../expr/types.js';
import type { DataType } from '../../expr/types.js';

/**
 * The value of ai_parse_document, shaped after Databricks' ai_parse_document (v2 output):
 * `document.pages` holds each page's text (one page for formats without pages),
 * `document.elements` the structural pieces in reading order with the heading path they sit
 * under, `metadata` what was detected, and `error_status` a message instead of a failed
 * statement when the content cannot be parsed (then `document` is NULL).
 */
export interface ParsedDocument {
  readonly document: { readonly pages: DocumentPage[]; readonly elements: DocumentElement[] } | null;
  readonly metadata: DocumentMetadata;
  readonly error_status: string | null;
}

export interface DocumentPage {
  /** 0-based, as Databricks numbers pages. */
  readonly id: number;
  readonly content: string;
}

/** The element kinds parsers emit. */
export type ElementType = 'title' | 'section_header' | 'text' | 'list_item' | 'code' | 'table';

export interface DocumentElement {
  /** 0-based position in reading order. */
  readonly id: number;
  readonly type: ElementType;
  readonly content: string;
  /** The page (DocumentPage.id) the element starts on. */
  readonly page_id: number;
  /** Heading level 1–6 for title/section_header, else null. */
  readonly level: number | null;
  /** The heading path the element sits under, e.g. "Guide > Setup" (a heading includes itself); null before any heading. */
  readonly section: string | null;
}

export type DocumentFormat = 'pdf' | 'html' | 'markdown' | 'text';

export interface DocumentMetadata {
  readonly format: DocumentFormat;
  readonly title: string | null;
  readonly page_count: number;
}

const str = primitive('string');
const int = primitive('integer');

/** The SQL type of ParsedDocument (the result type of ai_parse_document). */
export const PARSED_DOCUMENT_TYPE: DataType = {
  kind: 'struct',
  fields: [
    field('document', {
      kind: 'struct',
      fields: [
        field('pages', { kind: 'array', containsNull: true, element: { kind: 'struct', fields: [field('id', int), field('content', str)] } }),
        field('elements', {
          kind: 'array',
          containsNull: true,
          element: { kind: 'struct', fields: [field('id', int), field('type', str), field('content', str), field('page_id', int), field('level', int), field('section', str)] },
        }),
      ],
    }),
    field('metadata', { kind: 'struct', fields: [field('format', str), field('title', str), field('page_count', int)] }),
    field('error_status', str),
  ],
};

/** A block a parser found, before ids and section paths are assigned. */
export interface RawBlock {
  readonly type: ElementType;
  readonly content: string;
  readonly page: number;
  readonly level?: number;
}

/**
 * Elements from blocks in reading order: ids, and the heading path each block sits under (a
 * heading of level n replaces the path from level n down). Empty blocks are dropped.
 */
export function buildElements(blocks: readonly RawBlock[]): DocumentElement[] {
  const path: (string | undefined)[] = [];
  const out: DocumentElement[] = [];
  for (const block of blocks) {
    // Code keeps its indentation; only blank lines around it go.
    const content = block.type === 'code' ? block.content.replace(/^\s*\n/, '').trimEnd() : block.content.trim();
    if (content === '') continue;
    const heading = block.type === 'title' || block.type === 'section_header';
    const level = heading ? clampLevel(block.level ?? 1) : null;
    if (level !== null) {
      path.length = level - 1;
      path[level - 1] = content.replace(/\s+/g, ' ');
    }
    const parts = path.filter((p): p is string => p !== undefined);
    out.push({ id: out.length, type: block.type, content, page_id: block.page, level, section: parts.length === 0 ? null : parts.join(' > ') });
  }
  return out;
}

function clampLevel(level: number): number {
  return Math.min(6, Math.max(1, Math.round(level)));
}

/** A parsed document from its elements: pages are the elements of each page joined by blank lines. */
export function documentOf(format: DocumentFormat, blocks: readonly RawBlock[], pageCount: number, title: string | null): ParsedDocument {
  const elements = buildElements(blocks);
  const pages: DocumentPage[] = [];
  for (let id = 0; id < pageCount; id++) {
    pages.push({ id, content: elements.filter((e) => e.page_id === id).map((e) => e.content).join('\n\n') });
  }
  const firstHeading = elements.find((e) => e.level !== null);
  return { document: { pages, elements }, metadata: { format, title: title ?? firstHeading?.content ?? null, page_count: pageCount }, error_status: null };
}

/** The value for content that could not be parsed. */
export function failedDocument(format: DocumentFormat, message: string): ParsedDocument {
  return { document: null, metadata: { format, title: null, page_count: 0 }, error_status: message };
}
