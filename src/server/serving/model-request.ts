/**
 * Request bodies of the invocation routes → Loch's model request shapes (ai/model-types.ts, which
 * are OpenAI's wire format). Known fields are type-checked and copied; `model` (which names the
 * endpoint on the OpenAI route) and `stream` (the route decides streaming) are not forwarded;
 * fields Loch does not model are left out rather than forwarded unchecked. A malformed field is
 * INVALID_ARGUMENT naming it (400).
 */
import { LochError } from '../../core/errors.js';
import type { ChatMessage, ChatRequest, EmbeddingRequest, ResponseFormat, ToolChoice, ToolDefinition } from '../../ai/model-types.js';

type Json = Readonly<Record<string, unknown>>;

const ROLES = new Set(['system', 'developer', 'user', 'assistant', 'tool']);
const MAX_MESSAGES = 100_000;
const MAX_INPUTS = 10_000;

/** What a body asks for: a chat completion or embeddings, decided by `messages` or `input`. */
export type ModelCall = { readonly kind: 'chat'; readonly request: ChatRequest; readonly stream: boolean } | { readonly kind: 'embeddings'; readonly request: EmbeddingRequest; readonly base64: boolean };

/** An invocation body (POST /serving-endpoints/{name}/invocations): chat with `messages`, embeddings with `input`. */
export function modelCallOf(body: Json): ModelCall {
  if (body['messages'] !== undefined) return { kind: 'chat', request: chatRequestOf(body), stream: streamOf(body) };
  if (body['input'] !== undefined) return { kind: 'embeddings', ...embeddingRequestOf(body) };
  if (body['prompt'] !== undefined) throw invalid('prompt', 'is not supported (completions): send chat messages');
  if (body['dataframe_records'] !== undefined || body['dataframe_split'] !== undefined || body['inputs'] !== undefined || body['instances'] !== undefined) {
    throw invalid('body', 'holds tabular model input; Loch endpoints take chat {messages} or embeddings {input}');
  }
  throw invalid('body', 'must hold messages (chat) or input (embeddings)');
}

/** `stream: true` asks for server-sent events. */
export function streamOf(body: Json): boolean {
  const value = body['stream'];
  if (value === undefined || value === null) return false;
  if (typeof value !== 'boolean') throw invalid('stream', 'must be true or false');
  return value;
}

/** A chat completion request. */
export function chatRequestOf(body: Json): ChatRequest {
  const messages = body['messages'];
  if (!Array.isArray(messages) || messages.length === 0 || messages.length > MAX_MESSAGES) throw invalid('messages', `must be a non-empty array of messages (at most ${MAX_MESSAGES})`);
  const request: Record<string, unknown> = { messages: messages.map((m: unknown, i) => messageOf(m, `messages[${i}]`)) };
  for (const field of ['temperature', 'top_p', 'max_tokens', 'max_completion_tokens', 'n', 'seed'] as const) {
    const value = body[field];
    if (value === undefined || value === null) continue;
    if (typeof value !== 'number' || !Number.isFinite(value)) throw invalid(field, 'must be a number');
    if (field !== 'temperature' && field !== 'top_p' && (!Number.isInteger(value) || (field !== 'seed' && value < 1))) throw invalid(field, 'must be a positive integer');
    request[field] = value;
  }
  copyIf(request, body, 'stop', (v) => typeof v === 'string' || (Array.isArray(v) && v.length <= 16 && v.every((s) => typeof s === 'string')), 'must be a string or an array of strings');
  copyIf(request, body, 'user', (v) => typeof v === 'string', 'must be a string');
  copyIf(request, body, 'tools', (v) => Array.isArray(v) && v.every(isTool), 'must be an array of {type: "function", function: {name, description?, parameters?}}');
  copyIf(request, body, 'tool_choice', isToolChoice, "must be 'none', 'auto', 'required' or {type: 'function', function: {name}}");
  copyIf(request, body, 'response_format', isResponseFormat, "must be {type: 'text'}, {type: 'json_object'} or {type: 'json_schema', json_schema: {name, schema}}");
  copyIf(request, body, 'stream_options', (v) => isObject(v) && (v['include_usage'] === undefined || typeof v['include_usage'] === 'boolean'), 'must be {include_usage?: boolean}');
  return request as unknown as ChatRequest;
}

