import { civilFromDays, daysFromCivil } from '../../../core/calendar.js';
import { LochError } from '../../../core/errors.js';
import { JsonNumber, isJsonObject } from '../../../core/json-exact.js';
import type { LiteralValue } from '../../../expr/nodes.js';
import type { IcebergField, IcebergType } from '../model.js';

/**
 * Iceberg's JSON single-value serialization (spec Appendix D), used by `initial-default` and
 * `write-default`: JSON values ⇄ the Literal value representation of expr/nodes.ts. Nested
 * values: a struct becomes an object keyed by field NAME, a list an array, a map an array of
 * `{ key, value }` (the JSON form keys structs by field id and writes maps as {keys, values}).
 */

export type JsonValueResult = LiteralValue | Record<string, unknown> | unknown[];

const SUB = 'iceberg value';
const MICROS_PER_DAY = 86_400_000_000n;
const DATE = /^([+-]?\d{4,})-(\d{2})-(\d{2})$/;
const TIME = /^(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?$/;
const ZONE = /(Z|[+-]\d{2}:\d{2})$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;
const INT_MIN = -(2 ** 31);
const INT_MAX = 2 ** 31 - 1;

function bad(where: string, message: string): LochError {
  return new LochError('CORRUPT_DATA', `${SUB}: ${where}: ${message}`, { context: { where } });
}

/**
 * Converts one JSON single value (JsonNumber or number for numbers) of `type`. null → null.
 * A struct object missing a field's id gives that field its own `initial-default` (null when
 * it has none), which is how a `{}` struct default expands to its sub-field defaults.
 * Values of the wrong shape → CORRUPT_DATA; a non-null unknown/variant/geo value →
 * PROTOCOL_VIOLATION (the spec only allows null there).
 */
export function jsonToLiteral(value: unknown, type: IcebergType, where: string): JsonValueResult {
  if (value === null || value === undefined) return null;
  switch (type.kind) {
    case 'decimal':
      return decimalFromJson(value, type.precision, type.scale, where);
    case 'fixed':
      return bytesFromHex(value, type.length, where);
    case 'geometry':
    case 'geography':
      throw new LochError('PROTOCOL_VIOLATION', `${SUB}: ${where}: a ${type.kind} default must be null`, { context: { where } });
    case 'struct':
      return structFromJson(value, type.fields, where);
    case 'list':
      if (!Array.isArray(value)) throw bad(where, 'a list value is not a JSON array');
      return value.map((v, i) => jsonToLiteral(v, type.element, `${where}[${i}]`));
    case 'map':
      return mapFromJson(value, type.key, type.value, where);
    case 'primitive':
      return primitiveFromJson(value, type.name, where);
  }
}

function primitiveFromJson(value: unknown, name: string, where: string): LiteralValue {
  switch (name) {
    case 'boolean':
      if (typeof value !== 'boolean') throw bad(where, 'a boolean value is not true or false');
      return value;
    case 'int': {
      const n = Number(integerText(value, where));
      if (n < INT_MIN || n > INT_MAX) throw bad(where, `${n} does not fit an int`);
      return n;
    }
    case 'long': {
      const n = BigInt(integerText(value, where));
      if (n < -(2n ** 63n) || n >= 2n ** 63n) throw bad(where, `${n} does not fit a long`);
      return n;
    }
    case 'float':
      return Math.fround(floatFromJson(value, where));
    case 'double':
      return floatFromJson(value, where);
    case 'string':
      return text(value, where);
    case 'uuid': {
      const s = text(value, where).toLowerCase();
      if (!UUID.test(s)) throw bad(where, `"${s}" is not a UUID`);
      return s;
    }
    case 'binary':
      return bytesFromHex(value, undefined, where);
    case 'date':
      return dateText(text(value, where), where);
    case 'time':
      return timeUnits(text(value, where), 6, where);
    case 'timestamp':
    case 'timestamp_ns':
    case 'timestamptz':
    case 'timestamptz_ns':
      return timestampFromText(text(value, where), name.endsWith('_ns') ? 9 : 6, name.startsWith('timestamptz'), where);
    default:
      throw new LochError('PROTOCOL_VIOLATION', `${SUB}: ${where}: a ${name} default must be null`, { context: { where } });
  }
}

function integerText(value: unknown, where: string): string {
  if (value instanceof JsonNumber && /^-?\d+$/.test(value.text)) return value.text;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  if (typeof value === 'bigint') return value.toString();
  throw bad(where, `${describe(value)} is not an integer`);
}

function floatFromJson(value: unknown, where: string): number {
  if (value instanceof JsonNumber) return Number(value.text);
  if (typeof value === 'number') return value;
  // JSON has no NaN/Infinity; accept the names Java's Double.toString would give.
  if (value === 'NaN' || value === 'Infinity' || value === '-Infinity') return Number(value);
  throw bad(where, `${describe(value)} is not a number`);
}

function text(value: unknown, where: string): string {
  if (typeof value !== 'string') throw bad(where, `${describe(value)} is not a string`);
  return value;
}

function describe(value: unknown): string {
  if (value instanceof JsonNumber) return value.text;
  if (typeof value === 'string') return JSON.stringify(value);
  return Array.isArray(value) ? 'an array' : typeof value === 'object' ? 'an object' : String(value);
}

/** Decimal text or number → the scaled string with exactly `scale` fraction digits. */
function decimalFromJson(value: unknown, precision: number, scale: number, where: string): string {
  const raw = value instanceof JsonNumber ? value.text : typeof value === 'string' ? value.trim() : typeof value === 'number' ? String(value) : undefined;
  const m = raw === undefined ? null : DECIMAL.exec(raw);
  if (raw === undefined || m === null || (m[2] === '' && (m[3] ?? '') === '')) throw bad(where, `${describe(value)} is not a decimal`);
  const digits = `${m[2]}${m[3] ?? ''}`;
  const shift = scale - (m[3] ?? '').length + Number(m[4] ?? '0');
  let unscaled = BigInt(digits === '' ? '0' : digits);
  if (shift >= 0) unscaled *= 10n ** BigInt(shift);
  else {
    const divisor = 10n ** BigInt(-shift);
    if (unscaled % divisor !== 0n) throw bad(where, `${raw} has more than ${scale} fraction digits`);
    unscaled /= divisor;
  }
  const abs = unscaled.toString();
  if (abs.length > precision && unscaled !== 0n) throw bad(where, `${raw} does not fit decimal(${precision}, ${scale})`);
  return formatDecimal(m[1] === '-' ? -unscaled : unscaled, scale);
}

function formatDecimal(unscaled: bigint, scale: number): string {
  const negative = unscaled < 0n;
  const digits = (negative ? -unscaled : unscaled).toString().padStart(scale + 1, '0');
  const body = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  return negative ? `-${body}` : body;
}

function bytesFromHex(value: unknown, length: number | undefined, where: string): Uint8Array {
  const hex = text(value, where);
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) throw bad(where, `"${hex}" is not a hex string`);
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  if (length !== undefined && bytes.length !== length) throw bad(where, `fixed[${length}] value has ${bytes.length} bytes`);
  return bytes;
}

