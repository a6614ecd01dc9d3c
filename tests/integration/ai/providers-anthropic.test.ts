import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LochError } from '../../../src/core/errors.js';
import type { ChatChunk, ChatRequest } from '../../../src/ai/model-types.js';
import { responseText } from '../../../src/ai/model-types.js';
import { anthropicProvider } from '../../../src/ai/providers/anthropic-provider.js';
import type { ProviderTarget } from '../../../src/ai/providers/provider.js';
import { defaultReply } from '../../support/fake-openai.js';
import { startFakeAnthropic } from '../../support/fake-anthropic.js';
import type { FakeModelServer, FakeReply } from '../../support/fake-anthropic.js';

const KEY = 'sk-ant-api03-testsecretkey0123456789';
const provider = anthropicProvider();
let server: FakeModelServer;
let reply: ((request: ChatRequest) => FakeReply) | undefined;

beforeAll(async () => {
  server = await startFakeAnthropic({ apiKey: KEY, chat: (request) => (reply !== undefined ? reply(request) : defaultReply(request, 'toolu_')) });
});
afterAll(() => server.close());
afterEach(() => {
  reply = undefined;
  server.resetStats();
});

function target(overrides: Partial<ProviderTarget> = {}): ProviderTarget {
  return { url: server.url, model: 'claude-test', apiKey: KEY, timeoutMs: 2000, ...overrides };
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

const textOf = (chunks: readonly ChatChunk[]): string => chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');
const user = (text: string): ChatRequest => ({ messages: [{ role: 'system', content: 'be kind' }, { role: 'user', content: text }] });
const weatherTool = { type: 'function' as const, function: { name: 'get_weather', description: 'Weather of a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } };

describe('anthropic provider: requests and answers', () => {
  it('chats: x-api-key, anthropic-version, system, default max_tokens; usage and finish_reason mapped', async () => {
    const response = await provider.chat(target(), { ...user('hello'), stop: ['END'], top_p: 0.5 });
    expect(responseText(response)).toBe('echo: hello');
    expect(response).toMatchObject({ object: 'chat.completion', model: 'claude-test', choices: [{ finish_reason: 'stop' }] });
    expect(response.id).toMatch(/^msg_/);
    expect(response.usage?.prompt_tokens).toBeGreaterThan(0);
    const [request] = server.requests;
    expect(request?.path).toBe('/v1/messages');
    expect(request?.headers).toMatchObject({ 'x-api-key': KEY, 'anthropic-version': '2023-06-01' });
    expect(request?.headers['authorization']).toBeUndefined();
    expect(request?.body).toEqual({ model: 'claude-test', max_tokens: 1024, system: 'be kind', messages: [{ role: 'user', content: [{ type: 'text', text: 'hello' }] }], top_p: 0.5, stop_sequences: ['END'] });
  });

  it('accepts a base URL ending in /v1, and target headers override the version', async () => {
    await provider.chat(target({ url: `${server.url}/v1/`, headers: { 'anthropic-version': '2023-01-01' } }), user('x'));
    expect(server.requests[0]?.path).toBe('/v1/messages');
    expect(server.requests[0]?.headers['anthropic-version']).toBe('2023-01-01');
  });

  it('streams: chunks reassemble to the non-streamed text; the last chunk has finish_reason and usage', async () => {
    const chunks = await collect(provider.chatStream(target(), user('a sentence long enough to split')));
    expect(chunks[0]?.choices[0]?.delta).toEqual({ role: 'assistant', content: '' });
    expect(chunks.length).toBeGreaterThan(4);
    expect(textOf(chunks)).toBe(responseText(await provider.chat(target(), user('a sentence long enough to split'))));
    const last = chunks[chunks.length - 1];
    expect(last?.choices[0]?.finish_reason).toBe('stop');
    expect(last?.usage?.completion_tokens).toBeGreaterThan(0);
    expect(server.requests[0]?.body).toMatchObject({ stream: true });
  });

  it('tool calls: tools as input_schema, tool_use back as tool_calls, tool results as tool_result blocks', async () => {
    const request: ChatRequest = { ...user('weather in Oslo?'), tools: [weatherTool], tool_choice: { type: 'function', function: { name: 'get_weather' } } };
    const response = await provider.chat(target(), request);
    const call = response.choices[0]?.message.tool_calls?.[0];
    expect(response.choices[0]?.finish_reason).toBe('tool_calls');
    expect(call).toMatchObject({ type: 'function', function: { name: 'get_weather' } });
    expect(JSON.parse(call?.function.arguments ?? '')).toEqual({ city: 'x' });
    expect(server.requests[0]?.body).toMatchObject({ tools: [{ name: 'get_weather', description: 'Weather of a city', input_schema: weatherTool.function.parameters }], tool_choice: { type: 'tool', name: 'get_weather' } });
    const followUp = await provider.chat(target(), { ...request, tool_choice: 'auto', messages: [...request.messages, response.choices[0]!.message, { role: 'tool', tool_call_id: call!.id, content: 'sunny' }] });
    expect(responseText(followUp)).toBe('tool said: sunny');
    expect((server.requests[1]?.body as { messages: unknown[] }).messages.slice(1)).toEqual([
      { role: 'assistant', content: [{ type: 'tool_use', id: call!.id, name: 'get_weather', input: { city: 'x' } }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: call!.id, content: 'sunny' }] },
    ]);
  });

  it('streams tool calls whose argument fragments reassemble', async () => {
    const chunks = await collect(provider.chatStream(target(), { ...user('weather?'), tools: [weatherTool] }));
    const calls = chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? []);
    expect(calls[0]).toMatchObject({ index: 0, type: 'function', function: { name: 'get_weather', arguments: '' } });
    expect(calls[0]?.id).toMatch(/^toolu_/);
    expect(JSON.parse(calls.map((c) => c.function?.arguments ?? '').join(''))).toEqual({ city: 'x' });
    expect(chunks[chunks.length - 1]?.choices[0]?.finish_reason).toBe('tool_calls');
  });

  it('JSON-schema output goes through a forced tool and comes back as JSON text, streamed or not', async () => {
    const schema = { type: 'object', properties: { name: { type: 'string' }, age: { type: 'integer' } }, required: ['name'] };
    const request: ChatRequest = { ...user('a person'), response_format: { type: 'json_schema', json_schema: { name: 'person', schema } } };
    const response = await provider.chat(target(), request);
    expect(JSON.parse(responseText(response))).toEqual({ name: 'x', age: 1 });
    expect(response.choices[0]?.finish_reason).toBe('stop');
    expect(response.choices[0]?.message.tool_calls).toBeUndefined();
    expect(server.requests[0]?.body).toMatchObject({ tools: [{ name: 'person', input_schema: schema }], tool_choice: { type: 'tool', name: 'person' } });
    const chunks = await collect(provider.chatStream(target(), request));
    expect(JSON.parse(textOf(chunks))).toEqual({ name: 'x', age: 1 });
    expect(chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? [])).toEqual([]);
    const list = await collect(provider.chatStream(target(), { ...user('tags'), response_format: { type: 'json_schema', json_schema: { name: 'tags', schema: { type: 'array', items: { type: 'string' } } } } }));
    expect(JSON.parse(textOf(list))).toEqual(['x']);
  });

  it('has no embeddings: INVALID_ARGUMENT', async () => {
    const error = await failure(provider.embed(target(), { input: 'x' }));
    expect([error.code, error.retryable]).toEqual(['INVALID_ARGUMENT', false]);
  });
});

