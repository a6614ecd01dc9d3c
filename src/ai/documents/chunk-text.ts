import type { TokenUnit } from './token-count.js';
import { tokenUnits } from './token-count.js';

/** One chunk of a text (ai_chunk_text's element type). */
export interface TextChunk {
  readonly chunk_index: number;
  readonly text: string;
  /** Character (Unicode code point) offsets into the input, 0-based, end exclusive. */
  readonly start_offset: number;
  readonly end_offset: number;
  readonly token_count: number;
}

/** A chunk as UTF-16 offsets into the text (internal form). */
export interface ChunkSpan {
  readonly start: number;
  readonly end: number;
  readonly tokens: number;
}

export interface ChunkLimits {
  readonly maxTokens: number;
  readonly overlap: number;
}

/**
 * Splits `text` into windows of at most `maxTokens` approximate tokens (token-count.ts), each
 * repeating the last ≈`overlap` tokens of the one before. A window ends where the text ends, else
 * at the last paragraph break, else the last sentence end, in its second half, else after its
 * last whole word. Chunks are exact slices of the input (whitespace between them is dropped).
 * Empty or blank text gives no chunks.
 */
export function chunkText(text: string, limits: ChunkLimits): TextChunk[] {
  const toCodePoints = codePointOffsets(text);
  return chunkSpans(text, limits).map((span, chunk_index) => ({
    chunk_index,
    text: text.slice(span.start, span.end),
    start_offset: toCodePoints(span.start),
    end_offset: toCodePoints(span.end),
    token_count: span.tokens,
  }));
}

/** The windows of chunkText as UTF-16 spans. */
export function chunkSpans(text: string, limits: ChunkLimits): ChunkSpan[] {
  const units = tokenUnits(text);
  const spans: ChunkSpan[] = [];
  let start = 0;
  while (start < units.length) {
    const fit = fittingEnd(units, start, limits.maxTokens);
    const cut = fit === units.length ? fit : cutPoint(text, units, start, fit, limits.maxTokens);
    spans.push({ start: (units[start] as TokenUnit).start, end: (units[cut - 1] as TokenUnit).end, tokens: weight(units, start, cut) });
    if (cut === units.length) break;
    start = overlapStart(units, start, cut, limits.overlap);
  }
  return spans;
}

/** The index after the last unit from `start` that keeps the window within `max` (at least one unit). */
function fittingEnd(units: readonly TokenUnit[], start: number, max: number): number {
  let total = 0;
  let end = start;
  while (end < units.length && total + (units[end] as TokenUnit).weight <= max) total += (units[end++] as TokenUnit).weight;
  return Math.max(end, start + 1);
}

/** Where to end the window [start, fit): paragraph break, else sentence end, in its second half; else `fit`. */
function cutPoint(text: string, units: readonly TokenUnit[], start: number, fit: number, max: number): number {
  let sentence = -1;
  let tokens = weight(units, start, fit);
  for (let c = fit; c > start + 1; c--) {
    tokens -= (units[c - 1] as TokenUnit).weight;
    if (tokens + (units[c - 1] as TokenUnit).weight < max / 2) break;
    const gap = text.slice((units[c - 1] as TokenUnit).end, (units[c] as TokenUnit).start);
    if (/\n[ \t]*\n/.test(gap)) return c;
    if (sentence < 0 && /\s/.test(gap) && endsSentence(text, units[c - 1] as TokenUnit)) sentence = c;
  }
  return sentence > 0 ? sentence : fit;
}

function endsSentence(text: string, unit: TokenUnit): boolean {
  const s = text.slice(unit.start, unit.end);
  if (/^[.!?…。！？]$/.test(s)) return true;
  // A closing quote or bracket right after the mark still ends the sentence.
  return /^["'”’)\]]$/.test(s) && /[.!?…]$/.test(text.slice(Math.max(0, unit.start - 1), unit.start));
}

/** The first unit of the next window: as far back from `cut` as `overlap` tokens reach, past `start`. */
function overlapStart(units: readonly TokenUnit[], start: number, cut: number, overlap: number): number {
  let next = cut;
  let tokens = 0;
  while (next - 1 > start && tokens + (units[next - 1] as TokenUnit).weight <= overlap) tokens += (units[--next] as TokenUnit).weight;
  return next;
}

function weight(units: readonly TokenUnit[], from: number, to: number): number {
  let total = 0;
  for (let i = from; i < to; i++) total += (units[i] as TokenUnit).weight;
  return total;
}

/** UTF-16 offset → code point offset (identity when the text has no surrogate pairs). */
function codePointOffsets(text: string): (offset: number) => number {
  if (!/[\uD800-\uDBFF]/.test(text)) return (offset) => offset;
  const prefix = new Uint32Array(text.length + 1);
  for (let i = 0; i < text.length; i++) {
    const low = text.charCodeAt(i) >= 0xdc00 && text.charCodeAt(i) <= 0xdfff && i > 0 && text.charCodeAt(i - 1) >= 0xd800 && text.charCodeAt(i - 1) <= 0xdbff;
    prefix[i + 1] = (prefix[i] as number) + (low ? 0 : 1);
  }
  return (offset) => prefix[offset] as number;
}
