/**
 * Text forms of dates, times and timestamps given as counts since the Unix epoch.
 *
 * Years use astronomical numbering (year 0 is 1 BC, -1 is 2 BC) as ISO 8601 does: four digits for
 * 0..9999, a leading '-' for earlier years ('-0043-03-15') and a leading '+' after 9999
 * ('+10000-01-01'). DuckDB's own text ('0044-03-15 (BC)') is not used because it does not sort
 * and no other system parses it.
 */

import { civilFromDays, daysFromCivil } from '../../core/calendar.js';

const MICROS_PER_DAY = 86_400_000_000n;

function pad(value: number | bigint, width: number): string {
  return value.toString().padStart(width, '0');
}

function yearText(year: number): string {
  if (year < 0) return `-${pad(-year, 4)}`;
  if (year > 9999) return `+${year}`;
  return pad(year, 4);
}

/** 'YYYY-MM-DD' for a day count since the epoch. */
export function formatDate(days: number): string {
  const { year, month, day } = civilFromDays(days);
  return `${yearText(year)}-${pad(month, 2)}-${pad(day, 2)}`;
}

/**
 * Parses 'YYYY-MM-DD' (optionally signed year, as `formatDate` writes it) into a day count.
 * Returns undefined when the text is not such a date.
 */
export function parseDate(text: string): number | undefined {
  const match = /^([+-]?\d{4,})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return undefined;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  if (month < 1 || month > 12 || day < 1 || day > 31) return undefined;
  const days = daysFromCivil(year, month, day);
  const back = civilFromDays(days);
  return back.month === month && back.day === day ? days : undefined;
}

/** 'HH:MM:SS.ffffff' for microseconds within a day (0 ≤ micros ≤ 86 400 000 000). */
export function formatTimeOfDay(micros: bigint): string {
  const seconds = micros / 1_000_000n;
  const fraction = micros % 1_000_000n;
  const h = seconds / 3600n;
  const m = (seconds / 60n) % 60n;
  const s = seconds % 60n;
  return `${pad(h, 2)}:${pad(m, 2)}:${pad(s, 2)}.${pad(fraction, 6)}`;
}

/** 'YYYY-MM-DDTHH:MM:SS.ffffff' for microseconds since the epoch; pre-1970 values floor correctly. */
export function formatTimestampMicros(micros: bigint): string {
  let days = micros / MICROS_PER_DAY;
  let rest = micros % MICROS_PER_DAY;
  if (rest < 0n) {
    rest += MICROS_PER_DAY;
    days -= 1n;
  }
  return `${formatDate(Number(days))}T${formatTimeOfDay(rest)}`;
}

const NANOS_PER_DAY = 86_400_000_000_000n;

/** 'YYYY-MM-DDTHH:MM:SS.fffffffff' for nanoseconds since the epoch; pre-1970 values floor correctly. */
export function formatTimestampNanos(nanos: bigint): string {
  let days = nanos / NANOS_PER_DAY;
  let rest = nanos % NANOS_PER_DAY;
  if (rest < 0n) {
    rest += NANOS_PER_DAY;
    days -= 1n;
  }
  const micros = rest / 1000n;
  return `${formatDate(Number(days))}T${formatTimeOfDay(micros)}${pad(rest % 1000n, 3)}`;
}
