/**
 * Partition values and extra column values (Loch Literals) as DuckDB values for the appender,
 * converted to the column's table type.
 */
import {
  blobValue,
  dateValue,
  decimalValue,
  timestampNanosValue,
  timestampTZValue,
  timestampValue,
  timeValue,
  uuidValue,
  type DuckDBValue,
} from '@duckdb/node-api';
import { LochError } from '../../core/errors.js';
import type { Literal, LiteralValue } from '../../expr/nodes.js';
import { typeToString, type DataType } from '../../expr/types.js';
import { parseDate } from './temporal-text.js';

/** Scaled integer of a decimal string at `scale` digits; undefined if it has more digits. */
export function parseScaledDecimal(text: string, scale: number): bigint | undefined {
  const match = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(text.trim());
  if (!match || (match[2] === '' && (match[3] ?? '') === '')) return undefined;
  const fraction = (match[3] ?? '').replace(/0+$/, '');
  if (fraction.length > scale) return undefined;
  const digits = `${match[2] || '0'}${fraction.padEnd(scale, '0')}`;
  const scaled = BigInt(digits);
  return match[1] === '-' ? -scaled : scaled;
}

function integral(value: LiteralValue): bigint | undefined {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value);
  return undefined;
}

function convertPrimitive(value: LiteralValue, name: string): DuckDBValue | undefined {
  switch (name) {
    case 'boolean':
      return typeof value === 'boolean' ? value : undefined;
    case 'byte':
    case 'short':
    case 'integer': {
      const n = integral(value);
      return n === undefined ? undefined : Number(n);
    }
    case 'long':
      return integral(value);
    case 'float':
    case 'double':
      return typeof value === 'number' ? value : undefined;
    case 'string':
      return typeof value === 'string' ? value : undefined;
    case 'binary':
      return value instanceof Uint8Array ? blobValue(value) : undefined;
    case 'date': {
      const days = typeof value === 'string' ? parseDate(value) : typeof value === 'number' ? value : undefined;
      return days === undefined ? undefined : dateValue(days);
    }
    case 'timestamp':
    case 'timestamp_ntz': {
      const micros = integral(value);
      if (micros === undefined) return undefined;
      return name === 'timestamp' ? timestampTZValue(micros) : timestampValue(micros);
    }
    default:
      return convertIcebergPrimitive(value, name);
  }
}

const UUID_TEXT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The primitives Delta has no name for; variant and void hold only NULL. */
function convertIcebergPrimitive(value: LiteralValue, name: string): DuckDBValue | undefined {
  switch (name) {
    case 'time': {
      const micros = integral(value);
      return micros === undefined || micros < 0n || micros > 86_400_000_000n ? undefined : timeValue(micros);
    }
    case 'timestamp_ns':
    case 'timestamp_ntz_ns': {
      const nanos = integral(value);
      return nanos === undefined ? undefined : timestampNanosValue(nanos);
    }
    case 'uuid':
      return typeof value === 'string' && UUID_TEXT.test(value) ? uuidValue(BigInt(`0x${value.replaceAll('-', '')}`)) : undefined;
    default:
      return undefined;
  }
}

/**
 * The DuckDB value of `literal` for a column of table type `type`; a missing literal is NULL.
 * Throws INVALID_ARGUMENT, naming `where`, when the value does not fit the type.
 */
export function literalToDuckDbValue(literal: Literal | undefined, type: DataType, where: string): DuckDBValue {
  const value = literal?.value ?? null;
  if (value === null) return null;
  let out: DuckDBValue | undefined;
  if (type.kind === 'primitive') out = convertPrimitive(value, type.name);
  else if (type.kind === 'fixed') out = value instanceof Uint8Array && value.length === type.length ? blobValue(value) : undefined;
  else if (type.kind === 'decimal') {
    const scaled = parseScaledDecimal(typeof value === 'number' || typeof value === 'bigint' ? value.toString() : String(value), type.scale);
    out = scaled === undefined ? undefined : decimalValue(scaled, type.precision, type.scale);
  }
  if (out === undefined) {
    const shown = value instanceof Uint8Array ? `${value.byteLength} bytes` : String(value);
    throw new LochError('INVALID_ARGUMENT', `scan: ${where}: value ${shown} is not a valid ${typeToString(type)}`, {
      context: { type: typeToString(type) },
    });
  }
  return out;
}
