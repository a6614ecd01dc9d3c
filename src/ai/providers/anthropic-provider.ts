import { LochError } from '../../core/errors.js';
import type { ChatChunk } from '../model-types.js';
import { finishReasonOf, formatText, fromMessagesResponse, toMessagesRequest, usageOf } from './anthropic-mapping.js';
import type { FormatTool } from './anthropic-mapping.js';
import { providerError } from './provider-error.js';
import { MALFORMED_STATUS, joinUrl, postJson, postSse, providerLabel, redactSecret } from './provider-http.js';
import type { ProviderCall } from './provider-http.js';
import type { ModelProvider, ProviderTarget } from './provider.js';
import type { SseEvent } from './sse.js';

/** Settings of the Anthropic provider (tests inject the clock). */
export interface AnthropicProviderOptions {
  /** Epoch milliseconds, for `created` and HTTP-date Retry-After (default Date.now). */
  readonly now?: () => number;
}

/** The `anthropic-version` header sent unless the target's headers set another. */
export const ANTHROPIC_VERSION = '2023-06-01';

/** `https://api.anthropic.com` or `…/v1` → `…/v1/messages`. */
export function messagesUrl(base: string): string {
  const trimmed = base.replace(/\/+$/, '');
  return trimmed.endsWith('/v1') ? joinUrl(trimmed, '/messages') : joinUrl(trimmed, '/v1/messages');
}

/**
 * The provider for Anthropic's Messages API (`POST <url>/v1/messages`, `x-api-key`,
 * `anthropic-version`). Requests and answers are translated by anthropic-mapping.ts; streams
 * become OpenAI chunks (role first, text and tool-argument deltas, then one chunk with the
 * finish_reason and usage). `embed` throws INVALID_ARGUMENT: Anthropic has no embeddings API.
 */
export function anthropicProvider(options: AnthropicProviderOptions = {}): ModelProvider {
  const now = options.now ?? Date.now;
  const call = (target: ProviderTarget, body: unknown, signal: AbortSignal | undefined): ProviderCall => ({
    provider: 'anthropic',
    target,
    url: messagesUrl(target.url),
    headers: { 'anthropic-version': ANTHROPIC_VERSION, ...(target.apiKey !== undefined ? { 'x-api-key': target.apiKey } : {}), ...target.headers },
    body,
    ...(signal !== undefined ? { signal } : {}),
    now,
  });
  return {
    kind: 'anthropic',
    async chat(target, request, signal) {
      const { body, format } = toMessagesRequest(target.model, request, false);
      const c = call(target, body, signal);
      const answer = await postJson(c);
      if (typeof answer !== 'object' || answer === null || !Array.isArray((answer as Record<string, unknown>)['content'])) {
        throw providerError(`${providerLabel('anthropic', c.url)}: malformed answer: message without content`, { status: MALFORMED_STATUS });
      }
      return fromMessagesResponse(answer as Record<string, unknown>, target.model, Math.floor(now() / 1000), format);
    },
    async *chatStream(target, request, signal) {
      const { body, format } = toMessagesRequest(target.model, request, true);
      const c = call(target, body, signal);
      const state = new StreamState(c, format, Math.floor(now() / 1000));
      for await (const event of postSse(c)) {
        yield* state.accept(event);
        if (state.finished) return;
      }
      throw providerError(`${providerLabel('anthropic', c.url)}: stream ended before message_stop`, { status: 0 });
    },
    embed() {
      return Promise.reject(new LochError('INVALID_ARGUMENT', 'ai provider anthropic: Anthropic has no embeddings API; use an OpenAI-compatible endpoint for embeddings'));
    },
  };
}

const ERROR_STATUS: Readonly<Record<string, number>> = {
  invalid_request_error: 400, authentication_error: 401, permission_error: 403, not_found_error: 404,
  request_too_large: 413, rate_limit_error: 429, api_error: 500, overloaded_error: 529,
};

type Json = Record<string, unknown>;
type Delta = ChatChunk['choices'][number]['delta'];
type BlockState = { kind: 'text' } | { kind: 'tool'; toolIndex: number } | { kind: 'format'; buffer: string } | { kind: 'other' };

function obj(value: unknown): Json {
  return typeof value === 'object' && value !== null ? (value as Json) : {};
}

/** Turns Messages stream events into chat.completion.chunk objects. */
class StreamState {
  finished = false;
  private id: string;
  private model: string;
  private startUsage: Json = {};
  private endUsage: Json = {};
  private stopReason: unknown;
  private readonly blocks = new Map<number, BlockState>();
  private tools = 0;

  constructor(private readonly call: ProviderCall, private readonly format: FormatTool | undefined, private readonly created: number) {
    this.id = `msg-${created}`;
    this.model = call.target.model;
  }

