import { LochError, isLochError } from '../../core/errors.js';
import { providerError } from './provider-error.js';
import type { ProviderKind, ProviderTarget } from './provider.js';
import { SseParser } from './sse.js';
import type { SseEvent } from './sse.js';

/**
 * The one HTTP path of the model providers: a POST of JSON through Node's fetch, with the
 * attempt's timeout, the caller's cancellation and every failure turned into a ProviderError
 * (provider-error.ts) whose message names the provider and host but never the key.
 */

/** One HTTP attempt at a model server. */
export interface ProviderCall {
  readonly provider: ProviderKind;
  readonly target: ProviderTarget;
  /** Full URL of the operation. */
  readonly url: string;
  /** Request headers, secrets included: never put in messages or contexts. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: unknown;
  readonly signal?: AbortSignal;
  /** Clock for HTTP-date `Retry-After` values (default Date.now). */
  readonly now?: () => number;
}

const MAX_PROVIDER_MESSAGE = 300;

/**
 * The status reported for a 2xx answer Loch cannot read (not JSON, missing fields): 502, a bad
 * answer from upstream — retryable, like any transient server fault.
 */
export const MALFORMED_STATUS = 502;

/** `http://h:1/v1/` + `/chat/completions` → `http://h:1/v1/chat/completions`. */
export function joinUrl(base: string, path: string): string {
  return base.replace(/\/+$/, '') + path;
}

/** "ai provider openai (127.0.0.1:5123)": how every provider message starts. */
export function providerLabel(provider: ProviderKind, url: string): string {
  let host: string;
  try {
    host = new URL(url).host;
  } catch {
    host = 'invalid url';
  }
  return `ai provider ${provider} (${host})`;
}

/**
 * Milliseconds to wait from `retry-after-ms` (milliseconds), else `retry-after` (seconds or an
 * HTTP date, relative to `now`); undefined when absent or unreadable. Never negative.
 */
