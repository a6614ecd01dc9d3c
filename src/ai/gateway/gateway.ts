import type { Clock } from '../../core/clock.js';
import type { IdSource } from '../../core/ids.js';
import type { SecretStore } from '../../catalog/secrets/secret-store.js';
import type { IdentityStore } from '../../catalog/governance/identity-store.js';
import type { ModelProvider, ProviderKind } from '../providers/provider.js';
import type { AgentChat } from '../agents/agent-types.js';
import type { Tracer } from '../tracing/trace-types.js';
import type { InferenceSink, ModelGateway } from './gateway-types.js';
import { Gateway } from './model-gateway.js';

export interface GatewayOptions {
  readonly secrets: SecretStore;
  /** Resolves endpoint owners (definer rights for reading API keys). */
  readonly identity: IdentityStore;
  readonly providers: Readonly<Partial<Record<ProviderKind, ModelProvider>>>;
  readonly clock: Clock;
  readonly ids: IdSource;
  /** Waits `ms` (backoff, rate limits); rejects with CANCELLED when `signal` aborts. Injected for tests. */
  readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Uniform [0, 1): backoff jitter and log sampling. Injected for tests. */
  readonly random: () => number;
  readonly log: InferenceSink;
  /**
   * How long an endpoint resolved and authorized for one caller, and its API key, are reused
   * (ms; default 1000, 0 = every call resolves): see ResolutionMemo.
   */
  readonly resolveTtlMs?: number;
  /** Serves endpoints whose provider is 'agent' (bound late: agents call models through this gateway). */
  readonly agents?: () => AgentChat | undefined;
  /** Where each call's span goes (default none). */
  readonly tracer?: Tracer;
}

/**
 * The ModelGateway over `options.providers`: endpoints resolved and EXECUTE-authorized through
 * each call's catalog, keys read with the owner's rights, per-endpoint limits shared by every
 * caller of this gateway, retries, fallbacks, cache, one inference event per call.
 */
export function createGateway(options: GatewayOptions): ModelGateway {
  return new Gateway(options);
}
