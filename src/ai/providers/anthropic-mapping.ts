import { LochError } from '../../core/errors.js';
import type { ChatMessage, ChatRequest, ChatResponse, FinishReason, ToolCall, ToolChoice, Usage } from '../model-types.js';

/**
 * Translation between Loch's (OpenAI-shaped) chat requests/responses and Anthropic's Messages
 * API. Pure functions; the provider (anthropic-provider.ts) does the HTTP.
 */

/** A Messages API content block (the kinds Loch sends or reads). */
export interface AnthropicBlock {
  readonly type: string;
  readonly text?: string;
  readonly id?: string;
  readonly name?: string;
  readonly input?: unknown;
  readonly tool_use_id?: string;
  readonly content?: string;
}

export interface AnthropicMessage {
  readonly role: 'user' | 'assistant';
  readonly content: AnthropicBlock[];
}

/** The body of `POST /v1/messages` as Loch builds it. */
export interface MessagesRequest {
  readonly model: string;
  readonly max_tokens: number;
  readonly messages: AnthropicMessage[];
  readonly system?: string;
  readonly tools?: { name: string; description?: string; input_schema: Readonly<Record<string, unknown>> }[];
  readonly tool_choice?: { type: 'auto' | 'any' | 'none' } | { type: 'tool'; name: string };
  readonly temperature?: number;
  readonly top_p?: number;
  readonly stop_sequences?: string[];
  readonly metadata?: { user_id: string };
  readonly stream?: boolean;
}

/**
 * How a `response_format` is asked of Anthropic: a forced tool whose input is the JSON. A schema
 * that is not an object is wrapped as `{value: schema}` (tool inputs are objects) and unwrapped.
 */
export interface FormatTool {
  readonly name: string;
  readonly wrapped: boolean;
}

/** The default `max_tokens` (Anthropic requires one; OpenAI-style callers often send none). */
export const DEFAULT_MAX_TOKENS = 1024;

function textOf(message: ChatMessage): string {
  const content = message.content;
  if (content === null) return '';
  return typeof content === 'string' ? content : content.map((p) => p.text).join('');
}

function parseArguments(call: ToolCall): unknown {
  try {
    const value: unknown = JSON.parse(call.function.arguments === '' ? '{}' : call.function.arguments);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? value : { value };
  } catch {
    throw new LochError('INVALID_ARGUMENT', `ai provider anthropic: tool call ${call.id} (${call.function.name}) has arguments that are not JSON`);
  }
}

/** The blocks of one message under the Anthropic role it maps to. */
function blocksOf(message: ChatMessage): { role: 'user' | 'assistant'; blocks: AnthropicBlock[] } {
  const text = textOf(message);
  // Anthropic refuses empty text blocks.
  const textBlocks: AnthropicBlock[] = text === '' ? [] : [{ type: 'text', text }];
  if (message.role === 'tool') return { role: 'user', blocks: [{ type: 'tool_result', tool_use_id: message.tool_call_id ?? '', content: text }] };
  if (message.role === 'assistant') {
    const uses = (message.tool_calls ?? []).map((call): AnthropicBlock => ({ type: 'tool_use', id: call.id, name: call.function.name, input: parseArguments(call) }));
    return { role: 'assistant', blocks: [...textBlocks, ...uses] };
  }
  return { role: 'user', blocks: textBlocks };
}

/** System/developer text, and the conversation with consecutive same-role messages merged (tool results of parallel calls share one user turn). */
export function toAnthropicMessages(messages: readonly ChatMessage[]): { system?: string; messages: AnthropicMessage[] } {
  const system: string[] = [];
  const out: AnthropicMessage[] = [];
  for (const message of messages) {
    if (message.role === 'system' || message.role === 'developer') {
      system.push(textOf(message));
      continue;
    }
    const { role, blocks } = blocksOf(message);
    if (blocks.length === 0) continue;
    const last = out[out.length - 1];
    if (last !== undefined && last.role === role) last.content.push(...blocks);
    else out.push({ role, content: blocks });
  }
  const joined = system.filter((s) => s !== '').join('\n\n');
  return { ...(joined !== '' ? { system: joined } : {}), messages: out };
}

function toolChoiceOf(choice: ToolChoice | undefined): MessagesRequest['tool_choice'] {
  if (choice === undefined) return undefined;
  if (choice === 'auto') return { type: 'auto' };
  if (choice === 'required') return { type: 'any' };
  if (choice === 'none') return { type: 'none' };
  return { type: 'tool', name: choice.function.name };
}

/** A tool name Anthropic accepts (`^[a-zA-Z0-9_-]{1,64}$`). */
function toolName(name: string): string {
  const clean = name.replace(/[^a-zA-Z0-9_-]/g, '_').slice(0, 64);
  return clean === '' ? 'json_output' : clean;
}

function formatToolOf(request: ChatRequest): { tool: FormatTool; schema: Readonly<Record<string, unknown>>; description: string } | undefined {
  const format = request.response_format;
  if (format === undefined || format.type === 'text') return undefined;
  if (format.type === 'json_object') return { tool: { name: 'json_output', wrapped: false }, schema: { type: 'object' }, description: 'Give the answer as a JSON object.' };
  const schema = format.json_schema.schema;
  const wrapped = schema['type'] !== 'object';
  return {
    tool: { name: toolName(format.json_schema.name), wrapped },
    schema: wrapped ? { type: 'object', properties: { value: schema }, required: ['value'] } : schema,
    description: format.json_schema.description ?? 'Give the answer as JSON matching this schema.',
  };
}

