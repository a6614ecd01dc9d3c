import type { ChatChunk, ChatResponse, EmbeddingResponse, FinishReason, ToolCall } from '../model-types.js';
import type { LochError } from '../../core/errors.js';
import { providerError } from './provider-error.js';
import { MALFORMED_STATUS, joinUrl, postJson, postSse, providerLabel, redactSecret } from './provider-http.js';
import type { ProviderCall } from './provider-http.js';
import type { ModelProvider, ProviderTarget } from './provider.js';

/** Settings of the OpenAI-compatible provider (tests inject the clock). */
export interface OpenAiProviderOptions {
  /** Epoch milliseconds, for `created` defaults and HTTP-date Retry-After (default Date.now). */
  readonly now?: () => number;
}

/**
 * The provider for OpenAI-compatible servers (OpenAI, vLLM, llama.cpp, Ollama, LM Studio,
 * Databricks): `POST <url>/chat/completions` and `<url>/embeddings`, `Authorization: Bearer` when
 * the target has a key. Requests pass through as they are (tools, tool_choice, response_format,
 * stream_options…) with `model` = target.model. Answers from lenient servers that leave out
 * fields (`id`, `object`, `created`, `model`, tool-call ids) get defaults, so callers always see
 * the full shape.
 */
export function openAiProvider(options: OpenAiProviderOptions = {}): ModelProvider {
  const now = options.now ?? Date.now;
  const call = (target: ProviderTarget, path: string, body: unknown, signal: AbortSignal | undefined): ProviderCall => ({
    provider: 'openai',
    target,
    url: joinUrl(target.url, path),
    headers: { ...(target.apiKey !== undefined ? { authorization: `Bearer ${target.apiKey}` } : {}), ...target.headers },
    body,
    ...(signal !== undefined ? { signal } : {}),
    now,
  });
  return {
    kind: 'openai',
    async chat(target, request, signal) {
      const { stream_options: _ignored, ...rest } = request;
      const c = call(target, '/chat/completions', { ...rest, model: target.model, stream: false }, signal);
      return normalizeResponse(c, await postJson(c), now);
    },
    async *chatStream(target, request, signal) {
      const c = call(target, '/chat/completions', { ...request, model: target.model, stream: true }, signal);
      let finished = false;
      for await (const event of postSse(c)) {
        if (event.data.trim() === '[DONE]') return;
        const chunk = normalizeChunk(c, parseEvent(c, event.data), now);
        if (chunk.choices.some((choice) => choice.finish_reason !== null)) finished = true;
        yield chunk;
      }
      // Some servers end without [DONE]; a stream that also never finished a choice was cut off.
      if (!finished) throw providerError(`${providerLabel('openai', c.url)}: stream ended before its last chunk`, { status: 0 });
    },
    async embed(target, request, signal) {
      const c = call(target, '/embeddings', { ...request, model: target.model }, signal);
      return normalizeEmbeddings(c, await postJson(c));
    },
  };
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function malformed(c: ProviderCall, what: string): LochError {
  return providerError(`${providerLabel(c.provider, c.url)}: malformed answer: ${what}`, { status: MALFORMED_STATUS });
}

/** A streamed event's JSON; an `{error}` event (vLLM, llama.cpp) becomes the ProviderError it describes. */
function parseEvent(c: ProviderCall, data: string): Json {
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    throw malformed(c, `stream event is not JSON: ${redactSecret(data, c.target.apiKey).slice(0, 100)}`);
  }
  if (!isObject(value)) throw malformed(c, 'stream event is not an object');
  const error = value['error'];
  if (error !== undefined && error !== null) {
    const e = isObject(error) ? error : { message: String(error) };
    const status = typeof e['code'] === 'number' ? e['code'] : 500;
    const message = redactSecret(String(e['message'] ?? 'error'), c.target.apiKey).slice(0, 300);
    throw providerError(`${providerLabel(c.provider, c.url)}: error in the stream (${status}): ${message}`, { status });
  }
  return value;
}

function text(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map((p) => (isObject(p) && typeof p['text'] === 'string' ? p['text'] : '')).join('');
  return null;
}

/** Tool calls with ids and string arguments, whatever the server sent. */
function toolCalls(value: unknown, prefix: string): ToolCall[] | undefined {
  if (!Array.isArray(value) || value.length === 0) return undefined;
  return value.filter(isObject).map((call, i) => {
    const fn = isObject(call['function']) ? call['function'] : {};
    const args = fn['arguments'];
    return {
      id: typeof call['id'] === 'string' && call['id'] !== '' ? call['id'] : `${prefix}_${i}`,
      type: 'function' as const,
      function: { name: String(fn['name'] ?? ''), arguments: typeof args === 'string' ? args : JSON.stringify(args ?? {}) },
    };
  });
}

function finishReason(value: unknown): FinishReason | null {
  return typeof value === 'string' && value !== '' ? (value as FinishReason) : null;
}

