/**
 * Values as the statement API writes them in JSON_ARRAY and CSV results: every value a string or
 * null. Numbers and decimals as plain text (NaN, Infinity, -Infinity for the specials), booleans
 * `true`/`false`, dates `YYYY-MM-DD`, timestamps ISO-8601 with microseconds (`…Z` for the zoned
 * TIMESTAMP), binary as base64, arrays, structs and maps as JSON text (maps as objects, 64-bit
 * integers exact, nested binary as base64).
 */
import type { SqlValue } from '../../engine/index.js';
import type { DataType } from '../../expr/types.js';

export type TextValue = string | null;

/** The text of one value of a column of type `type` (undefined: a type no table can hold). */
export function valueText(value: SqlValue, type: DataType | undefined): TextValue {
  if (value === null) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return numberText(value);
  if (typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  if (value instanceof Uint8Array) return base64(value);
  return jsonText(value, type);
}

function numberText(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return 'Infinity';
  if (value === -Infinity) return '-Infinity';
  return String(value);
}

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/** JSON text of a nested value; bigints are written as exact JSON numbers. */
export function jsonText(value: SqlValue, type: DataType | undefined): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : JSON.stringify(numberText(value));
  if (typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  if (value instanceof Uint8Array) return JSON.stringify(base64(value));
  if (Array.isArray(value)) {
    if (type?.kind === 'map') return mapJson(value, type);
    const element = type?.kind === 'array' ? type.element : undefined;
    return `[${value.map((v) => jsonText(v, element)).join(',')}]`;
  }
  const fields = type?.kind === 'struct' ? type.fields : [];
  const parts = Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}:${jsonText(v, fields.find((f) => f.name === k)?.type)}`);
  return `{${parts.join(',')}}`;
}

function mapJson(entries: readonly SqlValue[], type: Extract<DataType, { kind: 'map' }>): string {
  const parts = entries.map((entry) => {
    const { key, value } = entry as { key: SqlValue; value: SqlValue };
    const keyText = typeof key === 'string' ? key : (valueText(key, type.key) ?? 'null');
    return `${JSON.stringify(keyText)}:${jsonText(value, type.value)}`;
  });
  return `{${parts.join(',')}}`;
}

/** Bytes a row takes in memory and on the wire, roughly: what chunk sizes are measured in. */
export function approxBytes(value: SqlValue): number {
  if (value === null) return 4;
  if (typeof value === 'string') return value.length + 3;
  if (typeof value === 'number' || typeof value === 'bigint') return 10;
  if (typeof value === 'boolean') return 5;
  if (value instanceof Uint8Array) return Math.ceil(value.byteLength * 1.34) + 3;
  if (Array.isArray(value)) return value.reduce<number>((n, v) => n + approxBytes(v) + 1, 2);
  return Object.entries(value).reduce<number>((n, [k, v]) => n + k.length + 4 + approxBytes(v), 2);
}
