import { daysFromCivil } from '../../core/calendar.js';
import { LochError } from '../../core/errors.js';
import { utf8Encode } from '../../core/bytes.js';
import type { LiteralValue } from '../../expr/nodes.js';
import type { DataType, StructType } from '../../expr/types.js';
import { typeToString } from '../../expr/types.js';

/**
 * Delta partition values (PROTOCOL.md "Partition Value Serialization"): strings in
 * `add.partitionValues`, keyed by the column's physical name, turned into the Literal value
 * representation of src/expr/nodes.ts. The value parsers are exported for the statistics codec.
 */

/** Names the value in error messages. */
export interface PartitionValueContext {
  readonly column: string;
  readonly table?: string;
  readonly file?: string;
}

const INTEGER_RANGES = {
  byte: [-128, 127],
  short: [-32768, 32767],
  integer: [-2147483648, 2147483647],
} as const;
const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;

/**
 * Parses one serialized partition value. null, undefined and '' (for every type, strings
 * included: the spec says an empty string is a null partition value) give null. Booleans are
 * 'true'/'false' (any case); byte/short/integer give numbers, long a bigint; float/double accept
 * decimal and exponent notation, NaN and ±Infinity; decimals give the exact value with `scale`
 * fraction digits; dates 'YYYY-MM-DD'; timestamps 'YYYY-MM-DD HH:MM:SS[.ffffff]' (no zone: read
 * as UTC, like the current Delta kernels) or ISO 8601 with 'Z'/offset, giving micros since the
 * epoch; timestamp_ntz the same wall-clock micros; binary the UTF-8 bytes of the string.
 * Anything else throws CORRUPT_DATA naming table, file, column and value; a nested type throws
 * PROTOCOL_VIOLATION.
 */
export function parsePartitionValue(raw: string | null | undefined, type: DataType, where: PartitionValueContext): LiteralValue {
  if (raw === null || raw === undefined || raw === '') return null;
  const value = parseTypedText(raw, type);
  if (value === undefined) {
    const at = [where.table && `table ${where.table}`, where.file && `file ${where.file}`, `column ${where.column}`].filter(Boolean).join(' ');
    throw new LochError('CORRUPT_DATA', `delta partition value: ${at}: cannot read ${JSON.stringify(raw)} as ${typeToString(type)}`, {
      context: { ...where, value: raw, type: typeToString(type) },
    });
  }
  return value;
}

function parseTypedText(raw: string, type: DataType): LiteralValue | undefined {
  if (type.kind === 'decimal') return parseDecimalText(raw, type.precision, type.scale, 'exact');
  if (type.kind !== 'primitive') {
    throw new LochError('PROTOCOL_VIOLATION', `delta partition value: a column of type ${typeToString(type)} cannot be a partition column`);
  }
  switch (type.name) {
    case 'string':
      return raw;
    case 'boolean':
      return parseBooleanText(raw);
    case 'byte':
    case 'short':
    case 'integer':
      return parseIntegerText(raw, type.name);
    case 'long':
      return parseLongText(raw);
    case 'float': {
      const v = parseFloatText(raw);
      return v === undefined ? undefined : Math.fround(v);
    }
    case 'double':
      return parseFloatText(raw);
    case 'date':
      return parseDateText(raw);
    case 'timestamp':
      return parseTimestampText(raw, 'utc');
    case 'timestamp_ntz':
      return parseTimestampText(raw, 'wall');
    case 'binary':
      return utf8Encode(raw);
  }
}

/**
 * All partition values of one add action, keyed by logical column name. `partitionColumns` are
 * the logical names from metaData; values are looked up by physical name (column mapping), then
 * by logical name. A partition column missing from the map is null.
 */
export function parsePartitionValues(
  values: Readonly<Record<string, string | null | undefined>> | undefined,
  schema: StructType,
  partitionColumns: readonly string[],
  where: { readonly table?: string; readonly file?: string } = {},
): Map<string, LiteralValue> {
  const out = new Map<string, LiteralValue>();
  for (const column of partitionColumns) {
    const field = schema.fields.find((f) => f.name === column) ?? schema.fields.find((f) => f.name.toLowerCase() === column.toLowerCase());
    if (!field) {
      throw new LochError('PROTOCOL_VIOLATION', `delta partition value: partition column ${column} is not in the table schema`, {
        context: { ...where, column },
      });
    }
    const raw = values?.[field.physicalName] ?? values?.[field.name];
    out.set(field.name, parsePartitionValue(raw, field.type, { ...where, column: field.name }));
  }
  return out;
}

export function parseBooleanText(raw: string): boolean | undefined {
  const lower = raw.toLowerCase();
  return lower === 'true' ? true : lower === 'false' ? false : undefined;
}

export function parseIntegerText(raw: string, name: 'byte' | 'short' | 'integer'): number | undefined {
  if (!/^[+-]?\d+$/.test(raw)) return undefined;
  const value = Number(raw);
  const [min, max] = INTEGER_RANGES[name];
  return value >= min && value <= max ? value : undefined;
}