function dayCount(s: string, where: string): number {
  const m = DATE.exec(s);
  if (m === null) throw bad(where, `"${s}" is not a date (YYYY-MM-DD)`);
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const days = daysFromCivil(y, mo, d);
  const back = civilFromDays(days);
  if (back.month !== mo || back.day !== d) throw bad(where, `"${s}" is not a calendar date`);
  return days;
}

function dateText(s: string, where: string): string {
  return formatDate(dayCount(s, where));
}

/** "HH:MM[:SS[.f…]]" → units of 10^-digits seconds since midnight. */
function timeUnits(s: string, digits: number, where: string): bigint {
  const m = TIME.exec(s);
  if (m === null) throw bad(where, `"${s}" is not a time (HH:MM:SS.ffffff)`);
  const [h, min, sec] = [Number(m[1]), Number(m[2]), Number(m[3] ?? '0')];
  if (h > 23 || min > 59 || sec > 59) throw bad(where, `"${s}" is not a time of day`);
  const frac = m[4] ?? '';
  if (frac.length > digits && !/^0*$/.test(frac.slice(digits))) throw bad(where, `"${s}" has more than ${digits} fraction digits`);
  const scale = 10n ** BigInt(digits);
  return BigInt(h * 3600 + min * 60 + sec) * scale + BigInt(frac.slice(0, digits).padEnd(digits, '0'));
}

