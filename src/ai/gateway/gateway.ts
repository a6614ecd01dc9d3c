import type { Clock } from '../../core/clock.js';
import type { IdSource } from '../../core/ids.js';
import { LochError } from '../../core/errors.js';
import type { SecretStore } from '../../catalog/secrets/secret-store.js';
import type { IdentityStore } from '../../catalog/governance/identity-store.js';
import type { ModelProvider, ProviderKind } from '../providers/provider.js';
import type { InferenceSink, ModelGateway } from './gateway-types.js';

export interface GatewayOptions {
  readonly secrets: SecretStore;
  /** Resolves endpoint owners (definer rights for reading API keys). */
  readonly identity: IdentityStore;
  readonly providers: Readonly<Record<ProviderKind, ModelProvider>>;
  readonly clock: Clock;
  readonly ids: IdSource;
  /** Waits `ms` (backoff, rate limits); rejects with CANCELLED when `signal` aborts. Injected for tests. */
  readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Uniform [0, 1): backoff jitter and log sampling. Injected for tests. */
  readonly random: () => number;
  readonly log: InferenceSink;
}

/** The ModelGateway (placeholder until H2 lands it). */
export function createGateway(_options: GatewayOptions): ModelGateway {
  const refuse = (): never => {
    throw new LochError('NOT_IMPLEMENTED', 'ai: the model gateway is not built yet');
  };
  return { chat: async () => refuse(), chatStream: () => refuse(), embed: async () => refuse(), resolve: async () => refuse() };
}
