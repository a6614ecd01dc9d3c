import type { ObjectName } from '../../catalog/catalog-types.js';
import { LochError, isLochError } from '../../core/errors.js';
import { endpointFullName } from '../endpoint-definition.js';
import type { EndpointDefinition, EndpointInfo } from '../endpoint-types.js';
import type { ChatChunk, ChatRequest, ChatResponse, EmbeddingRequest, EmbeddingResponse, EndpointTask, Usage } from '../model-types.js';
import type { ModelProvider, ProviderTarget } from '../providers/provider.js';
import { providerFailure } from '../providers/provider-error.js';
import { cancelled, withRetries } from './attempt-loop.js';
import type { Held } from './attempt-loop.js';
import { ResolutionMemo, checkTask } from './endpoint-access.js';
import { EndpointStates } from './endpoint-states.js';
import { serveWithFallbacks } from './fallback-chain.js';
import type { ChainDeps } from './fallback-chain.js';
import type { AgentChat } from '../agents/agent-types.js';
import type { GatewayOptions } from './gateway.js';
import type { InvokeOptions, ModelGateway } from './gateway-types.js';
import { inferenceEvent, scrubbedError } from './inference-event.js';
import type { CallTrace, TokenCounts } from './inference-event.js';
import { chatCacheKey, embeddingCacheKey } from './response-cache.js';
import { StreamSummary } from './stream-summary.js';
import { recordModelCall } from '../tracing/gateway-span.js';
import type { TraceContext } from '../tracing/trace-types.js';

/** How a unary call kind differs: the task, its cache key, the provider method and its usage. */
interface UnaryKind<Req, Res> {
  readonly task: EndpointTask;
  readonly cacheKey: (request: Req) => string | undefined;
  readonly send: (provider: ModelProvider, target: ProviderTarget, request: Req, signal?: AbortSignal) => Promise<Res>;
  readonly tokens: (response: Res) => TokenCounts;
}

const CHAT: UnaryKind<ChatRequest, ChatResponse> = {
  task: 'chat',
  cacheKey: chatCacheKey,
  send: (provider, target, request, signal) => provider.chat(target, request, signal),
  tokens: (response) => tokensOf(response.usage),
};

const EMBEDDINGS: UnaryKind<EmbeddingRequest, EmbeddingResponse> = {
  task: 'embeddings',
  cacheKey: embeddingCacheKey,
  send: (provider, target, request, signal) => provider.embed(target, request, signal),
  tokens: (response) => ({ prompt: response.usage?.prompt_tokens ?? 0, completion: 0 }),
};

interface OpenStream {
  readonly iterator: AsyncIterator<ChatChunk>;
  readonly first: IteratorResult<ChatChunk>;
  /** Ends the provider's stream when the caller stops early. */
  readonly stop: AbortController;
}

/** The gateway (see ModelGateway for the contract). One per Loch: its limits are the process's. */
export class Gateway implements ModelGateway {
  private readonly states: EndpointStates;
  private readonly chain: ChainDeps;
  private readonly memo: ResolutionMemo;

  constructor(private readonly options: GatewayOptions) {
    this.states = new EndpointStates(options.clock, options.sleep);
    this.memo = new ResolutionMemo(options.clock, options.resolveTtlMs ?? 1000);
    this.chain = { secrets: options.secrets, identity: options.identity, states: this.states, sleep: options.sleep, random: options.random, memo: this.memo };
  }

  resolve(endpoint: ObjectName, options: InvokeOptions): Promise<EndpointInfo> {
    return this.memo.endpoint(options.catalog, endpoint);
  }

  async chat(endpoint: ObjectName, request: ChatRequest, options: InvokeOptions): Promise<ChatResponse> {
    const agent = await this.agentEndpoint(endpoint, options);
    if (agent !== undefined) return agent.runner.chat(agent.info, request, options);
    return this.unary(endpoint, request, options, CHAT);
  }

  embed(endpoint: ObjectName, request: EmbeddingRequest, options: InvokeOptions): Promise<EmbeddingResponse> {
    return this.unary(endpoint, request, options, EMBEDDINGS);
  }

