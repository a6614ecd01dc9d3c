/**
 * Loch's approximate token model, used for chunk sizes (no model vocabulary is shipped, so
 * counts are estimates, not any particular tokenizer's): a word costs one token per started 5
 * characters ("the" 1, "document" 2, "internationalization" 4), every punctuation mark or symbol
 * and every CJK character one token. For English prose this gives ≈1.3 tokens per word (≈0.75
 * words per token), close to BPE tokenizers such as OpenAI's. Words longer than 40 characters
 * are cut into 40-character pieces so one unit never outweighs a chunk.
 */
export interface TokenUnit {
  /** UTF-16 offsets into the text, end exclusive. */
  readonly start: number;
  readonly end: number;
  readonly weight: number;
}

const CHARS_PER_TOKEN = 5;
const MAX_WORD = 40;
const UNIT = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Thai}]|[\p{L}\p{N}\p{M}_]+|[^\s\p{L}\p{N}\p{M}_]/gu;
const CJK = /^[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Thai}]$/u;

/** The token units of `text` in order. */
export function tokenUnits(text: string): TokenUnit[] {
  const units: TokenUnit[] = [];
  for (const m of text.matchAll(UNIT)) {
    const word = m[0];
    const start = m.index;
    if (word.length <= MAX_WORD || CJK.test(word)) {
      units.push({ start, end: start + word.length, weight: wordWeight(word) });
      continue;
    }
    for (let at = 0; at < word.length; at += MAX_WORD) {
      const piece = word.slice(at, at + MAX_WORD);
      units.push({ start: start + at, end: start + at + piece.length, weight: wordWeight(piece) });
    }
  }
  return units;
}

/** The approximate token count of `text`. */
export function countTokens(text: string): number {
  return tokenUnits(text).reduce((sum, u) => sum + u.weight, 0);
}

function wordWeight(word: string): number {
  return Math.max(1, Math.ceil(word.length / CHARS_PER_TOKEN));
}
