import { describe, expect, it } from 'vitest';
import { shortestFloat32 } from './float32.js';

describe('shortestFloat32', () => {
  it('gives the shortest decimal that reads back as the same float32', () => {
    expect(shortestFloat32(Math.fround(1.1))).toBe(1.1);
    expect(shortestFloat32(Math.fround(0.3))).toBe(0.3);
    expect(shortestFloat32(Math.fround(3.4028234663852886e38))).toBe(3.4028235e38);
    expect(shortestFloat32(Math.fround(1e-45))).toBe(1e-45);
    expect(shortestFloat32(Math.fround(123456.789))).toBe(123456.79);
    expect(shortestFloat32(16777216)).toBe(16777216);
  });

  it('keeps zero signs, NaN and infinities', () => {
    expect(Object.is(shortestFloat32(-0), -0)).toBe(true);
    expect(shortestFloat32(NaN)).toBeNaN();
    expect(shortestFloat32(-Infinity)).toBe(-Infinity);
  });

  it('round-trips every value it produces', () => {
    let x = 1;
    for (let i = 0; i < 2000; i += 1) {
      x = Math.fround(x * 1.37 + 0.001 * i) % 1e30;
      const f = Math.fround(x);
      expect(Math.fround(shortestFloat32(f))).toBe(f);
    }
  });
});
