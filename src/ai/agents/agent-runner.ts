import type { ObjectName } from '../../catalog/catalog-types.js';
import { LochError, isLochError } from '../../core/errors.js';
import type { AiRuntime } from '../ai-runtime.js';
import { endpointFullName } from '../endpoint-definition.js';
import type { EndpointInfo } from '../endpoint-types.js';
import type { InvokeOptions } from '../gateway/gateway-types.js';
import type { ChatChunk, ChatMessage, ChatRequest, ChatResponse, ToolCall, Usage } from '../model-types.js';
import type { SpanHandle } from '../tracing/trace-types.js';
import { GovernedSql } from '../governed-sql.js';
import { parseAgentDefinition } from './agent-definition.js';
import { answerChunks } from './agent-stream.js';
import type { AgentChat, AgentDefinition, TypeScriptTool } from './agent-types.js';
import { citedAnswer } from './citations.js';
import { resolveTools, type ToolSet } from './tool-set.js';
import type { Citation, ToolRun } from './tools/agent-tool.js';

/**
 * What an agent adds to its OpenAI-shaped response, under the extension field `loch`:
 * - `citations`: the retrieved rows the answer cites with `[n]` markers (the answer's text
 *   also ends with a "Sources:" list of them), in marker order;
 * - `retrieved`: every row the tools retrieved during the run (the grounding context);
 * - `steps`: model calls made; `tools_unavailable`: tools left out for this caller;
 * - `trace_id`: the trace of the run (when tracing is on).
 */
export interface AgentExtras {
  readonly citations: readonly Citation[];
  readonly retrieved: readonly Citation[];
  readonly steps: number;
  readonly tools_unavailable: readonly { readonly ref: string; readonly reason: string }[];
  readonly trace_id?: string;
}

export type AgentResponse = ChatResponse & { readonly loch: AgentExtras };

/** One agent to run: its name (the response's `model`), its definition, tools defined inline. */
export interface AgentSpec {
  readonly name: string;
  readonly definition: AgentDefinition;
  readonly inline?: readonly TypeScriptTool[];
}

const GUIDANCE = [
  'You can call the tools offered to you to look things up; call them whenever the answer depends on data.',
  'Tool results that are rows retrieved from documents are numbered like [1]. When you use such a row, write its marker, e.g. [1], right after the sentence that uses it. Cite only markers you were given.',
  'A tool result starting with "error:" means the call failed or was refused: do not retry the same call; answer with what you have, saying what you could not access.',
  'Answer only from the tool results and the conversation; if they do not contain the answer, say you do not know.',
].join('\n');

/** The AgentChat the gateway hands agent endpoints to. */
export class AgentRunner implements AgentChat {
  constructor(private readonly runtime: AiRuntime) {}

  chat(agent: EndpointInfo, request: ChatRequest, options: InvokeOptions): Promise<AgentResponse> {
    return runAgent(this.runtime, specOf(agent), request, options);
  }

  /** Runs the whole loop, then streams the final answer (tool rounds are not streamed). */
  async *chatStream(agent: EndpointInfo, request: ChatRequest, options: InvokeOptions): AsyncIterable<ChatChunk> {
    const response = await this.chat(agent, request, options);
    yield* answerChunks(response, request.stream_options?.include_usage === true);
  }
}

/** The agent an endpoint holds (INVALID_ARGUMENT naming it when its definition no longer validates). */
export function specOf(agent: EndpointInfo): AgentSpec {
  const name = endpointFullName(agent.name);
  if (agent.definition.provider !== 'agent') throw new LochError('INVALID_ARGUMENT', `agents: endpoint ${name} is not an agent (provider ${agent.definition.provider})`);
  return { name, definition: parseAgentDefinition(agent.definition.agent, name) };
}

/**
 * Runs an agent for the caller of `options.catalog`: the system message (instructions, then tool
 * guidance), the request's messages, the tools as OpenAI function tools; each model round goes
 * through the gateway (EXECUTE on the agent's chat endpoint is the caller's, source 'agent');
 * every tool call runs as the caller; the loop ends at an answer without tool calls, or after
 * `maxSteps` rounds with one last call that may not use tools (tool_choice 'none').
 * Spans: AGENT (a new trace without `options.trace`), CHAT_MODEL per model call, TOOL (or
 * RETRIEVER for vector search) per tool call. Tool failures go back to the model as
 * "error: …"; CANCELLED and model failures fail the run.
 */
