import { describe, expect, it } from 'vitest';
import { HOUR_MS, chooseRetention } from './vacuum-retention.js';

const WEEK = 168 * HOUR_MS;

describe('chooseRetention', () => {
  it("uses the table's retention when RETAIN is not given", () => {
    expect(chooseRetention('t', WEEK, {})).toEqual({ retentionMs: WEEK, defaultMs: WEEK, checkEnabled: true });
  });

  it('accepts a RETAIN at least as long as the table retention, fractions kept', () => {
    expect(chooseRetention('t', WEEK, { retentionHours: 200.5 })).toEqual({ retentionMs: 200.5 * HOUR_MS, specifiedMs: 200.5 * HOUR_MS, defaultMs: WEEK, checkEnabled: true });
    expect(chooseRetention('t', WEEK, { retentionHours: 168 }).retentionMs).toBe(WEEK);
  });

  it('refuses a shorter RETAIN with the safety message unless the check is off', () => {
    expect(() => chooseRetention('/x/t', WEEK, { retentionHours: 167 })).toThrow(
      /delta vacuum: table \/x\/t: RETAIN 167 HOURS is shorter than the table's delta\.deletedFileRetentionDuration \(168 hours\)\. Are you sure/,
    );
    expect(() => chooseRetention('t', 90 * 60_000, { retentionHours: 1 })).toThrow(/\(1\.5 hours\).*not less than "2 hours"/);
    expect(chooseRetention('t', WEEK, { retentionHours: 0, allowShortRetention: true })).toEqual({ retentionMs: 0, specifiedMs: 0, defaultMs: WEEK, checkEnabled: false });
  });

  it('refuses negative and non-finite retentions even with the check off', () => {
    for (const retentionHours of [-1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => chooseRetention('t', WEEK, { retentionHours, allowShortRetention: true })).toThrow(/can't be less than 0 hours/);
    }
  });
});
