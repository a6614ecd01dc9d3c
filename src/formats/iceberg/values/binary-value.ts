import { civilFromDays, daysFromCivil } from '../../../core/calendar.js';
import { dataView, toHex, utf8Decode, utf8Encode } from '../../../core/bytes.js';
import { LochError } from '../../../core/errors.js';
import type { LiteralValue } from '../../../expr/nodes.js';
import type { IcebergType } from '../model.js';
import { icebergTypeToString as icebergTypeText } from '../spec/types.js';

/**
 * Iceberg's binary single-value serialisation (spec Appendix D), used by column bounds and
 * partition field summaries, converted to and from the Literal value representation of
 * expr/nodes.ts. Readers infer promoted types by length, because bounds written before a type
 * promotion are never rewritten: a 4-byte long bound is an int, a 4-byte double bound a float,
 * a 4-byte timestamp bound a date.
 */

const MICROS_PER_DAY = 86_400_000_000n;
const NANOS_PER_DAY = 86_400_000_000_000n;

/**
 * Decodes one binary single value of `type`. `where` names the file and field for messages.
 * Wrong lengths and invalid UTF-8 → CORRUPT_DATA; variant and geo bounds → UNSUPPORTED_FEATURE;
 * nested types (which have no single-value form) → PROTOCOL_VIOLATION.
 */
export function decodeBinaryValue(bytes: Uint8Array, type: IcebergType, where: string): LiteralValue {
  switch (type.kind) {
    case 'decimal':
      if (bytes.length === 0) throw corrupt(where, type, bytes.length, 'at least 1');
      return unscaledToDecimal(signedBigEndian(bytes), type.scale);
    case 'fixed':
      return bytes.slice();
    case 'primitive':
      return decodePrimitive(bytes, type.name, type, where);
    case 'geometry':
    case 'geography':
      throw new LochError('UNSUPPORTED_FEATURE', `iceberg value: ${where}: ${type.text} bounds are not supported`, { context: { where } });
    default:
      throw new LochError('PROTOCOL_VIOLATION', `iceberg value: ${where}: ${type.kind} has no binary single-value form`, { context: { where } });
  }
}

function decodePrimitive(bytes: Uint8Array, name: string, type: IcebergType, where: string): LiteralValue {
  const view = dataView(bytes);
  const need = (...lengths: number[]): number => {
    if (!lengths.includes(bytes.length)) throw corrupt(where, type, bytes.length, lengths.join(' or '));
    return bytes.length;
  };
  switch (name) {
    case 'unknown':
      return null;
    case 'boolean':
      need(1);
      return bytes[0] !== 0;
    case 'int':
      need(4);
      return view.getInt32(0, true);
    case 'long':
      return need(4, 8) === 4 ? BigInt(view.getInt32(0, true)) : view.getBigInt64(0, true);
    case 'float':
      need(4);
      return view.getFloat32(0, true);
    case 'double':
      return need(4, 8) === 4 ? view.getFloat32(0, true) : view.getFloat64(0, true);
    case 'date':
      need(4);
      return formatDays(view.getInt32(0, true));
    case 'time':
      need(8);
      return view.getBigInt64(0, true);
    case 'timestamp':
    case 'timestamptz':
      return need(4, 8) === 4 ? BigInt(view.getInt32(0, true)) * MICROS_PER_DAY : view.getBigInt64(0, true);
    case 'timestamp_ns':
    case 'timestamptz_ns':
      return need(4, 8) === 4 ? BigInt(view.getInt32(0, true)) * NANOS_PER_DAY : view.getBigInt64(0, true);
    case 'string':
      return decodeUtf8(bytes, where);
    case 'uuid':
      need(16);
      return bytesToUuid(bytes);
    case 'binary':
      return bytes.slice();
    default:
      throw new LochError('UNSUPPORTED_FEATURE', `iceberg value: ${where}: ${name} bounds are not supported`, { context: { where } });
  }
}

function decodeUtf8(bytes: Uint8Array, where: string): string {
  try {
    return utf8Decode(bytes);
  } catch (cause) {
    throw new LochError('CORRUPT_DATA', `iceberg value: ${where}: string value of ${bytes.length} bytes is not valid UTF-8`, { context: { where }, cause });
  }
}

function corrupt(where: string, type: IcebergType, got: number, expected: string): LochError {
  const text = icebergTypeText(type);
  return new LochError('CORRUPT_DATA', `iceberg value: ${where}: ${text} value has ${got} bytes, expected ${expected}`, {
    context: { where, type: text, length: got },
  });
}

/**
 * Encodes a value of `type` as its binary single value (decimals as the minimal big-endian two's
 * complement of the unscaled value, like Java's BigInteger.toByteArray). A null, a value that
 * does not fit the type, or a type without a binary form → INVALID_ARGUMENT.
 */
export function encodeBinaryValue(value: LiteralValue, type: IcebergType): Uint8Array {
  const text = icebergTypeText(type);
  const bad = (): LochError =>
    new LochError('INVALID_ARGUMENT', `iceberg value: cannot encode ${describe(value)} as ${text}`, { context: { type: text } });
  if (value === null) throw bad();
  if (type.kind === 'decimal') {
    const unscaled = typeof value === 'string' ? decimalToUnscaled(value, type.scale) : undefined;
    if (unscaled === undefined) throw bad();
    return twosComplementBytes(unscaled);
  }
  if (type.kind === 'fixed') {
    if (!(value instanceof Uint8Array) || value.length !== type.length) throw bad();
    return value.slice();
  }
  if (type.kind !== 'primitive') throw bad();
  const out = encodePrimitive(value, type.name);
  if (!out) throw bad();
  return out;
}

