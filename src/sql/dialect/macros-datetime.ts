import { isNumeric, literalFormatNeeded, macro } from './macro-sql.js';

/**
 * Databricks date and time functions as DuckDB macros. Calls with a Spark pattern literal
 * (date_format, to_date, to_timestamp, unix_timestamp, from_unixtime) are translated by the
 * rewrite before DuckDB sees them; the two-argument macros only catch what it could not translate.
 * Sessions run in UTC, so TIMESTAMP (Databricks' zoned type) maps to TIMESTAMPTZ.
 */

const ts = (x: string) => `CAST(${x} AS TIMESTAMP)`;
const days = (x: string) => `CAST(${x} AS DATE)`;

/** Spark's day count: end first. */
const dayDiff = 'CAST(system.main.date_diff(\'day\', CAST(start_date AS DATE), CAST(end_date AS DATE)) AS INTEGER)';

/**
 * Whole months from s to e as java.time counts them (Spark's timestampdiff): the end date moves
 * one day towards the start when its time of day has not reached the start's, then months
 * count only when the day of the month is reached ((month * 32 + day) difference / 32).
 */
const MONTHS_UNTIL = [
  macro('__loch_month_day', ['d', '(year(d) * 12 + month(d) - 1) * 32 + day(d)']),
  macro('__loch_end_day', ['s, e', `CASE WHEN ${days('e')} > ${days('s')} AND CAST(${ts('e')} AS TIME) < CAST(${ts('s')} AS TIME) THEN ${days('e')} - 1 WHEN ${days('e')} < ${days('s')} AND CAST(${ts('e')} AS TIME) > CAST(${ts('s')} AS TIME) THEN ${days('e')} + 1 ELSE ${days('e')} END`]),
  macro('__loch_months_until', ['s, e', `(__loch_month_day(__loch_end_day(s, e)) - __loch_month_day(${days('s')})) // 32`]),
];

const MICROS: Readonly<Record<string, number>> = {
  microsecond: 1,
  millisecond: 1_000,
  second: 1_000_000,
  minute: 60_000_000,
  hour: 3_600_000_000,
  day: 86_400_000_000,
  week: 604_800_000_000,
};

function timestampDiffBody(): string {
  const micros = `(epoch_us(${ts('e')}) - epoch_us(${ts('s')}))`;
  const fixed = Object.entries(MICROS).map(([unit, n]) => `WHEN '${unit}' THEN ${micros} // ${n}`);
  return `CAST(CASE lower(unit) ${fixed.join(' ')} WHEN 'month' THEN __loch_months_until(s, e) WHEN 'quarter' THEN __loch_months_until(s, e) // 3 WHEN 'year' THEN __loch_months_until(s, e) // 12 ELSE error('timestampdiff: unknown unit ' || unit) END AS BIGINT)`;
}

function timestampAddBody(): string {
  const at = 'CAST(t AS TIMESTAMPTZ)';
  const units = ['microsecond', 'millisecond', 'second', 'minute', 'hour', 'day', 'week', 'month', 'year'];
  const fixed = units.map((u) => `WHEN '${u}' THEN ${at} + n * INTERVAL 1 ${u.toUpperCase()}`);
  return `CASE lower(unit) ${fixed.join(' ')} WHEN 'quarter' THEN ${at} + (n * 3) * INTERVAL 1 MONTH ELSE error('timestampadd: unknown unit ' || unit) END`;
}

/** Spark's months_between: whole months when the days of the month match (or both are month ends), else 31-day months. */
function monthsBetweenBody(): string {
  const a = ts('t1');
  const b = ts('t2');
  const whole = `((year(${a}) * 12 + month(${a})) - (year(${b}) * 12 + month(${b})))`;
  const inMonth = (x: string) => `(epoch_us(${x}) - epoch_us(date_trunc('month', ${x})))`;
  const fractional = `(${whole} + (${inMonth(a)} - ${inMonth(b)}) / (31 * 86400000000.0))`;
  const sameDay = `(day(${a}) = day(${b}) OR (${days('t1')} = last_day(${days('t1')}) AND ${days('t2')} = last_day(${days('t2')})))`;
  return `CASE WHEN ${sameDay} THEN CAST(${whole} AS DOUBLE) WHEN round_off THEN round(${fractional}, 8) ELSE ${fractional} END`;
}

