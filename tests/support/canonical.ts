/**
 * The canonical JSON form of ../shared/testdata (see its README): what an engine value looks like
 * in an expected file. Longs beyond 2^53 are strings, binary is lowercase hex, non-finite doubles
 * are strings, maps are arrays of {key, value}; rows compare as multisets of JSON text.
 */
import type { DataType } from '../../src/expr/types.js';

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

export function canonicalValue(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return value > MAX_SAFE || value < -MAX_SAFE ? value.toString() : Number(value);
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return 'NaN';
    if (value === Infinity) return 'Infinity';
    if (value === -Infinity) return '-Infinity';
    return value;
  }
  if (value instanceof Uint8Array) return Buffer.from(value).toString('hex');
  if (Array.isArray(value)) return value.map(canonicalValue);
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = canonicalValue(v);
    return out;
  }
  return value;
}

export function canonicalRows(columns: readonly { name: string }[], rows: readonly (readonly unknown[])[]): Record<string, unknown>[] {
  return rows.map((row) => {
    const object: Record<string, unknown> = {};
    columns.forEach((c, i) => (object[c.name] = canonicalValue(row[i])));
    return object;
  });
}

/** Sorted JSON texts: two row lists are equal as multisets iff these arrays are equal. */
export function sortedJson(rows: readonly unknown[]): string[] {
  return rows.map((r) => JSON.stringify(r)).sort();
}

/**
 * The Iceberg corpus encoding (../shared/testdata/iceberg/README.md "Value encoding"): as
 * `canonicalValue`, except that instants end in `+00:00` instead of `Z`. Loch's engine gives
 * timestamp (TIMESTAMPTZ) as '…ffffffZ' and both nanosecond types as nine-digit text without a
 * zone, so telling timestamp_ns (an instant) from timestamp_ntz_ns needs the column's Loch type;
 * without a type, only the 'Z' suffix is rewritten. time, uuid (lower-case text), fixed (hex)
 * and variant ({metadata, value} in hex) need nothing beyond `canonicalValue`.
 */
export function canonicalIcebergValue(value: unknown, type?: DataType): unknown {
  if (value === null || value === undefined) return null;
  if (type?.kind === 'struct' && typeof value === 'object' && !(value instanceof Uint8Array) && !Array.isArray(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = canonicalIcebergValue(v, type.fields.find((f) => f.name === k)?.type);
    return out;
  }
  if (type?.kind === 'array' && Array.isArray(value)) return value.map((v) => canonicalIcebergValue(v, type.element));
  if (type?.kind === 'map' && Array.isArray(value)) {
    return value.map((e: { key: unknown; value: unknown }) => ({ key: canonicalIcebergValue(e.key, type.key), value: canonicalIcebergValue(e.value, type.value) }));
  }
  if (typeof value === 'string') {
    if (/^[+-]?\d{4,}-\d{2}-\d{2}T[\d:.]+Z$/.test(value)) return `${value.slice(0, -1)}+00:00`;
    if (type?.kind === 'primitive' && type.name === 'timestamp_ns' && /^[+-]?\d{4,}-\d{2}-\d{2}T[\d:.]+$/.test(value)) return `${value}+00:00`;
    return value;
  }
  if (Array.isArray(value)) return value.map((v) => canonicalIcebergValue(v));
  if (typeof value === 'object' && !(value instanceof Uint8Array)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = canonicalIcebergValue(v);
    return out;
  }
  return canonicalValue(value);
}

/** Rows as objects in the Iceberg corpus encoding; give `type` (the Loch column type) where known. */
export function canonicalIcebergRows(columns: readonly { name: string; type?: DataType }[], rows: readonly (readonly unknown[])[]): Record<string, unknown>[] {
  return rows.map((row) => {
    const object: Record<string, unknown> = {};
    columns.forEach((c, i) => (object[c.name] = canonicalIcebergValue(row[i], c.type)));
    return object;
  });
}
