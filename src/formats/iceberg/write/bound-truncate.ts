/**
 * Truncated column bounds as Java's metrics modes write them (`truncate(L)`): the lower bound is
 * a prefix, the upper bound a prefix whose last incrementable unit is incremented, so both stay
 * true bounds of every value in the file while staying short.
 */

const MAX_CODE_POINT = 0x10ffff;
const SURROGATE_START = 0xd800;
const SURROGATE_END = 0xdfff;

/** The first `length` code points (a surrogate pair is one code point). */
export function truncateStringLower(text: string, length: number): string {
  return [...text].slice(0, length).join('');
}

/**
 * A string ≥ every string that starts with the first `length` code points of `text`: `text`
 * itself when it is short enough, else the prefix with its last code point that can grow
 * incremented (skipping the surrogate range) and the rest dropped; undefined when every code
 * point of the prefix is U+10FFFF (no such string exists, so no upper bound is written).
 */
export function truncateStringUpper(text: string, length: number): string | undefined {
  const points = [...text];
  if (points.length <= length) return text;
  const prefix = points.slice(0, length);
  for (let i = prefix.length - 1; i >= 0; i--) {
    let next = prefix[i]!.codePointAt(0)! + 1;
    if (next >= SURROGATE_START && next <= SURROGATE_END) next = SURROGATE_END + 1;
    if (next <= MAX_CODE_POINT) return prefix.slice(0, i).join('') + String.fromCodePoint(next);
  }
  return undefined;
}

/** The first `length` bytes. */
export function truncateBinaryLower(bytes: Uint8Array, length: number): Uint8Array {
  return bytes.slice(0, length);
}

/** Like truncateStringUpper for unsigned bytes: the prefix with its last byte below 0xff incremented. */
export function truncateBinaryUpper(bytes: Uint8Array, length: number): Uint8Array | undefined {
  if (bytes.length <= length) return bytes.slice();
  for (let i = length - 1; i >= 0; i--) {
    if (bytes[i]! < 0xff) {
      const out = bytes.slice(0, i + 1);
      out[i] = bytes[i]! + 1;
      return out;
    }
  }
  return undefined;
}