  *accept(event: SseEvent): Generator<ChatChunk> {
    const data = this.parse(event);
    const type = data['type'] ?? event.event;
    if (type === 'message_start') {
      const message = obj(data['message']);
      if (typeof message['id'] === 'string') this.id = message['id'];
      if (typeof message['model'] === 'string') this.model = message['model'];
      this.startUsage = obj(message['usage']);
      yield this.chunk({ role: 'assistant', content: '' });
    } else if (type === 'content_block_start') yield* this.blockStart(Number(data['index']), obj(data['content_block']));
    else if (type === 'content_block_delta') yield* this.blockDelta(Number(data['index']), obj(data['delta']));
    else if (type === 'content_block_stop') yield* this.blockStop(Number(data['index']));
    else if (type === 'message_delta') {
      this.stopReason = obj(data['delta'])['stop_reason'];
      this.endUsage = obj(data['usage']);
    } else if (type === 'message_stop') {
      this.finished = true;
      const usage = usageOf({ ...this.startUsage, ...this.endUsage });
      const finish = this.tools === 0 && this.format !== undefined && this.stopReason === 'tool_use' ? 'stop' : finishReasonOf(this.stopReason) ?? 'stop';
      yield { ...this.chunk({}, finish), usage };
    } else if (type === 'error') throw this.streamError(obj(data['error']));
  }

  private *blockStart(index: number, block: Json): Generator<ChatChunk> {
    if (block['type'] === 'text') {
      this.blocks.set(index, { kind: 'text' });
      if (typeof block['text'] === 'string' && block['text'] !== '') yield this.chunk({ content: block['text'] });
    } else if (block['type'] === 'tool_use' && this.format !== undefined && block['name'] === this.format.name) {
      this.blocks.set(index, { kind: 'format', buffer: '' });
    } else if (block['type'] === 'tool_use') {
      const toolIndex = this.tools++;
      this.blocks.set(index, { kind: 'tool', toolIndex });
      const id = typeof block['id'] === 'string' ? block['id'] : `toolu_${toolIndex}`;
      yield this.chunk({ tool_calls: [{ index: toolIndex, id, type: 'function', function: { name: String(block['name'] ?? ''), arguments: '' } }] });
    } else this.blocks.set(index, { kind: 'other' });
  }

  private *blockDelta(index: number, delta: Json): Generator<ChatChunk> {
    const block = this.blocks.get(index);
    if (block?.kind === 'text' && delta['type'] === 'text_delta' && typeof delta['text'] === 'string') yield this.chunk({ content: delta['text'] });
    if (delta['type'] !== 'input_json_delta' || typeof delta['partial_json'] !== 'string' || delta['partial_json'] === '') return;
    const fragment = delta['partial_json'];
    if (block?.kind === 'tool') yield this.chunk({ tool_calls: [{ index: block.toolIndex, function: { arguments: fragment } }] });
    else if (block?.kind === 'format') {
      // A wrapped schema's JSON is only known once the block ends; an object schema streams as text.
      if (this.format?.wrapped === true) block.buffer += fragment;
      else yield this.chunk({ content: fragment });
    }
  }

  private *blockStop(index: number): Generator<ChatChunk> {
    const block = this.blocks.get(index);
    if (block?.kind !== 'format' || this.format?.wrapped !== true) return;
    let input: unknown;
    try {
      input = JSON.parse(block.buffer === '' ? '{}' : block.buffer);
    } catch {
      throw providerError(`${providerLabel('anthropic', this.call.url)}: malformed answer: structured output is not JSON`, { status: MALFORMED_STATUS });
    }
    yield this.chunk({ content: formatText(this.format, input) });
  }

  private chunk(delta: Delta, finish: ChatChunk['choices'][number]['finish_reason'] = null): ChatChunk {
    return { id: this.id, object: 'chat.completion.chunk', created: this.created, model: this.model, choices: [{ index: 0, delta, finish_reason: finish }] };
  }

  private parse(event: SseEvent): Json {
    try {
      return obj(JSON.parse(event.data));
    } catch {
      throw providerError(`${providerLabel('anthropic', this.call.url)}: malformed answer: stream event ${event.event ?? 'message'} is not JSON`, { status: MALFORMED_STATUS });
    }
  }

  private streamError(error: Json): LochError {
    const type = String(error['type'] ?? 'api_error');
    const status = ERROR_STATUS[type] ?? 500;
    const message = redactSecret(String(error['message'] ?? type), this.call.target.apiKey).slice(0, 300);
    return providerError(`${providerLabel('anthropic', this.call.url)}: error in the stream (${status} ${type}): ${message}`, { status });
  }
}