export async function runAgent(runtime: AiRuntime, spec: AgentSpec, request: ChatRequest, options: Omit<InvokeOptions, 'source'> & { readonly source?: InvokeOptions['source'] }): Promise<AgentResponse> {
  const caller = options.catalog;
  const root = options.trace === undefined
    ? runtime.tracer.startTrace(spec.name, 'AGENT', { principal: caller.principal, source: options.source ?? 'api', inputs: request, ...(options.requestId === undefined ? {} : { requestId: options.requestId }) })
    : runtime.tracer.startSpan(options.trace, spec.name, 'AGENT', request);
  const state = new RunState(runtime, spec, options, root);
  try {
    const response = await state.run(request);
    root.setOutputs(response);
    root.end();
    return response;
  } catch (error) {
    root.end({ ok: false, error: isLochError(error) || error instanceof Error ? error.message : String(error) });
    throw error;
  } finally {
    state.close();
  }
}

class RunState {
  private readonly retrieved: Citation[] = [];
  private usage: Usage = { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 };
  private steps = 0;
  private governed: GovernedSql | undefined;

  constructor(
    private readonly runtime: AiRuntime,
    private readonly spec: AgentSpec,
    private readonly options: Omit<InvokeOptions, 'source'>,
    private readonly root: SpanHandle,
  ) {}

  async run(request: ChatRequest): Promise<AgentResponse> {
    // An agent thinking with another agent could call itself back without end: refused here, where every path passes.
    const model = await this.runtime.gateway.resolve(objectName(this.spec.definition.endpoint), { ...this.invokeBase(), source: 'agent' });
    if (model.definition.provider === 'agent') {
      throw new LochError('INVALID_ARGUMENT', `agents: agent ${this.spec.name}: its endpoint ${this.spec.definition.endpoint} is an agent; an agent's endpoint must be a chat model endpoint`, {
        context: { agent: this.spec.name, endpoint: this.spec.definition.endpoint },
      });
    }
    const toolSet = await resolveTools(this.runtime, this.options.catalog, this.spec.definition.tools, this.spec.inline);
    const messages: ChatMessage[] = [{ role: 'system', content: this.systemText(toolSet) }, ...request.messages];
    for (let step = 0; step < this.spec.definition.maxSteps; step++) {
      const reply = await this.callModel(request, messages, toolSet, 'auto');
      const calls = reply.tool_calls ?? [];
      if (calls.length === 0) return this.respond(reply, toolSet, 'stop');
      messages.push({ role: 'assistant', content: reply.content ?? null, tool_calls: calls });
      for (const call of calls) messages.push(await this.callTool(call, toolSet));
    }
    const last = await this.callModel(request, messages, toolSet, 'none');
    return this.respond(last, toolSet, 'stop');
  }

  close(): void {
    this.governed?.interrupt();
  }

  private systemText(toolSet: ToolSet): string {
    const instructions = this.spec.definition.instructions.trim();
    return toolSet.tools.size === 0 ? instructions || 'You are a helpful assistant.' : `${instructions}\n\n${GUIDANCE}`.trim();
  }

  private async callModel(request: ChatRequest, messages: readonly ChatMessage[], toolSet: ToolSet, choice: 'auto' | 'none'): Promise<ChatMessage & { role: 'assistant' }> {
    const tools = [...toolSet.tools.values()].map((t) => t.definition);
    const temperature = request.temperature ?? this.spec.definition.temperature;
    const body: ChatRequest = {
      messages,
      ...(tools.length > 0 ? { tools, tool_choice: choice } : {}),
      ...(temperature === undefined ? {} : { temperature }),
      ...(request.max_tokens === undefined ? {} : { max_tokens: request.max_tokens }),
      ...(request.seed === undefined ? {} : { seed: request.seed }),
    };
    const span = this.runtime.tracer.startSpan(this.root.context, this.spec.definition.endpoint, 'CHAT_MODEL', body);
    this.steps++;
    try {
      const response = await this.runtime.gateway.chat(objectName(this.spec.definition.endpoint), body, { ...this.invokeBase(), source: 'agent', trace: span.context });
      this.addUsage(response.usage);
      const message = response.choices[0]?.message;
      if (message === undefined) throw new LochError('UNAVAILABLE', `agents: agent ${this.spec.name}: the model ${this.spec.definition.endpoint} returned no choice`);
      span.setOutputs(response);
      span.end();
      return message;
    } catch (error) {
      span.end({ ok: false, error: error instanceof Error ? error.message : String(error) });
      throw error;
    }
  }