/** An embeddings request; `base64` when the client asked for `encoding_format: 'base64'` (the OpenAI SDK's default). */
export function embeddingRequestOf(body: Json): { readonly request: EmbeddingRequest; readonly base64: boolean } {
  const input = body['input'];
  const ok = typeof input === 'string' || (Array.isArray(input) && input.length > 0 && input.length <= MAX_INPUTS && input.every((s) => typeof s === 'string'));
  if (!ok) throw invalid('input', `must be a string or a non-empty array of at most ${MAX_INPUTS} strings (token arrays are not supported)`);
  const format = body['encoding_format'] ?? 'float';
  if (format !== 'float' && format !== 'base64') throw invalid('encoding_format', "must be 'float' or 'base64'");
  const request: Record<string, unknown> = { input };
  const dimensions = body['dimensions'];
  if (dimensions !== undefined && dimensions !== null) {
    if (typeof dimensions !== 'number' || !Number.isInteger(dimensions) || dimensions < 1) throw invalid('dimensions', 'must be a positive integer');
    request['dimensions'] = dimensions;
  }
  copyIf(request, body, 'user', (v) => typeof v === 'string', 'must be a string');
  return { request: request as unknown as EmbeddingRequest, base64: format === 'base64' };
}

function messageOf(value: unknown, field: string): ChatMessage {
  if (!isObject(value)) throw invalid(field, 'must be an object {role, content}');
  const role = value['role'];
  if (typeof role !== 'string' || !ROLES.has(role)) throw invalid(`${field}.role`, "must be 'system', 'developer', 'user', 'assistant' or 'tool'");
  const content = value['content'] ?? null;
  const parts = Array.isArray(content) && content.every((p) => isObject(p) && p['type'] === 'text' && typeof p['text'] === 'string');
  if (!(typeof content === 'string' || parts || (content === null && role === 'assistant'))) {
    throw invalid(`${field}.content`, 'must be text or an array of {type: "text", text} parts (null only for an assistant calling tools)');
  }
  const message: Record<string, unknown> = { role, content: Array.isArray(content) ? content.map((p) => ({ type: 'text', text: (p as Json)['text'] })) : content };
  copyIf(message, value, 'name', (v) => typeof v === 'string', 'must be a string', field);
  copyIf(message, value, 'tool_call_id', (v) => typeof v === 'string', 'must be a string', field);
  copyIf(message, value, 'tool_calls', (v) => Array.isArray(v) && v.every(isToolCall), 'must be an array of {id, type: "function", function: {name, arguments}}', field);
  if (role === 'tool' && message['tool_call_id'] === undefined) throw invalid(`${field}.tool_call_id`, 'is required in a tool message');
  return message as unknown as ChatMessage;
}

function copyIf(target: Record<string, unknown>, source: Json, field: string, ok: (value: unknown) => boolean, why: string, prefix?: string): void {
  const value = source[field];
  if (value === undefined || value === null) return;
  if (!ok(value)) throw invalid(prefix === undefined ? field : `${prefix}.${field}`, why);
  target[field] = value;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isTool(value: unknown): value is ToolDefinition {
  if (!isObject(value) || value['type'] !== 'function' || !isObject(value['function'])) return false;
  const fn = value['function'];
  return typeof fn['name'] === 'string' && fn['name'] !== '' && (fn['parameters'] === undefined || isObject(fn['parameters'])) && (fn['description'] === undefined || typeof fn['description'] === 'string');
}

function isToolCall(value: unknown): boolean {
  if (!isObject(value) || typeof value['id'] !== 'string' || value['type'] !== 'function' || !isObject(value['function'])) return false;
  return typeof value['function']['name'] === 'string' && typeof value['function']['arguments'] === 'string';
}

function isToolChoice(value: unknown): value is ToolChoice {
  if (value === 'none' || value === 'auto' || value === 'required') return true;
  return isObject(value) && value['type'] === 'function' && isObject(value['function']) && typeof value['function']['name'] === 'string';
}

function isResponseFormat(value: unknown): value is ResponseFormat {
  if (!isObject(value)) return false;
  if (value['type'] === 'text' || value['type'] === 'json_object') return true;
  const schema = value['json_schema'];
  return value['type'] === 'json_schema' && isObject(schema) && typeof schema['name'] === 'string' && isObject(schema['schema']);
}

function invalid(field: string, why: string): LochError {
  return new LochError('INVALID_ARGUMENT', `serving: ${field} ${why}`, { context: { field } });
}
