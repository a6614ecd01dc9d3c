import { civilFromDays } from '../../../core/calendar.js';
import { utf8Encode } from '../../../core/bytes.js';
import { LochError } from '../../../core/errors.js';
import type { LiteralValue } from '../../../expr/nodes.js';
import type { IcebergType } from '../model.js';
import {
  decimalToUnscaled,
  icebergTypeText,
  parseDays,
  twosComplementBytes,
  unscaledToDecimal,
  uuidToBytes,
} from '../values/binary-value.js';
import { murmur3x86_32 } from './murmur3.js';

/**
 * Iceberg partition transforms (spec "Partition Transforms", Appendix B): parsing their text,
 * their result types and applying them to single values in the Literal value representation of
 * expr/nodes.ts. Time transforms floor toward −∞, so pre-1970 values land in the right bucket.
 */
export type Transform =
  | { readonly kind: 'identity' }
  | { readonly kind: 'bucket'; readonly n: number }
  | { readonly kind: 'truncate'; readonly width: number }
  | { readonly kind: 'year' | 'month' | 'day' | 'hour' | 'void' }
  | { readonly kind: 'unknown'; readonly text: string };

const INT_MAX = 2 ** 31 - 1;
const SIMPLE = new Set(['identity', 'year', 'month', 'day', 'hour', 'void']);

/**
 * Parses a transform as written in a partition spec or sort order ("identity", "bucket[16]",
 * "truncate[4]", "day", …), case-insensitively. Anything else, including a bucket or truncate
 * parameter that is not a positive int, is kept as `{ kind: 'unknown', text }`: v3 readers must
 * still read such tables and simply never filter on the field.
 */
export function parseTransform(text: string): Transform {
  const lower = text.trim().toLowerCase();
  if (SIMPLE.has(lower)) return { kind: lower as 'identity' | 'year' | 'month' | 'day' | 'hour' | 'void' };
  const m = /^(bucket|truncate)\[\s*(\d+)\s*\]$/.exec(lower);
  const param = m ? Number(m[2]) : 0;
  if (!m || param < 1 || param > INT_MAX) return { kind: 'unknown', text };
  return m[1] === 'bucket' ? { kind: 'bucket', n: param } : { kind: 'truncate', width: param };
}

/** The spec's text of a transform; `parseTransform(transformToString(t))` equals `t`. */
export function transformToString(t: Transform): string {
  switch (t.kind) {
    case 'bucket':
      return `bucket[${t.n}]`;
    case 'truncate':
      return `truncate[${t.width}]`;
    case 'unknown':
      return t.text;
    default:
      return t.kind;
  }
}

const INT: IcebergType = { kind: 'primitive', name: 'int' };
const UNKNOWN: IcebergType = { kind: 'primitive', name: 'unknown' };
const BUCKET_SOURCES = new Set(['int', 'long', 'date', 'time', 'timestamp', 'timestamptz', 'timestamp_ns', 'timestamptz_ns', 'string', 'uuid', 'binary']);
const TRUNCATE_SOURCES = new Set(['int', 'long', 'string', 'binary']);
const DATE_SOURCES = new Set(['date', 'timestamp', 'timestamptz', 'timestamp_ns', 'timestamptz_ns']);
const HOUR_SOURCES = new Set(['timestamp', 'timestamptz', 'timestamp_ns', 'timestamptz_ns']);

/**
 * The type of a transform's values for a source column of type `source`: identity, truncate and
 * void keep the source type; bucket, year, month, day and hour give int (day as a day count,
 * although Java writes it with Avro's date logical type). A source of type `unknown` (a column
 * no longer in the schema) and unknown transforms give `unknown`: the value type is not known,
 * read partition values as the manifest's Avro schema gives them. A transform that does not
 * apply to the source type (hour of a date, bucket of a double) → PROTOCOL_VIOLATION.
 */
