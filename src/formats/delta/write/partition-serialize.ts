import { civilFromDays } from '../../../core/calendar.js';
import { LochError } from '../../../core/errors.js';
import type { LiteralValue } from '../../../expr/nodes.js';
import type { DataType, PrimitiveName } from '../../../expr/types.js';
import { typeToString } from '../../../expr/types.js';
import { parseDateText, parseDecimalText } from '../partition-values.js';

/**
 * Delta partition values as text (PROTOCOL.md "Partition Value Serialization"): the inverse of
 * partition-values.ts parsePartitionValue. Also the text Spark puts in partition directories.
 */

const INTEGER_RANGES = { byte: 127, short: 32767, integer: 2147483647 } as const;
const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;
const MICROS_PER_DAY = 86_400_000_000n;

function cannot(value: LiteralValue, type: DataType, column: string | undefined, why = ''): LochError {
  const shown = typeof value === 'bigint' ? `${value}n` : value instanceof Uint8Array ? `${value.length} bytes` : JSON.stringify(value);
  const at = column === undefined ? '' : `column ${column}: `;
  return new LochError('INVALID_ARGUMENT', `delta partition value: ${at}cannot write ${typeof value} ${shown} as ${typeToString(type)}${why}`, {
    context: { ...(column === undefined ? {} : { column }), type: typeToString(type) },
  });
}

/**
 * The partition value text of `value` (Literal value representation, src/expr/nodes.ts) for a
 * column of `type`; null for SQL NULL and for the empty string (Delta reads '' as null, as
 * Spark writes empty strings). Forms: booleans 'true'/'false'; integers in decimal; decimals
 * plain with exactly `scale` fraction digits; float/double as Java prints them ('1.0',
 * '1.0E-5', 'NaN', '-Infinity'; floats with the shortest digits of their float32); dates
 * 'YYYY-MM-DD'; timestamps 'YYYY-MM-DD HH:MM:SS' in UTC with '.ffffff' (six digits) only when
 * the microseconds are non-zero; timestamp_ntz the same text of the wall clock.
 * Binary partition columns throw UNSUPPORTED_FEATURE; nested types, values of the wrong
 * representation and timestamps outside years 0000–9999 throw INVALID_ARGUMENT naming
 * `column` when given.
 */
export function serializePartitionValue(value: LiteralValue, type: DataType, column?: string): string | null {
  if (type.kind === 'primitive' && type.name === 'binary') {
    const at = column === undefined ? 'a binary column' : `binary column ${column}`;
    throw new LochError('UNSUPPORTED_FEATURE', `delta partition value: ${at} cannot be a partition column in Loch`, {
      context: { ...(column === undefined ? {} : { column }), type: 'binary' },
    });
  }
  if (value === null) return null;
  if (type.kind === 'decimal') {
    const text = typeof value === 'string' ? parseDecimalText(value, type.precision, type.scale, 'exact') : undefined;
    if (text === undefined) throw cannot(value, type, column);
    return text;
  }
  if (type.kind !== 'primitive') throw cannot(value, type, column, ': only primitive and decimal columns can be partition columns');
  const text = primitiveText(value, type.name);
  if (text === undefined) throw cannot(value, type, column);
  return text === '' ? null : text;
}

function primitiveText(value: Exclude<LiteralValue, null>, name: PrimitiveName): string | undefined {
  switch (name) {
    case 'string':
      return typeof value === 'string' ? value : undefined;
    case 'boolean':
      return typeof value === 'boolean' ? String(value) : undefined;
    case 'byte':
    case 'short':
    case 'integer': {
      const max = INTEGER_RANGES[name];
      return typeof value === 'number' && Number.isInteger(value) && value >= -max - 1 && value <= max ? String(value) : undefined;
    }
    case 'long': {
      const big = typeof value === 'bigint' ? value : typeof value === 'number' && Number.isSafeInteger(value) ? BigInt(value) : undefined;
      return big !== undefined && big >= LONG_MIN && big <= LONG_MAX ? big.toString() : undefined;
    }
    case 'float':
      return typeof value === 'number' ? javaFloatText(value, 'float') : undefined;
    case 'double':
      return typeof value === 'number' ? javaFloatText(value, 'double') : undefined;
    case 'date':
      return typeof value === 'string' ? parseDateText(value) : undefined;
    case 'timestamp':
    case 'timestamp_ntz':
      return typeof value === 'bigint' ? timestampText(value) : undefined;
    case 'binary':
      return undefined; // refused before, with its own error
  }
}

/** The shortest digits and decimal exponent of a finite non-zero value: d.ddd × 10^exponent. */
function shortestDigits(v: number, width: 'float' | 'double'): { digits: string; exponent: number } {
  let text = v.toExponential();
  if (width === 'float') {
    const target = Math.fround(v);
    for (let precision = 1; precision <= 9; precision++) {
      const candidate = target.toExponential(precision - 1);
      if (Math.fround(Number(candidate)) === target) {
        text = candidate;
        break;
      }
    }
  }
  const [mantissa = '', exponent = '0'] = text.replace(/^-/, '').split('e');
  return { digits: mantissa.replace('.', ''), exponent: Number(exponent) };
}

/**
 * A float or double as Java's Float/Double.toString prints it: plain notation with at least one
 * fraction digit for 10^-3 ≤ |v| < 10^7, else 'd.dddE±n'; 'NaN', 'Infinity', '-Infinity'.
 */
export function javaFloatText(value: number, width: 'float' | 'double'): string {
  const v = width === 'float' ? Math.fround(value) : value;
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? 'Infinity' : '-Infinity';
  if (v === 0) return Object.is(v, -0) ? '-0.0' : '0.0';
  const sign = v < 0 ? '-' : '';
  const { digits, exponent } = shortestDigits(v, width);
  const abs = Math.abs(v);
  if (abs >= 1e-3 && abs < 1e7) {
    if (exponent < 0) return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
    const whole = digits.slice(0, exponent + 1).padEnd(exponent + 1, '0');
    const fraction = digits.slice(exponent + 1);
    return `${sign}${whole}.${fraction === '' ? '0' : fraction}`;
  }
  const rest = digits.slice(1);
  return `${sign}${digits[0]}.${rest === '' ? '0' : rest}E${exponent}`;
}

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

/** 'YYYY-MM-DD HH:MM:SS[.ffffff]' of micros since the epoch; undefined outside years 0000–9999. */
function timestampText(micros: bigint): string | undefined {
  const days = micros >= 0n ? micros / MICROS_PER_DAY : -((-micros + MICROS_PER_DAY - 1n) / MICROS_PER_DAY);
  const inDay = micros - days * MICROS_PER_DAY;
  const { year, month, day } = civilFromDays(Number(days));
  if (year < 0 || year > 9999) return undefined;
  const seconds = Number(inDay / 1_000_000n);
  const fraction = Number(inDay % 1_000_000n);
  const clock = `${pad(Math.floor(seconds / 3600), 2)}:${pad(Math.floor(seconds / 60) % 60, 2)}:${pad(seconds % 60, 2)}`;
  const text = `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)} ${clock}`;
  return fraction === 0 ? text : `${text}.${pad(fraction, 6)}`;
}
