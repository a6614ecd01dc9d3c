import type { ChatChunk, ChatRequest, ChatResponse, EmbeddingRequest, EmbeddingResponse } from '../model-types.js';

/** Which wire format an endpoint's server speaks. */
/**
 * 'local': embeddings computed in process (no server, no download); 'agent': a Loch agent, served
 * by the agent runner, never by a provider.
 */
export type ProviderKind = 'openai' | 'anthropic' | 'local' | 'agent';

/** Where and how to reach one model server; built by the gateway from an endpoint definition and its secret. */
export interface ProviderTarget {
  /**
   * The API base URL, e.g. `https://api.openai.com/v1`, `http://127.0.0.1:8000/v1` (vLLM),
   * `https://api.anthropic.com`. Paths are appended: `/chat/completions`, `/embeddings`
   * (OpenAI) or `/v1/messages` (Anthropic; a base ending in `/v1` is accepted too).
   */
  readonly url: string;
  /** The provider's model id (sent as `model`). */
  readonly model: string;
  /** The API key (from a secret), if the server wants one: `Authorization: Bearer` / `x-api-key`. */
  readonly apiKey?: string;
  /** Extra request headers (e.g. `anthropic-version`, an org id); never logged. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Give up on one attempt after this long (connect to last byte; for streams, between events). */
  readonly timeoutMs: number;
}

/**
 * The port to one model server. Contract:
 * - One call is one HTTP attempt: no retries, no fallbacks, no limits (the gateway does those).
 * - Success returns the response in Loch's (OpenAI) shape, `model` as the server reported it.
 * - Failure throws a ProviderError (provider-error.ts): `status` is the HTTP status (0 when the
 *   connection failed, timed out or dropped), `retryAfterMs` the parsed `Retry-After` /
 *   `retry-after-ms` header, `retryable` true for 408/409/429/5xx and connection failures. The
 *   message names the provider, the URL's host and the status, and never contains the API key.
 * - `signal` aborts the attempt at once (CANCELLED); the timeout aborts it with a retryable
 *   status-0 ProviderError.
 * - `chatStream` yields each chunk as the server sends it (SSE), then ends; a dropped stream
 *   throws a ProviderError after the chunks already received. The last chunk carries `usage`
 *   when the server reports it.
 */
export interface ModelProvider {
  readonly kind: ProviderKind;
  chat(target: ProviderTarget, request: ChatRequest, signal?: AbortSignal): Promise<ChatResponse>;
  chatStream(target: ProviderTarget, request: ChatRequest, signal?: AbortSignal): AsyncIterable<ChatChunk>;
  /** Embeddings; the Anthropic provider throws INVALID_ARGUMENT (Anthropic has no embeddings API). */
  embed(target: ProviderTarget, request: EmbeddingRequest, signal?: AbortSignal): Promise<EmbeddingResponse>;
}