const toTimestamp = `CASE WHEN ${isNumeric('x')} THEN system.main.to_timestamp(TRY_CAST(CAST(x AS VARCHAR) AS DOUBLE)) ELSE CAST(CAST(x AS VARCHAR) AS TIMESTAMPTZ) END`;
const unixSeconds = `CAST(floor(epoch_us(CAST(x AS TIMESTAMPTZ)) / 1000000) AS BIGINT)`;

export const DATETIME_MACROS: readonly string[] = [
  ...MONTHS_UNTIL,
  macro('datediff', ['end_date, start_date', dayDiff], ['part, start_date, end_date', 'system.main.datediff(part, start_date, end_date)']),
  macro('date_diff', ['end_date, start_date', dayDiff], ['part, start_date, end_date', 'system.main.date_diff(part, start_date, end_date)']),
  macro('timestampdiff', ['unit, s, e', timestampDiffBody()]),
  macro('timestampadd', ['unit, n, t', timestampAddBody()]),
  macro('date_add', ['a, b', 'system.main.date_add(a, b)'], ['unit, n, t', 'timestampadd(unit, n, t)']),
  macro('dateadd', ['d, n', 'CAST(CAST(d AS DATE) + CAST(n AS INTEGER) AS DATE)'], ['unit, n, t', 'timestampadd(unit, n, t)']),
  macro('date_sub', ['d, n', 'CAST(CAST(d AS DATE) - CAST(n AS INTEGER) AS DATE)'], ['part, s, e', 'system.main.date_sub(part, s, e)']),
  macro('add_months', ['d, n', 'CAST(CAST(d AS DATE) + to_months(CAST(n AS INTEGER)) AS DATE)']),
  macro('__loch_months_between', ['t1, t2, round_off', monthsBetweenBody()]),
  macro('months_between', ['t1, t2', '__loch_months_between(t1, t2, true)'], ['t1, t2, round_off', '__loch_months_between(t1, t2, round_off)']),
  macro('dayofweek', ['d', 'CAST(isodow(CAST(d AS DATE)) % 7 + 1 AS INTEGER)']),
  macro('weekday', ['d', 'CAST(isodow(CAST(d AS DATE)) - 1 AS INTEGER)']),
  macro('to_date', ['x', 'CAST(x AS DATE)'], ['x, fmt', literalFormatNeeded('to_date')]),
  macro('to_timestamp', ['x', toTimestamp], ['x, fmt', literalFormatNeeded('to_timestamp')]),
  macro('try_to_timestamp', ['x', 'TRY_CAST(CAST(x AS VARCHAR) AS TIMESTAMPTZ)'], ['x, fmt', literalFormatNeeded('try_to_timestamp')]),
  macro('date_format', ['x, fmt', literalFormatNeeded('date_format')]),
  macro('from_unixtime', ['s', "strftime(make_timestamp(CAST(s AS BIGINT) * 1000000), '%Y-%m-%d %H:%M:%S')"], ['s, fmt', literalFormatNeeded('from_unixtime')]),
  macro('unix_timestamp', ['', 'CAST(floor(epoch(current_timestamp)) AS BIGINT)'], ['x', unixSeconds], ['x, fmt', literalFormatNeeded('unix_timestamp')]),
  macro('to_unix_timestamp', ['x', unixSeconds], ['x, fmt', literalFormatNeeded('to_unix_timestamp')]),
  macro('unix_seconds', ['x', unixSeconds]),
  macro('unix_millis', ['x', 'CAST(floor(epoch_us(CAST(x AS TIMESTAMPTZ)) / 1000) AS BIGINT)']),
  macro('unix_micros', ['x', 'epoch_us(CAST(x AS TIMESTAMPTZ))']),
  macro('timestamp_seconds', ['s', 'make_timestamptz(CAST(round(CAST(s AS DOUBLE) * 1000000) AS BIGINT))']),
  macro('timestamp_millis', ['ms', 'make_timestamptz(CAST(ms AS BIGINT) * 1000)']),
  macro('timestamp_micros', ['us', 'make_timestamptz(CAST(us AS BIGINT))']),
  macro('unix_date', ['d', "CAST(CAST(d AS DATE) - DATE '1970-01-01' AS INTEGER)"]),
  macro('date_from_unix_date', ['n', "CAST(DATE '1970-01-01' + CAST(n AS INTEGER) AS DATE)"]),
  macro('current_timezone', ['', "current_setting('TimeZone')"]),
];
