import type { Catalog, ObjectName } from '../../catalog/catalog-types.js';
import type { IdentityStore } from '../../catalog/governance/identity-store.js';
import type { SecretStore } from '../../catalog/secrets/secret-store.js';
import type { Clock } from '../../core/clock.js';
import { LochError, isLochError } from '../../core/errors.js';
import { endpointFullName, endpointInfoOf } from '../endpoint-definition.js';
import type { EndpointInfo } from '../endpoint-types.js';
import type { EndpointTask } from '../model-types.js';
import type { ProviderTarget } from '../providers/provider.js';

/**
 * The endpoint as `catalog`'s actor sees it, EXECUTE authorized. The catalog's own errors
 * (NOT_FOUND, PERMISSION_DENIED, both audited) propagate unchanged.
 */
export async function authorizedEndpoint(catalog: Catalog, name: ObjectName): Promise<EndpointInfo> {
  const stored = await catalog.getModelEndpoint(name);
  const normalized: ObjectName = { catalog: stored.catalog, schema: stored.schema, name: stored.name };
  await catalog.authorize('EXECUTE', { type: 'MODEL_ENDPOINT', name: normalized });
  return endpointInfoOf(stored);
}

interface Memo<T> {
  readonly at: number;
  readonly value: Promise<T>;
}

/**
 * Remembers for `ttlMs` what authorizedEndpoint and providerTarget found, per caller (the
 * governed catalog instance of a session or request) and endpoint. Without it a batch of 100k
 * rows would read the endpoint, authorize and audit EXECUTE, resolve the owner and decrypt the
 * key 100k times; with it, about once a second. A revoked grant, a changed endpoint or a
 * rotated key takes effect within ttlMs (0 turns the memo off). Failures are not remembered.
 */
export class ResolutionMemo {
  private readonly endpoints = new WeakMap<Catalog, Map<string, Memo<EndpointInfo>>>();
  private readonly targets = new Map<string, Memo<ProviderTarget>>();

  constructor(
    private readonly clock: Clock,
    private readonly ttlMs: number,
  ) {}

  endpoint(catalog: Catalog, name: ObjectName): Promise<EndpointInfo> {
    if (this.ttlMs <= 0) return authorizedEndpoint(catalog, name);
    let byName = this.endpoints.get(catalog);
    if (byName === undefined) this.endpoints.set(catalog, (byName = new Map()));
    return this.remember(byName, `${name.catalog}.${name.schema}.${name.name}`.toLowerCase(), () => authorizedEndpoint(catalog, name));
  }

  target(info: EndpointInfo, secrets: SecretStore, identity: IdentityStore): Promise<ProviderTarget> {
    if (this.ttlMs <= 0) return providerTarget(info, secrets, identity);
    return this.remember(this.targets, `${endpointFullName(info.name)}@${info.updatedAt}`, () => providerTarget(info, secrets, identity));
  }

  private remember<T>(memos: Map<string, Memo<T>>, key: string, load: () => Promise<T>): Promise<T> {
    const now = this.clock.now();
    const found = memos.get(key);
    if (found !== undefined && now - found.at < this.ttlMs) return found.value;
    if (memos.size > 1000) for (const [k, m] of memos) if (now - m.at >= this.ttlMs) memos.delete(k);
    const value = load();
    memos.set(key, { at: now, value });
    value.catch(() => {
      if (memos.get(key)?.value === value) memos.delete(key);
    });
    return value;
  }
}

/** INVALID_ARGUMENT unless the endpoint serves `task`. */
export function checkTask(info: EndpointInfo, task: EndpointTask): void {
  if (info.definition.task === task) return;
  const name = endpointFullName(info.name);
  throw new LochError('INVALID_ARGUMENT', `ai: endpoint ${name} is ${article(info.definition.task)} endpoint; it cannot serve ${task} requests`, {
    context: { endpoint: name, task: info.definition.task, requested: task },
  });
}

function article(task: EndpointTask): string {
  return task === 'embeddings' ? 'an embeddings' : 'a chat';
}

/**
 * Where and how to call the endpoint's server. The API key is read with the endpoint owner's
 * rights (definer rights), never the caller's: UNAVAILABLE naming the owner and the scope (never
 * the value) when the owner is gone or can no longer read it.
 */
export async function providerTarget(info: EndpointInfo, secrets: SecretStore, identity: IdentityStore): Promise<ProviderTarget> {
  const def = info.definition;
  const base: ProviderTarget = {
    url: def.url,
    model: def.model,
    timeoutMs: def.limits.timeoutMs,
    ...(def.headers !== undefined ? { headers: def.headers } : {}),
  };
  if (def.apiKey === undefined) return base;
  return { ...base, apiKey: await ownerSecret(info, secrets, identity) };
}

async function ownerSecret(info: EndpointInfo, secrets: SecretStore, identity: IdentityStore): Promise<string> {
  const { scope, key } = info.definition.apiKey ?? { scope: '', key: '' };
  const name = endpointFullName(info.name);
  const context = { endpoint: name, owner: info.owner, scope, key };
  const owner = await identity.resolve(info.owner);
  if (owner === undefined) {
    throw new LochError('UNAVAILABLE', `ai: endpoint ${name}: its owner ${info.owner} no longer exists, so its API key (secret scope ${scope}, key ${key}) cannot be read`, { context });
  }
  try {
    return await secrets.reveal(owner, scope, key);
  } catch (error) {
    if (isLochError(error, 'PERMISSION_DENIED')) {
      throw new LochError('UNAVAILABLE', `ai: endpoint ${name}: its owner ${info.owner} can no longer read secret scope ${scope}`, { context, cause: error });
    }
    if (isLochError(error, 'NOT_FOUND')) {
      throw new LochError('UNAVAILABLE', `ai: endpoint ${name}: its API key (secret scope ${scope}, key ${key}) does not exist`, { context, cause: error });
    }
    if (isLochError(error)) {
      throw new LochError(error.code, `ai: endpoint ${name}: cannot read its API key (secret scope ${scope}, key ${key}): ${error.message}`, { context, cause: error, retryable: error.retryable });
    }
    throw new LochError('INTERNAL', `ai: endpoint ${name}: cannot read its API key (secret scope ${scope}, key ${key})`, { context, cause: error });
  }
}
