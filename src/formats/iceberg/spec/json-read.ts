import { LochError } from '../../../core/errors.js';
import { JsonNumber, isJsonObject } from '../../../core/json-exact.js';

/**
 * Typed reads of metadata JSON members, shared by the spec parsers. Input is what
 * parseJsonExact returns (numbers as JsonNumber) or plain JSON.parse output (numbers as
 * number); both are accepted so callers may hand in either. Every failure is CORRUPT_DATA with a
 * message "<subsystem>: <where>: …" naming the member.
 */

export type JsonRecord = Record<string, unknown>;

export function corrupt(where: string, message: string, subsystem = 'iceberg metadata'): LochError {
  return new LochError('CORRUPT_DATA', `${subsystem}: ${where}: ${message}`, { context: { where } });
}

export function violation(where: string, message: string, subsystem = 'iceberg metadata'): LochError {
  return new LochError('PROTOCOL_VIOLATION', `${subsystem}: ${where}: ${message}`, { context: { where } });
}

export function asObject(value: unknown, where: string, what: string): JsonRecord {
  if (!isJsonObject(value)) throw corrupt(where, `${what} is not a JSON object`);
  return value;
}

export function asArray(value: unknown, where: string, what: string): readonly unknown[] {
  if (!Array.isArray(value)) throw corrupt(where, `${what} is not a JSON array`);
  return value;
}

/** Integer text of a JSON number (JsonNumber, number or bigint), or undefined when not an integer. */
export function integerText(value: unknown): string | undefined {
  if (value instanceof JsonNumber) return /^-?\d+$/.test(value.text) ? value.text : undefined;
  if (typeof value === 'number') return Number.isSafeInteger(value) ? String(value) : undefined;
  if (typeof value === 'bigint') return value.toString();
  return undefined;
}

/** A safe integer from a JSON number; throws naming `what` otherwise. */
export function toInt(value: unknown, where: string, what: string): number {
  const text = integerText(value);
  const n = text === undefined ? NaN : Number(text);
  if (!Number.isSafeInteger(n)) throw corrupt(where, `${what} is not an integer: ${describe(value)}`);
  return n;
}

/** A 64-bit integer from a JSON number, exact (never through a double). */
export function toLong(value: unknown, where: string, what: string): bigint {
  const text = integerText(value);
  if (text === undefined) throw corrupt(where, `${what} is not an integer: ${describe(value)}`);
  const n = BigInt(text);
  if (n < -(2n ** 63n) || n >= 2n ** 63n) throw corrupt(where, `${what} ${text} does not fit in 64 bits`);
  return n;
}

export function reqInt(o: JsonRecord, key: string, where: string): number {
  return toInt(required(o, key, where), where, `"${key}"`);
}

/** Absent or null → undefined. */
export function optInt(o: JsonRecord, key: string, where: string): number | undefined {
  const v = o[key];
  return v === undefined || v === null ? undefined : toInt(v, where, `"${key}"`);
}

export function reqLong(o: JsonRecord, key: string, where: string): bigint {
  return toLong(required(o, key, where), where, `"${key}"`);
}

export function optLong(o: JsonRecord, key: string, where: string): bigint | undefined {
  const v = o[key];
  return v === undefined || v === null ? undefined : toLong(v, where, `"${key}"`);
}

export function reqString(o: JsonRecord, key: string, where: string): string {
  const v = required(o, key, where);
  if (typeof v !== 'string') throw corrupt(where, `"${key}" is not a string: ${describe(v)}`);
  return v;
}

export function optString(o: JsonRecord, key: string, where: string): string | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw corrupt(where, `"${key}" is not a string: ${describe(v)}`);
  return v;
}

export function reqBool(o: JsonRecord, key: string, where: string): boolean {
  const v = required(o, key, where);
  if (typeof v !== 'boolean') throw corrupt(where, `"${key}" is not a boolean: ${describe(v)}`);
  return v;
}

export function optArray(o: JsonRecord, key: string, where: string): readonly unknown[] | undefined {
  const v = o[key];
  return v === undefined || v === null ? undefined : asArray(v, where, `"${key}"`);
}

/** A string → string map (properties, summary); values that are not strings are corrupt. */
export function stringMap(value: unknown, where: string, what: string): Record<string, string> {
  const o = asObject(value, where, what);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(o)) {
    if (typeof v !== 'string') throw corrupt(where, `${what} entry "${k}" is not a string: ${describe(v)}`);
    out[k] = v;
  }
  return out;
}

function required(o: JsonRecord, key: string, where: string): unknown {
  const v = o[key];
  if (v === undefined || v === null) throw corrupt(where, `required member "${key}" is missing`);
  return v;
}

/** A short rendering of a JSON value for messages. */
export function describe(value: unknown): string {
  if (value instanceof JsonNumber) return value.text;
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
  if (Array.isArray(value)) return 'an array';
  if (value !== null && typeof value === 'object') return 'an object';
  return String(value);
}