function usageOf(value: unknown): ChatResponse['usage'] {
  if (!isObject(value)) return undefined;
  const prompt = Number(value['prompt_tokens'] ?? 0);
  const completion = Number(value['completion_tokens'] ?? 0);
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: Number(value['total_tokens'] ?? prompt + completion) };
}

function normalizeResponse(c: ProviderCall, body: unknown, now: () => number): ChatResponse {
  if (!isObject(body) || !Array.isArray(body['choices'])) throw malformed(c, 'chat completion without choices');
  const created = typeof body['created'] === 'number' ? body['created'] : Math.floor(now() / 1000);
  const id = typeof body['id'] === 'string' ? body['id'] : `chatcmpl-${created}`;
  const choices = body['choices'].filter(isObject).map((choice, index) => {
    const message = isObject(choice['message']) ? choice['message'] : {};
    const calls = toolCalls(message['tool_calls'], `call_${id}_${index}`);
    return {
      index: typeof choice['index'] === 'number' ? choice['index'] : index,
      message: { role: 'assistant' as const, content: text(message['content']), ...(calls !== undefined ? { tool_calls: calls } : {}) },
      finish_reason: finishReason(choice['finish_reason']),
    };
  });
  const usage = usageOf(body['usage']);
  return { id, object: 'chat.completion', created, model: typeof body['model'] === 'string' ? body['model'] : c.target.model, choices, ...(usage !== undefined ? { usage } : {}) };
}

type ChunkToolCall = NonNullable<ChatChunk['choices'][number]['delta']['tool_calls']>[number];

function chunkToolCalls(value: unknown): ChunkToolCall[] | undefined {
  if (!Array.isArray(value)) return undefined;
  return value.filter(isObject).map((call, i) => {
    const fn = isObject(call['function']) ? call['function'] : undefined;
    const args = fn?.['arguments'];
    return {
      index: typeof call['index'] === 'number' ? call['index'] : i,
      ...(typeof call['id'] === 'string' ? { id: call['id'] } : {}),
      ...(call['type'] === 'function' ? { type: 'function' as const } : {}),
      ...(fn !== undefined ? { function: {
        ...(typeof fn['name'] === 'string' ? { name: fn['name'] } : {}),
        ...(args !== undefined ? { arguments: typeof args === 'string' ? args : JSON.stringify(args) } : {}),
      } } : {}),
    };
  });
}

function normalizeChunk(c: ProviderCall, body: Json, now: () => number): ChatChunk {
  const created = typeof body['created'] === 'number' ? body['created'] : Math.floor(now() / 1000);
  const choices = (Array.isArray(body['choices']) ? body['choices'] : []).filter(isObject).map((choice, index) => {
    const delta = isObject(choice['delta']) ? choice['delta'] : {};
    const calls = chunkToolCalls(delta['tool_calls']);
    const content = delta['content'];
    return {
      index: typeof choice['index'] === 'number' ? choice['index'] : index,
      delta: {
        ...(delta['role'] === 'assistant' ? { role: 'assistant' as const } : {}),
        ...(content !== undefined ? { content: text(content) } : {}),
        ...(calls !== undefined ? { tool_calls: calls } : {}),
      },
      finish_reason: finishReason(choice['finish_reason']),
    };
  });
  const usage = usageOf(body['usage']);
  return {
    id: typeof body['id'] === 'string' ? body['id'] : `chatcmpl-${created}`,
    object: 'chat.completion.chunk',
    created,
    model: typeof body['model'] === 'string' ? body['model'] : c.target.model,
    choices,
    ...(usage !== undefined ? { usage } : {}),
  };
}

/** Float vectors, also from base64 little-endian float32 (what some servers send regardless). */
function vectorOf(c: ProviderCall, value: unknown, index: number): number[] {
  if (Array.isArray(value) && value.every((v) => typeof v === 'number')) return value as number[];
  if (typeof value === 'string') {
    const bytes = Buffer.from(value, 'base64');
    return Array.from(new Float32Array(bytes.buffer, bytes.byteOffset, Math.floor(bytes.byteLength / 4)));
  }
  throw malformed(c, `embedding ${index} is not a list of numbers`);
}

function normalizeEmbeddings(c: ProviderCall, body: unknown): EmbeddingResponse {
  if (!isObject(body) || !Array.isArray(body['data'])) throw malformed(c, 'embeddings answer without data');
  const data = body['data'].filter(isObject).map((item, i) => {
    const index = typeof item['index'] === 'number' ? item['index'] : i;
    return { object: 'embedding' as const, index, embedding: vectorOf(c, item['embedding'], index) };
  }).sort((a, b) => a.index - b.index);
  const usage = isObject(body['usage']) ? body['usage'] : {};
  const prompt = Number(usage['prompt_tokens'] ?? 0);
  return { object: 'list', data, model: typeof body['model'] === 'string' ? body['model'] : c.target.model, usage: { prompt_tokens: prompt, total_tokens: Number(usage['total_tokens'] ?? prompt) } };
}
