/**
 * Compares two strings by the bytes of their UTF-8 encoding, the order every ObjectStore lists
 * in (and S3's own order). JavaScript's `<` compares UTF-16 code units, which disagrees with
 * UTF-8 when a character above U+FFFF (a surrogate pair) meets one in U+E000..U+FFFF.
 * Returns a negative number, zero or a positive number.
 */
export function compareUtf8(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i += 1) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // Code points below U+D800 and in U+E000..U+FFFF keep their order in UTF-8; a surrogate
    // stands for a code point of U+10000 or more, so it sorts after every BMP character >= U+E000.
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    if (xs !== ys && x >= 0xd800 && y >= 0xd800) return xs ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}

/** True when `key` comes strictly after `startAfter` in UTF-8 byte order (or no bound is given). */
export function isAfter(key: string, startAfter: string | undefined): boolean {
  return startAfter === undefined || compareUtf8(key, startAfter) > 0;
}
