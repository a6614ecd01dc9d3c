import type { ServerResponse } from 'node:http';
import type { ChatMessage, ChatRequest, ResponseFormat, ToolChoice, ToolDefinition } from '../../src/ai/model-types.js';
import { defaultReply, isFault, pieces, sendJson, startFakeCore, usageOf } from './fake-model-core.js';
import type { FakeAnswer, FakeCore, FakeExchange, FakeFault, FakeModelServer, FakeOpenAiOptions, FakeReply } from './fake-model-core.js';

/**
 * Options of the fake Anthropic server: FakeOpenAiOptions with Anthropic semantics.
 * - `apiKey`: when set, any other `x-api-key` gets 401 `authentication_error`. Every request
 *   must also carry an `anthropic-version` header (400 `invalid_request_error` otherwise), and a
 *   body with `model`, `max_tokens` and non-empty `messages`.
 * - `chat(request, info)` receives a ChatRequest-shaped VIEW translated from the Messages body
 *   (`system` → a system message; user `tool_result` blocks → tool messages; assistant `tool_use`
 *   blocks → tool_calls with JSON arguments; tools' `input_schema` → `parameters`; tool_choice
 *   auto/any/tool/none → 'auto'/'required'/{function}/'none'; `stop_sequences` → `stop`;
 *   `output_format: {type:'json_schema', schema}` → response_format json_schema). `info.body` is
 *   the raw Messages body. The reply is OpenAI-shaped (content, tool_calls, finish_reason) and is
 *   answered as Messages content blocks: text, then `tool_use` blocks whose `input` is the parsed
 *   arguments; finish_reason stop/length/tool_calls → stop_reason end_turn/max_tokens/tool_use.
 *   Structured output through a forced tool (`tool_choice: {type:'tool', name}`) works by default:
 *   the default reply calls the named tool with an input valid for its `input_schema`.
 * - Fault `status` answers `{type:'error', error:{type, message}}` with the type of the status
 *   (400 invalid_request_error, 401 authentication_error, 403 permission_error, 404 not_found_error,
 *   413 request_too_large, 429 rate_limit_error, 500 api_error, 529 overloaded_error).
 * - `embed`/`embedFault`/`models` are ignored: Anthropic has no embeddings API.
 */
export type FakeAnthropicOptions = Omit<FakeOpenAiOptions, 'embed' | 'embedFault' | 'models'>;

/**
 * A fake Anthropic Messages API on 127.0.0.1 (ephemeral port): `POST /v1/messages`, JSON or
 * (with `stream: true`) SSE with `event:` lines — message_start, content_block_start, ping,
 * content_block_delta (text_delta / input_json_delta), content_block_stop, message_delta
 * (stop_reason, usage), message_stop. `url` is `http://127.0.0.1:<port>` (no `/v1`).
 */
export async function startFakeAnthropic(options: FakeAnthropicOptions = {}): Promise<FakeModelServer> {
  const core = await startFakeCore(options.record ?? true, (exchange, c) => route(exchange, c, options));
  const server = core.server;
  return {
    url: `http://127.0.0.1:${core.port}`,
    requests: server.requests,
    get inFlight() { return server.inFlight; },
    get maxInFlight() { return server.maxInFlight; },
    resetStats: () => server.resetStats(),
    close: () => server.close(),
  };
}

export type { FakeAnswer, FakeFault, FakeModelServer, FakeReply, RecordedRequest, FakeRequestInfo } from './fake-model-core.js';

const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error', 401: 'authentication_error', 403: 'permission_error', 404: 'not_found_error',
  413: 'request_too_large', 429: 'rate_limit_error', 500: 'api_error', 529: 'overloaded_error',
};

function sendError(res: ServerResponse, status: number, message?: string, retryAfter?: string): void {
  const type = ERROR_TYPES[status] ?? (status >= 500 ? 'api_error' : 'invalid_request_error');
  const text = message ?? (status === 429 ? 'Number of requests has exceeded your rate limit' : status === 529 ? 'Overloaded' : status >= 500 ? 'Internal server error' : `Request failed with status ${status}`);
  sendJson(res, status, { type: 'error', error: { type, message: text } }, { 'request-id': 'req_fake', ...(retryAfter !== undefined ? { 'retry-after': retryAfter } : {}) });
}