/**
 * The Messages request for a chat request: system/developer messages → `system`, tool messages →
 * user `tool_result` blocks, assistant tool calls → `tool_use` blocks, tools → `input_schema`,
 * tool_choice auto/required/none/function → auto/any/none/tool, response_format → a forced tool
 * (FormatTool), max_tokens (or max_completion_tokens) defaulting to 1024, stop → stop_sequences,
 * user → metadata.user_id. `n` and `seed` have no Anthropic counterpart and are not sent.
 */
export function toMessagesRequest(model: string, request: ChatRequest, stream: boolean): { body: MessagesRequest; format?: FormatTool } {
  const { system, messages } = toAnthropicMessages(request.messages);
  const tools: NonNullable<MessagesRequest['tools']> = (request.tools ?? []).map((t) => ({
    name: t.function.name,
    ...(t.function.description !== undefined ? { description: t.function.description } : {}),
    input_schema: t.function.parameters ?? { type: 'object', properties: {} },
  }));
  let toolChoice = toolChoiceOf(request.tool_choice);
  const format = formatToolOf(request);
  if (format !== undefined) {
    tools.push({ name: format.tool.name, description: format.description, input_schema: format.schema });
    // With tools of its own the caller keeps its tool_choice; otherwise the format tool is forced.
    if (tools.length === 1 || toolChoice === undefined || toolChoice.type === 'none') toolChoice = { type: 'tool', name: format.tool.name };
  }
  const stop = request.stop === undefined ? undefined : typeof request.stop === 'string' ? [request.stop] : [...request.stop];
  const body: MessagesRequest = {
    model,
    max_tokens: request.max_completion_tokens ?? request.max_tokens ?? DEFAULT_MAX_TOKENS,
    messages,
    ...(system !== undefined ? { system } : {}),
    ...(tools.length > 0 ? { tools } : {}),
    ...(toolChoice !== undefined && tools.length > 0 ? { tool_choice: toolChoice } : {}),
    ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
    ...(request.top_p !== undefined ? { top_p: request.top_p } : {}),
    ...(stop !== undefined && stop.length > 0 ? { stop_sequences: stop } : {}),
    ...(request.user !== undefined ? { metadata: { user_id: request.user } } : {}),
    ...(stream ? { stream: true } : {}),
  };
  return { body, ...(format !== undefined ? { format: format.tool } : {}) };
}

/** Anthropic's stop_reason as an OpenAI finish_reason. */
export function finishReasonOf(stopReason: unknown): FinishReason | null {
  switch (stopReason) {
    case 'end_turn':
    case 'stop_sequence':
    case 'pause_turn':
      return 'stop';
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'tool_use':
      return 'tool_calls';
    case 'refusal':
      return 'content_filter';
    default:
      return typeof stopReason === 'string' ? 'stop' : null;
  }
}

/** Input tokens (cache reads and writes included) and output tokens as OpenAI usage. */
export function usageOf(usage: unknown, outputTokens?: number): Usage {
  const u = typeof usage === 'object' && usage !== null ? (usage as Record<string, unknown>) : {};
  const num = (key: string): number => (typeof u[key] === 'number' ? u[key] : 0);
  const prompt = num('input_tokens') + num('cache_creation_input_tokens') + num('cache_read_input_tokens');
  const completion = outputTokens ?? num('output_tokens');
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}

/** The JSON text of a format tool's input (unwrapped when the schema was wrapped). */
export function formatText(format: FormatTool, input: unknown): string {
  const value = format.wrapped && typeof input === 'object' && input !== null ? (input as Record<string, unknown>)['value'] : input;
  return JSON.stringify(value ?? null);
}

/**
 * A Messages response as a chat completion: text blocks joined into `content`, `tool_use` blocks
 * as tool_calls with JSON arguments — except the format tool's, whose input becomes the content
 * (finish_reason "stop").
 */
export function fromMessagesResponse(body: Record<string, unknown>, fallbackModel: string, created: number, format: FormatTool | undefined): ChatResponse {
  const blocks = Array.isArray(body['content']) ? (body['content'] as AnthropicBlock[]) : [];
  let content = '';
  let formatted = false;
  const calls: ToolCall[] = [];
  for (const block of blocks) {
    if (block.type === 'text') content += block.text ?? '';
    else if (block.type === 'tool_use' && format !== undefined && block.name === format.name) {
      content = formatText(format, block.input);
      formatted = true;
    } else if (block.type === 'tool_use') {
      calls.push({ id: block.id ?? `toolu_${calls.length}`, type: 'function', function: { name: block.name ?? '', arguments: JSON.stringify(block.input ?? {}) } });
    }
  }
  const finish = formatted && calls.length === 0 ? 'stop' : finishReasonOf(body['stop_reason']);
  return {
    id: typeof body['id'] === 'string' ? body['id'] : `msg-${created}`,
    object: 'chat.completion',
    created,
    model: typeof body['model'] === 'string' ? body['model'] : fallbackModel,
    choices: [{
      index: 0,
      message: { role: 'assistant', content: content === '' && calls.length > 0 ? null : content, ...(calls.length > 0 ? { tool_calls: calls } : {}) },
      finish_reason: finish,
    }],
    usage: usageOf(body['usage']),
  };
}
