import { describe, expect, it } from 'vitest';
import { parseFileSize } from './optimize-size.js';

describe('parseFileSize', () => {
  it('reads bytes and binary units, case-insensitively', () => {
    expect(parseFileSize('134217728', 't')).toBe(134217728);
    expect(parseFileSize('128mb', 't')).toBe(128 * 1024 * 1024);
    expect(parseFileSize(' 1 GB ', 't')).toBe(1024 ** 3);
    expect(parseFileSize('512k', 't')).toBe(512 * 1024);
  });

  it('refuses anything else, naming the property', () => {
    expect(() => parseFileSize('12 parsecs', 't')).toThrow(/delta.targetFileSize '12 parsecs' is not a size/);
    expect(() => parseFileSize('-1', 't')).toThrow(/not a size/);
    expect(() => parseFileSize('', 't')).toThrow(/not a size/);
  });
});
