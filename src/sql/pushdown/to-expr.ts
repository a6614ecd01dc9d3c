import { and, cmp, col, inList, isNull, lit, not, or } from '../../expr/nodes.js';
import type { Expr, Literal, LiteralValue } from '../../expr/nodes.js';
import type { DataType, StructField, StructType } from '../../expr/types.js';
import {
  formatUnscaled,
  parseBooleanText,
  parseDateText,
  parseDecimalText,
  parseLongText,
  parseTimestampText,
} from '../../formats/delta/partition-values.js';
import type { RawConstant, RawPredicate } from './raw-predicate.js';

const INTEGER_IDS = new Set(['TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT', 'HUGEINT', 'UTINYINT', 'USMALLINT', 'UINTEGER', 'UBIGINT']);
const RANGES: Record<string, [bigint, bigint]> = {
  byte: [-128n, 127n],
  short: [-32768n, 32767n],
  integer: [-2147483648n, 2147483647n],
  long: [-9223372036854775808n, 9223372036854775807n],
};

/**
 * Converts a parsed WHERE conjunct into an Expr over the table's columns, or undefined when any
 * part cannot be expressed exactly in the column's type. Dropping a conjunct only weakens the
 * pruning filter, so every doubtful conversion (inexact decimals, float columns, nanosecond
 * timestamps, unknown columns) is dropped rather than approximated.
 */
export function rawToExpr(raw: RawPredicate, schema: StructType): Expr | undefined {
  switch (raw.kind) {
    case 'and': {
      const parts = raw.operands.map((o) => rawToExpr(o, schema)).filter((e): e is Expr => e !== undefined);
      return parts.length === 0 ? undefined : parts.length === 1 ? parts[0] : and(...parts);
    }
    case 'or': {
      const parts = raw.operands.map((o) => rawToExpr(o, schema));
      return parts.some((p) => p === undefined) ? undefined : or(...(parts as Expr[]));
    }
    case 'is_null': {
      const f = findField(schema, raw.column);
      if (f === undefined) return undefined;
      return raw.negated ? not(isNull(col(f.name))) : isNull(col(f.name));
    }
    case 'cmp': {
      const f = findField(schema, raw.column);
      const l = f && literalFor(raw.constant, f.type);
      return f && l ? cmp(raw.op, col(f.name), l) : undefined;
    }
    case 'in': {
      const f = findField(schema, raw.column);
      if (f === undefined) return undefined;
      const values = raw.constants.map((c) => literalFor(c, f.type));
      return values.some((v) => v === undefined) ? undefined : inList(col(f.name), values as Literal[]);
    }
  }
}

/** DuckDB identifiers are case-insensitive; an exact match wins over a case-folded one. */
function findField(schema: StructType, name: string): StructField | undefined {
  return schema.fields.find((f) => f.name === name) ?? schema.fields.find((f) => f.name.toLowerCase() === name.toLowerCase());
}

function literalFor(c: RawConstant, type: DataType): Literal | undefined {
  if (c.isNull) return undefined;
  const value = valueFor(c, type);
  return value === undefined ? undefined : lit(type, value);
}

function valueFor(c: RawConstant, type: DataType): LiteralValue | undefined {
  const text = constantText(c);
  if (text === undefined) return undefined;
  if (type.kind === 'decimal') return c.typeId === 'VARCHAR' || INTEGER_IDS.has(c.typeId) || c.typeId === 'DECIMAL' ? parseDecimalText(text, type.precision, type.scale, 'exact') : undefined;
  if (type.kind !== 'primitive') return undefined;
  switch (type.name) {
    case 'byte':
    case 'short':
    case 'integer':
    case 'long':
      return integerValue(c, text, type.name);
    case 'double':
      return INTEGER_IDS.has(c.typeId) || c.typeId === 'DECIMAL' || c.typeId === 'DOUBLE' ? Number(text) : undefined;
    case 'string':
      return c.typeId === 'VARCHAR' ? text : undefined;
    case 'boolean':
      return c.typeId === 'BOOLEAN' || c.typeId === 'CAST:BOOLEAN' ? booleanValue(text) : undefined;
    case 'date':
      return c.typeId === 'VARCHAR' || c.typeId === 'CAST:DATE' ? parseDateText(text) : undefined;
    case 'timestamp':
      return temporal(c, text, ['VARCHAR', 'CAST:TIMESTAMP', 'CAST:TIMESTAMP WITH TIME ZONE', 'CAST:TIMESTAMP_TZ'], 'utc');
    case 'timestamp_ntz':
      return temporal(c, text, ['VARCHAR', 'CAST:TIMESTAMP'], 'wall');
    default:
      return undefined;
  }
}

/** The constant as exact text; JSON numbers beyond 2^53 are not trusted. */
function constantText(c: RawConstant): string | undefined {
  if (typeof c.value === 'string') return c.value;
  if (typeof c.value === 'boolean') return String(c.value);
  if (typeof c.value !== 'number' || !Number.isFinite(c.value)) return undefined;
  if (Number.isInteger(c.value) && !Number.isSafeInteger(c.value)) return undefined;
  if (c.typeId === 'DECIMAL' && c.scale !== undefined) return Number.isInteger(c.value) ? formatUnscaled(BigInt(c.value), c.scale) : undefined;
  return String(c.value);
}

function integerValue(c: RawConstant, text: string, name: 'byte' | 'short' | 'integer' | 'long'): LiteralValue | undefined {
  const exact = INTEGER_IDS.has(c.typeId) || c.typeId === 'VARCHAR' ? text : c.typeId === 'DECIMAL' ? parseDecimalText(text, 38, 0, 'exact') : undefined;
  const value = exact === undefined ? undefined : parseLongText(exact);
  const [min, max] = RANGES[name] as [bigint, bigint];
  if (value === undefined || value < min || value > max) return undefined;
  return name === 'long' ? value : Number(value);
}

function booleanValue(text: string): boolean | undefined {
  const lower = text.toLowerCase();
  if (lower === 't') return true;
  if (lower === 'f') return false;
  return parseBooleanText(lower);
}

function temporal(c: RawConstant, text: string, accepted: readonly string[], mode: 'utc' | 'wall'): bigint | undefined {
  if (!accepted.includes(c.typeId)) return undefined;
  if (/\.\d{7,}/.test(text)) return undefined;
  // DuckDB's TIMESTAMP (no zone) drops an offset instead of applying it: do not guess.
  if (c.typeId === 'CAST:TIMESTAMP' && /(Z|[+-]\d\d(:?\d\d)?)$/i.test(text.trim().slice(10))) return undefined;
  return parseTimestampText(text.trim(), mode);
}
