import type { LiteralValue } from '../../../expr/nodes.js';
import type { FieldSummary, IcebergStruct, IcebergType, PartitionTuple } from '../model.js';
import { decimalToUnscaled, encodeBinaryValue, parseDays } from '../values/binary-value.js';

/**
 * Manifest-list partition summaries (`partitions`, one per partition field): whether any entry
 * of the manifest has a null / NaN value, and the min and max of the rest as Appendix-D bytes of
 * the field's result type. Every entry counts, DELETED ones too, as Java's PartitionSummary does.
 */
export function partitionSummaries(tuples: readonly PartitionTuple[], partitionType: IcebergStruct): FieldSummary[] {
  return partitionType.fields.map((field) => {
    let containsNull = false;
    let containsNan = false;
    let min: Exclude<LiteralValue, null> | undefined;
    let max: Exclude<LiteralValue, null> | undefined;
    for (const tuple of tuples) {
      const value = tuple.get(field.id) ?? null;
      if (value === null) containsNull = true;
      else if (typeof value === 'number' && Number.isNaN(value)) containsNan = true;
      else {
        if (min === undefined || compareValues(value, min, field.type) < 0) min = value;
        if (max === undefined || compareValues(value, max, field.type) > 0) max = value;
      }
    }
    const lowerBound = encodeOrUndefined(min, field.type);
    const upperBound = encodeOrUndefined(max, field.type);
    return {
      containsNull,
      containsNan,
      ...(lowerBound === undefined ? {} : { lowerBound }),
      ...(upperBound === undefined ? {} : { upperBound }),
    };
  });
}

function encodeOrUndefined(value: LiteralValue | undefined, type: IcebergType): Uint8Array | undefined {
  if (value === undefined || value === null) return undefined;
  try {
    return encodeBinaryValue(value, type);
  } catch {
    // A type without a binary form (unknown, variant): the summary just has no bounds.
    return undefined;
  }
}

/**
 * Iceberg's order of two non-null values of one type: numbers with -0 before 0 (Java's
 * Float.compare), decimals by unscaled value, dates by day, strings by code point (UTF-8 byte
 * order), bytes unsigned, false before true.
 */
export function compareValues(a: Exclude<LiteralValue, null>, b: Exclude<LiteralValue, null>, type: IcebergType): number {
  if (typeof a === 'number' && typeof b === 'number') {
    if (a === b) return a === 0 ? Math.sign(1 / a - 1 / b) : 0;
    return a < b ? -1 : 1;
  }
  if (typeof a === 'bigint' && typeof b === 'bigint') return a === b ? 0 : a < b ? -1 : 1;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  if (a instanceof Uint8Array && b instanceof Uint8Array) return compareBytes(a, b);
  if (typeof a === 'string' && typeof b === 'string') return compareText(a, b, type);
  return 0;
}

function compareText(a: string, b: string, type: IcebergType): number {
  if (type.kind === 'decimal') {
    const x = decimalToUnscaled(a, type.scale);
    const y = decimalToUnscaled(b, type.scale);
    if (x !== undefined && y !== undefined) return x === y ? 0 : x < y ? -1 : 1;
  }
  if (type.kind === 'primitive' && type.name === 'date') {
    const x = parseDays(a);
    const y = parseDays(b);
    if (x !== undefined && y !== undefined) return x - y;
  }
  return compareCodePoints(a, b);
}

/** Code point order (= UTF-8 byte order), unlike `<` on strings, which compares UTF-16 units. */
export function compareCodePoints(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(j)!;
    if (x !== y) return x < y ? -1 : 1;
    i += x > 0xffff ? 2 : 1;
    j += y > 0xffff ? 2 : 1;
  }
  return (a.length - i) - (b.length - j) === 0 ? 0 : i < a.length ? 1 : -1;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
  return a.length - b.length === 0 ? 0 : a.length < b.length ? -1 : 1;
}
