import type { ObjectName } from '../catalog/catalog-types.js';
import type { EndpointTask } from './model-types.js';
import type { ProviderKind } from './providers/provider.js';

/** A secret by scope and key (`loch secret put <scope> <key>`). */
export interface SecretRef {
  readonly scope: string;
  readonly key: string;
}

/**
 * How an endpoint protects itself and its provider. Every field has a default (below), so a
 * definition stored by an older Loch still reads.
 */
export interface EndpointLimits {
  /** One attempt's time limit (ms); default 60 000. */
  readonly timeoutMs: number;
  /** Retries after the first attempt on 429/5xx/connection failures; default 3. */
  readonly maxRetries: number;
  /** First backoff (ms), doubled per retry with full jitter, capped by maxBackoffMs; `Retry-After` wins when longer. Default 500. */
  readonly backoffMs: number;
  /** Default 30 000. */
  readonly maxBackoffMs: number;
  /** Requests in flight at once, over every caller of this process; default 8. */
  readonly maxConcurrency: number;
  /** Requests started per minute (token bucket, burst = a second's worth, at least 1); undefined = unlimited. */
  readonly requestsPerMinute?: number;
}

export const DEFAULT_LIMITS: EndpointLimits = { timeoutMs: 60_000, maxRetries: 3, backoffMs: 500, maxBackoffMs: 30_000, maxConcurrency: 8 };

/** Prices for the usage table's cost column, in the currency the operator chooses (USD assumed in docs). */
export interface EndpointPrices {
  readonly inputPerMillionTokens: number;
  readonly outputPerMillionTokens: number;
}

/**
 * What `CREATE MODEL ENDPOINT` stores (the catalog keeps it as the object's definition document,
 * JSON). The API key is never here: only where to find it.
 */
export interface EndpointDefinition {
  readonly provider: ProviderKind;
  readonly task: EndpointTask;
  /** The provider's base URL (see ProviderTarget.url). */
  readonly url: string;
  /** The provider's model id. */
  readonly model: string;
  readonly apiKey?: SecretRef;
  /** Extra headers sent to the provider (not secret: shown by DESCRIBE). */
  readonly headers?: Readonly<Record<string, string>>;
  readonly limits: EndpointLimits;
  /**
   * Endpoints to try, in order, when this one fails after its retries with a retryable error
   * (full names `catalog.schema.name`). The caller needs EXECUTE on each one used.
   */
  readonly fallbacks: readonly string[];
  /**
   * Keep responses to deterministic requests (temperature 0, or embeddings) and answer repeats
   * from memory; default false. Entries live `cacheTtlMs` (default 1 h), at most 10 000 per endpoint.
   */
  readonly cache: boolean;
  readonly cacheTtlMs?: number;
  readonly prices?: EndpointPrices;
  /**
   * Fraction of successful requests whose request and response text land in
   * `system.ai.inference_log` (0–1, default 1). Failures and usage are always recorded.
   */
  readonly logSampleRate: number;
  /** Default parameters merged under each request (temperature, max_tokens…). */
  readonly defaults?: Readonly<Record<string, unknown>>;
  /** For provider 'agent': the agent definition (validated by the agents layer: agents/agent-definition.ts). */
  readonly agent?: Readonly<Record<string, unknown>>;
}

/** A model endpoint as the catalog lists it. */
export interface EndpointInfo {
  readonly name: ObjectName;
  readonly owner: string;
  readonly comment?: string;
  readonly createdAt: number;
  readonly createdBy: string;
  readonly updatedAt: number;
  readonly definition: EndpointDefinition;
}
