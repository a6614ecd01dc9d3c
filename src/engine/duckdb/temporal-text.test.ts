import { describe, expect, it } from 'vitest';
import { civilFromDays, daysFromCivil } from '../../core/calendar.js';
import { formatDate, formatTimeOfDay, formatTimestampMicros, parseDate } from './temporal-text.js';

describe('temporal text', () => {
  it('converts day counts to civil dates and back across eras', () => {
    expect(civilFromDays(0)).toEqual({ year: 1970, month: 1, day: 1 });
    expect(civilFromDays(-1)).toEqual({ year: 1969, month: 12, day: 31 });
    expect(civilFromDays(11_016)).toEqual({ year: 2000, month: 2, day: 29 });
    for (const days of [-1_000_000, -719_528, -1, 0, 59, 60, 365, 18_949, 2_932_896]) {
      const { year, month, day } = civilFromDays(days);
      expect(daysFromCivil(year, month, day)).toBe(days);
    }
  });

  it('formats dates with astronomical years', () => {
    expect(formatDate(0)).toBe('1970-01-01');
    expect(formatDate(daysFromCivil(999, 5, 6))).toBe('0999-05-06');
    expect(formatDate(daysFromCivil(0, 1, 1))).toBe('0000-01-01');
    expect(formatDate(daysFromCivil(-43, 3, 15))).toBe('-0043-03-15');
    expect(formatDate(daysFromCivil(10_000, 1, 1))).toBe('+10000-01-01');
  });

  it('parses what it formats and rejects impossible dates', () => {
    expect(parseDate('1970-01-02')).toBe(1);
    expect(parseDate('-0043-03-15')).toBe(daysFromCivil(-43, 3, 15));
    expect(parseDate('+10000-01-01')).toBe(daysFromCivil(10_000, 1, 1));
    expect(parseDate('2021-02-29')).toBeUndefined();
    expect(parseDate('2021-13-01')).toBeUndefined();
    expect(parseDate('20210101')).toBeUndefined();
  });

  it('formats times and timestamps with six fraction digits, flooring before 1970', () => {
    expect(formatTimeOfDay(0n)).toBe('00:00:00.000000');
    expect(formatTimeOfDay(86_399_999_999n)).toBe('23:59:59.999999');
    expect(formatTimestampMicros(0n)).toBe('1970-01-01T00:00:00.000000');
    expect(formatTimestampMicros(-1n)).toBe('1969-12-31T23:59:59.999999');
    expect(formatTimestampMicros(-86_400_000_000n)).toBe('1969-12-31T00:00:00.000000');
    expect(formatTimestampMicros(1_234_567n)).toBe('1970-01-01T00:00:01.234567');
  });
});
