import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rejection } from '../../test-support/errors.js';
import type { ChatRequest } from '../model-types.js';
import { responseText } from '../model-types.js';
import { API_KEY, GatewayHarness, SCOPE, testGateway } from './test-support/gateway-harness.js';
import { ScriptedProvider } from './test-support/scripted-provider.js';

let h: GatewayHarness;
const ASK: ChatRequest = { messages: [{ role: 'user', content: 'hello' }] };
const USAGE = { prompt_tokens: 1_000, completion_tokens: 500, total_tokens: 1_500 };

beforeAll(async () => {
  h = await GatewayHarness.open();
}, 30_000);

afterAll(async () => {
  await h?.close();
});

describe('gateway: one call', () => {
  it('calls the endpoint with its model, defaults, headers, timeout and key, and records one event', async () => {
    const provider = new ScriptedProvider(() => ({ text: 'hi there', usage: USAGE }));
    const { gateway, events, clock } = testGateway(h, provider);
    const name = await h.endpoint('basic', {
      headers: { 'OpenAI-Organization': 'org-7' }, limits: { timeoutMs: 1_234 }, defaults: { temperature: 0.3, max_tokens: 50 },
      prices: { inputPerMillionTokens: 2, outputPerMillionTokens: 10 },
    });
    const bob = await h.catalogOf('bob');
    const response = await gateway.chat(name, { ...ASK, max_tokens: 7, model: 'ignored' }, { catalog: bob, source: 'sql', requestId: 'req-1' });
    expect(responseText(response)).toBe('hi there');
    expect(provider.calls).toHaveLength(1);
    const call = provider.calls[0];
    expect(call?.target).toEqual({ url: 'http://model.test/v1', model: 'model-basic', apiKey: API_KEY, headers: { 'OpenAI-Organization': 'org-7' }, timeoutMs: 1_234 });
    expect(call?.request).toEqual({ ...ASK, model: 'model-basic', temperature: 0.3, max_tokens: 7 });
    expect(events).toHaveLength(1);
    expect(events[0]).toEqual({
      requestId: 'req-1', startedAt: clock.now(), latencyMs: 0, endpoint: 'main.ai.basic', servedBy: 'main.ai.basic',
      provider: 'openai', model: 'model-basic', task: 'chat', caller: 'bob', source: 'sql', status: 'success', httpStatus: 200,
      attempts: 1, cached: false, streamed: false, promptTokens: 1_000, completionTokens: 500, cost: (1_000 * 2 + 500 * 10) / 1e6,
      request: JSON.stringify(call?.request), response: JSON.stringify(response),
    });
    expect(JSON.stringify(events)).not.toContain(API_KEY);
  });
});

