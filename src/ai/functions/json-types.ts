import { LochError } from '../../core/errors.js';
import { field, primitive, typeToString } from '../../expr/types.js';
import type { DataType, StructType } from '../../expr/types.js';

/**
 * The bridge between SQL types and the JSON a model is asked for: the JSON schema a
 * `response_format` carries for a SQL type, the SQL type a user's JSON schema describes, and the
 * check that turns a model's parsed reply into a value of the SQL type (or says why it cannot).
 */

type Schema = Record<string, unknown>;

const INTEGER_RANGES: Readonly<Record<string, readonly [number, number]>> = {
  byte: [-(2 ** 7), 2 ** 7 - 1],
  short: [-(2 ** 15), 2 ** 15 - 1],
  integer: [-(2 ** 31), 2 ** 31 - 1],
  long: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
};

/**
 * The JSON schema of values of `type` (OpenAI's strict subset: every object property required,
 * no additional properties). INVALID_ARGUMENT for types a reply cannot carry (binary, variant…);
 * `what` names the argument in that message.
 */
export function jsonSchemaOf(type: DataType, what: string): Schema {
  switch (type.kind) {
    case 'struct':
      return {
        type: 'object',
        properties: Object.fromEntries(type.fields.map((f) => [f.name, jsonSchemaOf(f.type, what)])),
        required: type.fields.map((f) => f.name),
        additionalProperties: false,
      };
    case 'array':
      return { type: 'array', items: jsonSchemaOf(type.element, what) };
    case 'map':
      return { type: 'object', additionalProperties: jsonSchemaOf(type.value, what) };
    case 'decimal':
      return { type: 'number' };
    case 'fixed':
      throw unsupported(type, what);
    case 'primitive':
      return primitiveSchema(type.name, type, what);
  }
}

function primitiveSchema(name: string, type: DataType, what: string): Schema {
  if (name in INTEGER_RANGES) return { type: 'integer' };
  switch (name) {
    case 'boolean':
      return { type: 'boolean' };
    case 'float':
    case 'double':
      return { type: 'number' };
    case 'string':
      return { type: 'string' };
    case 'date':
      return { type: 'string', format: 'date' };
    case 'timestamp':
    case 'timestamp_ntz':
      return { type: 'string', format: 'date-time' };
    default:
      throw unsupported(type, what);
  }
}

function unsupported(type: DataType, what: string): LochError {
  return new LochError('INVALID_ARGUMENT', `ai: ${what}: type ${typeToString(type)} cannot be returned by a model (use STRING, numbers, BOOLEAN, DATE, TIMESTAMP, STRUCT, ARRAY or MAP)`);
}

/**
 * The SQL type a JSON schema describes: object → STRUCT (properties in order), array → ARRAY,
 * string (enum too) → STRING, integer → BIGINT, number → DOUBLE, boolean → BOOLEAN; a type list
 * like ["string", "null"] is its non-null member. INVALID_ARGUMENT for anything else.
 */
export function typeOfJsonSchema(schema: unknown, what: string, path = '$'): DataType {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) {
    throw new LochError('INVALID_ARGUMENT', `ai: ${what}: the JSON schema at ${path} is not an object`);
  }
  const s = schema as Schema;
  const declared = Array.isArray(s['type']) ? (s['type'] as unknown[]).find((t) => t !== 'null') : s['type'];
  const kind = declared ?? (s['properties'] !== undefined ? 'object' : s['items'] !== undefined ? 'array' : s['enum'] !== undefined ? 'string' : undefined);
  switch (kind) {
    case 'object': {
      const properties = s['properties'];
      if (typeof properties !== 'object' || properties === null || Object.keys(properties).length === 0) {
        throw new LochError('INVALID_ARGUMENT', `ai: ${what}: the object at ${path} has no properties`);
      }
      return { kind: 'struct', fields: Object.entries(properties as Schema).map(([name, sub]) => field(name, typeOfJsonSchema(sub, what, `${path}.${name}`))) };
    }
    case 'array':
      return { kind: 'array', element: typeOfJsonSchema(s['items'] ?? {}, what, `${path}[]`), containsNull: true };
    case 'string':
      return primitive('string');
    case 'integer':
      return primitive('long');
    case 'number':
      return primitive('double');
    case 'boolean':
      return primitive('boolean');
    default:
      throw new LochError('INVALID_ARGUMENT', `ai: ${what}: the JSON schema at ${path} has type ${JSON.stringify(kind ?? null)}; expected object, array, string, integer, number or boolean`);
  }
}

/** Wraps a non-object type so the top-level schema is an object (providers require that); `unwrapReply` undoes it. */
export const WRAP_FIELD = 'result';

/** The struct a reply of `type` is asked for in: `type` itself when it is a struct, else {result: type}. */
export function replyStruct(type: DataType): StructType {
  return type.kind === 'struct' ? type : { kind: 'struct', fields: [field(WRAP_FIELD, type)] };
}

