/**
 * DuckDB values as plain JavaScript values: the row form of `Session.query`.
 *
 * NULL → null; BOOLEAN → boolean; 8/16/32-bit integers → number; 64/128-bit integers → bigint;
 * FLOAT → number, the shortest decimal that reads back as the same float32; DOUBLE → number
 * (NaN and ±Infinity included); DECIMAL(p,s) → string with exactly s fraction digits; VARCHAR →
 * string; BLOB → Uint8Array; DATE → 'YYYY-MM-DD'; TIMESTAMP (also _S, _MS) →
 * 'YYYY-MM-DDTHH:MM:SS.ffffff'; TIMESTAMP_NS → 'YYYY-MM-DDTHH:MM:SS.fffffffff' (nine digits; the
 * table types timestamp_ns and timestamp_ntz_ns both come out so, timestamp_ns meaning UTC);
 * TIMESTAMP WITH TIME ZONE → the six-digit form in UTC with a 'Z';
 * infinite dates and timestamps → 'infinity' / '-infinity'; TIME → 'HH:MM:SS.ffffff'; LIST and
 * ARRAY → array; STRUCT → object keyed by field name; MAP → array of { key, value } in stored
 * order; UUID → lower-case canonical text ('f79c3e09-677c-4bbd-a479-3f349cb785e7'); the table
 * type fixed(L) is a BLOB, variant a STRUCT of BLOBs metadata and value, void an INTEGER that is
 * always NULL; INTERVAL, ENUM, UNION, BIT and anything else → DuckDB's text form.
 */
import {
  DuckDBArrayType,
  DuckDBArrayValue,
  DuckDBBlobValue,
  DuckDBDateValue,
  DuckDBDecimalValue,
  DuckDBListType,
  DuckDBListValue,
  DuckDBMapType,
  DuckDBMapValue,
  DuckDBStructType,
  DuckDBStructValue,
  DuckDBTimeValue,
  DuckDBTypeId,
  type DuckDBType,
  type DuckDBValue,
} from '@duckdb/node-api';
import { shortestFloat32 } from './float32.js';
import { formatDate, formatTimeOfDay, formatTimestampMicros, formatTimestampNanos } from './temporal-text.js';
import { countToMicros, timestampCount } from './timestamp-count.js';

/** A value of a result row. */
export type SqlValue = null | boolean | number | bigint | string | Uint8Array | SqlValue[] | { [field: string]: SqlValue };

/** One result row: values in column order. */
export type Row = SqlValue[];

/** Converts one non-null DuckDB value of a fixed type. */
type Convert = (value: DuckDBValue) => SqlValue;

/** 'd.ddd' with exactly `scale` fraction digits from a scaled integer. */
export function formatDecimal(scaled: bigint, scale: number): string {
  const negative = scaled < 0n;
  const digits = (negative ? -scaled : scaled).toString().padStart(scale + 1, '0');
  const whole = digits.slice(0, digits.length - scale);
  const text = scale === 0 ? whole : `${whole}.${digits.slice(digits.length - scale)}`;
  return negative ? `-${text}` : text;
}

function infinityText(isFinite: boolean, sign: bigint | number): string | undefined {
  if (isFinite) return undefined;
  return sign > 0 ? 'infinity' : '-infinity';
}

function timestampText(value: DuckDBValue, suffix: string): string {
  const stamp = timestampCount(value);
  if (stamp === undefined) return String(value);
  return infinityText(stamp.isFinite, stamp.count) ?? formatTimestampMicros(countToMicros(stamp)) + suffix;
}

/** TIMESTAMP_NS keeps all nine digits: Iceberg's nanosecond types need them. */
const nanosText: Convert = (value) => {
  const stamp = timestampCount(value);
  if (stamp === undefined || stamp.unit !== 'ns') return String(value);
  return infinityText(stamp.isFinite, stamp.count) ?? formatTimestampNanos(stamp.count);
};

const asText: Convert = (value) => String(value);