  private async callTool(call: ToolCall, toolSet: ToolSet): Promise<ChatMessage> {
    const tool = toolSet.tools.get(call.function.name);
    const span = this.runtime.tracer.startSpan(this.root.context, call.function.name, tool?.spanType ?? 'TOOL', { name: call.function.name, arguments: call.function.arguments });
    let content: string;
    try {
      if (tool === undefined) throw new LochError('NOT_FOUND', `agents: no tool named ${call.function.name}; the tools are ${[...toolSet.tools.keys()].join(', ') || 'none'}`);
      content = await tool.run(argumentsOf(call), this.toolRun(span));
      span.setOutputs(content);
      span.end();
    } catch (error) {
      if (isLochError(error, 'CANCELLED') || this.options.signal?.aborted === true) {
        span.end({ ok: false, error: 'cancelled' });
        throw error;
      }
      const message = error instanceof Error ? error.message : String(error);
      content = `error: ${message}`;
      span.setOutputs(content);
      span.end({ ok: false, error: message });
    }
    return { role: 'tool', tool_call_id: call.id, content };
  }

  private toolRun(span: SpanHandle): ToolRun {
    return {
      catalog: this.options.catalog,
      sql: () => (this.governed ??= new GovernedSql(this.runtime.host, this.options.catalog, { extensions: [this.runtime.extension()] })),
      trace: span.context,
      ...(this.options.signal === undefined ? {} : { signal: this.options.signal }),
      ...(this.options.requestId === undefined ? {} : { requestId: this.options.requestId }),
      cite: (source, id, text) => {
        const index = this.retrieved.length + 1;
        this.retrieved.push({ index, source, id, text });
        return index;
      },
    };
  }

  private invokeBase(): Omit<InvokeOptions, 'source' | 'trace'> {
    const o = this.options;
    return { catalog: o.catalog, ...(o.signal === undefined ? {} : { signal: o.signal }), ...(o.requestId === undefined ? {} : { requestId: o.requestId }) };
  }

  private addUsage(usage: Usage | undefined): void {
    if (usage === undefined) return;
    const u = this.usage;
    this.usage = { prompt_tokens: u.prompt_tokens + usage.prompt_tokens, completion_tokens: u.completion_tokens + usage.completion_tokens, total_tokens: u.total_tokens + usage.total_tokens };
  }

  private respond(reply: ChatMessage, toolSet: ToolSet, finish: 'stop'): AgentResponse {
    const text = typeof reply.content === 'string' ? reply.content : (reply.content ?? []).map((p) => p.text).join('');
    const { content, cited } = citedAnswer(text, this.retrieved);
    const now = this.runtime.host.ctx.clock.now();
    const traceId = this.root.context.traceId;
    return {
      id: `chatcmpl-agent-${this.runtime.host.ctx.ids.uuid()}`,
      object: 'chat.completion',
      created: Math.floor(now / 1000),
      model: this.spec.name,
      choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: finish }],
      usage: this.usage,
      loch: { citations: cited, retrieved: [...this.retrieved], steps: this.steps, tools_unavailable: toolSet.unavailable, ...(traceId === '' ? {} : { trace_id: traceId }) },
    };
  }
}

/** The model's JSON arguments (INVALID_ARGUMENT, sent back to the model, when they do not parse to an object). */
function argumentsOf(call: ToolCall): Record<string, unknown> {
  const text = call.function.arguments.trim() === '' ? '{}' : call.function.arguments;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new LochError('INVALID_ARGUMENT', `agents: tool ${call.function.name}: the arguments are not valid JSON`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new LochError('INVALID_ARGUMENT', `agents: tool ${call.function.name}: the arguments must be a JSON object`);
  return parsed as Record<string, unknown>;
}

function objectName(full: string): ObjectName {
  const [catalog = '', schema = '', name = ''] = full.split('.');
  return { catalog, schema, name };
}