/**
 * Parses a model's JSON reply text into a value of `type` (see coerceJson), unwrapping the
 * {result: …} object when `type` is not a struct. Throws a plain Error whose message says why the
 * reply does not fit (it becomes the row's error).
 */
export function parseReply(text: string, type: DataType): unknown {
  let parsed: unknown;
  try {
    parsed = JSON.parse(stripFence(text));
  } catch {
    throw new Error(`the reply is not JSON: ${shorten(text)}`);
  }
  if (type.kind === 'struct') return coerceJson(parsed, type, '$');
  const wrapped = typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) && WRAP_FIELD in parsed;
  return coerceJson(wrapped ? (parsed as Schema)[WRAP_FIELD] : parsed, type, '$');
}

/** Some models wrap JSON in a ```json fence even when asked for a schema. */
function stripFence(text: string): string {
  const m = /^\s*```(?:json)?\s*([\s\S]*?)\s*```\s*$/i.exec(text);
  return m === null ? text : (m[1] as string);
}

/**
 * `value` (parsed JSON) as a value of `type` for rowsRelation: null stays null; numbers and
 * numeric strings for numbers (integers must be whole and in range); booleans and "true"/"false";
 * any scalar as a string for STRING; ISO text for DATE/TIMESTAMP; objects for STRUCT (fields
 * matched case-insensitively, missing ones null, extra ones ignored) and MAP; arrays for ARRAY.
 * Throws an Error naming the JSON path when the value does not fit.
 */
export function coerceJson(value: unknown, type: DataType, path: string): unknown {
  if (value === null || value === undefined) return null;
  switch (type.kind) {
    case 'struct':
      return coerceStruct(value, type, path);
    case 'array':
      if (!Array.isArray(value)) throw mismatch(path, 'an array', value);
      return value.map((v, i) => coerceJson(v, type.element, `${path}[${i}]`));
    case 'map': {
      if (typeof value !== 'object' || Array.isArray(value)) throw mismatch(path, 'an object', value);
      return new Map(Object.entries(value as Schema).map(([k, v]) => [coerceJson(k, type.key, `${path}.${k}`), coerceJson(v, type.value, `${path}.${k}`)]));
    }
    case 'decimal':
      return coerceNumber(value, path, false);
    case 'fixed':
      throw mismatch(path, 'no JSON value', value);
    case 'primitive':
      return coercePrimitive(value, type.name, path);
  }
}

function coerceStruct(value: unknown, type: StructType, path: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw mismatch(path, 'an object', value);
  const byLower = new Map(Object.entries(value as Schema).map(([k, v]) => [k.toLowerCase(), v]));
  const out: Record<string, unknown> = {};
  for (const f of type.fields) out[f.name] = coerceJson(byLower.get(f.name.toLowerCase()), f.type, `${path}.${f.name}`);
  return out;
}

function coercePrimitive(value: unknown, name: string, path: string): unknown {
  const range = INTEGER_RANGES[name];
  if (range !== undefined) {
    const n = coerceNumber(value, path, true);
    if (n < range[0] || n > range[1]) throw new Error(`${path}: ${n} is out of range for ${name}`);
    return n;
  }
  switch (name) {
    case 'float':
    case 'double':
      return coerceNumber(value, path, false);
    case 'boolean':
      if (typeof value === 'boolean') return value;
      if (value === 'true' || value === 'false') return value === 'true';
      throw mismatch(path, 'a boolean', value);
    case 'string':
      if (typeof value === 'object') return JSON.stringify(value);
      return String(value);
    case 'date':
    case 'timestamp':
    case 'timestamp_ntz':
      return coerceTime(value, name, path);
    default:
      throw mismatch(path, `no JSON value (type ${name})`, value);
  }
}

function coerceNumber(value: unknown, path: string, integer: boolean): number {
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : Number.NaN;
  if (!Number.isFinite(n)) throw mismatch(path, integer ? 'an integer' : 'a number', value);
  if (integer && !Number.isInteger(n)) throw mismatch(path, 'an integer', value);
  return n;
}

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;
const TIMESTAMP_RE = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/;

function coerceTime(value: unknown, name: string, path: string): string {
  const re = name === 'date' ? DATE_RE : TIMESTAMP_RE;
  if (typeof value !== 'string' || !re.test(value.trim()) || Number.isNaN(Date.parse(value.trim().replace(' ', 'T')))) {
    throw mismatch(path, name === 'date' ? 'a date (YYYY-MM-DD)' : 'an ISO timestamp', value);
  }
  return value.trim().replace(' ', 'T');
}

function mismatch(path: string, expected: string, value: unknown): Error {
  return new Error(`${path}: expected ${expected}, got ${shorten(JSON.stringify(value) ?? String(value))}`);
}

/** The first 200 characters of a text, for messages. */
export function shorten(text: string, max = 200): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
