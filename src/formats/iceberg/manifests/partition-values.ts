import { LochError, civilFromDays, daysFromCivil, toHex } from '../../../core/index.js';
import type { LiteralValue } from '../../../expr/nodes.js';
import { baseTypeName, logicalTypeOf, numberAttr } from '../avro/field-ids.js';
import { decimalBytes } from '../avro/manifest-schemas.js';
import type { IcebergType } from '../model.js';
import { icebergTypeToString as icebergTypeText } from '../spec/types.js';

/**
 * Partition tuple values between their Avro form in a manifest (Iceberg's Appendix A mapping)
 * and Loch's Literal value representation (expr/nodes.ts) of the Iceberg result type.
 */

/** The type as the spec spells it, for messages (one definition: spec/types.ts). */
export { icebergTypeToString as icebergTypeText } from '../spec/types.js';

function avroTypeText(avroType: unknown): string {
  const base = baseTypeName(avroType);
  const size = numberAttr(avroType, 'size');
  const logical = logicalTypeOf(avroType);
  return `${base}${size === undefined ? '' : `[${size}]`}${logical === undefined ? '' : ` (${logical})`}`;
}

export function daysToDate(days: number): string {
  const { year, month, day } = civilFromDays(days);
  const y = year < 0 ? `-${String(-year).padStart(4, '0')}` : String(year).padStart(4, '0');
  return `${y}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

export function dateToDays(text: string): number | undefined {
  const match = /^(-?\d{4,})-(\d{2})-(\d{2})$/.exec(text);
  if (match === null) return undefined;
  return daysFromCivil(Number(match[1]), Number(match[2]), Number(match[3]));
}

/** Unscaled two's-complement big-endian bytes → decimal text with exactly `scale` fraction digits. */
export function decimalFromBytes(bytes: Uint8Array, scale: number): string {
  let unscaled = 0n;
  for (const byte of bytes) unscaled = (unscaled << 8n) | BigInt(byte);
  if (bytes.length > 0 && (bytes[0] ?? 0) & 0x80) unscaled -= 1n << BigInt(8 * bytes.length);
  const negative = unscaled < 0n;
  const digits = (negative ? -unscaled : unscaled).toString().padStart(scale + 1, '0');
  const text = scale > 0 ? `${digits.slice(0, digits.length - scale)}.${digits.slice(digits.length - scale)}` : digits;
  return negative ? `-${text}` : text;
}

/** Decimal text → unscaled two's-complement big-endian bytes of exactly `size` bytes; undefined when it does not fit. */
export function decimalToBytes(text: string, scale: number, size: number): Uint8Array | undefined {
  const match = /^(-?)(\d+)(?:\.(\d*))?$/.exec(text);
  if (match === null) return undefined;
  const fraction = match[3] ?? '';
  if (fraction.length > scale && /[1-9]/.test(fraction.slice(scale))) return undefined;
  let unscaled = BigInt(`${match[2]}${fraction.slice(0, scale).padEnd(scale, '0')}`);
  if (match[1] === '-') unscaled = -unscaled;
  const limit = 1n << BigInt(8 * size - 1);
  if (unscaled >= limit || unscaled < -limit) return undefined;
  let value = unscaled < 0n ? unscaled + (1n << BigInt(8 * size)) : unscaled;
  const out = new Uint8Array(size);
  for (let i = size - 1; i >= 0; i--) {
    out[i] = Number(value & 0xffn);
    value >>= 8n;
  }
  return out;
}

export function uuidFromBytes(bytes: Uint8Array): string {
  const hex = toHex(bytes);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function uuidToBytes(text: string): Uint8Array | undefined {
  const hex = text.replace(/-/g, '');
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) return undefined;
  const out = new Uint8Array(16);
  for (let i = 0; i < 16; i++) out[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

const copyBytes = (raw: unknown): Uint8Array => new Uint8Array(raw as Uint8Array);

/** Decodes by the Iceberg result type; undefined means the Avro type cannot hold that type. */
function decodeTyped(raw: unknown, base: string, type: IcebergType): LiteralValue | undefined {
  const bytesLike = base === 'bytes' || base === 'fixed';
  if (type.kind === 'decimal') return bytesLike ? decimalFromBytes(raw as Uint8Array, type.scale) : undefined;
  if (type.kind === 'fixed') return bytesLike ? copyBytes(raw) : undefined;
  if (type.kind !== 'primitive') return undefined;
  switch (type.name) {
    case 'unknown':
      return null;
    case 'boolean':
    case 'string':
      return base === type.name ? (raw as LiteralValue) : undefined;
    case 'int':
      return base === 'int' ? (raw as number) : undefined;
    case 'long':
      return base === 'int' || base === 'long' ? BigInt(raw as number | bigint) : undefined;
    case 'float':
      return base === 'float' ? (raw as number) : undefined;
    case 'double':
      return base === 'float' || base === 'double' ? (raw as number) : undefined;
    case 'date':
      return base === 'int' ? daysToDate(raw as number) : undefined;
    case 'time':
    case 'timestamp':
    case 'timestamptz':
    case 'timestamp_ns':
    case 'timestamptz_ns':
      return base === 'long' ? BigInt(raw as bigint) : undefined;
    case 'uuid':
      if (base === 'string') return (raw as string).toLowerCase();
      return bytesLike && (raw as Uint8Array).length === 16 ? uuidFromBytes(raw as Uint8Array) : undefined;
    case 'binary':
      return bytesLike ? copyBytes(raw) : undefined;
    case 'variant':
      return undefined;
  }
}

/** Decodes by the Avro type and its logical type alone (no partition type known). */
function decodeByAvro(raw: unknown, avroType: unknown, base: string): LiteralValue | undefined {
  const logical = logicalTypeOf(avroType);
  switch (base) {
    case 'null':
      return null;
    case 'boolean':
    case 'float':
    case 'double':
      return raw as LiteralValue;
    case 'string':
      return logical === 'uuid' ? (raw as string).toLowerCase() : (raw as string);
    case 'int':
      return logical === 'date' ? daysToDate(raw as number) : (raw as number);
    case 'long':
      return BigInt(raw as bigint);
    case 'bytes':
    case 'fixed':
      if (logical === 'decimal') return decimalFromBytes(raw as Uint8Array, numberAttr(avroType, 'scale') ?? 0);
      if (logical === 'uuid' && (raw as Uint8Array).length === 16) return uuidFromBytes(raw as Uint8Array);
      return copyBytes(raw);
    default:
      return undefined;
  }
}

/**
 * One partition value read from a manifest → Literal value. With `type` (the partition field's
 * Iceberg result type) the value follows that type: an int-with-date-logical-type day partition
 * is a number of days when the type says int. Without it, Avro logical types decide. An Avro
 * type that cannot hold `type` → CORRUPT_DATA naming `context` and the field id.
 */
export function decodePartitionValue(raw: unknown, avroType: unknown, type: IcebergType | undefined, fieldId: number, context: string): LiteralValue {
  if (raw === null || raw === undefined) return null;
  const base = baseTypeName(avroType);
  const value = type === undefined ? decodeByAvro(raw, avroType, base) : decodeTyped(raw, base, type);
  if (value !== undefined) return value;
  const expected = type === undefined ? '' : ` but the spec says ${icebergTypeText(type)}`;
  throw new LochError('CORRUPT_DATA', `${context}: partition field ${fieldId} has Avro type ${avroTypeText(avroType)}${expected}`, {
    context: { fieldId },
  });
}

function badValue(fieldId: number, type: IcebergType, value: LiteralValue): LochError {
  const shown = value instanceof Uint8Array ? `${value.length} bytes` : `${typeof value} ${String(value)}`;
  return new LochError('INVALID_ARGUMENT', `iceberg manifest: partition field ${fieldId}: value ${shown} does not fit type ${icebergTypeText(type)}`, {
    context: { fieldId },
  });
}

function encodePrimitive(value: LiteralValue, name: string): unknown {
  switch (name) {
    case 'boolean':
      return typeof value === 'boolean' ? value : undefined;
    case 'string':
      return typeof value === 'string' ? value : undefined;
    case 'int':
      return typeof value === 'number' && Number.isInteger(value) ? value : undefined;
    case 'float':
    case 'double':
      return typeof value === 'number' ? value : undefined;
    case 'long':
    case 'time':
    case 'timestamp':
    case 'timestamptz':
    case 'timestamp_ns':
    case 'timestamptz_ns':
      return typeof value === 'bigint' ? value : typeof value === 'number' && Number.isInteger(value) ? BigInt(value) : undefined;
    case 'date':
      return typeof value === 'string' ? dateToDays(value) : typeof value === 'number' ? value : undefined;
    case 'uuid':
      return typeof value === 'string' ? uuidToBytes(value) : value instanceof Uint8Array && value.length === 16 ? value : undefined;
    case 'binary':
      return value instanceof Uint8Array ? value : undefined;
    default:
      return undefined;
  }
}

/** A Literal value → the Avro value `partitionValueAvroType` describes. A value of the wrong kind → INVALID_ARGUMENT. */
export function encodePartitionValue(value: LiteralValue, type: IcebergType, fieldId: number): unknown {
  if (value === null || (type.kind === 'primitive' && type.name === 'unknown')) return null;
  let out: unknown;
  if (type.kind === 'decimal') {
    out = typeof value === 'string' ? decimalToBytes(value, type.scale, decimalBytes(type.precision)) : undefined;
  } else if (type.kind === 'fixed') {
    out = value instanceof Uint8Array && value.length === type.length ? value : undefined;
  } else if (type.kind === 'primitive') {
    out = encodePrimitive(value, type.name);
  }
  if (out === undefined) throw badValue(fieldId, type, value);
  return out;
}