  async *chatStream(endpoint: ObjectName, request: ChatRequest, options: InvokeOptions): AsyncIterable<ChatChunk> {
    const agent = await this.agentEndpoint(endpoint, options);
    if (agent !== undefined) yield* agent.runner.chatStream(agent.info, request, options);
    else yield* this.stream(endpoint, request, options);
  }

  /**
   * The endpoint when it is an agent (resolved and EXECUTE-checked for the caller, as every
   * endpoint), with the runner that serves it; undefined for model endpoints. Agents log no
   * inference event of their own: each model call they make is logged.
   */
  private async agentEndpoint(name: ObjectName, options: InvokeOptions): Promise<{ info: EndpointInfo; runner: AgentChat } | undefined> {
    const runner = this.options.agents?.();
    if (runner === undefined) return undefined;
    const info = await this.memo.endpoint(options.catalog, name);
    return info.definition.provider === 'agent' ? { info, runner } : undefined;
  }

  private async unary<Req extends object, Res>(name: ObjectName, request: Req, options: InvokeOptions, kind: UnaryKind<Req, Res>): Promise<Res> {
    const trace = this.trace(name, kind.task, options, false);
    let failure: LochError | undefined;
    try {
      const primary = await this.primary(trace, name, kind.task, options);
      const prepared = withEndpointDefaults(primary.definition, request);
      trace.request = prepared;
      const cache = this.states.of(primary).cache;
      const key = cache === undefined ? undefined : kind.cacheKey(prepared);
      const hit = key === undefined ? undefined : (cache?.get(key) as Res | undefined);
      if (hit !== undefined) {
        trace.cached = true;
        trace.servedBy = primary;
        trace.response = hit;
        return hit;
      }
      const held = await serveWithFallbacks(this.chain, trace, primary, kind.task, options, (info, target, attempts) =>
        withRetries(attempts, () => kind.send(this.provider(info), target, withEndpointDefaults(info.definition, request), options.signal)),
      );
      trace.tokens = kind.tokens(held.value);
      trace.response = held.value;
      if (key !== undefined && trace.servedBy === primary) cache?.set(key, held.value);
      return held.value;
    } catch (error) {
      failure = this.failure(error, trace, options);
      throw failure;
    } finally {
      this.record(trace, failure, options.trace);
    }
  }

  private async *stream(name: ObjectName, request: ChatRequest, options: InvokeOptions): AsyncGenerator<ChatChunk> {
    const trace = this.trace(name, 'chat', options, true);
    const summary = new StreamSummary();
    const wantsUsage = request.stream_options?.include_usage === true;
    let held: Held<OpenStream> | undefined;
    let failure: LochError | undefined;
    let ended = false;
    try {
      const primary = await this.primary(trace, name, 'chat', options);
      trace.request = withEndpointDefaults(primary.definition, request);
      held = await serveWithFallbacks(this.chain, trace, primary, 'chat', options, (info, target, attempts) =>
        withRetries(attempts, () => this.openStream(info, target, request, options.signal), true),
      );
      for (let next = held.value.first; next.done !== true; next = await held.value.iterator.next()) {
        summary.add(next.value);
        const visible = wantsUsage ? next.value : withoutUsage(next.value);
        if (visible !== undefined) yield visible;
      }
      ended = true;
    } catch (error) {
      const status = held === undefined ? undefined : providerFailure(error)?.status;
      if (status !== undefined) trace.tally.httpStatus = status;
      failure = this.failure(error, trace, options);
      throw failure;
    } finally {
      if (held !== undefined && !ended) await stopStream(held.value);
      held?.release();
      trace.tokens = tokensOf(summary.usage);
      if (held !== undefined) trace.response = summary.response();
      this.record(trace, failure ?? (ended ? undefined : new LochError('CANCELLED', `ai: the caller stopped reading the stream of endpoint ${trace.endpoint}`)), options.trace);
    }
  }