function encodePrimitive(value: Exclude<LiteralValue, null>, name: string): Uint8Array | undefined {
  switch (name) {
    case 'boolean':
      return typeof value === 'boolean' ? Uint8Array.of(value ? 1 : 0) : undefined;
    case 'int': {
      const n = typeof value === 'bigint' ? Number(value) : value;
      return typeof n === 'number' && Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31 ? le(4, (v) => v.setInt32(0, n, true)) : undefined;
    }
    case 'float':
      return typeof value === 'number' ? le(4, (v) => v.setFloat32(0, value, true)) : undefined;
    case 'double':
      return typeof value === 'number' ? le(8, (v) => v.setFloat64(0, value, true)) : undefined;
    case 'date': {
      const days = typeof value === 'string' ? parseDays(value) : undefined;
      return days === undefined ? undefined : le(4, (v) => v.setInt32(0, days, true));
    }
    case 'long':
    case 'time':
    case 'timestamp':
    case 'timestamptz':
    case 'timestamp_ns':
    case 'timestamptz_ns': {
      const n = typeof value === 'bigint' ? value : typeof value === 'number' && Number.isSafeInteger(value) ? BigInt(value) : undefined;
      return n === undefined || BigInt.asIntN(64, n) !== n ? undefined : le(8, (v) => v.setBigInt64(0, n, true));
    }
    case 'string':
      return typeof value === 'string' ? utf8Encode(value) : undefined;
    case 'uuid':
      return typeof value === 'string' ? uuidToBytes(value) : undefined;
    case 'binary':
      return value instanceof Uint8Array ? value.slice() : undefined;
    default:
      return undefined;
  }
}

function le(size: number, write: (view: DataView) => void): Uint8Array {
  const out = new Uint8Array(size);
  write(dataView(out));
  return out;
}

function describe(value: LiteralValue): string {
  if (value instanceof Uint8Array) return `${value.length} bytes`;
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  return `${typeof value} ${String(value)}`;
}

/** The type as the spec spells it, for messages (one definition: spec/types.ts). */
export { icebergTypeToString as icebergTypeText } from '../spec/types.js';

// ---- value representation helpers shared by the transforms ------------------------------------

/**
 * The unscaled value of decimal text at `scale` ("-1.5" at scale 2 → -150n); undefined when
 * the text is not a plain decimal or has more fraction digits than `scale` allows (other than
 * trailing zeros).
 */
export function decimalToUnscaled(text: string, scale: number): bigint | undefined {
  const m = /^([+-]?)(\d+)(?:\.(\d*))?$/.exec(text) ?? /^([+-]?)()\.(\d+)$/.exec(text);
  if (!m) return undefined;
  let frac = m[3] ?? '';
  while (frac.length > scale && frac.endsWith('0')) frac = frac.slice(0, -1);
  if (frac.length > scale) return undefined;
  const magnitude = BigInt(`${m[2] || '0'}${frac.padEnd(scale, '0')}`);
  return m[1] === '-' ? -magnitude : magnitude;
}

/** Decimal text with exactly `scale` fraction digits ("-1.50") of an unscaled value. */
export function unscaledToDecimal(unscaled: bigint, scale: number): string {
  const negative = unscaled < 0n;
  const digits = (negative ? -unscaled : unscaled).toString();
  if (scale <= 0) return `${negative ? '-' : ''}${digits}${'0'.repeat(-scale)}`;
  const padded = digits.padStart(scale + 1, '0');
  return `${negative ? '-' : ''}${padded.slice(0, -scale)}.${padded.slice(-scale)}`;
}

/** The shortest big-endian two's complement bytes of `value` (0 → [0x00]), as Java's BigInteger. */
export function twosComplementBytes(value: bigint): Uint8Array {
  let length = 1;
  while (value < -(1n << BigInt(8 * length - 1)) || value >= 1n << BigInt(8 * length - 1)) length++;
  let v = BigInt.asUintN(8 * length, value);
  const out = new Uint8Array(length);
  for (let i = length - 1; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

function signedBigEndian(bytes: Uint8Array): bigint {
  const unsigned = bytes.length === 0 ? 0n : BigInt(`0x${toHex(bytes)}`);
  return BigInt.asIntN(8 * bytes.length, unsigned);
}

/** Days since 1970-01-01 of "YYYY-MM-DD" (also "+YYYYY-MM-DD" / "-YYYY-MM-DD"); undefined if malformed. */
export function parseDays(date: string): number | undefined {
  const m = /^([+-]?\d{4,6})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (month < 1 || month > 12 || day < 1 || day > 31) return undefined;
  const days = daysFromCivil(year, month, day);
  return civilFromDays(days).day === day ? days : undefined;
}

/** "YYYY-MM-DD" of a day count since 1970-01-01 (years outside 0–9999 signed, ISO style). */
export function formatDays(days: number): string {
  const { year, month, day } = civilFromDays(days);
  const y = year < 0 ? `-${String(-year).padStart(4, '0')}` : year > 9999 ? `+${year}` : String(year).padStart(4, '0');
  return `${y}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** The 16 big-endian bytes of canonical UUID text; undefined when it is not a UUID. */
export function uuidToBytes(text: string): Uint8Array | undefined {
  const hex = text.replace(/-/g, '');
  if (!/^[0-9a-fA-F]{32}$/.test(hex) || !/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/.test(text)) return undefined;
  const out = new Uint8Array(16);
  for (let i = 0; i < 16; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** Lower-case canonical text of 16 UUID bytes. */
export function bytesToUuid(bytes: Uint8Array): string {
  const h = toHex(bytes);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
