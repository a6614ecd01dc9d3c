import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Catalog } from '../../catalog/catalog-types.js';
import { LochError } from '../../core/errors.js';
import type { ChatChunk, ChatRequest } from '../model-types.js';
import { API_KEY, GatewayHarness, eventually, testGateway } from './test-support/gateway-harness.js';
import { ScriptedProvider } from './test-support/scripted-provider.js';

let h: GatewayHarness;
let bob: Catalog;
const ASK: ChatRequest = { messages: [{ role: 'user', content: 'stream please' }] };
const USAGE = { prompt_tokens: 11, completion_tokens: 3, total_tokens: 14 };
const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

beforeAll(async () => {
  h = await GatewayHarness.open();
  bob = await h.catalogOf('bob');
}, 30_000);

afterAll(async () => {
  await h?.close();
});

async function collect(stream: AsyncIterable<ChatChunk>): Promise<{ chunks: ChatChunk[]; error?: LochError }> {
  const chunks: ChatChunk[] = [];
  try {
    for await (const chunk of stream) chunks.push(chunk);
  } catch (error) {
    if (!(error instanceof LochError)) throw error;
    return { chunks, error };
  }
  return { chunks };
}

const text = (chunks: readonly ChatChunk[]): string => chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');

describe('gateway: streams', () => {
  it('passes chunks through, asks the provider for usage and hides it from a caller who did not', async () => {
    const provider = new ScriptedProvider(() => ({ text: 'one two three', usage: USAGE }));
    const { gateway, events } = testGateway(h, provider);
    const name = await h.endpoint('streamer', { defaults: { max_tokens: 9 } });
    const { chunks, error } = await collect(gateway.chatStream(name, ASK, { catalog: bob, source: 'openai' }));
    expect(error).toBeUndefined();
    expect(text(chunks)).toBe('one two three');
    expect(chunks.some((c) => c.usage !== undefined)).toBe(false);
    expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe('stop');
    expect(provider.calls[0]?.request).toMatchObject({ model: 'model-streamer', max_tokens: 9, stream: true, stream_options: { include_usage: true } });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ status: 'success', streamed: true, attempts: 1, promptTokens: 11, completionTokens: 3, servedBy: 'main.ai.streamer', source: 'openai' });
    expect(JSON.parse(events[0]?.response ?? '{}')).toMatchObject({ choices: [{ message: { content: 'one two three' }, finish_reason: 'stop' }], usage: USAGE });
    expect(JSON.stringify(events)).not.toContain(API_KEY);
  });

  it('keeps the usage chunk for a caller who asked for it', async () => {
    const { gateway } = testGateway(h, new ScriptedProvider(() => ({ text: 'a b', usage: USAGE })));
    const name = await h.endpoint('usage_streamer');
    const { chunks } = await collect(gateway.chatStream(name, { ...ASK, stream_options: { include_usage: true } }, { catalog: bob, source: 'openai' }));
    expect(chunks.at(-1)?.usage).toEqual(USAGE);
  });

  it('retries before the first chunk, never after it', async () => {
    const provider = new ScriptedProvider((call) => (call.n === 1 ? { status: 502 } : { text: 'x y z', dropAfter: 1 }));
    const { gateway, events, sleeps } = testGateway(h, provider);
    const name = await h.endpoint('dropping', { limits: { maxRetries: 3, backoffMs: 10 } });
    const { chunks, error } = await collect(gateway.chatStream(name, ASK, { catalog: bob, source: 'sql' }));
    expect(text(chunks)).toBe('x');
    expect(error).toMatchObject({ code: 'UNAVAILABLE' });
    expect(provider.calls).toHaveLength(2);
    expect(sleeps).toEqual([5]);
    expect(events[0]).toMatchObject({ status: 'error', attempts: 2, httpStatus: 0, streamed: true });
  });

  it('holds its slot until the stream ends, and frees it when the caller stops reading', async () => {
    const provider = new ScriptedProvider(() => ({ text: 'first second third' }));
    const { gateway, events } = testGateway(h, provider);
    const name = await h.endpoint('one_stream', { limits: { maxConcurrency: 1 } });
    const a = gateway.chatStream(name, ASK, { catalog: bob, source: 'sql' })[Symbol.asyncIterator]();
    expect((await a.next()).value?.choices[0]?.delta.content).toBe('first');
    const b = collect(gateway.chatStream(name, ASK, { catalog: bob, source: 'sql' }));
    for (let i = 0; i < 50; i += 1) await tick();
    expect(provider.calls).toHaveLength(1);
    await a.return?.();
    const { chunks } = await b;
    expect(text(chunks)).toBe('first second third');
    expect(provider.maxInFlight).toBe(1);
    expect(events.map((e) => [e.status, e.errorCode])).toEqual([['cancelled', 'CANCELLED'], ['success', undefined]]);
  });

  it('falls back before the first chunk', async () => {
    const openai = new ScriptedProvider(() => ({ status: 429 }));
    const anthropic = new ScriptedProvider(() => ({ text: 'claude speaking' }), 'anthropic');
    const { gateway, events } = testGateway(h, openai, { anthropic });
    await h.endpoint('stream_backup', { provider: 'anthropic', url: 'https://claude.test' });
    const name = await h.endpoint('stream_primary', { limits: { maxRetries: 0 }, fallbacks: ['main.ai.stream_backup'] });
    const { chunks } = await collect(gateway.chatStream(name, ASK, { catalog: bob, source: 'sql' }));
    expect(text(chunks)).toBe('claude speaking');
    expect(events[0]).toMatchObject({ servedBy: 'main.ai.stream_backup', attempts: 2, status: 'success' });
  });

  it('refuses a caller without EXECUTE, and ends with CANCELLED when aborted mid-stream', async () => {
    const provider = new ScriptedProvider(() => ({ until: tick(), then: { text: 'a b c d' } }));
    const { gateway, events } = testGateway(h, provider);
    const name = await h.endpoint('guarded_stream');
    const denied = await collect(gateway.chatStream(name, ASK, { catalog: await h.catalogOf('carol'), source: 'http' }));
    expect(denied.error?.code).toBe('PERMISSION_DENIED');
    const controller = new AbortController();
    const chunks: ChatChunk[] = [];
    let failure: unknown;
    try {
      for await (const chunk of gateway.chatStream(name, ASK, { catalog: bob, source: 'http', signal: controller.signal })) {
        chunks.push(chunk);
        controller.abort();
      }
    } catch (error) {
      failure = error;
    }
    expect(chunks).toHaveLength(1);
    expect(failure).toMatchObject({ code: 'CANCELLED' });
    await eventually(() => events.length === 2);
    expect(events.map((e) => e.status)).toEqual(['error', 'cancelled']);
    expect(provider.inFlight).toBe(0);
  });
});