  /** One streaming attempt: open the stream and wait for its first chunk (retries happen only up to here). */
  private async openStream(info: EndpointInfo, target: ProviderTarget, request: ChatRequest, signal: AbortSignal | undefined): Promise<OpenStream> {
    const stop = new AbortController();
    const linked = signal === undefined ? stop.signal : AbortSignal.any([signal, stop.signal]);
    const prepared: ChatRequest = { ...withEndpointDefaults(info.definition, request), stream: true, stream_options: { include_usage: true } };
    const iterator = this.provider(info).chatStream(target, prepared, linked)[Symbol.asyncIterator]();
    try {
      return { iterator, first: await iterator.next(), stop };
    } catch (error) {
      stop.abort();
      throw error;
    }
  }

  private async primary(trace: CallTrace, name: ObjectName, task: EndpointTask, options: InvokeOptions): Promise<EndpointInfo> {
    if (options.signal?.aborted === true) throw cancelled(trace.endpoint);
    const info = await this.memo.endpoint(options.catalog, name);
    trace.primary = info;
    trace.endpoint = endpointFullName(info.name);
    trace.sampled = sampled(info.definition.logSampleRate, this.options.random);
    checkTask(info, task);
    return info;
  }

  private provider(info: EndpointInfo): ModelProvider {
    const provider = this.options.providers[info.definition.provider];
    if (provider === undefined) {
      throw new LochError('INTERNAL', `ai: endpoint ${endpointFullName(info.name)}: no provider '${info.definition.provider}' is configured`);
    }
    return provider;
  }

  private trace(name: ObjectName, task: EndpointTask, options: InvokeOptions, streamed: boolean): CallTrace {
    return {
      requestId: options.requestId ?? this.options.ids.uuid(),
      startedAt: this.options.clock.now(),
      endpoint: `${name.catalog}.${name.schema}.${name.name}`.toLowerCase(),
      task,
      caller: options.catalog.principal,
      source: options.source,
      streamed,
      sampled: false,
      tally: { attempts: 0, httpStatus: undefined },
      cached: false,
      secrets: [],
    };
  }

  /** The error to throw: CANCELLED once the caller aborted, never holding a secret. */
  private failure(error: unknown, trace: CallTrace, options: InvokeOptions): LochError {
    const cause = options.signal?.aborted === true && !isLochError(error, 'CANCELLED') ? cancelled(trace.endpoint) : error;
    return scrubbedError(cause, trace.secrets, trace.endpoint);
  }

  /** The call's inference event goes to the log, and as a span to the tracer (under `parent`, or a trace of its own). */
  private record(trace: CallTrace, error: LochError | undefined, parent?: TraceContext): void {
    try {
      const event = inferenceEvent(trace, this.options.clock.now(), error);
      this.options.log.record(event);
      if (this.options.tracer !== undefined) recordModelCall(this.options.tracer, parent, event);
    } catch {
      // The log's contract is never to throw; a broken sink must not turn an answer into a failure.
    }
  }
}

/** The request as the endpoint receives it: its defaults under the caller's fields, its model. */
export function withEndpointDefaults<R extends object>(def: EndpointDefinition, request: R): R {
  const merged: Record<string, unknown> = { ...def.defaults };
  for (const [field, value] of Object.entries(request)) if (value !== undefined) merged[field] = value;
  merged['model'] = def.model;
  return merged as R;
}

function sampled(rate: number, random: () => number): boolean {
  if (rate >= 1) return true;
  if (rate <= 0) return false;
  return random() < rate;
}

function tokensOf(usage: Usage | null | undefined): TokenCounts {
  return { prompt: usage?.prompt_tokens ?? 0, completion: usage?.completion_tokens ?? 0 };
}

/** The chunk as a caller that did not ask for usage expects it: none (a usage-only chunk disappears). */
function withoutUsage(chunk: ChatChunk): ChatChunk | undefined {
  if (chunk.usage === undefined || chunk.usage === null) return chunk;
  if (chunk.choices.length === 0) return undefined;
  const { usage: _usage, ...rest } = chunk;
  return rest;
}

async function stopStream(stream: OpenStream): Promise<void> {
  stream.stop.abort();
  try {
    await stream.iterator.return?.();
  } catch {
    // The stream is being abandoned; how it ends no longer matters.
  }
}
