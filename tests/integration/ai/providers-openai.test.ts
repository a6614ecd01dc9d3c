import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LochError } from '../../../src/core/errors.js';
import type { ChatChunk, ChatRequest } from '../../../src/ai/model-types.js';
import { responseText } from '../../../src/ai/model-types.js';
import { openAiProvider } from '../../../src/ai/providers/openai-provider.js';
import type { ProviderTarget } from '../../../src/ai/providers/provider.js';
import { defaultReply, startFakeOpenAi } from '../../support/fake-openai.js';
import type { FakeModelServer, FakeReply } from '../../support/fake-openai.js';

const KEY = 'sk-test-verysecretkey0123456789';
const provider = openAiProvider();
let server: FakeModelServer;
let reply: ((request: ChatRequest, n: number) => FakeReply) | undefined;

beforeAll(async () => {
  server = await startFakeOpenAi({ apiKey: KEY, chat: (request, info) => (reply !== undefined ? reply(request, info.n) : defaultReply(request)) });
});
afterAll(() => server.close());
afterEach(() => {
  reply = undefined;
  server.resetStats();
});

function target(overrides: Partial<ProviderTarget> = {}): ProviderTarget {
  return { url: server.url, model: 'gpt-test', apiKey: KEY, timeoutMs: 2000, ...overrides };
}

async function failure(promise: Promise<unknown>): Promise<LochError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(LochError);
  return error as LochError;
}

/** Aborts once the server holds the request (a fixed delay could fire before it arrives on a busy machine). */
function abortOnceArrived(controller: AbortController): void {
  const check = (): void => void (server.inFlight > 0 ? controller.abort() : setTimeout(check, 5));
  check();
}

async function collect(stream: AsyncIterable<ChatChunk>, into: ChatChunk[] = []): Promise<ChatChunk[]> {
  for await (const chunk of stream) into.push(chunk);
  return into;
}

const user = (text: string): ChatRequest => ({ messages: [{ role: 'user', content: text }] });
const weatherTool = { type: 'function' as const, function: { name: 'get_weather', description: 'Weather of a city', parameters: { type: 'object', properties: { city: { type: 'string' }, days: { type: 'integer' } }, required: ['city'] } } };

