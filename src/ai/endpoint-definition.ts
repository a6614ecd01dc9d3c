import { LochError } from '../core/errors.js';
import type { ModelEndpointInfo, ObjectName } from '../catalog/catalog-types.js';
import { invalidReason } from '../catalog/names.js';
import { DEFAULT_LIMITS } from './endpoint-types.js';
import type { EndpointDefinition, EndpointInfo, EndpointLimits, EndpointPrices, SecretRef } from './endpoint-types.js';

/** How long a cached response lives when the definition does not say (1 h). */
export const DEFAULT_CACHE_TTL_MS = 3_600_000;

/**
 * Headers that carry credentials: an endpoint's key belongs in a secret (`apiKey`), never in
 * `headers`, which DESCRIBE shows and which are stored in clear.
 */
const CREDENTIAL_HEADERS = new Set(['authorization', 'proxy-authorization', 'x-api-key']);

/** Request fields a definition's `defaults` may not set: the caller's request or the endpoint decides them. */
const CALLER_FIELDS = new Set(['model', 'messages', 'input', 'stream', 'stream_options']);

const TOP_FIELDS = new Set(['provider', 'task', 'url', 'model', 'apiKey', 'headers', 'limits', 'fallbacks', 'cache', 'cacheTtlMs', 'prices', 'logSampleRate', 'defaults', 'agent']);
const LIMIT_FIELDS = new Set(['timeoutMs', 'maxRetries', 'backoffMs', 'maxBackoffMs', 'maxConcurrency', 'requestsPerMinute']);

type Doc = Readonly<Record<string, unknown>>;

/**
 * Validates an endpoint definition document (what CREATE MODEL ENDPOINT, the CLI and the HTTP
 * API accept, and what the catalog stores) and fills its defaults. `where` names the endpoint
 * (or the input) in messages. Every failure is INVALID_ARGUMENT "ai: endpoint <where>: <field>
 * …" with context {where, field}; unknown fields are refused too (a typo must not silently
 * drop a limit).
 */
export function parseEndpointDefinition(doc: unknown, where: string): EndpointDefinition {
  const fail: Fail = failer(where);
  const d = objectOf(doc, 'definition', fail);
  for (const field of Object.keys(d)) if (!TOP_FIELDS.has(field)) fail(field, 'is not a field of an endpoint definition');
  const provider = d['provider'];
  if (provider !== 'openai' && provider !== 'anthropic' && provider !== 'local' && provider !== 'agent') {
    fail('provider', `must be 'openai', 'anthropic' or 'local' (got ${shown(provider)})`);
  }
  const task = d['task'] ?? (provider === 'local' ? 'embeddings' : 'chat');
  if (task !== 'chat' && task !== 'embeddings') fail('task', `must be 'chat' or 'embeddings' (got ${shown(task)})`);
  const definition: EndpointDefinition = {
    provider,
    task,
    // Local embeddings and agents run in process: no server to reach.
    url: (provider === 'local' || provider === 'agent') && (d['url'] === undefined || d['url'] === `loch:${provider}`) ? `loch:${provider}` : urlOf(d['url'], fail),
    model: nonEmpty(d['model'], 'model', fail),
    ...optional('apiKey', d['apiKey'] === undefined ? undefined : secretRefOf(d['apiKey'], fail)),
    ...optional('headers', d['headers'] === undefined ? undefined : headersOf(d['headers'], fail)),
    limits: limitsOf(d['limits'], fail),
    fallbacks: fallbacksOf(d['fallbacks'], fail),
    cache: booleanOf(d['cache'], 'cache', false, fail),
    ...optional('cacheTtlMs', d['cacheTtlMs'] === undefined ? undefined : integerIn(d['cacheTtlMs'], 'cacheTtlMs', 1, 30 * 86_400_000, fail)),
    ...optional('prices', d['prices'] === undefined ? undefined : pricesOf(d['prices'], fail)),
    logSampleRate: d['logSampleRate'] === undefined ? 1 : numberIn(d['logSampleRate'], 'logSampleRate', 0, 1, fail),
    ...optional('defaults', d['defaults'] === undefined ? undefined : defaultsOf(d['defaults'], fail)),
    ...optional('agent', d['agent'] === undefined ? undefined : objectOf(d['agent'], 'agent', fail)),
  };
  if (provider === 'local' && task !== 'embeddings') fail('task', "must be 'embeddings' for provider 'local' (local models only embed)");
  if (provider === 'agent' && (task !== 'chat' || definition.agent === undefined)) fail('agent', "is required, with task 'chat', for provider 'agent'");
  if (provider !== 'agent' && definition.agent !== undefined) fail('agent', "is only for provider 'agent'");
  if (task === 'embeddings' && provider === 'anthropic') fail('task', "'embeddings' needs provider 'openai' (Anthropic has no embeddings API)");
  return definition;
}