export function parseLongText(raw: string): bigint | undefined {
  if (!/^[+-]?\d+$/.test(raw)) return undefined;
  const value = BigInt(raw.startsWith('+') ? raw.slice(1) : raw);
  return value >= LONG_MIN && value <= LONG_MAX ? value : undefined;
}

/** Decimal or exponent notation, NaN, Infinity, -Infinity; no hex, no blanks. */
export function parseFloatText(raw: string): number | undefined {
  if (/^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(raw)) return Number(raw);
  if (raw === 'NaN') return Number.NaN;
  if (/^[+]?Infinity$/.test(raw)) return Number.POSITIVE_INFINITY;
  if (raw === '-Infinity') return Number.NEGATIVE_INFINITY;
  return undefined;
}

/**
 * A decimal in plain or exponent notation ("1", "-0.5", "1E-7", as Java's BigDecimal prints)
 * as the exact string with `scale` fraction digits. Extra non-zero fraction digits make the
 * value undefined in 'exact' mode and are rounded down/up in 'floor'/'ceil' mode (for
 * statistics bounds). Values with more than precision - scale integer digits are undefined.
 */
export function parseDecimalText(raw: string, precision: number, scale: number, mode: 'exact' | 'floor' | 'ceil'): string | undefined {
  const match = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(raw);
  if (!match) return undefined;
  const [, sign = '', intDigits = '', fracDigits = '', exponent = '0'] = match;
  if (intDigits === '' && fracDigits === '') return undefined;
  const digitText = `${intDigits}${fracDigits}`;
  const digits = BigInt(digitText);
  const shift = Number(exponent) - fracDigits.length + scale;
  const negative = sign === '-';
  let unscaled: bigint;
  if (digits === 0n) unscaled = 0n;
  else if (shift >= 0) {
    if (shift > precision) return undefined;
    unscaled = digits * 10n ** BigInt(shift);
  } else {
    // A divisor longer than the digits leaves a zero quotient: skip computing huge powers.
    const divisor = -shift > digitText.length ? undefined : 10n ** BigInt(-shift);
    const quotient = divisor === undefined ? 0n : digits / divisor;
    const exact = divisor !== undefined && quotient * divisor === digits;
    if (!exact && mode === 'exact') return undefined;
    const awayFromZero = !exact && ((mode === 'ceil' && !negative) || (mode === 'floor' && negative));
    unscaled = awayFromZero ? quotient + 1n : quotient;
  }
  if (unscaled >= 10n ** BigInt(precision)) return undefined;
  return formatUnscaled(negative ? -unscaled : unscaled, scale);
}

/** An unscaled integer and a scale as a decimal string with exactly `scale` fraction digits. */
export function formatUnscaled(unscaled: bigint, scale: number): string {
  const negative = unscaled < 0n;
  const digits = (negative ? -unscaled : unscaled).toString().padStart(scale + 1, '0');
  const body = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  return negative ? `-${body}` : body;
}

/** 'YYYY-MM-DD' with a valid calendar date, returned unchanged. */
export function parseDateText(raw: string): string | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(raw);
  if (!match) return undefined;
  return validDate(Number(match[1]), Number(match[2]), Number(match[3])) ? raw : undefined;
}

function validDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const lengths = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  return day <= lengths[month - 1]!;
}


const TIMESTAMP_TEXT =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?(?: ?(Z|[+-]\d{2}(?::?\d{2})?(?::?\d{2})?))?$/;

/**
 * Parses 'YYYY-MM-DD[( |T)HH:MM[:SS[.f{1,9}]]][Z|±HH[:MM[:SS]]]' to microseconds since the epoch
 * (digits past the microsecond are dropped, i.e. rounded down). 'utc': a zone-less text is UTC,
 * an offset is applied. 'wall' (timestamp_ntz): the wall-clock value; only a zero offset or 'Z'
 * is accepted. Undefined when the text is not such a timestamp.
 */
export function parseTimestampText(raw: string, mode: 'utc' | 'wall'): bigint | undefined {
  const m = TIMESTAMP_TEXT.exec(raw);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4], m[5], m[6]].map((s) => Number(s ?? '0')) as [
    number, number, number, number, number, number,
  ];
  if (!validDate(year, month, day) || hour > 23 || minute > 59 || second > 59) return undefined;
  const offsetSeconds = parseOffset(m[8]);
  if (offsetSeconds === undefined || (mode === 'wall' && offsetSeconds !== 0)) return undefined;
  const fraction = BigInt((m[7] ?? '').padEnd(9, '0').slice(0, 6) || '0');
  const seconds = daysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second - offsetSeconds;
  return BigInt(seconds) * 1_000_000n + fraction;
}

function parseOffset(text: string | undefined): number | undefined {
  if (text === undefined || text === 'Z') return 0;
  const m = /^([+-])(\d{2}):?(\d{2})?:?(\d{2})?$/.exec(text);
  if (!m) return undefined;
  const [hours, minutes, seconds] = [Number(m[2]), Number(m[3] ?? '0'), Number(m[4] ?? '0')];
  if (hours > 18 || minutes > 59 || seconds > 59) return undefined;
  return (m[1] === '-' ? -1 : 1) * (hours * 3600 + minutes * 60 + seconds);
}