describe('openai provider: requests and answers', () => {
  it('chats: Bearer key, model = target.model, stream options dropped, full response shape', async () => {
    const response = await provider.chat(target(), { ...user('hello there'), model: 'ignored', stream_options: { include_usage: true }, temperature: 0 });
    expect(responseText(response)).toBe('echo: hello there');
    expect(response).toMatchObject({ object: 'chat.completion', model: 'gpt-test', choices: [{ index: 0, finish_reason: 'stop' }] });
    expect(response.usage?.total_tokens).toBeGreaterThan(0);
    const [request] = server.requests;
    expect(request?.path).toBe('/v1/chat/completions');
    expect(request?.headers['authorization']).toBe(`Bearer ${KEY}`);
    expect(request?.body).toEqual({ messages: [{ role: 'user', content: 'hello there' }], model: 'gpt-test', temperature: 0, stream: false });
  });

  it('streams: chunks reassemble to the non-streamed text, role first, usage last', async () => {
    const chunks = await collect(provider.chatStream(target(), { ...user('a longer sentence to split'), stream_options: { include_usage: true } }));
    expect(chunks.length).toBeGreaterThan(4);
    expect(chunks[0]?.choices[0]?.delta.role).toBe('assistant');
    const text = chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');
    expect(text).toBe(responseText(await provider.chat(target(), user('a longer sentence to split'))));
    expect(chunks.some((c) => c.choices[0]?.finish_reason === 'stop')).toBe(true);
    expect(chunks[chunks.length - 1]?.usage?.completion_tokens).toBeGreaterThan(0);
    expect(server.requests[0]?.body).toMatchObject({ stream: true, stream_options: { include_usage: true }, model: 'gpt-test' });
  });

  it('passes tools and tool_choice; answers with a tool call, then with the tool result', async () => {
    const request: ChatRequest = { ...user('weather in Oslo?'), tools: [weatherTool], tool_choice: 'auto' };
    const response = await provider.chat(target(), request);
    const call = response.choices[0]?.message.tool_calls?.[0];
    expect(response.choices[0]?.finish_reason).toBe('tool_calls');
    expect(call?.function.name).toBe('get_weather');
    expect(JSON.parse(call?.function.arguments ?? '')).toEqual({ city: 'x', days: 1 });
    expect(server.requests[0]?.body).toMatchObject({ tools: [weatherTool], tool_choice: 'auto' });
    const followUp = await provider.chat(target(), { ...request, messages: [...request.messages, response.choices[0]!.message, { role: 'tool', tool_call_id: call!.id, content: 'sunny' }] });
    expect(responseText(followUp)).toBe('tool said: sunny');
  });

  it('streams tool calls whose argument fragments reassemble', async () => {
    const chunks = await collect(provider.chatStream(target(), { ...user('weather?'), tools: [weatherTool] }));
    const calls = chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? []);
    expect(calls[0]).toMatchObject({ index: 0, type: 'function', function: { name: 'get_weather', arguments: '' } });
    expect(calls.length).toBeGreaterThan(2);
    const args = calls.filter((c) => c.index === 0).map((c) => c.function?.arguments ?? '').join('');
    expect(JSON.parse(args)).toEqual({ city: 'x', days: 1 });
    expect(chunks.some((c) => c.choices[0]?.finish_reason === 'tool_calls')).toBe(true);
  });

  it('asks for JSON-schema output and gets JSON valid for it', async () => {
    const schema = { type: 'object', properties: { name: { type: 'string' }, mood: { type: 'string', enum: ['happy', 'sad'] }, tags: { type: 'array', items: { type: 'string' } } }, required: ['name'] };
    const response = await provider.chat(target(), { ...user('describe'), response_format: { type: 'json_schema', json_schema: { name: 'person', schema, strict: true } } });
    expect(JSON.parse(responseText(response))).toEqual({ name: 'x', mood: 'happy', tags: ['x'] });
    expect(server.requests[0]?.body).toMatchObject({ response_format: { type: 'json_schema', json_schema: { name: 'person', schema } } });
  });

  it('embeds a string and a list, in input order', async () => {
    const one = await provider.embed(target({ model: 'emb' }), { input: 'alpha' });
    expect(one.data).toHaveLength(1);
    expect(one.data[0]?.embedding).toHaveLength(8);
    const many = await provider.embed(target({ model: 'emb' }), { input: ['beta', 'alpha'] });
    expect(many.data.map((d) => d.index)).toEqual([0, 1]);
    expect(many.data[1]?.embedding).toEqual(one.data[0]?.embedding);
    expect(many.usage.prompt_tokens).toBeGreaterThan(0);
    expect(server.requests[1]).toMatchObject({ path: '/v1/embeddings', body: { model: 'emb', input: ['beta', 'alpha'] } });
  });
});