function scalarConverter(type: DuckDBType): Convert {
  switch (type.typeId) {
    case DuckDBTypeId.BOOLEAN:
    case DuckDBTypeId.TINYINT:
    case DuckDBTypeId.SMALLINT:
    case DuckDBTypeId.INTEGER:
    case DuckDBTypeId.UTINYINT:
    case DuckDBTypeId.USMALLINT:
    case DuckDBTypeId.UINTEGER:
    case DuckDBTypeId.DOUBLE:
    case DuckDBTypeId.VARCHAR:
      return (value) => value as SqlValue;
    case DuckDBTypeId.BIGINT:
    case DuckDBTypeId.HUGEINT:
    case DuckDBTypeId.UBIGINT:
    case DuckDBTypeId.UHUGEINT:
      return (value) => (typeof value === 'bigint' ? value : BigInt(value as number));
    case DuckDBTypeId.FLOAT:
      return (value) => shortestFloat32(value as number);
    case DuckDBTypeId.DECIMAL:
      return (value) => (value instanceof DuckDBDecimalValue ? formatDecimal(value.value, value.scale) : String(value));
    case DuckDBTypeId.BLOB:
      // The bindings hand out Node Buffers; users get plain Uint8Arrays they own.
      return (value) => (value instanceof DuckDBBlobValue ? new Uint8Array(value.bytes) : String(value));
    case DuckDBTypeId.DATE:
      return (value) =>
        value instanceof DuckDBDateValue ? (infinityText(value.isFinite, value.days) ?? formatDate(value.days)) : String(value);
    case DuckDBTypeId.TIMESTAMP:
    case DuckDBTypeId.TIMESTAMP_S:
    case DuckDBTypeId.TIMESTAMP_MS:
      return (value) => timestampText(value, '');
    case DuckDBTypeId.TIMESTAMP_NS:
      return nanosText;
    case DuckDBTypeId.TIMESTAMP_TZ:
      return (value) => timestampText(value, 'Z');
    case DuckDBTypeId.TIME:
      return (value) => (value instanceof DuckDBTimeValue ? formatTimeOfDay(value.micros) : String(value));
    default:
      return asText;
  }
}

function setField(target: { [field: string]: SqlValue }, name: string, value: SqlValue): void {
  // A field named "__proto__" must become an own property, not the object's prototype.
  if (name === '__proto__') Object.defineProperty(target, name, { value, enumerable: true, writable: true, configurable: true });
  else target[name] = value;
}

function nullable(convert: Convert): (value: DuckDBValue) => SqlValue {
  return (value) => (value === null ? null : convert(value));
}

/**
 * Builds the converter for values of one DuckDB type once, so that converting a column does not
 * dispatch on the type per value. The converter accepts null.
 */
export function valueConverter(type: DuckDBType): (value: DuckDBValue) => SqlValue {
  if (type instanceof DuckDBListType || type instanceof DuckDBArrayType) {
    const item = valueConverter(type.valueType);
    return nullable((value) =>
      value instanceof DuckDBListValue || value instanceof DuckDBArrayValue ? value.items.map(item) : String(value),
    );
  }
  if (type instanceof DuckDBStructType) {
    const fields = type.entryNames.map((name, i) => ({ name, convert: valueConverter(type.entryTypes[i] as DuckDBType) }));
    return nullable((value) => {
      if (!(value instanceof DuckDBStructValue)) return String(value);
      const out: { [field: string]: SqlValue } = {};
      for (const f of fields) setField(out, f.name, f.convert(value.entries[f.name] ?? null));
      return out;
    });
  }
  if (type instanceof DuckDBMapType) {
    const key = valueConverter(type.keyType);
    const val = valueConverter(type.valueType);
    return nullable((value) =>
      value instanceof DuckDBMapValue ? value.entries.map((e) => ({ key: key(e.key), value: val(e.value) })) : String(value),
    );
  }
  return nullable(scalarConverter(type));
}