describe('gateway: governance', () => {
  it('refuses a caller without EXECUTE with the catalog error unchanged, without calling the provider', async () => {
    const provider = new ScriptedProvider();
    const { gateway, events } = testGateway(h, provider);
    const name = await h.endpoint('governed');
    const carol = await h.catalogOf('carol');
    const direct = await rejection(carol.getModelEndpoint(name));
    const refused = await rejection(gateway.chat(name, ASK, { catalog: carol, source: 'http' }));
    expect(refused.code).toBe('PERMISSION_DENIED');
    expect(refused.message).toBe(direct.message);
    expect((await rejection(gateway.resolve(name, { catalog: carol, source: 'http' }))).code).toBe('PERMISSION_DENIED');
    expect(provider.calls).toHaveLength(0);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ status: 'error', errorCode: 'PERMISSION_DENIED', caller: 'carol', attempts: 0, endpoint: 'main.ai.governed' });
  });

  it('needs EXECUTE itself: another privilege that makes the endpoint visible is not enough', async () => {
    const { gateway } = testGateway(h, new ScriptedProvider());
    const name = await h.endpoint('manage_only');
    await h.grant(name, 'carol', ['MANAGE']);
    const carol = await h.catalogOf('carol');
    expect((await carol.getModelEndpoint(name)).name).toBe('manage_only');
    expect((await rejection(gateway.chat(name, ASK, { catalog: carol, source: 'sql' }))).message).toContain('lacks EXECUTE');
  });

  it('says NOT_FOUND for an unknown endpoint and INVALID_ARGUMENT for the wrong task', async () => {
    const { gateway } = testGateway(h, new ScriptedProvider());
    const bob = await h.catalogOf('bob');
    expect((await rejection(gateway.chat({ catalog: 'main', schema: 'ai', name: 'nope' }, ASK, { catalog: bob, source: 'sql' }))).code).toBe('NOT_FOUND');
    const embed = await h.endpoint('vectors', { task: 'embeddings' });
    const chat = await h.endpoint('talk');
    const wrong = await rejection(gateway.chat(embed, ASK, { catalog: bob, source: 'sql' }));
    expect(wrong).toMatchObject({ code: 'INVALID_ARGUMENT', message: 'ai: endpoint main.ai.vectors is an embeddings endpoint; it cannot serve chat requests' });
    expect((await rejection(gateway.embed(chat, { input: 'x' }, { catalog: bob, source: 'sql' }))).message).toContain('main.ai.talk is a chat endpoint');
    const info = await gateway.resolve(embed, { catalog: bob, source: 'sql' });
    expect(info.definition.task).toBe('embeddings');
  });

  it('reads the key with the owner rights, and fails clearly once the owner lost them', async () => {
    const provider = new ScriptedProvider();
    const { gateway, events } = testGateway(h, provider);
    const name = await h.endpoint('owned');
    await h.loch.catalog.alterModelEndpoint(name, { owner: 'alice' });
    const root = h.loch.catalog.actor;
    await h.loch.secrets.putAcl(root, SCOPE, 'alice', 'READ');
    const bob = await h.catalogOf('bob');
    await gateway.chat(name, ASK, { catalog: bob, source: 'sql' });
    expect(provider.calls[0]?.target.apiKey).toBe(API_KEY);
    await h.loch.secrets.deleteAcl(root, SCOPE, 'alice');
    const lost = await rejection(gateway.chat(name, ASK, { catalog: bob, source: 'sql' }));
    expect(lost).toMatchObject({ code: 'UNAVAILABLE', message: `ai: endpoint main.ai.owned: its owner alice can no longer read secret scope ${SCOPE}` });
    expect(provider.calls).toHaveLength(1);
    expect(events.map((e) => e.status)).toEqual(['success', 'error']);
    expect(JSON.stringify(events) + JSON.stringify(lost) + lost.message).not.toContain(API_KEY);
  });

  it('never lets the key out, even when a provider error quotes it', async () => {
    const leaky = new ScriptedProvider();
    leaky.chat = async (target) => {
      const { providerError } = await import('../providers/provider-error.js');
      throw providerError(`scripted: HTTP 400: invalid key ${target.apiKey ?? ''}`, { status: 400 });
    };
    const { gateway, events } = testGateway(h, leaky);
    const name = await h.endpoint('leaky');
    const error = await rejection(gateway.chat(name, ASK, { catalog: await h.catalogOf('bob'), source: 'sql' }));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toContain('invalid key [REDACTED]');
    for (const text of [error.message, JSON.stringify(error), String(error.cause ?? ''), error.stack ?? '', JSON.stringify(events)]) expect(text).not.toContain(API_KEY);
  });
});

