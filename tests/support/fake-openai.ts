import type { ServerResponse } from 'node:http';
import type { ChatChunk, ChatRequest, ChatResponse, EmbeddingRequest, Usage } from '../../src/ai/model-types.js';
import { defaultReply, fakeEmbedding, isFault, pieces, sendJson, startFakeCore, tokensOf, usageOf } from './fake-model-core.js';
import type { FakeAnswer, FakeCore, FakeExchange, FakeFault, FakeModelServer, FakeOpenAiOptions, FakeReply } from './fake-model-core.js';

/**
 * A fake OpenAI-compatible model server on 127.0.0.1 (an ephemeral port) for protocol, gateway
 * and batch tests. Routes: `POST /v1/chat/completions` (JSON, or with `stream: true` an SSE
 * stream of `chat.completion.chunk` events — role delta first, content in several pieces,
 * tool-call deltas with index/id/name then argument fragments, a finish_reason chunk, a usage
 * chunk when `stream_options.include_usage`, then `data: [DONE]`), `POST /v1/embeddings` (string
 * or array input; `encoding_format: 'base64'` as the official client sends by default), `GET /v1/models`. Errors use OpenAI's `{error:{message,type,param,code}}`.
 * Faults per request: see FakeReply (status with retry-after, drop, hang, slow).
 * `url` is `http://127.0.0.1:<port>/v1`.
 */
export async function startFakeOpenAi(options: FakeOpenAiOptions = {}): Promise<FakeModelServer> {
  const core = await startFakeCore(options.record ?? true, (exchange, c) => route(exchange, c, options));
  const server = core.server;
  return {
    url: `http://127.0.0.1:${core.port}/v1`,
    requests: server.requests,
    get inFlight() { return server.inFlight; },
    get maxInFlight() { return server.maxInFlight; },
    resetStats: () => server.resetStats(),
    close: () => server.close(),
  };
}

export type { FakeAnswer, FakeFault, FakeModelServer, FakeOpenAiOptions, FakeReply, RecordedRequest, FakeRequestInfo } from './fake-model-core.js';
export { defaultReply, fakeEmbedding, sampleForSchema } from './fake-model-core.js';

async function route(ex: FakeExchange, core: FakeCore, options: FakeOpenAiOptions): Promise<void> {
  const { req, res, path } = ex;
  if (options.apiKey !== undefined && req.headers.authorization !== `Bearer ${options.apiKey}`) {
    return sendError(res, 401, 'Incorrect API key provided.', 'invalid_api_key');
  }
  if (ex.badJson) return sendError(res, 400, 'We could not parse the JSON body of your request.');
  if (req.method === 'POST' && path === '/v1/chat/completions') return chat(ex, core, options);
  if (req.method === 'POST' && path === '/v1/embeddings') return embeddings(ex, core, options);
  if (req.method === 'GET' && path === '/v1/models') {
    const data = (options.models ?? ['fake-model']).map((id) => ({ id, object: 'model', created: 1_700_000_000, owned_by: 'loch-tests' }));
    return sendJson(res, 200, { object: 'list', data });
  }
  return sendError(res, 404, `Invalid URL (${req.method ?? 'GET'} ${path})`);
}

/** OpenAI's error body for a status. */
function sendError(res: ServerResponse, status: number, message?: string, code?: string, retryAfter?: string): void {
  const type = status === 429 ? 'requests' : status >= 500 ? 'server_error' : 'invalid_request_error';
  const defaultCode = status === 429 ? 'rate_limit_exceeded' : status === 401 ? 'invalid_api_key' : null;
  const text = message ?? (status === 429 ? 'Rate limit reached for requests' : status >= 500 ? 'The server had an error while processing your request.' : `Request failed with status ${status}`);
  sendJson(res, status, { error: { message: text, type, param: null, code: code ?? defaultCode } }, retryAfter !== undefined ? { 'retry-after': retryAfter } : {});
}

async function chat(ex: FakeExchange, core: FakeCore, options: FakeOpenAiOptions): Promise<void> {
  const request = ex.body as ChatRequest | undefined;
  if (request === undefined || !Array.isArray(request.messages)) return sendError(ex.res, 400, "Missing required parameter: 'messages'.");
  const n = core.nextCount('chat');
  if (!(await core.sleep(options.latencyMs ?? 0, ex.res))) return;
  let reply: FakeReply = options.chat !== undefined ? await options.chat(request, { n, body: ex.body }) : defaultReply(request);
  for (;;) {
    if (!isFault(reply)) return request.stream === true ? streamChat(ex, core, options, request, reply) : sendJson(ex.res, 200, completion(request, reply));
    if (reply.fault !== 'slow') return applyFault(ex, core, options, request, reply);
    if (!(await core.sleep(reply.ms, ex.res))) return;
    reply = reply.reply ?? defaultReply(request);
  }
}

async function applyFault(ex: FakeExchange, core: FakeCore, options: FakeOpenAiOptions, request: ChatRequest | undefined, fault: FakeFault): Promise<void> {
  if (fault.fault === 'status') return sendError(ex.res, fault.status, fault.message, undefined, fault.retryAfter);
  if (fault.fault === 'hang') return;
  if (fault.fault === 'drop') {
    const after = fault.afterChunks ?? 2;
    if (request?.stream !== true || after <= 0) return void ex.req.socket.destroy();
    return streamChat(ex, core, options, request, defaultReply(request), after);
  }
}

