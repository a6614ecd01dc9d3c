import type { Catalog, ObjectName } from '../../catalog/catalog-types.js';
import type { EndpointInfo } from '../endpoint-types.js';
import type { TraceContext } from '../tracing/trace-types.js';
import type { ChatChunk, ChatRequest, ChatResponse, EmbeddingRequest, EmbeddingResponse } from '../model-types.js';

/** Which door a model call came through (the inference log's `source`). */
export type CallSource = 'sql' | 'http' | 'openai' | 'agent' | 'api';

export interface InvokeOptions {
  /**
   * The caller's governed catalog (`loch.catalogFor(principal)` / the session's): the endpoint
   * is looked up through it and EXECUTE is authorized on it (and on each fallback actually
   * tried), so refusals are audited as the caller's. The caller's name goes to the log.
   */
  readonly catalog: Catalog;
  readonly source: CallSource;
  /** Aborts waiting (queue, backoff) and the attempt in flight: CANCELLED. */
  readonly signal?: AbortSignal;
  /** Correlates log rows with a statement or HTTP request. */
  readonly requestId?: string;
  /** The span this call's span hangs under; without it the call is a trace of its own. */
  readonly trace?: TraceContext;
}

/**
 * Model endpoints as a service: every door (SQL functions, the serving-endpoints HTTP API, the
 * OpenAI-compatible route, agents) calls models only through this. Contract:
 * - Governance: PERMISSION_DENIED unless the caller holds EXECUTE on the endpoint (catalog
 *   rules: USE CATALOG/USE SCHEMA too); the API key is read from its secret with the endpoint
 *   owner's rights, never the caller's, and never appears in errors or logs.
 * - Limits per endpoint, shared by every caller in this process: at most `maxConcurrency`
 *   attempts in flight (waiters queue FIFO), at most `requestsPerMinute` attempts started.
 *   A backoff wait holds no slot; a stream holds its slot until it ends or its reader stops.
 *   An altered endpoint's new limits apply to the calls that start after the change.
 * - Retries: retryable failures (429, 5xx, 408, connection failures, timeouts) are retried up to
 *   `maxRetries` times with exponential backoff and full jitter; a `Retry-After` longer than the
 *   backoff is honoured. Non-retryable failures (400, 401…) fail at once.
 * - Fallbacks: when the endpoint still fails with a retryable error, each fallback endpoint is
 *   tried in order (EXECUTE checked on each); the log records which endpoint served. A
 *   fallback the caller may not execute, that is gone, serves another task or whose key cannot
 *   be read is skipped; fallbacks of fallbacks are not followed. When none serves, the
 *   primary's error is thrown, its message saying what became of each fallback.
 * - Cache: with `cache` on, a deterministic request (temperature 0, or any embedding request) is
 *   answered from memory when an identical one succeeded within the TTL (logged `cached`).
 * - Streams: retries and fallbacks happen only before the first chunk; after it a failure ends
 *   the stream with the error.
 * - Every call (success or failure) produces one InferenceEvent, after it ends (a call refused
 *   before its endpoint was read has provider and model ''; a stream whose reader stops early
 *   is logged `cancelled`).
 * Errors: NOT_FOUND for an unknown endpoint the caller may see, INVALID_ARGUMENT for a request
 * the endpoint's task cannot serve (chat on an embeddings endpoint), the provider's LochError
 * (provider-error.ts) when attempts are exhausted, CANCELLED when `signal` aborts.
 */
export interface ModelGateway {
  chat(endpoint: ObjectName, request: ChatRequest, options: InvokeOptions): Promise<ChatResponse>;
  chatStream(endpoint: ObjectName, request: ChatRequest, options: InvokeOptions): AsyncIterable<ChatChunk>;
  embed(endpoint: ObjectName, request: EmbeddingRequest, options: InvokeOptions): Promise<EmbeddingResponse>;
  /** The endpoint as the caller sees it, EXECUTE authorized (for batch sizing and task checks). */
  resolve(endpoint: ObjectName, options: InvokeOptions): Promise<EndpointInfo>;
}

/** One model call as the inference log records it (`system.ai.inference_log`). */
export interface InferenceEvent {
  readonly requestId: string;
  /** Epoch ms when the call started. */
  readonly startedAt: number;
  readonly latencyMs: number;
  /** Full name of the endpoint called. */
  readonly endpoint: string;
  /** The endpoint that answered (a fallback's name, or `endpoint`); undefined when none did. */
  readonly servedBy?: string;
  readonly provider: string;
  readonly model: string;
  readonly task: 'chat' | 'embeddings';
  readonly caller: string;
  readonly source: CallSource;
  readonly status: 'success' | 'error' | 'cancelled';
  /** The last HTTP status seen (0: no response). */
  readonly httpStatus?: number;
  readonly errorCode?: string;
  readonly errorMessage?: string;
  readonly attempts: number;
  readonly cached: boolean;
  readonly streamed: boolean;
  readonly promptTokens: number;
  readonly completionTokens: number;
  /** From the endpoint's prices; undefined without prices. */
  readonly cost?: number;
  /** JSON text of the request and response, when sampled (see logSampleRate); never headers or keys. */
  readonly request?: string;
  readonly response?: string;
}

/** Where inference events go. `record` never throws and never blocks the call; `flush` writes what is queued. */
export interface InferenceSink {
  record(event: InferenceEvent): void;
  flush(): Promise<void>;
}

export const NO_INFERENCE_LOG: InferenceSink = { record: () => {}, flush: async () => {} };
