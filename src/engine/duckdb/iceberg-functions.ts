/**
 * Iceberg's bucket transform as a DuckDB scalar function, so partitioned writes compute bucket
 * partition values inside the write's own query: `loch_iceberg_bucket(value, n)` →
 * `(murmur3_x86_32(hash input) & INT_MAX) % n` with the hash inputs of the spec's Appendix B
 * (the pure transforms module does the hashing; this file only maps DuckDB values onto it).
 */
import type { DuckDBConnection, DuckDBDataChunk, DuckDBScalarFunctionInfo, DuckDBVector } from '@duckdb/node-api';
import {
  ANY,
  DuckDBBlobValue,
  DuckDBDateValue,
  DuckDBDecimalValue,
  DuckDBScalarFunction,
  DuckDBTimestampNanosecondsValue,
  DuckDBTimestampTZValue,
  DuckDBTimestampValue,
  DuckDBTimeValue,
  DuckDBUUIDValue,
  INTEGER,
} from '@duckdb/node-api';
import type { LiteralValue } from '../../expr/nodes.js';
import type { IcebergType } from '../../formats/iceberg/model.js';
import { applyTransform } from '../../formats/iceberg/transforms/transform.js';

export const ICEBERG_BUCKET_FUNCTION = 'loch_iceberg_bucket';

const prim = (name: 'int' | 'long' | 'date' | 'time' | 'timestamp' | 'timestamptz' | 'timestamp_ns' | 'string' | 'uuid' | 'binary'): IcebergType => ({ kind: 'primitive', name });

/** Unscaled value with its scale → the decimal Literal text ("-1.50"). */
function decimalText(unscaled: bigint, scale: number): string {
  const negative = unscaled < 0n;
  const digits = (negative ? -unscaled : unscaled).toString().padStart(scale + 1, '0');
  const text = scale === 0 ? digits : `${digits.slice(0, digits.length - scale)}.${digits.slice(digits.length - scale)}`;
  return negative ? `-${text}` : text;
}

function daysToDate(days: number): string {
  return new Date(days * 86_400_000).toISOString().slice(0, 10);
}

/**
 * The Iceberg type and Literal value a DuckDB value stands for. Integers narrower than BIGINT
 * are Iceberg ints (which hash as longs anyway); BIGINT and HUGEINT are longs.
 */
export function icebergValueOf(value: unknown): { type: IcebergType; value: Exclude<LiteralValue, null> } | undefined {
  if (typeof value === 'number' && Number.isInteger(value)) return { type: prim('int'), value };
  if (typeof value === 'bigint') return { type: prim('long'), value };
  if (typeof value === 'string') return { type: prim('string'), value };
  if (value instanceof DuckDBDecimalValue) {
    return { type: { kind: 'decimal', precision: value.width, scale: value.scale }, value: decimalText(value.value, value.scale) };
  }
  if (value instanceof DuckDBDateValue) return { type: prim('date'), value: daysToDate(value.days) };
  if (value instanceof DuckDBTimeValue) return { type: prim('time'), value: value.micros };
  if (value instanceof DuckDBTimestampTZValue) return { type: prim('timestamptz'), value: value.micros };
  if (value instanceof DuckDBTimestampValue) return { type: prim('timestamp'), value: value.micros };
  if (value instanceof DuckDBTimestampNanosecondsValue) return { type: prim('timestamp_ns'), value: value.nanos };
  if (value instanceof DuckDBUUIDValue) return { type: prim('uuid'), value: value.toString().toLowerCase() };
  if (value instanceof DuckDBBlobValue) return { type: prim('binary'), value: value.bytes };
  return undefined;
}

/** Bucket number of one DuckDB value, or an error message. */
export function bucketOf(value: unknown, n: number): number | string {
  if (!Number.isInteger(n) || n <= 0) return `${ICEBERG_BUCKET_FUNCTION}: the number of buckets must be a positive integer, got ${n}`;
  const typed = icebergValueOf(value);
  if (typed === undefined) return `${ICEBERG_BUCKET_FUNCTION}: cannot bucket a value of this type (supported: integers, decimal, date, time, timestamp, string, uuid, binary)`;
  return applyTransform({ kind: 'bucket', n }, typed.type, typed.value) as number;
}

function bucketMain(info: DuckDBScalarFunctionInfo, input: DuckDBDataChunk, output: DuckDBVector): void {
  const values = input.getColumnVector(0);
  const buckets = input.getColumnVector(1);
  for (let row = 0; row < input.rowCount; row++) {
    const value = values.getItem(row);
    const n = buckets.getItem(row);
    if (value === null || n === null) {
      output.setItem(row, null);
      continue;
    }
    const result = bucketOf(value, Number(n));
    if (typeof result === 'string') {
      info.setError(result);
      return;
    }
    output.setItem(row, result);
  }
  output.flush();
}

/**
 * Registers `loch_iceberg_bucket(value ANY, n INTEGER) → INTEGER` in the database of
 * `connection` (scalar functions live in the catalog: every later connection sees them).
 * NULL value or n gives NULL; an unsupported value type or n ≤ 0 fails the query.
 */
export function registerIcebergFunctions(connection: DuckDBConnection): void {
  connection.registerScalarFunction(
    DuckDBScalarFunction.create({
      name: ICEBERG_BUCKET_FUNCTION,
      mainFunction: bucketMain,
      returnType: INTEGER,
      parameterTypes: [ANY, INTEGER],
    }),
  );
}