export function transformResultType(t: Transform, source: IcebergType): IcebergType {
  if (t.kind === 'unknown' || (source.kind === 'primitive' && source.name === 'unknown')) return UNKNOWN;
  if (t.kind === 'void') return source;
  const name = source.kind === 'primitive' ? source.name : source.kind;
  const ok = (() => {
    switch (t.kind) {
      case 'identity':
        return source.kind === 'decimal' || source.kind === 'fixed' || (source.kind === 'primitive' && name !== 'variant');
      case 'bucket':
        return source.kind === 'decimal' || source.kind === 'fixed' || BUCKET_SOURCES.has(name);
      case 'truncate':
        return source.kind === 'decimal' || TRUNCATE_SOURCES.has(name);
      case 'hour':
        return HOUR_SOURCES.has(name);
      default:
        return DATE_SOURCES.has(name);
    }
  })();
  if (!ok) {
    throw new LochError('PROTOCOL_VIOLATION', `iceberg transform: ${transformToString(t)} cannot apply to a ${icebergTypeText(source)} column`, {
      context: { transform: transformToString(t), sourceType: icebergTypeText(source) },
    });
  }
  return t.kind === 'identity' || t.kind === 'truncate' ? source : INT;
}

/**
 * Applies `t` to one value of type `source` (Literal value representation); null gives null,
 * and so does void. Bucket is `(murmur3_x86_32(hash input) & INT_MAX) % n` with the hash inputs
 * of Appendix B; truncate floors integers and decimals to multiples of the width and cuts
 * strings to `width` code points and binaries to `width` bytes. Unknown transforms →
 * UNSUPPORTED_FEATURE; a value that does not fit the source type → INVALID_ARGUMENT.
 */
export function applyTransform(t: Transform, source: IcebergType, value: LiteralValue): LiteralValue {
  if (t.kind === 'unknown') {
    throw new LochError('UNSUPPORTED_FEATURE', `iceberg transform: cannot apply unknown transform "${t.text}"`, { context: { transform: t.text } });
  }
  transformResultType(t, source);
  if (value === null || t.kind === 'void') return null;
  switch (t.kind) {
    case 'identity':
      return value;
    case 'bucket':
      return (bucketHash(source, value) & INT_MAX) % t.n;
    case 'truncate':
      return truncateValue(t.width, source, value);
    default:
      return timeTransform(t.kind, source, value);
  }
}

/**
 * The 32-bit hash Appendix B defines for a value of `source`: ints, longs, dates, times and
 * timestamps (in microseconds; nanoseconds are floored to microseconds) hash as 8-byte
 * little-endian longs; decimals as their minimal big-endian two's complement unscaled value;
 * strings as UTF-8; uuids as 16 big-endian bytes; fixed and binary as themselves. Booleans,
 * floats and doubles (which cannot be bucketed, but have defined hashes) hash as longs too.
 */
export function bucketHash(source: IcebergType, value: Exclude<LiteralValue, null>): number {
  return murmur3x86_32(hashInput(source, value));
}

function hashInput(source: IcebergType, value: Exclude<LiteralValue, null>): Uint8Array {
  if (source.kind === 'decimal') return twosComplementBytes(decimalOf(source.scale, value, source));
  if (source.kind === 'fixed') return bytesOf(value, source);
  if (source.kind !== 'primitive') throw badValue(source, value);
  switch (source.name) {
    case 'boolean':
      if (typeof value !== 'boolean') throw badValue(source, value);
      return longBytes(value ? 1n : 0n);
    case 'float':
    case 'double':
      if (typeof value !== 'number') throw badValue(source, value);
      return doubleBits(value);
    case 'string':
      if (typeof value !== 'string') throw badValue(source, value);
      return utf8Encode(value);
    case 'uuid': {
      const bytes = typeof value === 'string' ? uuidToBytes(value) : undefined;
      if (!bytes) throw badValue(source, value);
      return bytes;
    }
    case 'binary':
      return bytesOf(value, source);
    case 'date':
      return longBytes(BigInt(daysOf(value, source)));
    case 'timestamp_ns':
    case 'timestamptz_ns':
      return longBytes(floorDiv(integerOf(value, source), 1000n));
    default:
      return longBytes(integerOf(value, source));
  }
}

