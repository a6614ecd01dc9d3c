import { describe, expect, it } from 'vitest';
import { sparkPatternToStrftime } from './date-patterns.js';

const format = (p: string) => sparkPatternToStrftime(p, 'format');
const parse = (p: string) => sparkPatternToStrftime(p, 'parse');

describe('sparkPatternToStrftime', () => {
  it('translates the common date and time letters', () => {
    expect(format('yyyy-MM-dd HH:mm:ss')).toBe('%Y-%m-%d %H:%M:%S');
    expect(format('yy/M/d H:m:s')).toBe('%y/%-m/%-d %-H:%-M:%-S');
    expect(format('hh:mm a')).toBe('%I:%M %p');
    expect(format('h a')).toBe('%-I %p');
    expect(format('y')).toBe('%Y');
  });

  it('translates text fields: month and day names', () => {
    expect(format('MMM')).toBe('%b');
    expect(format('MMMM')).toBe('%B');
    expect(format('LLL')).toBe('%b');
    expect(format('E EE EEE')).toBe('%a %a %a');
    expect(format('EEEE, MMMM d')).toBe('%A, %B %-d');
  });

  it('translates fractions of a second and the day of the year', () => {
    expect(format('ss.SSS')).toBe('%S.%g');
    expect(format('ss.SSSSSS')).toBe('%S.%f');
    expect(format('ss.SSSSSSSSS')).toBe('%S.%n');
    expect(format('DDD')).toBe('%j');
    expect(format('D')).toBe('%-j');
    expect(parse('ss.SSS')).toBe('%S.%f');
    expect(parse('ss.S')).toBe('%S.%f');
  });

  it('keeps quoted text and non-letters literally, escaping %', () => {
    expect(format("yyyy-MM-dd'T'HH:mm")).toBe('%Y-%m-%dT%H:%M');
    expect(format("'at' HH 'o''clock'")).toBe("at %H o'clock");
    expect(format("HH''mm")).toBe("%H'%M");
    expect(format('d%')).toBe('%-d%%');
    expect(format("'100%'")).toBe('100%%');
    expect(format("'yyyy'")).toBe('yyyy');
  });

  it('writes fixed UTC zone text when formatting and reads offsets when parsing', () => {
    expect(format('HH:mm Z')).toBe('%H:%M +0000');
    expect(format('XXX')).toBe('Z');
    expect(format('xxx')).toBe('+00:00');
    expect(format('z')).toBe('UTC');
    expect(parse('yyyy-MM-dd HH:mm:ssXXX')).toBe('%Y-%m-%d %H:%M:%S%z');
    expect(parse('z')).toBeUndefined();
  });

  it('reads numbers without the unpadded flag when parsing', () => {
    expect(parse('yyyy-M-d H:m:s')).toBe('%Y-%m-%d %H:%M:%S');
    expect(parse('dd/MMM/yyyy')).toBe('%d/%b/%Y');
  });

  it('refuses what DuckDB cannot express', () => {
    for (const p of ['Q', 'G', 'YYYY', 'w', 'u', 'k', 'K', 'F', 'SS', 'yyyyy', 'DD', 'ddd', 'aa', 'EEEEE', '[HH]', "'open", 'MMMMM', 'VVV']) {
      expect(format(p), p).toBeUndefined();
    }
  });

  it('accepts the empty pattern', () => {
    expect(format('')).toBe('');
  });
});