function finishOf(answer: FakeAnswer): NonNullable<FakeAnswer['finish_reason']> {
  return answer.finish_reason ?? ((answer.tool_calls ?? []).length > 0 ? 'tool_calls' : 'stop');
}

let sequence = 0;
function nextId(prefix: string): string {
  sequence++;
  return `${prefix}${Date.now().toString(36)}${sequence.toString(36).padStart(4, '0')}`;
}

function completion(request: ChatRequest, answer: FakeAnswer): ChatResponse & { system_fingerprint: string } {
  const calls = answer.tool_calls ?? [];
  return {
    id: nextId('chatcmpl-'),
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: request.model ?? 'fake-model',
    system_fingerprint: 'fp_fake',
    choices: [{
      index: 0,
      message: { role: 'assistant', content: answer.content ?? null, ...(calls.length > 0 ? { tool_calls: calls } : {}) },
      finish_reason: finishOf(answer),
    }],
    usage: usageOf(request, answer),
  };
}

type Delta = ChatChunk['choices'][number]['delta'];

/** The chunks of a streamed answer, in order, without the final `[DONE]`. */
function chunksOf(request: ChatRequest, answer: FakeAnswer): ChatChunk[] {
  const base = { id: nextId('chatcmpl-'), object: 'chat.completion.chunk' as const, created: Math.floor(Date.now() / 1000), model: request.model ?? 'fake-model' };
  const withUsage = request.stream_options?.include_usage === true;
  const chunk = (delta: Delta, finish: ChatChunk['choices'][number]['finish_reason'] = null): ChatChunk =>
    ({ ...base, choices: [{ index: 0, delta, finish_reason: finish }], ...(withUsage ? { usage: null } : {}) });
  const out: ChatChunk[] = [chunk({ role: 'assistant', content: answer.content === undefined ? null : '' })];
  for (const piece of pieces(answer.content ?? '')) out.push(chunk({ content: piece }));
  (answer.tool_calls ?? []).forEach((call, index) => {
    out.push(chunk({ tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.function.name, arguments: '' } }] }));
    for (const piece of pieces(call.function.arguments, 3)) out.push(chunk({ tool_calls: [{ index, function: { arguments: piece } }] }));
  });
  out.push(chunk({}, finishOf(answer)));
  if (withUsage) out.push({ ...base, choices: [], usage: usageOf(request, answer) });
  return out;
}

/** Streams an answer as SSE; with `dropAfter`, destroys the socket after that many events. */
async function streamChat(ex: FakeExchange, core: FakeCore, options: FakeOpenAiOptions, request: ChatRequest, answer: FakeAnswer, dropAfter?: number): Promise<void> {
  const { res } = ex;
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive' });
  const events = [...chunksOf(request, answer).map((c) => JSON.stringify(c)), '[DONE]'];
  for (let i = 0; i < events.length; i++) {
    if (dropAfter !== undefined && i >= dropAfter) return void ex.req.socket.destroy();
    if (i > 0 && !(await core.sleep(options.streamDelayMs ?? 0, res))) return;
    if (!(await core.write(res, `data: ${events[i]}\n\n`))) return;
  }
  res.end();
}

async function embeddings(ex: FakeExchange, core: FakeCore, options: FakeOpenAiOptions): Promise<void> {
  const request = ex.body as EmbeddingRequest | undefined;
  const input: unknown = request?.input;
  const inputs = typeof input === 'string' ? [input] : Array.isArray(input) ? input.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))) : undefined;
  if (inputs === undefined || inputs.length === 0) return sendError(ex.res, 400, "'input' : input must be a string or a non-empty array");
  const n = core.nextCount('embeddings');
  if (!(await core.sleep(options.latencyMs ?? 0, ex.res))) return;
  let fault = options.embedFault !== undefined ? await options.embedFault(inputs, { n }) : undefined;
  while (fault?.fault === 'slow') {
    if (!(await core.sleep(fault.ms, ex.res))) return;
    fault = fault.reply !== undefined && isFault(fault.reply) ? fault.reply : undefined;
  }
  if (fault !== undefined) return applyFault(ex, core, options, undefined, fault);
  const vectors = options.embed !== undefined ? options.embed(inputs) : inputs.map((text) => fakeEmbedding(text, request?.dimensions ?? 8));
  const base64 = (request as { encoding_format?: string } | undefined)?.encoding_format === 'base64';
  const tokens = inputs.reduce((sum, text) => sum + tokensOf(text), 0);
  const usage: Pick<Usage, 'prompt_tokens' | 'total_tokens'> = { prompt_tokens: tokens, total_tokens: tokens };
  sendJson(ex.res, 200, {
    object: 'list',
    // The official client asks for base64 (little-endian float32) unless told otherwise.
    data: vectors.map((vector, index) => ({ object: 'embedding', index, embedding: base64 ? Buffer.from(new Float32Array(vector).buffer).toString('base64') : vector })),
    model: request?.model ?? 'fake-embedding-model',
    usage,
  });
}