/** A catalog object as the ai layer sees it: its stored document parsed (INVALID_ARGUMENT if it no longer validates). */
export function endpointInfoOf(info: ModelEndpointInfo): EndpointInfo {
  const name: ObjectName = { catalog: info.catalog, schema: info.schema, name: info.name };
  return {
    name,
    owner: info.owner,
    ...(info.comment !== undefined ? { comment: info.comment } : {}),
    createdAt: info.createdAt,
    createdBy: info.createdBy,
    updatedAt: info.updatedAt,
    definition: parseEndpointDefinition(info.definition, endpointFullName(name)),
  };
}

/** The JSON document to store for a definition (plain data, undefined fields left out). */
export function definitionDocument(def: EndpointDefinition): Record<string, unknown> {
  return JSON.parse(JSON.stringify(def)) as Record<string, unknown>;
}

/** `catalog.schema.name` of an endpoint. */
export function endpointFullName(name: ObjectName): string {
  return `${name.catalog}.${name.schema}.${name.name}`;
}

/** The three-part name of a stored fallback (`catalog.schema.name`, validated by parseEndpointDefinition). */
export function fallbackName(fullName: string): ObjectName {
  const [catalog = '', schema = '', name = ''] = fullName.split('.');
  return { catalog, schema, name };
}

type Fail = (field: string, why: string) => never;

