import { LochError } from '../../core/errors.js';
import type { OptionEntry, OptionValue } from './option-values.js';

/**
 * The OPTIONS of CREATE/ALTER MODEL ENDPOINT and where each lands in the endpoint definition
 * document (endpoint-types.ts). Option names are Databricks/Spark style snake_case and
 * case-insensitive; the document keeps H2's camelCase fields. Ranges and cross-field rules are
 * checked by parseEndpointDefinition afterwards; this module checks the literal's kind only.
 */

type Shape = 'string' | 'integer' | 'number' | 'boolean' | 'secret' | 'headers' | 'endpoints' | 'stop';

interface OptionSpec {
  readonly path: readonly string[];
  readonly shape: Shape;
}

const spec = (path: string, shape: Shape): OptionSpec => ({ path: path.split('.'), shape });

/**
 * Every option, in DESCRIBE order:
 * - url, model (required), api_key secret('scope', 'key'), headers map('name', 'value', …)
 * - limits: timeout_ms, max_retries, backoff_ms, max_backoff_ms, max_concurrency, requests_per_minute
 * - fallbacks ('c.s.a', …) — names resolve like table names (1–3 parts, current catalog/schema)
 * - cache, cache_ttl_ms, input_price_per_million, output_price_per_million, log_sample_rate
 * - request defaults merged under each call: temperature, top_p, max_tokens,
 *   max_completion_tokens, seed, stop, presence_penalty, frequency_penalty, dimensions
 */
export const ENDPOINT_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  url: spec('url', 'string'),
  model: spec('model', 'string'),
  api_key: spec('apiKey', 'secret'),
  headers: spec('headers', 'headers'),
  timeout_ms: spec('limits.timeoutMs', 'integer'),
  max_retries: spec('limits.maxRetries', 'integer'),
  backoff_ms: spec('limits.backoffMs', 'integer'),
  max_backoff_ms: spec('limits.maxBackoffMs', 'integer'),
  max_concurrency: spec('limits.maxConcurrency', 'integer'),
  requests_per_minute: spec('limits.requestsPerMinute', 'number'),
  fallbacks: spec('fallbacks', 'endpoints'),
  cache: spec('cache', 'boolean'),
  cache_ttl_ms: spec('cacheTtlMs', 'integer'),
  input_price_per_million: spec('prices.inputPerMillionTokens', 'number'),
  output_price_per_million: spec('prices.outputPerMillionTokens', 'number'),
  log_sample_rate: spec('logSampleRate', 'number'),
  temperature: spec('defaults.temperature', 'number'),
  top_p: spec('defaults.top_p', 'number'),
  max_tokens: spec('defaults.max_tokens', 'integer'),
  max_completion_tokens: spec('defaults.max_completion_tokens', 'integer'),
  seed: spec('defaults.seed', 'integer'),
  stop: spec('defaults.stop', 'stop'),
  presence_penalty: spec('defaults.presence_penalty', 'number'),
  frequency_penalty: spec('defaults.frequency_penalty', 'number'),
  dimensions: spec('defaults.dimensions', 'integer'),
};

const EXPECTED: Readonly<Record<Shape, string>> = {
  string: "a string ('…')",
  integer: 'an integer',
  number: 'a number',
  boolean: 'true or false',
  secret: "secret('scope', 'key') (the key itself never goes into SQL: loch secret put <scope> <key>)",
  headers: "map('name', 'value', …)",
  endpoints: "an endpoint name or a list of them ('c.s.a', 'c.s.b')",
  stop: "a string or a list of strings ('…', …)",
};

type Doc = Record<string, unknown>;

/** Resolves a 1–3 part endpoint name written in a string to its full name `catalog.schema.name`. */
export type ResolveEndpoint = (text: string) => string;

/**
 * The document with `entries` applied (a copy): each option replaces its field; NULL removes
 * it. Unknown names are INVALID_ARGUMENT listing the known ones; a literal of the wrong kind is
 * INVALID_ARGUMENT naming the option and what it takes (never echoing the value: a key pasted
 * by mistake must not end up in an error message).
 */
export function applyOptions(doc: Readonly<Doc>, entries: readonly OptionEntry[], where: string, resolve: ResolveEndpoint): Doc {
  const out = structuredClone(doc) as Doc;
  for (const entry of entries) {
    const option = knownOption(entry.key, where);
    if (entry.value.kind === 'null') deletePath(out, option.path);
    else setPath(out, option.path, convert(entry.key, option.shape, entry.value, where, resolve));
  }
  return out;
}

/**
 * The document without the named options (UNSET OPTIONS). A name that is not an option is
 * INVALID_ARGUMENT; one that is not set is too, unless `ifExists`.
 */
export function unsetOptions(doc: Readonly<Doc>, keys: readonly string[], ifExists: boolean, where: string): Doc {
  const out = structuredClone(doc) as Doc;
  for (const key of keys) {
    const option = knownOption(key, where);
    if (!deletePath(out, option.path) && !ifExists) {
      throw new LochError('INVALID_ARGUMENT', `ai: endpoint ${where}: option ${key} is not set (UNSET OPTIONS IF EXISTS ignores that)`, { context: { where, option: key } });
    }
  }
  return out;
}

/** The options that have a value in `doc`, in ENDPOINT_OPTIONS order, as [name, value as written in OPTIONS]. */
export function optionsOf(doc: Readonly<Doc>): [string, string][] {
  const rows: [string, string][] = [];
  for (const [key, option] of Object.entries(ENDPOINT_OPTIONS)) {
    const value = getPath(doc, option.path);
    if (value !== undefined) rows.push([key, renderValue(option.shape, value)]);
  }
  return rows;
}

/**
 * The error of parseEndpointDefinition re-worded with the option name the user wrote
 * ("option timeout_ms must be…" rather than "limits.timeoutMs must be…"); others unchanged.
 */
