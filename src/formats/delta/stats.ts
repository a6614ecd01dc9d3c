import { JsonNumber, parseJsonExact, type Json, type JsonObject } from '../../core/json-exact.js';
import type { FileStats } from '../../expr/file-facts.js';
import type { LiteralValue } from '../../expr/nodes.js';
import type { DataType, StructField, StructType } from '../../expr/types.js';
import {
  parseDateText,
  parseDecimalText,
  parseFloatText,
  parseIntegerText,
  parseLongText,
  parseTimestampText,
} from './partition-values.js';

/**
 * Delta per-file statistics (PROTOCOL.md "Per-file Statistics") as FileStats for pruning.
 *
 * Statistics are an optimisation: anything malformed is dropped (the whole record when the JSON
 * does not parse, a single bound when one value does not fit its column), never an error.
 * Every bound kept is a true bound of the file's valid rows:
 * - timestamps are written truncated to milliseconds, so a max on a millisecond boundary is
 *   widened by 999µs (a min truncated down is still a lower bound);
 * - strings may be cut to a prefix (Spark: 32 characters, then a tie-breaker character on max);
 *   a max that may have been cut (32 characters or more, or ending in U+FFFF / U+10FFFF) is
 *   replaced by the smallest string above every string with its prefix;
 * - a double's bounds also cover the float32 its text may stand for (float → double widening);
 * - decimals are rounded outward to the column's scale; longs and decimals of more than 15
 *   digits that only exist as JS numbers (checkpoint stats_parsed) are dropped when inexact;
 * - with tightBounds=false, null counts other than 0 and numRecords carry no information and
 *   are dropped.
 */

// Kept exported from here for existing importers; the parser lives in core/json-exact.ts.
export { parseJsonExact };

export interface StatsContext {
  readonly table?: string;
  readonly file?: string;
  /** Told why statistics were ignored (for logging); parsing never throws. */
  readonly onInvalid?: (message: string) => void;
}


const TIMESTAMP_TRUNCATION_MICROS = 999n;
const STRING_PREFIX_LENGTH = 32;

/**
 * Parses the statistics of one add action keyed by logical dotted paths ("a", "s.inner").
 * `stats` is the JSON string of the log (physical column names, nested structs as nested
 * objects); `statsParsed` the checkpoint's stats_parsed struct as plain JSON, used when `stats`
 * is absent or malformed. Returns undefined when neither gives statistics.
 */