function failer(where: string): Fail {
  return (field, why) => {
    throw new LochError('INVALID_ARGUMENT', `ai: endpoint ${where}: ${field} ${why}`, { context: { where, field } });
  };
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

function shown(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function objectOf(value: unknown, field: string, fail: Fail): Doc {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(field, `must be a JSON object (got ${shown(value)})`);
  return value as Doc;
}

function nonEmpty(value: unknown, field: string, fail: Fail): string {
  if (typeof value !== 'string' || value.trim() === '') fail(field, `must be a non-empty string (got ${shown(value)})`);
  return value;
}

function urlOf(value: unknown, fail: Fail): string {
  const text = nonEmpty(value, 'url', fail);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return fail('url', `is not a valid URL (got ${shown(text)})`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') fail('url', `must be http:// or https:// (got ${url.protocol})`);
  if (url.username !== '' || url.password !== '') fail('url', 'must not hold credentials: put the key in a secret (apiKey)');
  return text;
}

function secretRefOf(value: unknown, fail: Fail): SecretRef {
  const ref = objectOf(value, 'apiKey', fail);
  for (const field of Object.keys(ref)) if (field !== 'scope' && field !== 'key') fail(`apiKey.${field}`, 'is not a field of apiKey (scope, key)');
  return { scope: nonEmpty(ref['scope'], 'apiKey.scope', fail), key: nonEmpty(ref['key'], 'apiKey.key', fail) };
}

function headersOf(value: unknown, fail: Fail): Record<string, string> {
  const headers = objectOf(value, 'headers', fail);
  const out: Record<string, string> = {};
  for (const [name, text] of Object.entries(headers)) {
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) fail(`headers.${name}`, 'is not a valid header name');
    if (CREDENTIAL_HEADERS.has(name.toLowerCase())) fail(`headers.${name}`, 'carries credentials: put the key in a secret and reference it with apiKey {scope, key}');
    if (typeof text !== 'string' || /[\r\n\0]/.test(text)) fail(`headers.${name}`, 'must be a string without line breaks');
    out[name] = text;
  }
  return out;
}

function limitsOf(value: unknown, fail: Fail): EndpointLimits {
  if (value === undefined) return DEFAULT_LIMITS;
  const l = objectOf(value, 'limits', fail);
  for (const field of Object.keys(l)) if (!LIMIT_FIELDS.has(field)) fail(`limits.${field}`, 'is not a limit');
  const pick = (field: keyof EndpointLimits, min: number, max: number): number =>
    l[field] === undefined ? (DEFAULT_LIMITS[field] as number) : integerIn(l[field], `limits.${field}`, min, max, fail);
  const limits: EndpointLimits = {
    timeoutMs: pick('timeoutMs', 1, 600_000),
    maxRetries: pick('maxRetries', 0, 10),
    backoffMs: pick('backoffMs', 0, 600_000),
    maxBackoffMs: pick('maxBackoffMs', 0, 600_000),
    maxConcurrency: pick('maxConcurrency', 1, 1024),
    ...optional('requestsPerMinute', l['requestsPerMinute'] === undefined ? undefined : positive(l['requestsPerMinute'], 'limits.requestsPerMinute', 1_000_000, fail)),
  };
  if (limits.maxBackoffMs < limits.backoffMs) fail('limits.maxBackoffMs', `must be at least backoffMs (${limits.maxBackoffMs} < ${limits.backoffMs})`);
  return limits;
}

function fallbacksOf(value: unknown, fail: Fail): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) fail('fallbacks', `must be an array of endpoint names catalog.schema.name (got ${shown(value)})`);
  return value.map((item: unknown, i) => {
    const field = `fallbacks[${i}]`;
    const text = nonEmpty(item, field, fail).toLowerCase();
    const parts = text.split('.');
    if (parts.length !== 3) fail(field, `must be a full name catalog.schema.name (got ${shown(item)})`);
    for (const part of parts) {
      const why = invalidReason(part);
      if (why !== undefined) fail(field, `is not a valid name (${shown(item)}: ${why})`);
    }
    return text;
  });
}

function pricesOf(value: unknown, fail: Fail): EndpointPrices {
  const p = objectOf(value, 'prices', fail);
  for (const field of Object.keys(p)) {
    if (field !== 'inputPerMillionTokens' && field !== 'outputPerMillionTokens') fail(`prices.${field}`, 'is not a price (inputPerMillionTokens, outputPerMillionTokens)');
  }
  return {
    inputPerMillionTokens: numberIn(p['inputPerMillionTokens'] ?? 0, 'prices.inputPerMillionTokens', 0, Number.MAX_VALUE, fail),
    outputPerMillionTokens: numberIn(p['outputPerMillionTokens'] ?? 0, 'prices.outputPerMillionTokens', 0, Number.MAX_VALUE, fail),
  };
}

function defaultsOf(value: unknown, fail: Fail): Record<string, unknown> {
  const d = objectOf(value, 'defaults', fail);
  for (const field of Object.keys(d)) if (CALLER_FIELDS.has(field)) fail(`defaults.${field}`, 'cannot be a default (the request or the endpoint sets it)');
  return JSON.parse(JSON.stringify(d)) as Record<string, unknown>;
}

function booleanOf(value: unknown, field: string, fallback: boolean, fail: Fail): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') fail(field, `must be true or false (got ${shown(value)})`);
  return value;
}

function numberIn(value: unknown, field: string, min: number, max: number, fail: Fail): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    fail(field, `must be a number ${max === Number.MAX_VALUE ? `of at least ${min}` : `from ${min} to ${max}`} (got ${shown(value)})`);
  }
  return value;
}

function integerIn(value: unknown, field: string, min: number, max: number, fail: Fail): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) fail(field, `must be an integer from ${min} to ${max} (got ${shown(value)})`);
  return value;
}

function positive(value: unknown, field: string, max: number, fail: Fail): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > max) fail(field, `must be a number above 0 and at most ${max} (got ${shown(value)})`);
  return value;
}
