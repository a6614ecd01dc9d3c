/**
 * Text forms of dates, times and timestamps given as counts since the Unix epoch.
 *
 * Years use astronomical numbering (year 0 is 1 BC, -1 is 2 BC) as ISO 8601 does: four digits for
 * 0..9999, a leading '-' for earlier years ('-0043-03-15') and a leading '+' after 9999
 * ('+10000-01-01'). DuckDB's own text ('0044-03-15 (BC)') is not used because it does not sort
 * and no other system parses it.
 */

const MICROS_PER_DAY = 86_400_000_000n;

/** Civil date of a day count since 1970-01-01 (proleptic Gregorian calendar). */
export function civilFromDays(days: number): { year: number; month: number; day: number } {
  // Shift to an era-based count starting 0000-03-01 so that leap days fall at the end of a year.
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor((dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365);
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const monthIndex = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * monthIndex + 2) / 5) + 1;
  const month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  return { year, month, day };
}

/** Day count since 1970-01-01 of a civil date (inverse of `civilFromDays`). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

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