describe('anthropic provider: failures', () => {
  it('429 rate_limit_error with retry-after: RESOURCE_EXHAUSTED, retryable, retryAfterMs', async () => {
    reply = () => ({ fault: 'status', status: 429, retryAfter: '1' });
    const error = await failure(provider.chat(target(), user('x')));
    expect(error.code).toBe('RESOURCE_EXHAUSTED');
    expect(error.context).toEqual({ status: 429, retryAfterMs: 1000 });
    expect(error.message).toBe(`ai provider anthropic (${new URL(server.url).host}): HTTP 429 rate limited: Number of requests has exceeded your rate limit`);
  });

  it('529 overloaded and 500 api_error are UNAVAILABLE and retryable; 400 is INVALID_ARGUMENT', async () => {
    for (const status of [529, 500]) {
      reply = () => ({ fault: 'status', status });
      const error = await failure(provider.chat(target(), user('x')));
      expect([error.code, error.retryable, error.context['status']]).toEqual(['UNAVAILABLE', true, status]);
    }
    reply = () => ({ fault: 'status', status: 400, message: 'messages: roles must alternate' });
    const bad = await failure(collect(provider.chatStream(target(), user('x'))));
    expect([bad.code, bad.retryable]).toEqual(['INVALID_ARGUMENT', false]);
    expect(bad.message).toContain('HTTP 400 bad request: messages: roles must alternate');
  });

  it('401: a wrong key is refused, and the message holds no key', async () => {
    const wrongKey = 'sk-ant-api03-wrongwrongwrong9876';
    const error = await failure(provider.chat(target({ apiKey: wrongKey }), user('x')));
    expect([error.code, error.context['status']]).toEqual(['UNAVAILABLE', 401]);
    expect(error.message).toContain('HTTP 401 unauthorized: invalid x-api-key');
    reply = () => ({ fault: 'status', status: 401, message: `invalid x-api-key ${KEY}` });
    const echoed = await failure(provider.chat(target(), user('x')));
    for (const text of [error.message, echoed.message]) {
      expect(text).not.toContain(wrongKey);
      expect(text).not.toContain(KEY);
      expect(text).not.toContain('0123456789');
    }
  });

  it('slow beyond timeoutMs, dropped before the response, dropped mid-stream: retryable status 0', async () => {
    reply = () => ({ fault: 'slow', ms: 1500 });
    const slow = await failure(provider.chat(target({ timeoutMs: 100 }), user('x')));
    expect([slow.retryable, slow.context['status']]).toEqual([true, 0]);
    reply = () => ({ fault: 'drop' });
    const dropped = await failure(provider.chat(target(), user('x')));
    expect([dropped.retryable, dropped.context['status']]).toEqual([true, 0]);
    reply = () => ({ fault: 'drop', afterChunks: 4 });
    const seen: ChatChunk[] = [];
    const mid = await failure(collect(provider.chatStream(target(), user('some words to stream')), seen));
    expect([mid.code, mid.retryable, mid.context['status']]).toEqual(['UNAVAILABLE', true, 0]);
    expect(textOf(seen).length).toBeGreaterThan(0);
  });

  it("the caller's abort cancels (CANCELLED)", async () => {
    reply = () => ({ fault: 'hang' });
    const controller = new AbortController();
    abortOnceArrived(controller);
    const error = await failure(collect(provider.chatStream(target({ timeoutMs: 5000 }), user('x'), controller.signal)));
    expect(error.code).toBe('CANCELLED');
    await expect.poll(() => server.inFlight, { timeout: 1000 }).toBe(0);
  });

  it('an error event in the stream, and a stream that ends before message_stop', async () => {
    let events = '';
    const raw = createServer((_req, res) => void res.writeHead(200, { 'content-type': 'text/event-stream' }).end(events));
    await new Promise<void>((resolve) => raw.listen(0, '127.0.0.1', resolve));
    const t: ProviderTarget = { url: `http://127.0.0.1:${(raw.address() as AddressInfo).port}`, model: 'c', timeoutMs: 1000 };
    const start = `event: message_start\ndata: ${JSON.stringify({ type: 'message_start', message: { id: 'msg_x', usage: { input_tokens: 2 } } })}\n\n`;
    try {
      events = start + `event: error\ndata: ${JSON.stringify({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } })}\n\n`;
      const overloaded = await failure(collect(provider.chatStream(t, user('x'))));
      expect([overloaded.code, overloaded.retryable, overloaded.context['status']]).toEqual(['UNAVAILABLE', true, 529]);
      events = start;
      const cut = await failure(collect(provider.chatStream(t, user('x'))));
      expect([cut.retryable, cut.context['status']]).toEqual([true, 0]);
      expect(cut.message).toContain('before message_stop');
    } finally {
      await new Promise((resolve) => raw.close(resolve));
    }
  });
});