function timestampFromText(s: string, digits: number, zoned: boolean, where: string): bigint {
  const zone = ZONE.exec(s);
  const kind = zoned ? 'timestamptz' : 'timestamp';
  if (zoned !== (zone !== null)) throw bad(where, `"${s}" is not a ${kind}: ${zoned ? 'the zone offset is missing' : 'it carries a zone'}`);
  const body = zone === null ? s : s.slice(0, zone.index);
  const t = body.indexOf('T');
  if (t < 0) throw bad(where, `"${s}" is not a ${kind} (YYYY-MM-DDTHH:MM:SS.ffffff)`);
  const perDay = MICROS_PER_DAY * (digits === 9 ? 1000n : 1n);
  let units = BigInt(dayCount(body.slice(0, t), where)) * perDay + timeUnits(body.slice(t + 1), digits, where);
  if (zone !== null && zone[1] !== 'Z') {
    const sign = zone[1]!.startsWith('-') ? -1n : 1n;
    const minutes = BigInt(Number(zone[1]!.slice(1, 3)) * 60 + Number(zone[1]!.slice(4, 6)));
    units -= sign * minutes * 60n * 10n ** BigInt(digits);
  }
  return units;
}

function structFromJson(value: unknown, fields: readonly IcebergField[], where: string): Record<string, unknown> {
  if (!isJsonObject(value)) throw bad(where, 'a struct value is not a JSON object keyed by field id');
  const known = new Set(fields.map((f) => String(f.id)));
  for (const key of Object.keys(value)) if (!known.has(key)) throw bad(where, `struct value has key "${key}", which is no field id of the struct`);
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    const key = String(f.id);
    const json = key in value ? value[key] : f.initialDefault;
    out[f.name] = jsonToLiteral(json, f.type, `${where}.${f.name}`);
  }
  return out;
}

function mapFromJson(value: unknown, keyType: IcebergType, valueType: IcebergType, where: string): unknown[] {
  if (!isJsonObject(value) || !Array.isArray(value.keys) || !Array.isArray(value.values)) throw bad(where, 'a map value is not {"keys": [...], "values": [...]}');
  const { keys, values } = value as { keys: unknown[]; values: unknown[] };
  if (keys.length !== values.length) throw bad(where, `a map value has ${keys.length} keys but ${values.length} values`);
  return keys.map((k, i) => ({ key: jsonToLiteral(k, keyType, `${where}.key[${i}]`), value: jsonToLiteral(values[i], valueType, `${where}.value[${i}]`) }));
}

/**
 * The Appendix-D JSON of a value (inverse of jsonToLiteral): numbers as JsonNumber (exact, so
 * `stringifyJsonExact` writes every digit and a parsed metadata file compares equal), floats
 * as their shortest float32 text, decimals as strings, times and timestamps with 6 (or 9 for
 * _ns) fraction digits and "+00:00" for tz, binary/fixed as lower-case hex, structs keyed by
 * field id, maps as {keys, values}. A value that does not fit the type → INVALID_ARGUMENT.
 */