function longBytes(v: bigint): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigInt64(0, BigInt.asIntN(64, v), true);
  return out;
}

function doubleBits(v: number): Uint8Array {
  const out = new Uint8Array(8);
  const view = new DataView(out.buffer);
  // Java's doubleToLongBits: one canonical NaN, and -0.0 hashes like 0.0 (spec Appendix B).
  if (Number.isNaN(v)) view.setBigInt64(0, 0x7ff8000000000000n, true);
  else view.setFloat64(0, v === 0 ? 0 : v, true);
  return out;
}

function truncateValue(width: number, source: IcebergType, value: Exclude<LiteralValue, null>): LiteralValue {
  if (source.kind === 'decimal') {
    const u = decimalOf(source.scale, value, source);
    const w = BigInt(width);
    return unscaledToDecimal(u - (((u % w) + w) % w), source.scale);
  }
  const name = source.kind === 'primitive' ? source.name : source.kind;
  if (name === 'int' && typeof value === 'number' && Number.isInteger(value)) return value - (((value % width) + width) % width);
  if (name === 'long') {
    const v = integerOf(value, source);
    const w = BigInt(width);
    return v - (((v % w) + w) % w);
  }
  if (name === 'string' && typeof value === 'string') return truncateCodePoints(value, width);
  if (name === 'binary' && value instanceof Uint8Array) return value.slice(0, width);
  throw badValue(source, value);
}

/** The first `width` code points of `text` (never splits a surrogate pair). */
export function truncateCodePoints(text: string, width: number): string {
  let units = 0;
  for (let points = 0; points < width && units < text.length; points++) {
    units += text.codePointAt(units)! > 0xffff ? 2 : 1;
  }
  return text.slice(0, units);
}

const MICROS_PER_DAY = 86_400_000_000n;
const MICROS_PER_HOUR = 3_600_000_000n;

function timeTransform(kind: 'year' | 'month' | 'day' | 'hour', source: IcebergType, value: Exclude<LiteralValue, null>): number {
  const name = source.kind === 'primitive' ? source.name : source.kind;
  let micros: bigint | undefined;
  let days: number;
  if (name === 'date') {
    days = daysOf(value, source);
  } else {
    const raw = integerOf(value, source);
    micros = name === 'timestamp_ns' || name === 'timestamptz_ns' ? floorDiv(raw, 1000n) : raw;
    days = Number(floorDiv(micros, MICROS_PER_DAY));
  }
  if (kind === 'hour') return Number(floorDiv(micros ?? 0n, MICROS_PER_HOUR));
  if (kind === 'day') return days;
  const { year, month } = civilFromDays(days);
  return kind === 'year' ? year - 1970 : (year - 1970) * 12 + (month - 1);
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}

function integerOf(value: Exclude<LiteralValue, null>, source: IcebergType): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value);
  throw badValue(source, value);
}

function daysOf(value: Exclude<LiteralValue, null>, source: IcebergType): number {
  const days = typeof value === 'string' ? parseDays(value) : undefined;
  if (days === undefined) throw badValue(source, value);
  return days;
}

function decimalOf(scale: number, value: Exclude<LiteralValue, null>, source: IcebergType): bigint {
  const u = typeof value === 'string' ? decimalToUnscaled(value, scale) : undefined;
  if (u === undefined) throw badValue(source, value);
  return u;
}

function bytesOf(value: Exclude<LiteralValue, null>, source: IcebergType): Uint8Array {
  if (!(value instanceof Uint8Array)) throw badValue(source, value);
  return value;
}

function badValue(source: IcebergType, value: Exclude<LiteralValue, null>): LochError {
  const shown = value instanceof Uint8Array ? `${value.length} bytes` : `${typeof value} ${String(value).slice(0, 40)}`;
  return new LochError('INVALID_ARGUMENT', `iceberg transform: value ${shown} is not a ${icebergTypeText(source)} value`, {
    context: { sourceType: icebergTypeText(source) },
  });
}
