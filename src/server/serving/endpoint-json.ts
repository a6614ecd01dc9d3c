/**
 * Loch model endpoints in the shape of Databricks' ServingEndpoint (what the serving API
 * answers): name (full name), id, creator, creation_timestamp and last_updated_timestamp (epoch
 * ms), state (READY once the definition validates: an external model needs no deployment),
 * config.served_entities[0].external_model, task, tags, description, rate_limits, and Loch's
 * extension `loch` (the rest of the definition).
 *
 * The API key appears only as its reference `{{secrets/scope/key}}`: the definition never holds
 * a value, and this module never reads one.
 */
import type { ModelEndpointInfo } from '../../catalog/catalog-types.js';
import { isLochError } from '../../core/errors.js';
import { endpointInfoOf } from '../../ai/endpoint-definition.js';
import type { EndpointDefinition } from '../../ai/endpoint-types.js';
import { ORGANIZATION_HEADER } from './endpoint-request.js';
import { secretReference } from './secret-reference.js';
import { fullNameOf } from './serving-names.js';

const TASK_NAMES = { chat: 'llm/v1/chat', embeddings: 'llm/v1/embeddings' } as const;

/** The ServingEndpoint JSON of a catalog object. A stored definition that no longer validates is NOT_READY without a config. */
export function servingEndpointJson(info: ModelEndpointInfo): Record<string, unknown> {
  const name = fullNameOf(info);
  const base = {
    name,
    id: info.id,
    creator: info.createdBy,
    creation_timestamp: info.createdAt,
    last_updated_timestamp: info.updatedAt,
    ...(info.comment === undefined ? {} : { description: info.comment }),
    tags: Object.entries(info.properties).map(([key, value]) => ({ key, value })),
  };
  let definition: EndpointDefinition;
  try {
    definition = endpointInfoOf(info).definition;
  } catch (error) {
    if (!isLochError(error)) throw error;
    return { ...base, state: { ready: 'NOT_READY', config_update: 'UPDATE_FAILED' }, state_message: error.message };
  }
  const rpm = definition.limits.requestsPerMinute;
  return {
    ...base,
    state: { ready: 'READY', config_update: 'NOT_UPDATING' },
    task: TASK_NAMES[definition.task],
    config: { served_entities: [{ name: info.name, external_model: externalModelJson(definition), state: { deployment: 'DEPLOYMENT_READY' } }] },
    ...(rpm === undefined ? {} : { rate_limits: [{ calls: rpm, renewal_period: 'minute', key: 'endpoint' }] }),
    loch: lochJson(definition),
  };
}

function externalModelJson(def: EndpointDefinition): Record<string, unknown> {
  const key = def.apiKey === undefined ? {} : { [`${def.provider}_api_key`]: secretReference(def.apiKey) };
  const organization = Object.entries(def.headers ?? {}).find(([h]) => h.toLowerCase() === ORGANIZATION_HEADER.toLowerCase())?.[1];
  const config =
    def.provider === 'openai'
      ? { openai_api_base: def.url, ...key, ...(organization === undefined ? {} : { openai_organization: organization }) }
      : { anthropic_api_base: def.url, ...key };
  return { name: def.model, provider: def.provider, task: TASK_NAMES[def.task], [`${def.provider}_config`]: config };
}

/** The definition's fields outside Databricks' shape, spelled as `loch` accepts them. */
function lochJson(def: EndpointDefinition): Record<string, unknown> {
  const headers = Object.fromEntries(Object.entries(def.headers ?? {}).filter(([h]) => h.toLowerCase() !== ORGANIZATION_HEADER.toLowerCase()));
  return {
    limits: def.limits,
    fallbacks: def.fallbacks,
    cache: def.cache,
    ...(def.cacheTtlMs === undefined ? {} : { cacheTtlMs: def.cacheTtlMs }),
    ...(def.prices === undefined ? {} : { prices: def.prices }),
    logSampleRate: def.logSampleRate,
    ...(def.defaults === undefined ? {} : { defaults: def.defaults }),
    ...(Object.keys(headers).length === 0 ? {} : { headers }),
  };
}
