import type { ChunkLimits } from './chunk-text.js';
import { chunkSpans } from './chunk-text.js';
import type { DocumentElement, ParsedDocument } from './document-model.js';
import { countTokens } from './token-count.js';

/** One chunk of a parsed document (ai_chunk_document's element type). */
export interface DocumentChunk {
  readonly chunk_index: number;
  /** The elements' text as parsed (joined by blank lines), nothing added. */
  readonly text: string;
  /** The heading path the text sits under ("Guide > Setup"), null before the first heading. */
  readonly section: string | null;
  /** The page (0-based page id) the chunk starts on. */
  readonly page: number;
  readonly token_count: number;
}

interface Section {
  readonly elements: DocumentElement[];
}

/**
 * Chunks a parsed document by its structure: each section (a heading and the elements up to the
 * next heading) is one chunk when it fits in `maxTokens`; a longer one is split like chunkText
 * (paragraph, sentence, word boundaries, `overlap` tokens repeated). Headings directly followed
 * by another heading travel with the next section, so no chunk is a bare heading (unless the
 * document ends there). Sections are never merged with each other, so `section` is exact.
 * A document that failed to parse (or has no text) gives no chunks.
 */
export function chunkDocument(parsed: ParsedDocument, limits: ChunkLimits): DocumentChunk[] {
  const elements = parsed.document?.elements ?? [];
  const chunks: DocumentChunk[] = [];
  for (const section of sections(elements)) {
    for (const chunk of sectionChunks(section, limits)) chunks.push({ ...chunk, chunk_index: chunks.length });
  }
  return chunks;
}

function sections(elements: readonly DocumentElement[]): Section[] {
  const out: Section[] = [];
  let current: DocumentElement[] = [];
  for (const element of elements) {
    const heading = element.level !== null;
    if (heading && current.some((e) => e.level === null)) {
      out.push({ elements: current });
      current = [];
    }
    current.push(element);
  }
  if (current.length > 0) out.push({ elements: current });
  return out;
}

function sectionChunks(section: Section, limits: ChunkLimits): Omit<DocumentChunk, 'chunk_index'>[] {
  const last = section.elements[section.elements.length - 1] as DocumentElement;
  const name = last.section;
  const starts: number[] = [];
  let text = '';
  for (const element of section.elements) {
    if (text !== '') text += '\n\n';
    starts.push(text.length);
    text += element.content;
  }
  const whole = countTokens(text);
  if (whole <= limits.maxTokens) return whole === 0 ? [] : [{ text, section: name, page: (section.elements[0] as DocumentElement).page_id, token_count: whole }];
  return chunkSpans(text, limits).map((span) => ({ text: text.slice(span.start, span.end), section: name, page: pageAt(section.elements, starts, span.start), token_count: span.tokens }));
}

/** The page of the element containing offset `at` of the section text. */
function pageAt(elements: readonly DocumentElement[], starts: readonly number[], at: number): number {
  let index = 0;
  while (index + 1 < starts.length && (starts[index + 1] as number) <= at) index++;
  return (elements[index] as DocumentElement).page_id;
}
