import { describe, expect, it } from 'vitest';
import { compareUtf8, isAfter } from './key-order.js';

function bytewise(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

describe('compareUtf8', () => {
  it('orders a character above U+FFFF after U+E000..U+FFFF, unlike UTF-16', () => {
    expect('\u{1F600}' < '\uFFFD').toBe(true);
    expect(compareUtf8('\u{1F600}', '\uFFFD')).toBeGreaterThan(0);
    expect(compareUtf8('\uE000', '\u{10000}')).toBeLessThan(0);
  });

  it('agrees with Buffer.compare on a mixed sample', () => {
    const sample = ['', 'a', 'a-b', 'a/b', 'a0', 'A', 'é', 'e\u0301', '\u{1F600}', '\uE000', '\uFFFD', '\u07FF', '\u0800', 'ab', 'a\u{10FFFF}', 'a\uD7FF', 'z'];
    for (const a of sample) {
      for (const b of sample) expect(Math.sign(compareUtf8(a, b))).toBe(Math.sign(bytewise(a, b)));
    }
  });

  it('isAfter is strict and unbounded without startAfter', () => {
    expect(isAfter('b', 'a')).toBe(true);
    expect(isAfter('a', 'a')).toBe(false);
    expect(isAfter('a', undefined)).toBe(true);
  });
});
