/**
 * Reading Iceberg REST requests: bodies are size-limited and parsed with the exact JSON parser
 * (snapshot ids are 64-bit and must keep every digit), then checked member by member. Every
 * malformed input is a 400 BadRequestException naming the member, raised before anything is
 * written.
 */
import type { Context } from 'hono';
import { isJsonObject, parseJsonExact } from '../../core/json-exact.js';
import { IcebergRestError, badRequest } from './errors.js';

export type JsonRecord = Record<string, unknown>;

/**
 * The request body as exact JSON. 413 when it exceeds `maxBytes` (by Content-Length or while
 * reading), 400 when it is empty, not UTF-8 JSON, or not an object.
 */
export async function readJsonObject(c: Context, maxBytes: number, what: string): Promise<JsonRecord> {
  const text = await readBodyText(c, maxBytes);
  if (text.trim() === '') throw badRequest(`${what}: the request body is empty (expected a JSON object)`);
  let json: unknown;
  try {
    json = parseJsonExact(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw badRequest(`${what}: the request body is not valid JSON: ${reason.slice(0, 200)}`);
  }
  if (!isJsonObject(json)) throw badRequest(`${what}: the request body must be a JSON object`);
  return json;
}

async function readBodyText(c: Context, maxBytes: number): Promise<string> {
  const tooLarge = () => new IcebergRestError(413, 'BadRequestException', `iceberg rest: the request body exceeds ${maxBytes} bytes`);
  const declared = Number(c.req.header('content-length') ?? '0');
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge();
  const body = c.req.raw.body;
  if (body === null) return '';
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => {});
      throw tooLarge();
    }
    chunks.push(value);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks));
  } catch {
    throw badRequest('the request body is not UTF-8 text');
  }
}

/** A required (or, with `optional`, possibly absent) string member. */
export function stringMember(o: JsonRecord, key: string, where: string): string {
  const value = o[key];
  if (typeof value !== 'string') throw badRequest(`${where}: "${key}" must be a string${value === undefined ? ' (it is missing)' : ''}`);
  return value;
}

export function optionalString(o: JsonRecord, key: string, where: string): string | undefined {
  return o[key] === undefined || o[key] === null ? undefined : stringMember(o, key, where);
}

export function optionalBoolean(o: JsonRecord, key: string, where: string): boolean | undefined {
  const value = o[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw badRequest(`${where}: "${key}" must be true or false`);
  return value;
}

/** A string → string map (absent or null → {}); keys are kept as written. */
export function stringMap(o: JsonRecord, key: string, where: string): Record<string, string> {
  const value = o[key];
  if (value === undefined || value === null) return {};
  if (!isJsonObject(value)) throw badRequest(`${where}: "${key}" must be an object of strings`);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== 'string') throw badRequest(`${where}: "${key}"."${k}" must be a string`);
    out[k] = v;
  }
  return out;
}

/** An array of strings (absent or null → []). */
export function stringArray(o: JsonRecord, key: string, where: string): string[] {
  const value = o[key];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) throw badRequest(`${where}: "${key}" must be an array of strings`);
  return value as string[];
}

/** A required array member. */
export function arrayMember(o: JsonRecord, key: string, where: string): readonly unknown[] {
  const value = o[key];
  if (!Array.isArray(value)) throw badRequest(`${where}: "${key}" must be an array${value === undefined ? ' (it is missing)' : ''}`);
  return value;
}

/** A required object member. */
export function objectMember(o: JsonRecord, key: string, where: string): JsonRecord {
  const value = o[key];
  if (!isJsonObject(value)) throw badRequest(`${where}: "${key}" must be an object${value === undefined ? ' (it is missing)' : ''}`);
  return value;
}

/** `{namespace: [...], name}` of a TableIdentifier. */
export function tableIdentifier(value: unknown, where: string): { readonly namespace: readonly string[]; readonly name: string } {
  if (!isJsonObject(value)) throw badRequest(`${where} must be an object {namespace, name}`);
  const namespace = value['namespace'];
  if (!Array.isArray(namespace) || namespace.some((p) => typeof p !== 'string')) throw badRequest(`${where}: "namespace" must be an array of strings`);
  return { namespace: namespace as string[], name: stringMember(value, 'name', where) };
}

/** The `pageSize` query parameter: undefined, or an integer from 1. */
export function pageSizeParam(c: Context): number | undefined {
  const raw = c.req.query('pageSize');
  if (raw === undefined || raw === '') return undefined;
  if (!/^\d{1,9}$/.test(raw) || Number(raw) < 1) throw badRequest(`pageSize must be a positive integer, got ${JSON.stringify(raw.slice(0, 40))}`);
  return Number(raw);
}

/** A boolean query parameter (`true`/`false`, any case); absent → `fallback`. */
export function booleanParam(c: Context, name: string, fallback: boolean): boolean {
  const raw = c.req.query(name);
  if (raw === undefined || raw === '') return fallback;
  const lower = raw.toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  throw badRequest(`${name} must be true or false, got ${JSON.stringify(raw.slice(0, 40))}`);
}