describe('openai provider: failures', () => {
  it('429 with Retry-After: RESOURCE_EXHAUSTED, retryable, retryAfterMs, a message naming provider and host', async () => {
    reply = () => ({ fault: 'status', status: 429, retryAfter: '3', message: 'Rate limit reached for gpt-test' });
    const error = await failure(provider.chat(target(), user('x')));
    const host = new URL(server.url).host;
    expect(error.code).toBe('RESOURCE_EXHAUSTED');
    expect(error.retryable).toBe(true);
    expect(error.context).toEqual({ status: 429, retryAfterMs: 3000 });
    expect(error.message).toBe(`ai provider openai (${host}): HTTP 429 rate limited: Rate limit reached for gpt-test`);
  });

  it('500 is UNAVAILABLE and retryable; 400 is INVALID_ARGUMENT and not', async () => {
    reply = () => ({ fault: 'status', status: 500 });
    const e500 = await failure(provider.chat(target(), user('x')));
    expect([e500.code, e500.retryable, e500.context['status']]).toEqual(['UNAVAILABLE', true, 500]);
    reply = () => ({ fault: 'status', status: 400, message: "Invalid value for 'temperature'" });
    const e400 = await failure(provider.chat(target(), user('x')));
    expect([e400.code, e400.retryable]).toEqual(['INVALID_ARGUMENT', false]);
    expect(e400.message).toContain("Invalid value for 'temperature'");
    const stream400 = await failure(collect(provider.chatStream(target(), user('x'))));
    expect(stream400.code).toBe('INVALID_ARGUMENT');
  });

  it('401: the message never holds the key, even when the server echoes it', async () => {
    const wrong = await failure(provider.chat(target({ apiKey: 'sk-wrong-key-abcdefghijklmnop' }), user('x')));
    expect(wrong.code).toBe('UNAVAILABLE');
    expect(wrong.context['status']).toBe(401);
    reply = () => ({ fault: 'status', status: 401, message: `Incorrect API key provided: ${KEY}. Masked: sk-test-****6789` });
    const echoed = await failure(provider.chat(target(), user('x')));
    expect(echoed.message).toContain('HTTP 401 unauthorized: Incorrect API key provided');
    for (const text of [wrong.message, echoed.message, JSON.stringify(echoed.context), String(echoed.cause ?? '')]) {
      expect(text).not.toContain(KEY);
      expect(text).not.toContain('abcdefghijklmnop');
      expect(text).not.toContain('6789');
    }
  });

  it('a server slower than timeoutMs: retryable status 0, soon after the timeout', async () => {
    reply = () => ({ fault: 'slow', ms: 1500 });
    const started = Date.now();
    const error = await failure(provider.chat(target({ timeoutMs: 100 }), user('x')));
    expect(Date.now() - started).toBeLessThan(1000);
    expect([error.code, error.retryable, error.context['status']]).toEqual(['UNAVAILABLE', true, 0]);
    expect(error.message).toMatch(/no answer within 100 ms/);
  });

  it('for streams the timeout is between events, not over the whole stream', async () => {
    const slowStream = await startFakeOpenAi({ streamDelayMs: 100 });
    try {
      const started = Date.now();
      const chunks = await collect(provider.chatStream({ url: slowStream.url, model: 'm', timeoutMs: 300 }, user('a few words to stream')));
      expect(chunks.length).toBeGreaterThan(5);
      expect(Date.now() - started).toBeGreaterThan(450); // the whole stream took longer than the timeout
      const stalled = await startFakeOpenAi({ streamDelayMs: 1000 });
      const seen: ChatChunk[] = [];
      const error = await failure(collect(provider.chatStream({ url: stalled.url, model: 'm', timeoutMs: 100 }, user('x')), seen));
      expect(seen).toHaveLength(1);
      expect([error.retryable, error.context['status']]).toEqual([true, 0]);
      await stalled.close();
    } finally {
      await slowStream.close();
    }
  });

  it('a connection dropped before the response, or refused: retryable status 0', async () => {
    reply = () => ({ fault: 'drop' });
    const dropped = await failure(provider.chat(target(), user('x')));
    expect([dropped.code, dropped.retryable, dropped.context['status']]).toEqual(['UNAVAILABLE', true, 0]);
    const closed = await startFakeOpenAi();
    const url = closed.url;
    await closed.close();
    const refused = await failure(provider.chat({ url, model: 'm', timeoutMs: 1000 }, user('x')));
    expect([refused.retryable, refused.context['status']]).toEqual([true, 0]);
    expect(refused.message).toMatch(/connection failed/);
  });

  it('a stream dropped in the middle: the chunks already received, then a retryable status-0 error', async () => {
    reply = () => ({ fault: 'drop', afterChunks: 3 });
    const seen: ChatChunk[] = [];
    const error = await failure(collect(provider.chatStream(target(), user('some text to stream')), seen));
    expect(seen).toHaveLength(3);
    expect([error.code, error.retryable, error.context['status']]).toEqual(['UNAVAILABLE', true, 0]);
  });

  it("the caller's abort cancels at once (CANCELLED), and the server sees the connection close", async () => {
    reply = () => ({ fault: 'hang' });
    const controller = new AbortController();
    abortOnceArrived(controller);
    const error = await failure(provider.chat(target({ timeoutMs: 5000 }), user('x'), controller.signal));
    expect(error.code).toBe('CANCELLED');
    expect(error.retryable).toBe(false);
    // The server learns of the closed socket a moment after the client gave up.
    await expect.poll(() => server.inFlight, { timeout: 1000 }).toBe(0);
    server.resetStats();
    const streamAbort = new AbortController();
    abortOnceArrived(streamAbort);
    const streamError = await failure(collect(provider.chatStream(target({ timeoutMs: 5000 }), user('x'), streamAbort.signal)));
    expect(streamError.code).toBe('CANCELLED');
    await expect.poll(() => server.inFlight, { timeout: 1000 }).toBe(0);
    expect(server.maxInFlight).toBe(1);
    const already = await failure(provider.chat(target(), user('x'), AbortSignal.abort()));
    expect(already.code).toBe('CANCELLED');
  });
});