export function inOptionTerms(error: unknown, where: string): unknown {
  if (!(error instanceof LochError) || error.code !== 'INVALID_ARGUMENT') return error;
  const field = error.context['field'];
  const prefix = `ai: endpoint ${where}: ${String(field)} `;
  if (typeof field !== 'string' || !error.message.startsWith(prefix)) return error;
  const named = optionNameOf(field);
  if (named === undefined) return error;
  return new LochError('INVALID_ARGUMENT', `ai: endpoint ${where}: option ${named} ${error.message.slice(prefix.length)}`, { context: { ...error.context, option: named }, cause: error });
}

/** `limits.timeoutMs` → timeout_ms; `fallbacks[1]` → fallbacks[1]; `headers.X-A` → headers.X-A. */
function optionNameOf(field: string): string | undefined {
  const base = field.replace(/\[\d+\]$/, '');
  const rest = field.slice(base.length);
  const segments = base.split('.');
  for (let n = segments.length; n > 0; n--) {
    const path = segments.slice(0, n).join('.');
    const found = Object.entries(ENDPOINT_OPTIONS).find(([, o]) => o.path.join('.') === path);
    if (found !== undefined) return [found[0], ...segments.slice(n)].join('.') + rest;
  }
  return undefined;
}

function knownOption(key: string, where: string): OptionSpec {
  const option = ENDPOINT_OPTIONS[key];
  if (option === undefined || !Object.hasOwn(ENDPOINT_OPTIONS, key)) {
    throw new LochError('INVALID_ARGUMENT', `ai: endpoint ${where}: unknown option ${key} (known options: ${Object.keys(ENDPOINT_OPTIONS).join(', ')})`, { context: { where, option: key } });
  }
  return option;
}

function convert(key: string, shape: Shape, value: OptionValue, where: string, resolve: ResolveEndpoint): unknown {
  const converted = convertValue(shape, value, resolve);
  if (converted === undefined) {
    throw new LochError('INVALID_ARGUMENT', `ai: endpoint ${where}: option ${key} expects ${EXPECTED[shape]} (got ${describeKind(value)})`, { context: { where, option: key } });
  }
  return converted;
}

function convertValue(shape: Shape, value: OptionValue, resolve: ResolveEndpoint): unknown {
  switch (shape) {
    case 'string':
      return value.kind === 'string' ? value.value : undefined;
    case 'integer':
    case 'number': {
      const n = value.kind === 'number' ? value.value : value.kind === 'string' && /^\s*[-+]?\d+(\.\d+)?([eE][-+]?\d+)?\s*$/.test(value.value) ? Number(value.value) : undefined;
      return n === undefined || (shape === 'integer' && !Number.isInteger(n)) ? undefined : n;
    }
    case 'boolean':
      if (value.kind === 'boolean') return value.value;
      return value.kind === 'string' && /^(true|false)$/i.test(value.value) ? value.value.toLowerCase() === 'true' : undefined;
    case 'secret':
      return value.kind === 'secret' ? { scope: value.scope, key: value.key } : undefined;
    case 'headers':
      return value.kind === 'map' ? Object.fromEntries(value.entries) : undefined;
    case 'endpoints': {
      const names = stringsOf(value);
      return names?.map(resolve);
    }
    case 'stop':
      return value.kind === 'string' ? value.value : stringsOf(value);
  }
}

function stringsOf(value: OptionValue): string[] | undefined {
  if (value.kind === 'string') return [value.value];
  if (value.kind !== 'list' || !value.items.every((i) => i.kind === 'string')) return undefined;
  return value.items.map((i) => (i as { value: string }).value);
}

function describeKind(value: OptionValue): string {
  const kinds: Readonly<Record<OptionValue['kind'], string>> = { string: 'a string', number: 'a number', boolean: 'a boolean', null: 'NULL', secret: 'secret(…)', map: 'map(…)', list: 'a list' };
  return kinds[value.kind];
}

function renderValue(shape: Shape, value: unknown): string {
  const quote = (text: string): string => `'${text.replace(/'/g, "''")}'`;
  if (shape === 'secret' && typeof value === 'object' && value !== null) {
    const ref = value as { scope?: unknown; key?: unknown };
    return `secret(${quote(String(ref.scope))}, ${quote(String(ref.key))})`;
  }
  if (shape === 'headers' && typeof value === 'object' && value !== null) {
    return `map(${Object.entries(value).flatMap(([k, v]) => [quote(k), quote(String(v))]).join(', ')})`;
  }
  if (Array.isArray(value)) return `(${value.map((v) => quote(String(v))).join(', ')})`;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function getPath(doc: Readonly<Doc>, path: readonly string[]): unknown {
  let at: unknown = doc;
  for (const part of path) {
    if (typeof at !== 'object' || at === null || !Object.hasOwn(at, part)) return undefined;
    at = (at as Doc)[part];
  }
  return at;
}

function setPath(doc: Doc, path: readonly string[], value: unknown): void {
  let at = doc;
  for (const part of path.slice(0, -1)) {
    const next = at[part];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) at[part] = {};
    at = at[part] as Doc;
  }
  at[path[path.length - 1] as string] = value;
}

/** Removes the field (and parents left empty); tells whether it was there. */
function deletePath(doc: Doc, path: readonly string[]): boolean {
  const [head, ...rest] = path as [string, ...string[]];
  if (!Object.hasOwn(doc, head)) return false;
  if (rest.length === 0) {
    delete doc[head];
    return true;
  }
  const child = doc[head];
  if (typeof child !== 'object' || child === null) return false;
  const removed = deletePath(child as Doc, rest);
  if (removed && Object.keys(child).length === 0) delete doc[head];
  return removed;
}
