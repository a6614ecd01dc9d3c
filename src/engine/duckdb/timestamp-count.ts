/**
 * DuckDB hands out timestamps of four precisions as four classes, each naming its count
 * differently. This is the one place that knows which class carries which field.
 */
import {
  DuckDBTimestampMillisecondsValue,
  DuckDBTimestampNanosecondsValue,
  DuckDBTimestampSecondsValue,
  DuckDBTimestampTZValue,
  DuckDBTimestampValue,
  type DuckDBValue,
} from '@duckdb/node-api';

/** A timestamp as its stored integer: `count` units since the epoch (±infinity when not finite). */
export interface TimestampCount {
  readonly count: bigint;
  readonly unit: 's' | 'ms' | 'us' | 'ns';
  readonly isFinite: boolean;
}

/** The count of a TIMESTAMP, TIMESTAMPTZ, TIMESTAMP_S, _MS or _NS value; undefined for any other value. */
export function timestampCount(value: DuckDBValue): TimestampCount | undefined {
  if (value instanceof DuckDBTimestampValue || value instanceof DuckDBTimestampTZValue) {
    return { count: value.micros, unit: 'us', isFinite: value.isFinite };
  }
  if (value instanceof DuckDBTimestampSecondsValue) return { count: value.seconds, unit: 's', isFinite: value.isFinite };
  if (value instanceof DuckDBTimestampMillisecondsValue) return { count: value.millis, unit: 'ms', isFinite: value.isFinite };
  if (value instanceof DuckDBTimestampNanosecondsValue) return { count: value.nanos, unit: 'ns', isFinite: value.isFinite };
  return undefined;
}

/** Microseconds since the epoch of a finite count; nanoseconds are floored, not truncated. */
export function countToMicros({ count, unit }: TimestampCount): bigint {
  switch (unit) {
    case 's':
      return count * 1_000_000n;
    case 'ms':
      return count * 1000n;
    case 'us':
      return count;
    case 'ns':
      // Floor so that pre-1970 values keep the right microsecond.
      return count / 1000n - (count % 1000n < 0n ? 1n : 0n);
  }
}