export function literalToJson(value: unknown, type: IcebergType): unknown {
  if (value === null || value === undefined) return null;
  switch (type.kind) {
    case 'decimal':
      return expect(typeof value === 'string', value, type) && decimalFromJson(value, type.precision, type.scale, 'literal');
    case 'fixed':
      return expect(value instanceof Uint8Array && value.length === type.length, value, type) && toHex(value as Uint8Array);
    case 'struct': {
      expect(isJsonObject(value), value, type);
      const o = value as Record<string, unknown>;
      return Object.fromEntries(type.fields.map((f) => [String(f.id), literalToJson(o[f.name], f.type)]));
    }
    case 'list':
      expect(Array.isArray(value), value, type);
      return (value as unknown[]).map((v) => literalToJson(v, type.element));
    case 'map': {
      const entries = value instanceof Map ? [...value.entries()].map(([key, v]) => ({ key, value: v as unknown })) : (value as { key: unknown; value: unknown }[]);
      expect(Array.isArray(entries), value, type);
      return { keys: entries.map((e) => literalToJson(e.key, type.key)), values: entries.map((e) => literalToJson(e.value, type.value)) };
    }
    case 'primitive':
      return primitiveToJson(value, type.name, type);
    default:
      return expect(false, value, type);
  }
}

function primitiveToJson(value: unknown, name: string, type: IcebergType): unknown {
  switch (name) {
    case 'boolean':
    case 'string':
      return expect(typeof value === (name === 'boolean' ? 'boolean' : 'string'), value, type) && value;
    case 'int':
      return expect(Number.isInteger(value), value, type) && new JsonNumber(String(value), true);
    case 'long':
      return expect(typeof value === 'bigint' || Number.isSafeInteger(value), value, type) && new JsonNumber(String(value), true);
    case 'float':
    case 'double': {
      expect(typeof value === 'number', value, type);
      const n = value as number;
      if (!Number.isFinite(n)) return String(n);
      return new JsonNumber(name === 'float' ? shortestFloat32(n) : String(n), true);
    }
    case 'uuid':
      return expect(typeof value === 'string', value, type) && (value as string).toLowerCase();
    case 'binary':
      return expect(value instanceof Uint8Array, value, type) && toHex(value as Uint8Array);
    case 'date':
      return expect(typeof value === 'string', value, type) && value;
    case 'time':
      return expect(typeof value === 'bigint', value, type) && formatTime(value as bigint, 6);
    case 'timestamp':
    case 'timestamptz':
    case 'timestamp_ns':
    case 'timestamptz_ns': {
      expect(typeof value === 'bigint', value, type);
      const out = formatTimestamp(value as bigint, name.endsWith('_ns') ? 9 : 6);
      return name.startsWith('timestamptz') ? `${out}+00:00` : out;
    }
    default:
      return expect(false, value, type);
  }
}

function expect(ok: boolean, value: unknown, type: IcebergType): true {
  if (!ok) throw new LochError('INVALID_ARGUMENT', `${SUB}: ${describe(value)} is not a value of type ${type.kind === 'primitive' ? type.name : type.kind}`);
  return true;
}

function shortestFloat32(v: number): string {
  for (let p = 1; p <= 9; p++) {
    const s = v.toPrecision(p);
    if (Math.fround(Number(s)) === v) return String(Number(s));
  }
  return String(v);
}

function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

function formatDate(days: number): string {
  const { year, month, day } = civilFromDays(days);
  const y = year < 0 ? `-${String(-year).padStart(4, '0')}` : String(year).padStart(4, '0');
  return `${y}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

function formatTime(units: bigint, digits: number): string {
  const scale = 10n ** BigInt(digits);
  const seconds = Number(units / scale);
  const frac = (units % scale).toString().padStart(digits, '0');
  const hms = [Math.floor(seconds / 3600), Math.floor(seconds / 60) % 60, seconds % 60].map((n) => String(n).padStart(2, '0'));
  return `${hms.join(':')}.${frac}`;
}

function formatTimestamp(units: bigint, digits: number): string {
  const perDay = MICROS_PER_DAY * (digits === 9 ? 1000n : 1n);
  let days = units / perDay;
  let rest = units % perDay;
  if (rest < 0n) {
    rest += perDay;
    days -= 1n;
  }
  return `${formatDate(Number(days))}T${formatTime(rest, digits)}`;
}