async function route(ex: FakeExchange, core: FakeCore, options: FakeAnthropicOptions): Promise<void> {
  const { req, res, path } = ex;
  if (options.apiKey !== undefined && req.headers['x-api-key'] !== options.apiKey) return sendError(res, 401, 'invalid x-api-key');
  if (req.headers['anthropic-version'] === undefined) return sendError(res, 400, 'anthropic-version: header is required');
  if (ex.badJson) return sendError(res, 400, 'The request body is not valid JSON.');
  if (req.method !== 'POST' || path !== '/v1/messages') return sendError(res, 404, `Not found: ${req.method ?? 'GET'} ${path}`);
  const body = ex.body as MessagesBody | undefined;
  const problem = body === undefined ? 'body: Field required' : typeof body.model !== 'string' ? 'model: Field required'
    : typeof body.max_tokens !== 'number' ? 'max_tokens: Field required' : !Array.isArray(body.messages) || body.messages.length === 0 ? 'messages: Field required' : undefined;
  if (problem !== undefined || body === undefined) return sendError(res, 400, problem);
  const view = viewOf(body);
  const n = core.nextCount('chat');
  if (!(await core.sleep(options.latencyMs ?? 0, res))) return;
  let reply: FakeReply = options.chat !== undefined ? await options.chat(view, { n, body: ex.body }) : defaultReply(view, 'toolu_');
  for (;;) {
    if (!isFault(reply)) return body.stream === true ? stream(ex, core, options, body, view, reply) : sendJson(res, 200, message(body, view, reply));
    if (reply.fault !== 'slow') return applyFault(ex, core, options, body, view, reply);
    if (!(await core.sleep(reply.ms, res))) return;
    reply = reply.reply ?? defaultReply(view, 'toolu_');
  }
}

async function applyFault(ex: FakeExchange, core: FakeCore, options: FakeAnthropicOptions, body: MessagesBody, view: ChatRequest, fault: FakeFault): Promise<void> {
  if (fault.fault === 'status') return sendError(ex.res, fault.status, fault.message, fault.retryAfter);
  if (fault.fault === 'hang' || fault.fault === 'slow') return;
  const after = fault.afterChunks ?? 2;
  if (body.stream !== true || after <= 0) return void ex.req.socket.destroy();
  return stream(ex, core, options, body, view, defaultReply(view, 'toolu_'), after);
}

// ---------------------------------------------------------------------------------------------
// Messages body → ChatRequest view

interface Block { readonly type: string; readonly text?: string; readonly id?: string; readonly name?: string; readonly input?: unknown; readonly tool_use_id?: string; readonly content?: string | readonly Block[] }
interface MessagesBody {
  readonly model: string;
  readonly max_tokens: number;
  readonly messages: readonly { readonly role: 'user' | 'assistant'; readonly content: string | readonly Block[] }[];
  readonly system?: string | readonly Block[];
  readonly tools?: readonly { readonly name: string; readonly description?: string; readonly input_schema?: Record<string, unknown> }[];
  readonly tool_choice?: { readonly type: 'auto' | 'any' | 'tool' | 'none'; readonly name?: string };
  readonly output_format?: { readonly type: 'json_schema'; readonly schema: Record<string, unknown> };
  readonly temperature?: number;
  readonly top_p?: number;
  readonly stop_sequences?: readonly string[];
  readonly stream?: boolean;
}

function textOf(content: string | readonly Block[] | undefined): string {
  if (content === undefined) return '';
  return typeof content === 'string' ? content : content.filter((b) => b.type === 'text').map((b) => b.text ?? '').join('');
}

function messagesOf(body: MessagesBody): ChatMessage[] {
  const out: ChatMessage[] = [];
  if (body.system !== undefined) out.push({ role: 'system', content: textOf(body.system) });
  for (const m of body.messages) {
    if (typeof m.content === 'string') { out.push({ role: m.role, content: m.content }); continue; }
    for (const b of m.content) if (b.type === 'tool_result') out.push({ role: 'tool', tool_call_id: b.tool_use_id ?? '', content: textOf(b.content) });
    const text = textOf(m.content);
    const calls = m.content.filter((b) => b.type === 'tool_use').map((b) => ({ id: b.id ?? '', type: 'function' as const, function: { name: b.name ?? '', arguments: JSON.stringify(b.input ?? {}) } }));
    if (m.role === 'assistant') out.push({ role: 'assistant', content: text === '' ? null : text, ...(calls.length > 0 ? { tool_calls: calls } : {}) });
    else if (text !== '' || m.content.every((b) => b.type !== 'tool_result')) out.push({ role: 'user', content: text });
  }
  return out;
}

