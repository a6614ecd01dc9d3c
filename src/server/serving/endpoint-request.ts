/**
 * Databricks' serving-endpoint bodies → Loch endpoint definition documents.
 *
 * Accepted (create; update takes the same parts, each optional):
 *   {name, description?, tags?: [{key, value?}],
 *    config: {served_entities: [{name?, external_model: {name, provider: 'openai'|'anthropic',
 *      task: 'llm/v1/chat'|'llm/v1/embeddings',
 *      openai_config?: {openai_api_base?, openai_api_key?: '{{secrets/s/k}}', openai_organization?},
 *      anthropic_config?: {anthropic_api_key?: '{{secrets/s/k}}', anthropic_api_base?}}}]},
 *    rate_limits?: [{calls, renewal_period: 'minute', key?: 'endpoint'}],
 *    loch?: {limits, fallbacks, cache, cacheTtlMs, prices, logSampleRate, defaults, headers}}
 *
 * `loch` is Loch's extension: the fields of an EndpointDefinition (ai/endpoint-types.ts) that
 * Databricks' shape has no place for, spelled as the definition spells them. The model part
 * (provider, task, url, model, apiKey) comes only from `config`. Exactly one served entity with
 * an external model: Loch serves models hosted elsewhere; fallbacks go in `loch.fallbacks`.
 * Plaintext keys are refused: keys live in secrets. Unknown fields inside `config` are refused
 * (a typo must not drop a setting); other top-level Databricks fields are ignored, except
 * `ai_gateway`, which is refused with the Loch spelling of what it would set.
 * The result is not yet validated: the routes pass it to parseEndpointDefinition.
 */
import type { ObjectName } from '../../catalog/catalog-types.js';
import { LochError } from '../../core/errors.js';
import type { SecretRef } from '../../ai/endpoint-types.js';
import { parseSecretReference } from './secret-reference.js';
import { endpointName } from './serving-names.js';

type Doc = Record<string, unknown>;
type Json = Readonly<Record<string, unknown>>;

export const DEFAULT_OPENAI_BASE = 'https://api.openai.com/v1';
export const DEFAULT_ANTHROPIC_BASE = 'https://api.anthropic.com';
export const ORGANIZATION_HEADER = 'OpenAI-Organization';

/** Definition fields set by `config`, which `loch` may not set. */
const MODEL_FIELDS = ['provider', 'task', 'url', 'model', 'apiKey'] as const;
const TASKS: Readonly<Record<string, 'chat' | 'embeddings'>> = { 'llm/v1/chat': 'chat', 'llm/v1/embeddings': 'embeddings' };
const MAX_TAG_KEY = 255;
const MAX_TAG_VALUE = 65_536;
const MAX_TAGS = 100;

export interface CreateEndpointRequest {
  readonly name: ObjectName;
  /** The definition document to validate and store. */
  readonly document: Doc;
  readonly comment?: string;
  /** Databricks tags, kept as the endpoint's properties. */
  readonly tags?: Readonly<Record<string, string>>;
}

export interface UpdateEndpointRequest {
  readonly document: Doc;
  /** A new comment ('' removes it), when `description` was given. */
  readonly comment?: string;
}

/** A create body (POST /api/2.0/serving-endpoints). */
export function createRequestOf(body: Json): CreateEndpointRequest {
  const nameText = body['name'];
  if (typeof nameText !== 'string' || nameText === '') throw invalid('name', 'is required (catalog.schema.name)');
  const name = endpointName(nameText, 'name');
  if (body['config'] === undefined || body['config'] === null) throw invalid('config', 'is required (config.served_entities[0].external_model)');
  const document: Doc = { ...lochPart(body['loch']), ...modelPart(body['config']) };
  mergeOrganization(document, organizationOf(body['config']));
  applyRateLimits(document, body['rate_limits'], lochRate(body['loch']));
  refuseAiGateway(body);
  const comment = descriptionOf(body['description']);
  const tags = tagsOf(body['tags']);
  return { name, document, ...(comment === undefined ? {} : { comment }), ...(tags === undefined ? {} : { tags }) };
}

/**
 * An update body applied to the stored document `current` (PUT /{name}: the create body without
 * `name`, every part optional; PUT /{name}/config passes `{config: body}`). A given `config`
 * replaces the model part, each given `loch` field replaces the stored field (null restores its
 * default), `rate_limits` sets or (with []) removes `limits.requestsPerMinute`.
 */
