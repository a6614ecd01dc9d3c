/**
 * Reading Unity Catalog requests: the JSON body (an object, or 400) and typed fields of it, and
 * query parameters. Unknown body fields are ignored (clients send more than Loch uses); a known
 * field of the wrong type is 400 INVALID_PARAMETER_VALUE naming the field.
 */
import type { Context } from 'hono';
import type { ServerEnv } from '../http/context.js';
import { readJsonObject } from '../http/json-body.js';
import { invalidParameter } from './uc-errors.js';

export type JsonObject = Readonly<Record<string, unknown>>;

/** Longest comment accepted (the spec's maxLength for volume comments, used for every object). */
export const MAX_COMMENT_LENGTH = 65_536;
const MAX_PROPERTIES = 1000;
const MAX_PROPERTY_KEY = 255;
const MAX_PROPERTY_VALUE = 65_536;

/**
 * The request body as a JSON object (http/json-body.ts: an empty body is `{}`, so required
 * fields then fail by name; text that is not JSON, or JSON that is not an object, is 400
 * MALFORMED_REQUEST, as on the other Databricks-style APIs). The size limit is enforced before
 * (body-limit middleware → 413).
 */
export async function readBody(c: Context<ServerEnv>): Promise<JsonObject> {
  return readJsonObject(c);
}

/** A string field that must be present and non-empty. */
export function requiredString(body: JsonObject, field: string): string {
  const value = optionalString(body, field);
  if (value === undefined || value === '') throw invalidParameter(`field ${field} is required`, { field });
  return value;
}

/** A string field, or undefined when absent or null. */
export function optionalString(body: JsonObject, field: string): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalidParameter(`field ${field} must be a string, not ${describe(value)}`, { field });
  return value;
}

/** A comment (at most MAX_COMMENT_LENGTH characters), or undefined. */
export function optionalComment(body: JsonObject, field = 'comment'): string | undefined {
  const value = optionalString(body, field);
  if (value !== undefined && value.length > MAX_COMMENT_LENGTH) {
    throw invalidParameter(`field ${field} has ${value.length} characters, more than ${MAX_COMMENT_LENGTH}`, { field });
  }
  return value;
}

/** A boolean field, or undefined. */
export function optionalBoolean(body: JsonObject, field: string): boolean | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw invalidParameter(`field ${field} must be a boolean, not ${describe(value)}`, { field });
  return value;
}

/** A string-to-string map (SecurablePropertiesMap), or undefined. */
export function optionalProperties(body: JsonObject, field = 'properties'): Record<string, string> | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw invalidParameter(`field ${field} must be an object of strings`, { field });
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length > MAX_PROPERTIES) throw invalidParameter(`field ${field} has ${entries.length} entries, more than ${MAX_PROPERTIES}`, { field });
  const out: Record<string, string> = {};
  for (const [key, v] of entries) {
    if (typeof v !== 'string') throw invalidParameter(`${field}.${key.slice(0, 80)} must be a string, not ${describe(v)}`, { field });
    if (key === '' || key.length > MAX_PROPERTY_KEY || /\p{Cc}/u.test(key)) throw invalidParameter(`${field} has an invalid key (empty, control characters or over ${MAX_PROPERTY_KEY} characters)`, { field });
    if (v.length > MAX_PROPERTY_VALUE) throw invalidParameter(`${field}.${key} is longer than ${MAX_PROPERTY_VALUE} characters`, { field });
    out[key] = v;
  }
  return out;
}

/** An array field, or undefined. */
export function optionalArray(body: JsonObject, field: string): readonly unknown[] | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw invalidParameter(`field ${field} must be an array, not ${describe(value)}`, { field });
  return value;
}

/** An object field, or undefined. */
export function optionalObject(body: JsonObject, field: string): JsonObject | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw invalidParameter(`field ${field} must be an object, not ${describe(value)}`, { field });
  return value as JsonObject;
}

/** A required query parameter (non-empty). */
export function requiredQuery(c: Context<ServerEnv>, name: string): string {
  const value = c.req.query(name);
  if (value === undefined || value === '') throw invalidParameter(`query parameter ${name} is required`, { parameter: name });
  return value;
}

/** A boolean query parameter: true/false (any case); absent → `fallback`. */
export function booleanQuery(c: Context<ServerEnv>, name: string, fallback = false): boolean {
  const value = c.req.query(name);
  if (value === undefined || value === '') return fallback;
  const lower = value.toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  throw invalidParameter(`query parameter ${name} must be true or false, not '${value.slice(0, 40)}'`, { parameter: name });
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** A path parameter (hono decodes it; an empty one is 400). */
export function pathParam(c: Context<ServerEnv>, name: string): string {
  const value = c.req.param(name);
  if (value === undefined || value === '') throw invalidParameter(`path parameter ${name} is required`, { parameter: name });
  return value;
}
