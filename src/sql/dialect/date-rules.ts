import { sqlString } from '../sql-text.js';
import { sparkPatternToStrftime, type PatternMode } from './date-patterns.js';
import type { ArgView, CallRule, CallView } from './rewriter.js';

/**
 * Call rules for Databricks date functions whose translation depends on a literal argument
 * (a Spark pattern, a unit keyword, a trunc format).
 */

/** The DuckDB pattern literal for a Spark pattern argument, or undefined when it is not translatable. */
function pattern(arg: ArgView | undefined, mode: PatternMode): string | undefined {
  if (arg?.stringValue === undefined) return undefined;
  const translated = sparkPatternToStrftime(arg.stringValue, mode);
  return translated === undefined ? undefined : sqlString(translated);
}

/** `rule(x, fmt)` with a translatable literal pattern as the second argument. */
function withPattern(mode: PatternMode, build: (x: string, fmt: string) => string): CallRule {
  return (call) => {
    const [x, fmt] = call.args;
    if (call.args.length !== 2 || x === undefined) return undefined;
    const translated = pattern(fmt, mode);
    return translated === undefined ? undefined : build(x.text, translated);
  };
}

const parsed = (x: string, fmt: string) => `strptime(CAST(${x} AS VARCHAR), ${fmt})`;
const epochSeconds = (ts: string) => `CAST(floor(epoch_us(CAST(${ts} AS TIMESTAMPTZ)) / 1000000) AS BIGINT)`;

/** Databricks' datetime units (written as keywords: `DATEDIFF(DAY, a, b)`). */
const UNITS = new Set(['microsecond', 'millisecond', 'second', 'minute', 'hour', 'day', 'dayofyear', 'week', 'month', 'quarter', 'year']);

/** `fn(UNIT, a, b)` with a bare unit keyword → `target('unit', a, b)`. */
function unitKeyword(target: string): (call: CallView) => string | undefined {
  return (call) => {
    const [unit, a, b] = call.args;
    if (call.args.length !== 3 || unit?.word === undefined || !UNITS.has(unit.word) || a === undefined || b === undefined) return undefined;
    const name = unit.word === 'dayofyear' ? 'day' : unit.word;
    return `${target}('${name}', ${a.text}, ${b.text})`;
  };
}

/** Arguments that are intervals (DuckDB's date_add(date, INTERVAL …)): INTERVAL anywhere, or to_days(…) and kin. */
function isInterval(arg: ArgView): boolean {
  const [first, second] = arg.tokens;
  if (arg.tokens.some((t) => t.kind === 'word' && t.text.toLowerCase() === 'interval')) return true;
  return first?.kind === 'word' && first.text.toLowerCase().startsWith('to_') && second?.text === '(';
}

/**
 * date_add(start, n): Spark adds days to anything castable to DATE (strings, timestamps) and
 * returns a DATE; DuckDB's date_add only takes DATE + INTEGER or an interval.
 */
const addUnits = unitKeyword('timestampadd');
const dateAdd: CallRule = (call) => {
  if (call.args.length === 3) return addUnits(call);
  const [start, n] = call.args;
  if (call.args.length !== 2 || start === undefined || n === undefined || isInterval(n)) return undefined;
  return `date_add(CAST(${start.text} AS DATE), CAST(${n.text} AS INTEGER))`;
};

/** Spark trunc(date, fmt) formats; anything else gives NULL in Spark. */
const TRUNC_UNITS: Readonly<Record<string, string>> = {
  year: 'year', yyyy: 'year', yy: 'year', quarter: 'quarter', month: 'month', mm: 'month', mon: 'month', week: 'week',
};

/** trunc(date, 'MM'): only with a string second argument (DuckDB's trunc(x, n) is numeric). */
const trunc: CallRule = (call) => {
  const [d, fmt] = call.args;
  if (call.args.length !== 2 || d === undefined || fmt?.stringValue === undefined) return undefined;
  const unit = TRUNC_UNITS[fmt.stringValue.toLowerCase()];
  return unit === undefined ? 'CAST(NULL AS DATE)' : `CAST(date_trunc('${unit}', CAST(${d.text} AS DATE)) AS DATE)`;
};

/** Spark date_trunc unit spellings DuckDB does not know. */
const DATE_TRUNC_UNITS: Readonly<Record<string, string>> = { yyyy: 'year', yy: 'year', mm: 'month', mon: 'month', dd: 'day' };

/** date_trunc(unit, ts): Spark unit spellings, and a string timestamp (ambiguous in DuckDB) read as TIMESTAMP. */
const dateTrunc: CallRule = (call) => {
  const [unit, t] = call.args;
  if (call.args.length !== 2 || unit === undefined || t === undefined) return undefined;
  const mapped = unit.stringValue === undefined ? undefined : DATE_TRUNC_UNITS[unit.stringValue.toLowerCase()];
  if (mapped === undefined && t.stringValue === undefined) return undefined;
  return `date_trunc(${mapped === undefined ? unit.text : `'${mapped}'`}, ${t.stringValue === undefined ? t.text : `CAST(${t.text} AS TIMESTAMP)`})`;
};

export const DATE_RULES: ReadonlyMap<string, CallRule> = new Map<string, CallRule>([
  ['date_format', withPattern('format', (x, fmt) => `strftime(CAST(${x} AS TIMESTAMP), ${fmt})`)],
  ['to_date', withPattern('parse', (x, fmt) => `CAST(${parsed(x, fmt)} AS DATE)`)],
  ['to_timestamp', withPattern('parse', (x, fmt) => `CAST(${parsed(x, fmt)} AS TIMESTAMPTZ)`)],
  ['try_to_timestamp', withPattern('parse', (x, fmt) => `CAST(try_strptime(CAST(${x} AS VARCHAR), ${fmt}) AS TIMESTAMPTZ)`)],
  ['unix_timestamp', withPattern('parse', (x, fmt) => epochSeconds(parsed(x, fmt)))],
  ['to_unix_timestamp', withPattern('parse', (x, fmt) => epochSeconds(parsed(x, fmt)))],
  ['from_unixtime', withPattern('format', (x, fmt) => `strftime(make_timestamp(CAST(${x} AS BIGINT) * 1000000), ${fmt})`)],
  ['date_add', dateAdd],
  ['dateadd', addUnits],
  ['timestampadd', addUnits],
  ['datediff', unitKeyword('timestampdiff')],
  ['date_diff', unitKeyword('timestampdiff')],
  ['timestampdiff', unitKeyword('timestampdiff')],
  ['trunc', trunc],
  ['date_trunc', dateTrunc],
]);
