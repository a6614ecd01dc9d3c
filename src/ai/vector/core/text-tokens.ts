/**
 * The tokenizer of the keyword (BM25) index: lower-cased (locale-independent), split into runs of
 * Unicode letters/digits (an apostrophe inside a word is dropped: "don't" → "dont"), minus a tiny
 * English stop-word list. No stemming: "index" and "indexes" are different terms.
 */

const STOP_WORDS: ReadonlySet<string> = new Set([
  'a', 'an', 'and', 'are', 'as', 'at', 'be', 'but', 'by', 'for', 'if', 'in', 'into', 'is', 'it',
  'no', 'not', 'of', 'on', 'or', 'such', 'that', 'the', 'their', 'then', 'there', 'these', 'they',
  'this', 'to', 'was', 'will', 'with',
]);

const WORD = /[\p{L}\p{N}]+(?:['’][\p{L}\p{N}]+)*/gu;

/** The raw words of a text (lower-cased, apostrophes removed), stop words included. */
export function words(text: string): string[] {
  const out: string[] = [];
  for (const match of text.toLowerCase().matchAll(WORD)) out.push(match[0].replace(/['’]/g, ''));
  return out;
}

/** The index terms of a text, in order (duplicates kept, stop words removed). */
export function tokenize(text: string): string[] {
  return words(text).filter((w) => !STOP_WORDS.has(w));
}