export function parseRetryAfter(headers: Headers, now: number): number | undefined {
  const ms = headers.get('retry-after-ms');
  if (ms !== null && /^\s*\d+(\.\d+)?\s*$/.test(ms)) return Math.round(Number(ms));
  const value = headers.get('retry-after')?.trim();
  if (value === undefined || value === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * Removes an API key from provider text: the key itself, any word sharing a 4+ character
 * fragment with it (providers echo masked keys like "sk-ab***wxyz"), and anything shaped like an
 * OpenAI or Anthropic key.
 */
export function redactSecret(text: string, key: string | undefined): string {
  let out = text.replace(/\b(sk-(?:ant-)?)[A-Za-z0-9_\-*.]{4,}/g, '$1[redacted]');
  if (key === undefined || key.length === 0) return out;
  out = out.split(key).join('[redacted]');
  return out.replace(/[A-Za-z0-9_\-.*]{6,}/g, (word) => (word.split('*').some((part) => part.length >= 4 && key.includes(part)) ? '[redacted]' : word));
}

const STATUS_WORDS: Readonly<Record<number, string>> = {
  400: 'bad request', 401: 'unauthorized', 403: 'forbidden', 404: 'not found', 408: 'request timeout',
  409: 'conflict', 413: 'request too large', 422: 'unprocessable', 429: 'rate limited', 500: 'server error',
  502: 'bad gateway', 503: 'service unavailable', 504: 'gateway timeout', 529: 'overloaded',
};

/**
 * The provider's own error message in a response body (OpenAI, Anthropic, Ollama and plain-text
 * shapes), with `key` redacted before it is cut to 300 characters (so no fragment of it survives).
 */
export function providerMessageOf(text: string, key?: string): string {
  let message = text;
  try {
    const body = JSON.parse(text) as Record<string, unknown>;
    const error = body['error'];
    const candidate = typeof error === 'string' ? error
      : typeof error === 'object' && error !== null ? (error as Record<string, unknown>)['message']
        : body['message'] ?? body['detail'];
    if (typeof candidate === 'string') message = candidate;
  } catch {
    // not JSON: the text is the message
  }
  message = redactSecret(message.replace(/\s+/g, ' ').trim(), key);
  return message.length > MAX_PROVIDER_MESSAGE ? `${message.slice(0, MAX_PROVIDER_MESSAGE)}…` : message;
}

/** The ProviderError of a non-2xx answer. */
export function httpStatusError(call: ProviderCall, status: number, bodyText: string, retryAfterMs: number | undefined): LochError {
  const words = STATUS_WORDS[status];
  const said = providerMessageOf(bodyText, call.target.apiKey);
  const message = `${providerLabel(call.provider, call.url)}: HTTP ${status}${words !== undefined ? ` ${words}` : ''}${said !== '' ? `: ${said}` : ''}`;
  return providerError(message, { status, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) });
}

/** The error-shaped fact of a failed fetch, e.g. "fetch failed (ECONNREFUSED)". */
function describeFailure(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause as { code?: unknown; message?: unknown } | undefined;
  const detail = typeof cause?.code === 'string' ? cause.code : typeof cause?.message === 'string' ? cause.message : undefined;
  return detail !== undefined ? `${error.message} (${detail})` : error.message;
}

/** One attempt's abort controller: the caller's signal and the timeout both end it, and it knows which did. */
class Attempt {
  readonly controller = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private timedOut = false;
  private readonly onCallerAbort = (): void => this.controller.abort();

  constructor(private readonly call: ProviderCall) {
    if (call.signal?.aborted === true) this.controller.abort();
    else call.signal?.addEventListener('abort', this.onCallerAbort, { once: true });
  }

  /** (Re)starts the timeout. */
  arm(): void {
    this.disarm();
    this.timer = setTimeout(() => {
      this.timedOut = true;
      this.controller.abort();
    }, this.call.target.timeoutMs);
  }

  disarm(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Releases the timer and listener, and aborts the request if it is still open. */
  finish(): void {
    this.disarm();
    this.call.signal?.removeEventListener('abort', this.onCallerAbort);
    this.controller.abort();
  }

  /** The LochError for anything thrown while the attempt ran. */
  failure(error: unknown, during: string): LochError {
    const label = providerLabel(this.call.provider, this.call.url);
    if (this.call.signal?.aborted === true) return new LochError('CANCELLED', `${label}: request cancelled by the caller ${during}`);
    if (isLochError(error)) return error;
    if (this.timedOut) return providerError(`${label}: no answer within ${this.call.target.timeoutMs} ms ${during}`, { status: 0 });
    return providerError(`${label}: connection failed ${during}: ${describeFailure(error)}`, { status: 0 }, error);
  }
}

async function send(call: ProviderCall, attempt: Attempt, accept: string): Promise<Response> {
  attempt.arm();
  if (call.signal?.aborted === true) throw attempt.failure(undefined, 'before sending');
  let response: Response;
  try {
    response = await fetch(call.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept, ...call.headers },
      body: JSON.stringify(call.body),
      signal: attempt.controller.signal,
    });
  } catch (error) {
    throw attempt.failure(error, 'before the response');
  }
  if (response.ok) return response;
  const retryAfter = parseRetryAfter(response.headers, (call.now ?? Date.now)());
  const text = await response.text().catch(() => '');
  throw httpStatusError(call, response.status, text, retryAfter);
}

/** POSTs JSON and returns the parsed JSON answer; the timeout covers connecting to the last byte. */
export async function postJson(call: ProviderCall): Promise<unknown> {
  const attempt = new Attempt(call);
  try {
    const response = await send(call, attempt, 'application/json');
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      throw attempt.failure(error, 'while reading the response');
    }
    try {
      return JSON.parse(text);
    } catch {
      throw providerError(`${providerLabel(call.provider, call.url)}: malformed answer: HTTP ${response.status} body is not JSON: ${providerMessageOf(text, call.target.apiKey)}`, { status: MALFORMED_STATUS });
    }
  } catch (error) {
    throw attempt.failure(error, 'before the response');
  } finally {
    attempt.finish();
  }
}

/**
 * POSTs JSON and yields the SSE events of the answer as they arrive. The timeout covers the wait
 * for the response headers and then each wait for more bytes (not the consumer's own time).
 * Breaking out of the loop closes the connection.
 */
export async function* postSse(call: ProviderCall): AsyncGenerator<SseEvent> {
  const attempt = new Attempt(call);
  try {
    const response = await send(call, attempt, 'text/event-stream');
    attempt.disarm();
    if (response.body === null) return;
    const reader = response.body.getReader();
    const decoder = new TextDecoder('utf-8');
    const parser = new SseParser();
    for (;;) {
      attempt.arm();
      let chunk: Awaited<ReturnType<typeof reader.read>>;
      try {
        chunk = await reader.read();
      } catch (error) {
        throw attempt.failure(error, 'in the middle of the stream');
      }
      attempt.disarm();
      if (chunk.done) break;
      yield* parser.push(decoder.decode(chunk.value, { stream: true }));
    }
    yield* parser.push(decoder.decode());
    yield* parser.end();
  } catch (error) {
    throw attempt.failure(error, 'before the response');
  } finally {
    attempt.finish();
  }
}