function viewOf(body: MessagesBody): ChatRequest {
  const tools: ToolDefinition[] | undefined = body.tools?.map((t) => ({ type: 'function', function: { name: t.name, ...(t.description !== undefined ? { description: t.description } : {}), parameters: t.input_schema ?? { type: 'object' } } }));
  const choice = body.tool_choice;
  const toolChoice: ToolChoice | undefined = choice === undefined ? undefined : choice.type === 'any' ? 'required' : choice.type === 'tool' ? { type: 'function', function: { name: choice.name ?? '' } } : choice.type;
  const format: ResponseFormat | undefined = body.output_format?.type === 'json_schema' ? { type: 'json_schema', json_schema: { name: 'output', schema: body.output_format.schema } } : undefined;
  return {
    model: body.model,
    messages: messagesOf(body),
    max_tokens: body.max_tokens,
    ...(body.temperature !== undefined ? { temperature: body.temperature } : {}),
    ...(body.top_p !== undefined ? { top_p: body.top_p } : {}),
    ...(body.stop_sequences !== undefined ? { stop: body.stop_sequences } : {}),
    ...(tools !== undefined ? { tools } : {}),
    ...(toolChoice !== undefined ? { tool_choice: toolChoice } : {}),
    ...(format !== undefined ? { response_format: format } : {}),
    ...(body.stream !== undefined ? { stream: body.stream } : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// Answer → Messages response / SSE events

function stopReasonOf(answer: FakeAnswer): string {
  const finish = answer.finish_reason ?? ((answer.tool_calls ?? []).length > 0 ? 'tool_calls' : 'stop');
  return finish === 'length' ? 'max_tokens' : finish === 'tool_calls' ? 'tool_use' : finish === 'content_filter' ? 'refusal' : 'end_turn';
}

function parseInput(text: string): unknown {
  try { return JSON.parse(text); } catch { return {}; }
}

function blocksOf(answer: FakeAnswer): Block[] {
  const calls = answer.tool_calls ?? [];
  const blocks: Block[] = [];
  if ((answer.content ?? '') !== '' || calls.length === 0) blocks.push({ type: 'text', text: answer.content ?? '' });
  for (const call of calls) blocks.push({ type: 'tool_use', id: call.id, name: call.function.name, input: parseInput(call.function.arguments) });
  return blocks;
}

let sequence = 0;
function messageId(): string {
  sequence++;
  return `msg_fake${Date.now().toString(36)}${sequence.toString(36).padStart(4, '0')}`;
}

function message(body: MessagesBody, view: ChatRequest, answer: FakeAnswer): unknown {
  const usage = usageOf(view, answer);
  return {
    id: messageId(), type: 'message', role: 'assistant', model: body.model, content: blocksOf(answer),
    stop_reason: stopReasonOf(answer), stop_sequence: null,
    usage: { input_tokens: usage.prompt_tokens, output_tokens: usage.completion_tokens },
  };
}

function eventsOf(body: MessagesBody, view: ChatRequest, answer: FakeAnswer): { event: string; data: unknown }[] {
  const usage = usageOf(view, answer);
  const events: { event: string; data: unknown }[] = [
    { event: 'message_start', data: { type: 'message_start', message: { id: messageId(), type: 'message', role: 'assistant', model: body.model, content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: usage.prompt_tokens, output_tokens: 1 } } } },
  ];
  blocksOf(answer).forEach((block, index) => {
    const start = block.type === 'text' ? { type: 'text', text: '' } : { type: 'tool_use', id: block.id, name: block.name, input: {} };
    events.push({ event: 'content_block_start', data: { type: 'content_block_start', index, content_block: start } });
    if (index === 0) events.push({ event: 'ping', data: { type: 'ping' } });
    const deltas = block.type === 'text'
      ? pieces(block.text ?? '').map((text) => ({ type: 'text_delta', text }))
      : ['', ...pieces(JSON.stringify(block.input), 3)].map((partial_json) => ({ type: 'input_json_delta', partial_json }));
    for (const delta of deltas) events.push({ event: 'content_block_delta', data: { type: 'content_block_delta', index, delta } });
    events.push({ event: 'content_block_stop', data: { type: 'content_block_stop', index } });
  });
  events.push({ event: 'message_delta', data: { type: 'message_delta', delta: { stop_reason: stopReasonOf(answer), stop_sequence: null }, usage: { output_tokens: usage.completion_tokens } } });
  events.push({ event: 'message_stop', data: { type: 'message_stop' } });
  return events;
}

async function stream(ex: FakeExchange, core: FakeCore, options: FakeAnthropicOptions, body: MessagesBody, view: ChatRequest, answer: FakeAnswer, dropAfter?: number): Promise<void> {
  const { res } = ex;
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'request-id': 'req_fake' });
  const events = eventsOf(body, view, answer);
  for (let i = 0; i < events.length; i++) {
    if (dropAfter !== undefined && i >= dropAfter) return void ex.req.socket.destroy();
    if (i > 0 && !(await core.sleep(options.streamDelayMs ?? 0, res))) return;
    const { event, data } = events[i]!;
    if (!(await core.write(res, `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`))) return;
  }
  res.end();
}
