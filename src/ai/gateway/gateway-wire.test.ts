import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Catalog } from '../../catalog/catalog-types.js';
import { rejection } from '../../test-support/errors.js';
import { startFakeOpenAi } from '../../../tests/support/fake-openai.js';
import type { FakeModelServer } from '../../../tests/support/fake-openai.js';
import type { ChatChunk } from '../model-types.js';
import { responseText } from '../model-types.js';
import { defaultProviders } from '../providers/providers.js';
import { API_KEY, GatewayHarness, testGateway } from './test-support/gateway-harness.js';

/**
 * The gateway over the real OpenAI provider and H1's fake OpenAI server on 127.0.0.1: the key
 * travels as a bearer token, Retry-After of a real 429 is honoured, a timed-out attempt is
 * retried, and nothing of the key reaches events or errors.
 */
let h: GatewayHarness;
let bob: Catalog;
let server: FakeModelServer;
let script: (n: number) => unknown = () => undefined;

beforeAll(async () => {
  h = await GatewayHarness.open();
  bob = await h.catalogOf('bob');
  server = await startFakeOpenAi({ apiKey: API_KEY, chat: (request, info) => (script(info.n) as never) ?? { content: `echo: ${String(request.messages.at(-1)?.content)}` } });
}, 30_000);

afterAll(async () => {
  await server?.close();
  await h?.close();
});

describe('gateway over the OpenAI provider', () => {
  it('sends the key as a bearer token and honours a real Retry-After', async () => {
    server.resetStats();
    script = (n) => (n === 1 ? { fault: 'status', status: 429, retryAfter: '3' } : undefined);
    const { gateway, events, sleeps } = testGateway(h, defaultProviders().openai);
    const name = await h.endpoint('wire', { url: server.url, limits: { backoffMs: 10 } });
    const response = await gateway.chat(name, { messages: [{ role: 'user', content: 'hi' }] }, { catalog: bob, source: 'sql' });
    expect(responseText(response)).toBe('echo: hi');
    expect(sleeps).toEqual([3_000]);
    expect(server.requests.map((r) => r.headers['authorization'])).toEqual([`Bearer ${API_KEY}`, `Bearer ${API_KEY}`]);
    expect(events[0]).toMatchObject({ status: 'success', attempts: 2, httpStatus: 200 });
    expect(JSON.stringify(events)).not.toContain(API_KEY);
  });

  it('retries an attempt that timed out, and streams', async () => {
    server.resetStats();
    script = (n) => (n === 1 ? { fault: 'hang' } : undefined);
    const { gateway, events } = testGateway(h, defaultProviders().openai);
    const name = await h.endpoint('wire_timeout', { url: server.url, limits: { timeoutMs: 200, backoffMs: 10 } });
    const response = await gateway.chat(name, { messages: [{ role: 'user', content: 'late' }] }, { catalog: bob, source: 'sql' });
    expect(responseText(response)).toBe('echo: late');
    const chunks: ChatChunk[] = [];
    for await (const chunk of gateway.chatStream(name, { messages: [{ role: 'user', content: 'flow' }] }, { catalog: bob, source: 'openai' })) chunks.push(chunk);
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('echo: flow');
    expect(chunks.some((c) => c.usage !== undefined && c.usage !== null)).toBe(false);
    expect(events.map((e) => [e.status, e.attempts, e.streamed])).toEqual([['success', 2, false], ['success', 1, true]]);
    expect(events[1]?.promptTokens).toBeGreaterThan(0);
  });

  it('a refused key is not retried and its error holds no key', async () => {
    await h.loch.secrets.putSecret(h.loch.catalog.actor, 'other', 'wrong', 'sk-wrong-key-5d1c0f9e');
    const { gateway, events } = testGateway(h, defaultProviders().openai);
    const name = await h.endpoint('wire_badkey', { url: server.url, apiKey: { scope: 'other', key: 'wrong' } });
    const error = await rejection(gateway.chat(name, { messages: [{ role: 'user', content: 'x' }] }, { catalog: bob, source: 'sql' }));
    expect(error).toMatchObject({ code: 'UNAVAILABLE', retryable: false });
    expect(events[0]).toMatchObject({ attempts: 1, httpStatus: 401 });
    expect(error.message + JSON.stringify(events)).not.toContain('sk-wrong-key-5d1c0f9e');
  });
});