export function updateRequestOf(current: Readonly<Doc>, body: Json): UpdateEndpointRequest {
  refuseAiGateway(body);
  const document: Doc = JSON.parse(JSON.stringify(current)) as Doc;
  if (body['config'] !== undefined && body['config'] !== null) {
    for (const field of MODEL_FIELDS) delete document[field];
    Object.assign(document, modelPart(body['config']));
    mergeOrganization(document, organizationOf(body['config']), true);
  }
  for (const [field, value] of Object.entries(lochPart(body['loch']))) {
    if (value === null) delete document[field];
    else document[field] = value;
  }
  applyRateLimits(document, body['rate_limits'], lochRate(body['loch']));
  const comment = descriptionOf(body['description']);
  return { document, ...(comment === undefined ? {} : { comment }) };
}

/** Provider, task, url, model and apiKey from `config.served_entities[0].external_model`. */
function modelPart(config: unknown): Doc {
  const model = externalModelOf(config);
  const provider = model['provider'];
  if (provider !== 'openai' && provider !== 'anthropic') {
    throw invalid('external_model.provider', `must be 'openai' (any OpenAI-compatible server) or 'anthropic' (got ${shown(provider)})`);
  }
  const taskText = model['task'] ?? 'llm/v1/chat';
  const task = typeof taskText === 'string' ? TASKS[taskText] : undefined;
  if (task === undefined) throw invalid('external_model.task', `must be 'llm/v1/chat' or 'llm/v1/embeddings' (got ${shown(taskText)})`);
  const modelName = model['name'];
  if (typeof modelName !== 'string' || modelName.trim() === '') throw invalid('external_model.name', "is required (the provider's model id)");
  const settings = providerSettings(model, provider);
  return { provider, task, model: modelName, url: settings.url, ...(settings.apiKey === undefined ? {} : { apiKey: settings.apiKey }) };
}

function externalModelOf(config: unknown): Json {
  const c = objectOf(config, 'config');
  if (c['served_models'] !== undefined) throw invalid('config.served_models', 'is not supported: use served_entities with an external_model');
  for (const field of Object.keys(c)) {
    if (field !== 'served_entities') throw invalid(`config.${field}`, 'is not supported by Loch (only served_entities with one external_model)');
  }
  const entities = c['served_entities'];
  if (!Array.isArray(entities) || entities.length !== 1) {
    throw invalid('config.served_entities', 'must hold exactly one entity with an external_model (other endpoints go in loch.fallbacks)');
  }
  const entity = objectOf(entities[0], 'config.served_entities[0]');
  for (const field of Object.keys(entity)) {
    if (field !== 'name' && field !== 'external_model') {
      throw new LochError('UNSUPPORTED_FEATURE', `serving: config.served_entities[0].${field} is not supported: Loch serves external models only (external_model)`, { context: { field } });
    }
  }
  if (entity['external_model'] === undefined) throw invalid('config.served_entities[0].external_model', 'is required: Loch serves external models only');
  const model = objectOf(entity['external_model'], 'external_model');
  for (const field of Object.keys(model)) {
    if (!['name', 'provider', 'task', 'openai_config', 'anthropic_config'].includes(field)) throw invalid(`external_model.${field}`, 'is not supported by Loch');
  }
  return model;
}

function providerSettings(model: Json, provider: 'openai' | 'anthropic'): { url: string; apiKey?: SecretRef } {
  const other = provider === 'openai' ? 'anthropic_config' : 'openai_config';
  if (model[other] !== undefined) throw invalid(`external_model.${other}`, `does not go with provider '${provider}'`);
  const field = `${provider}_config`;
  const settings = model[field] === undefined ? {} : objectOf(model[field], `external_model.${field}`);
  const allowed = provider === 'openai' ? ['openai_api_base', 'openai_api_key', 'openai_organization'] : ['anthropic_api_base', 'anthropic_api_key'];
  for (const key of Object.keys(settings)) {
    if (key.endsWith('_plaintext')) throw invalid(`${field}.${key}`, "is refused: keep the key in a secret ('loch secret put <scope> <key>') and give {{secrets/<scope>/<key>}}");
    if (!allowed.includes(key)) throw invalid(`${field}.${key}`, `is not supported by Loch (accepted: ${allowed.join(', ')})`);
  }
  const base = settings[`${provider}_api_base`];
  if (base !== undefined && (typeof base !== 'string' || base === '')) throw invalid(`${field}.${provider}_api_base`, 'must be a URL');
  const keyRef = settings[`${provider}_api_key`];
  return {
    url: (base as string | undefined) ?? (provider === 'openai' ? DEFAULT_OPENAI_BASE : DEFAULT_ANTHROPIC_BASE),
    ...(keyRef === undefined || keyRef === null ? {} : { apiKey: parseSecretReference(keyRef, `${field}.${provider}_api_key`) }),
  };
}

function organizationOf(config: unknown): string | undefined {
  const model = externalModelOf(config);
  const openai = model['openai_config'];
  if (openai === undefined) return undefined;
  const org = (openai as Json)['openai_organization'];
  if (org === undefined || org === null) return undefined;
  if (typeof org !== 'string') throw invalid('openai_config.openai_organization', 'must be a string');
  return org;
}