describe('openai provider: lenient servers', () => {
  async function rawServer(handler: (path: string, body: string) => { status?: number; type?: string; text: string }): Promise<{ url: string; close: () => Promise<void> }> {
    const s = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        const answer = handler(req.url ?? '', body);
        res.writeHead(answer.status ?? 200, { 'content-type': answer.type ?? 'application/json' }).end(answer.text);
      });
    });
    await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
    return { url: `http://127.0.0.1:${(s.address() as AddressInfo).port}/v1`, close: () => new Promise((resolve) => s.close(() => resolve())) };
  }

  it('fills ids, object, created and model; accepts arguments as objects and base64 embeddings', async () => {
    const vector = Buffer.from(new Float32Array([0.5, -0.25]).buffer).toString('base64');
    const raw = await rawServer((path) => path.endsWith('/embeddings')
      ? { text: JSON.stringify({ data: [{ embedding: vector }] }) }
      : { text: JSON.stringify({ choices: [{ message: { content: 'hi', tool_calls: [{ function: { name: 'f', arguments: { a: 1 } } }] } }] }) });
    try {
      const response = await openAiProvider({ now: () => 1_700_000_000_000 }).chat({ url: raw.url, model: 'llama', timeoutMs: 1000 }, user('x'));
      expect(response).toMatchObject({ object: 'chat.completion', created: 1_700_000_000, model: 'llama', id: 'chatcmpl-1700000000' });
      expect(response.choices[0]?.message.tool_calls?.[0]).toMatchObject({ type: 'function', function: { name: 'f', arguments: '{"a":1}' } });
      expect(response.choices[0]?.message.tool_calls?.[0]?.id).toMatch(/./);
      const embedded = await provider.embed({ url: raw.url, model: 'e', timeoutMs: 1000 }, { input: 'x' });
      expect(embedded.data[0]?.embedding).toEqual([0.5, -0.25]);
    } finally {
      await raw.close();
    }
  });

  it('a 2xx answer that is not JSON or has no choices: malformed, status 502, retryable', async () => {
    let text = '<html>proxy page</html>';
    const raw = await rawServer(() => ({ text }));
    try {
      const t = { url: raw.url, model: 'm', timeoutMs: 1000 };
      const notJson = await failure(provider.chat(t, user('x')));
      expect([notJson.code, notJson.retryable, notJson.context['status']]).toEqual(['UNAVAILABLE', true, 502]);
      expect(notJson.message).toContain('malformed answer: HTTP 200 body is not JSON: <html>proxy page</html>');
      text = '{"object":"chat.completion"}';
      expect((await failure(provider.chat(t, user('x')))).message).toContain('chat completion without choices');
    } finally {
      await raw.close();
    }
  });

  it('accepts a stream without [DONE] that finished, refuses one that did not, and reports error events', async () => {
    const chunk = (delta: object, finish: string | null) => `data: ${JSON.stringify({ choices: [{ delta, finish_reason: finish }] })}\n\n`;
    let body = chunk({ content: 'hi' }, null) + chunk({}, 'stop');
    const raw = await rawServer(() => ({ type: 'text/event-stream', text: body }));
    try {
      const t = { url: raw.url, model: 'm', timeoutMs: 1000 };
      expect((await collect(provider.chatStream(t, user('x')))).map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('hi');
      body = chunk({ content: 'hi' }, null);
      expect((await failure(collect(provider.chatStream(t, user('x'))))).context['status']).toBe(0);
      body = chunk({ content: 'hi' }, null) + `data: ${JSON.stringify({ error: { message: 'model overloaded', code: 503 } })}\n\n`;
      const error = await failure(collect(provider.chatStream(t, user('x'))));
      expect([error.code, error.retryable, error.context['status']]).toEqual(['UNAVAILABLE', true, 503]);
      expect(error.message).toContain('model overloaded');
    } finally {
      await raw.close();
    }
  });
});