export function parseFileStats(stats: string | undefined, statsParsed: unknown, schema: StructType, where: StatsContext = {}): FileStats | undefined {
  let root: Json | undefined;
  if (typeof stats === 'string' && stats !== '') {
    try {
      root = parseJsonExact(stats);
    } catch (error) {
      report(where, `stats JSON does not parse: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  if (!isObject(root) && statsParsed !== null && typeof statsParsed === 'object') root = fromPlain(statsParsed);
  if (!isObject(root)) return undefined;
  return buildStats(root, schema);
}

function report(where: StatsContext, message: string): void {
  const at = [where.table && `table ${where.table}`, where.file && `file ${where.file}`].filter(Boolean).join(' ');
  where.onInvalid?.(`delta stats: ${at ? `${at}: ` : ''}${message}; statistics ignored`);
}

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof JsonNumber);
}

function buildStats(root: JsonObject, schema: StructType): FileStats {
  const numRecords = countOf(root.numRecords);
  const tightBounds = root.tightBounds !== false;
  const minValues = new Map<string, LiteralValue>();
  const maxValues = new Map<string, LiteralValue>();
  const nullCount = new Map<string, number>();
  const walk = (fields: readonly StructField[], mins: Json, maxs: Json, nulls: Json, prefix: string): void => {
    for (const field of fields) {
      const key = prefix === '' ? field.name : `${prefix}.${field.name}`;
      const pick = (json: Json): Json => (isObject(json) ? (json[field.physicalName] ?? null) : null);
      if (field.type.kind === 'struct') {
        walk(field.type.fields, pick(mins), pick(maxs), pick(nulls), key);
        continue;
      }
      const count = countOf(pick(nulls));
      if (count !== undefined && (tightBounds || count === 0 || count === numRecords)) nullCount.set(key, count);
      const min = boundOf(pick(mins), field.type, 'min');
      const max = boundOf(pick(maxs), field.type, 'max');
      if (min !== undefined) minValues.set(key, min);
      if (max !== undefined) maxValues.set(key, max);
    }
  };
  walk(schema.fields, root.minValues ?? null, root.maxValues ?? null, root.nullCount ?? null, '');
  return { ...(numRecords !== undefined ? { numRecords } : {}), minValues, maxValues, nullCount, tightBounds };
}

function countOf(json: Json | undefined): number | undefined {
  if (!(json instanceof JsonNumber) || !/^\d+$/.test(json.text)) return undefined;
  const n = Number(json.text);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** One min or max value converted to the Literal representation of its column, or undefined. */
function boundOf(json: Json, type: DataType, side: 'min' | 'max'): LiteralValue | undefined {
  if (json === null) return undefined;
  if (type.kind === 'decimal') {
    // A double holds every decimal of up to 15 significant digits exactly; longer ones are unsafe.
    const trusted = json instanceof JsonNumber && (json.fromText || type.precision <= 15);
    const text = trusted ? json.text : typeof json === 'string' ? json : undefined;
    return text === undefined ? undefined : parseDecimalText(text, type.precision, type.scale, side === 'min' ? 'floor' : 'ceil');
  }
  if (type.kind !== 'primitive') return undefined;
  const text = json instanceof JsonNumber ? json.text : typeof json === 'string' ? json : undefined;
  switch (type.name) {
    case 'boolean':
      return typeof json === 'boolean' ? json : undefined;
    case 'byte':
    case 'short':
    case 'integer':
      return json instanceof JsonNumber ? parseIntegerText(json.text, type.name) : undefined;
    case 'long':
      if (!(json instanceof JsonNumber) || (!json.fromText && !Number.isSafeInteger(Number(json.text)))) return undefined;
      return parseLongText(json.text);
    case 'float':
    case 'double': {
      const v = text === undefined ? undefined : parseFloatText(text);
      if (v === undefined || Number.isNaN(v)) return undefined;
      return type.name === 'float' ? Math.fround(v) : doubleBound(v, side);
    }
    case 'date':
      return typeof json === 'string' ? parseDateText(json) : undefined;
    case 'timestamp':
    case 'timestamp_ntz':
      return typeof json === 'string' ? timestampBound(json, type.name === 'timestamp' ? 'utc' : 'wall', side) : undefined;
    case 'string':
      return typeof json !== 'string' ? undefined : side === 'min' ? json : stringUpperBound(json);
    case 'binary':
      return undefined;
  }
}

const FLOAT32_MAX = 3.4028234663852886e38;

/**
 * A double column may have been a float column when the file was written (type widening): its
 * stats are then the shortest text of a float32, whose double value can lie on either side of
 * the float32 value the file holds. Taking the outer of both keeps the bound true either way.
 */
function doubleBound(v: number, side: 'min' | 'max'): number {
  if (!Number.isFinite(v) || Math.abs(v) > FLOAT32_MAX) return v;
  const asFloat = Math.fround(v);
  return side === 'min' ? Math.min(v, asFloat) : Math.max(v, asFloat);
}

function timestampBound(text: string, mode: 'utc' | 'wall', side: 'min' | 'max'): bigint | undefined {
  const micros = parseTimestampText(text, mode);
  if (micros === undefined || side === 'min') return micros;
  const onMillisecond = ((micros % 1000n) + 1000n) % 1000n === 0n;
  return onMillisecond ? micros + TIMESTAMP_TRUNCATION_MICROS : micros;
}

const TIE_BREAKERS = new Set([0xffff, 0x10ffff]);

/**
 * A string max that may be a cut prefix becomes the smallest string greater than every string
 * starting with that prefix (its last code point incremented); undefined when none exists.
 */
export function stringUpperBound(max: string): string | undefined {
  const points = Array.from(max, (ch) => ch.codePointAt(0)!);
  let cut = false;
  while (points.length > 0 && TIE_BREAKERS.has(points[points.length - 1]!)) {
    points.pop();
    cut = true;
  }
  if (!cut && points.length < STRING_PREFIX_LENGTH) return max;
  while (points.length > 0) {
    const last = points.pop()!;
    if (last < 0x10ffff) {
      points.push(last + 1 === 0xd800 ? 0xe000 : last + 1);
      return String.fromCodePoint(...points);
    }
  }
  return undefined;
}

/** Plain JSON (checkpoint stats_parsed) into the exact representation; numbers lose the flag. */
function fromPlain(value: unknown): Json {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return new JsonNumber(plainNumberText(value), false);
  if (typeof value === 'bigint') return new JsonNumber(value.toString(), true);
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (Array.isArray(value)) return value.map(fromPlain);
  if (typeof value === 'object') {
    const out: JsonObject = Object.create(null) as JsonObject;
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = fromPlain(v);
    return out;
  }
  return null;
}

/** Integers without exponent (String(1e21) is "1e+21"), so that integer parsers accept them. */
function plainNumberText(value: number): string {
  return Number.isInteger(value) && Math.abs(value) < 1e21 ? BigInt(value).toString() : String(value);
}