/** Sets (or, on update, first clears) the OpenAI-Organization header from `config`. */
function mergeOrganization(document: Doc, organization: string | undefined, clear = false): void {
  const headers: Record<string, unknown> = { ...((document['headers'] as Doc | undefined) ?? {}) };
  if (clear) for (const name of Object.keys(headers)) if (name.toLowerCase() === ORGANIZATION_HEADER.toLowerCase()) delete headers[name];
  if (organization !== undefined) headers[ORGANIZATION_HEADER] = organization;
  if (Object.keys(headers).length > 0) document['headers'] = headers;
  else delete document['headers'];
}

/** The `loch` extension object: definition fields other than the model part (null values kept: updates use them). */
function lochPart(value: unknown): Doc {
  if (value === undefined || value === null) return {};
  const loch = objectOf(value, 'loch');
  for (const field of MODEL_FIELDS) {
    if (loch[field] !== undefined) throw invalid(`loch.${field}`, 'is set by config.served_entities[0].external_model, not by loch');
  }
  return { ...loch };
}

/** `loch.limits.requestsPerMinute` as given (undefined when absent). */
function lochRate(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return undefined;
  const limits = (value as Json)['limits'];
  return typeof limits === 'object' && limits !== null ? (limits as Json)['requestsPerMinute'] : undefined;
}

/**
 * `rate_limits` → `limits.requestsPerMinute` (one endpoint-wide limit per minute; [] removes it).
 * A body may repeat the rate in `loch.limits` (as GET shows it) only with the same value.
 */
function applyRateLimits(document: Doc, value: unknown, lochValue: unknown): void {
  if (value === undefined || value === null) return;
  if (!Array.isArray(value) || value.length > 1) throw invalid('rate_limits', 'must be an array of at most one {calls, renewal_period: "minute"}');
  const calls = value[0] === undefined ? undefined : (value[0] as Json | null)?.['calls'];
  if (lochValue !== undefined && lochValue !== calls) throw invalid('rate_limits', 'and loch.limits.requestsPerMinute set different rates; give one');
  const limits: Doc = { ...((document['limits'] as Doc | undefined) ?? {}) };
  const limit = value[0] === undefined ? undefined : objectOf(value[0], 'rate_limits[0]');
  if (limit === undefined) {
    delete limits['requestsPerMinute'];
  } else {
    const calls = limit['calls'];
    if (typeof calls !== 'number' || !Number.isInteger(calls) || calls <= 0) throw invalid('rate_limits[0].calls', `must be a positive integer (got ${shown(calls)})`);
    if (limit['renewal_period'] !== 'minute') throw invalid('rate_limits[0].renewal_period', `must be 'minute' (got ${shown(limit['renewal_period'])})`);
    const key = limit['key'];
    if (key !== undefined && key !== 'endpoint') throw invalid('rate_limits[0].key', `must be 'endpoint': Loch limits an endpoint over all callers (got ${shown(key)})`);
    limits['requestsPerMinute'] = calls;
  }
  if (Object.keys(limits).length > 0) document['limits'] = limits;
  else delete document['limits'];
}

function refuseAiGateway(body: Json): void {
  if (body['ai_gateway'] !== undefined) {
    throw invalid('ai_gateway', 'is not supported: give rate_limits, and loch {limits, fallbacks, cache} for the rest');
  }
}

function descriptionOf(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value.length > 65_536) throw invalid('description', 'must be a string of at most 65536 characters');
  return value;
}

function tagsOf(value: unknown): Record<string, string> | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || value.length > MAX_TAGS) throw invalid('tags', `must be an array of at most ${MAX_TAGS} {key, value}`);
  const tags: Record<string, string> = {};
  value.forEach((item: unknown, i) => {
    const tag = objectOf(item, `tags[${i}]`);
    const key = tag['key'];
    const text = tag['value'] ?? '';
    if (typeof key !== 'string' || key === '' || key.length > MAX_TAG_KEY || /\p{Cc}/u.test(key)) throw invalid(`tags[${i}].key`, `must be 1–${MAX_TAG_KEY} characters without control characters`);
    if (typeof text !== 'string' || text.length > MAX_TAG_VALUE) throw invalid(`tags[${i}].value`, `must be a string of at most ${MAX_TAG_VALUE} characters`);
    tags[key] = text;
  });
  return tags;
}

function objectOf(value: unknown, field: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid(field, `must be a JSON object (got ${shown(value)})`);
  return value as Json;
}

function shown(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function invalid(field: string, why: string): LochError {
  return new LochError('INVALID_ARGUMENT', `serving: ${field} ${why}`, { context: { field } });
}