describe('gateway: events', () => {
  it('samples request and response text by logSampleRate; failures keep the request text, never a response', async () => {
    let draw = 0.9;
    const provider = new ScriptedProvider((call) => (call.n === 3 ? { status: 400 } : { text: 'ok' }));
    const { gateway, events } = testGateway(h, provider, { random: () => draw });
    const half = await h.endpoint('sampled', { logSampleRate: 0.5 });
    const none = await h.endpoint('unsampled', { logSampleRate: 0 });
    const bob = await h.catalogOf('bob');
    await gateway.chat(half, ASK, { catalog: bob, source: 'sql' });
    draw = 0.1;
    await gateway.chat(half, ASK, { catalog: bob, source: 'sql' });
    await rejection(gateway.chat(half, ASK, { catalog: bob, source: 'sql' }));
    await gateway.chat(none, ASK, { catalog: bob, source: 'sql' });
    expect(events.map((e) => [e.status, e.request !== undefined, e.response !== undefined])).toEqual([
      ['success', false, false], ['success', true, true], ['error', true, false], ['success', false, false],
    ]);
    expect(events[2]).toMatchObject({ errorCode: 'INVALID_ARGUMENT', httpStatus: 400, attempts: 1, promptTokens: 0, completionTokens: 0 });
    expect(events[2]?.servedBy).toBeUndefined();
  });

  it('measures latency with the injected clock and counts embedding tokens', async () => {
    const harnessClock: { advance?: (ms: number) => void } = {};
    const provider = new ScriptedProvider(() => {
      harnessClock.advance?.(42);
      return { text: 'v', usage: { prompt_tokens: 9, completion_tokens: 0, total_tokens: 9 } };
    });
    const { gateway, events, clock } = testGateway(h, provider);
    harnessClock.advance = (ms) => clock.advance(ms);
    const name = await h.endpoint('embedder', { task: 'embeddings', prices: { inputPerMillionTokens: 1_000_000, outputPerMillionTokens: 0 }, defaults: { dimensions: 3 } });
    const response = await gateway.embed(name, { input: ['ab', 'cde'] }, { catalog: await h.catalogOf('bob'), source: 'api' });
    expect(response.data.map((d) => d.embedding[0])).toEqual([2, 3]);
    expect(provider.calls[0]?.request).toEqual({ input: ['ab', 'cde'], model: 'model-embedder', dimensions: 3 });
    expect(events[0]).toMatchObject({ latencyMs: 42, task: 'embeddings', promptTokens: 9, completionTokens: 0, cost: 9, source: 'api' });
  });
});

describe('gateway: cache', () => {
  it('answers a repeated temperature-0 request from memory, never a sampled one', async () => {
    const provider = new ScriptedProvider((call) => ({ text: `answer ${call.n}`, usage: USAGE }));
    const { gateway, events } = testGateway(h, provider);
    const name = await h.endpoint('cached', { cache: true, prices: { inputPerMillionTokens: 1, outputPerMillionTokens: 1 } });
    const bob = await h.catalogOf('bob');
    const first = await gateway.chat(name, { ...ASK, temperature: 0 }, { catalog: bob, source: 'sql' });
    const again = await gateway.chat(name, { temperature: 0, messages: ASK.messages }, { catalog: bob, source: 'sql' });
    expect(responseText(again)).toBe(responseText(first));
    expect(provider.calls).toHaveLength(1);
    expect(events[1]).toMatchObject({ cached: true, attempts: 0, servedBy: 'main.ai.cached', promptTokens: 0, cost: 0, status: 'success' });
    expect(events[1]?.httpStatus).toBeUndefined();
    await gateway.chat(name, { ...ASK, temperature: 0.7 }, { catalog: bob, source: 'sql' });
    await gateway.chat(name, { ...ASK, temperature: 0.7 }, { catalog: bob, source: 'sql' });
    expect(provider.calls).toHaveLength(3);
    // The cache still checks EXECUTE: carol gets no free answers.
    expect((await rejection(gateway.chat(name, { ...ASK, temperature: 0 }, { catalog: await h.catalogOf('carol'), source: 'sql' }))).code).toBe('PERMISSION_DENIED');
  });

  it('caches embeddings, and forgets everything when the definition changes', async () => {
    const provider = new ScriptedProvider();
    const { gateway } = testGateway(h, provider);
    const name = await h.endpoint('vec_cached', { task: 'embeddings', cache: true });
    const bob = await h.catalogOf('bob');
    await gateway.embed(name, { input: 'a' }, { catalog: bob, source: 'sql' });
    await gateway.embed(name, { input: 'a' }, { catalog: bob, source: 'sql' });
    expect(provider.calls).toHaveLength(1);
    const stored = await h.loch.catalog.getModelEndpoint(name);
    await h.loch.catalog.alterModelEndpoint(name, { definition: { ...stored.definition, model: 'model-v2' } });
    await gateway.embed(name, { input: 'a' }, { catalog: bob, source: 'sql' });
    expect(provider.calls.map((c) => c.target.model)).toEqual(['model-vec_cached', 'model-v2']);
  });

  it('is off unless the endpoint asks for it', async () => {
    const provider = new ScriptedProvider();
    const { gateway } = testGateway(h, provider);
    const name = await h.endpoint('uncached');
    const bob = await h.catalogOf('bob');
    for (let i = 0; i < 2; i += 1) await gateway.chat(name, { ...ASK, temperature: 0 }, { catalog: bob, source: 'sql' });
    expect(provider.calls).toHaveLength(2);
  });
});
