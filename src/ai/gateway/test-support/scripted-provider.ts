import { LochError } from '../../../core/errors.js';
import type { ChatChunk, ChatRequest, ChatResponse, EmbeddingRequest, EmbeddingResponse, Usage } from '../../model-types.js';
import { providerError } from '../../providers/provider-error.js';
import type { ModelProvider, ProviderKind, ProviderTarget } from '../../providers/provider.js';

/** What the scripted server does with one attempt. */
export type Step =
  | { readonly text: string; readonly usage?: Usage; /** streams: fail with a dropped connection after this many chunks */ readonly dropAfter?: number }
  | { readonly status: number; readonly retryAfterMs?: number }
  /** Never answers; fails with CANCELLED when the attempt's signal aborts. */
  | { readonly hang: true }
  /** Waits for `until`, then does `then`. */
  | { readonly until: Promise<void>; readonly then: Step };

export interface ScriptedCall {
  readonly kind: 'chat' | 'stream' | 'embed';
  readonly target: ProviderTarget;
  readonly request: ChatRequest | EmbeddingRequest;
  /** 1-based count of attempts at this provider. */
  readonly n: number;
}

/**
 * An in-memory ModelProvider whose answers are scripted per attempt (replies, HTTP failures,
 * hangs, gates), recording every attempt and the concurrency it saw. Failures are real
 * ProviderErrors, so the gateway's retry rules apply unchanged.
 */
export class ScriptedProvider implements ModelProvider {
  readonly calls: ScriptedCall[] = [];
  inFlight = 0;
  maxInFlight = 0;

  constructor(
    private readonly script: (call: ScriptedCall) => Step = (call) => ({ text: `echo: ${lastText(call.request)}` }),
    readonly kind: ProviderKind = 'openai',
  ) {}

  async chat(target: ProviderTarget, request: ChatRequest, signal?: AbortSignal): Promise<ChatResponse> {
    const step = await this.begin('chat', target, request, signal);
    try {
      return chatResponse(target, step);
    } finally {
      this.inFlight -= 1;
    }
  }

  async *chatStream(target: ProviderTarget, request: ChatRequest, signal?: AbortSignal): AsyncIterable<ChatChunk> {
    const step = await this.begin('stream', target, request, signal);
    try {
      const words = step.text.split(' ');
      for (const [i, word] of words.entries()) {
        if (step.dropAfter !== undefined && i >= step.dropAfter) throw providerError(`scripted ${new URL(target.url).host}: the stream dropped`, { status: 0 });
        if (signal?.aborted === true) throw new LochError('CANCELLED', 'scripted: aborted');
        yield chunk(target, { ...(i === 0 ? { role: 'assistant' as const } : {}), content: i === 0 ? word : ` ${word}` }, null);
      }
      yield chunk(target, {}, 'stop');
      if (step.usage !== undefined && request.stream_options?.include_usage === true) yield { ...chunk(target, {}, null), choices: [], usage: step.usage };
    } finally {
      this.inFlight -= 1;
    }
  }

  async embed(target: ProviderTarget, request: EmbeddingRequest, signal?: AbortSignal): Promise<EmbeddingResponse> {
    const step = await this.begin('embed', target, request, signal);
    try {
      const inputs = typeof request.input === 'string' ? [request.input] : request.input;
      const data = inputs.map((text, index) => ({ object: 'embedding' as const, index, embedding: [text.length, index, step.text.length] }));
      const tokens = step.usage?.prompt_tokens ?? inputs.join('').length;
      return { object: 'list', data, model: target.model, usage: { prompt_tokens: tokens, total_tokens: tokens } };
    } finally {
      this.inFlight -= 1;
    }
  }

  /** Counts the attempt, then plays its step until a reply (returned, in flight) or a failure (thrown, not in flight). */
  private async begin(kind: ScriptedCall['kind'], target: ProviderTarget, request: ChatRequest | EmbeddingRequest, signal?: AbortSignal): Promise<{ text: string; usage?: Usage; dropAfter?: number }> {
    if (signal?.aborted === true) throw new LochError('CANCELLED', 'scripted: aborted');
    const call: ScriptedCall = { kind, target, request: structuredClone(request), n: this.calls.length + 1 };
    this.calls.push(call);
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      let step = this.script(call);
      for (;;) {
        if ('until' in step) {
          await abortable(step.until, signal);
          step = step.then;
        } else if ('hang' in step) {
          await abortable(new Promise<void>(() => {}), signal);
        } else if ('status' in step) {
          throw providerError(`scripted ${new URL(target.url).host}: HTTP ${step.status}`, { status: step.status, ...(step.retryAfterMs !== undefined ? { retryAfterMs: step.retryAfterMs } : {}) });
        } else {
          return step;
        }
      }
    } catch (error) {
      this.inFlight -= 1;
      throw error;
    }
  }
}

function abortable(promise: Promise<void>, signal?: AbortSignal): Promise<void> {
  if (signal === undefined) return promise;
  return new Promise((resolve, reject) => {
    const onAbort = (): void => reject(new LochError('CANCELLED', 'scripted: aborted'));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      () => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      },
      reject,
    );
  });
}

function lastText(request: ChatRequest | EmbeddingRequest): string {
  if ('input' in request) return String(request.input);
  const content = request.messages.at(-1)?.content;
  return typeof content === 'string' ? content : (content ?? []).map((p) => p.text).join('');
}

function chatResponse(target: ProviderTarget, step: { text: string; usage?: Usage }): ChatResponse {
  return {
    id: 'chatcmpl-scripted', object: 'chat.completion', created: 1, model: target.model,
    choices: [{ index: 0, message: { role: 'assistant', content: step.text }, finish_reason: 'stop' }],
    ...(step.usage !== undefined ? { usage: step.usage } : {}),
  };
}

function chunk(target: ProviderTarget, delta: ChatChunk['choices'][number]['delta'], finish: ChatChunk['choices'][number]['finish_reason']): ChatChunk {
  return { id: 'chatcmpl-scripted', object: 'chat.completion.chunk', created: 1, model: target.model, choices: [{ index: 0, delta, finish_reason: finish }] };
}
