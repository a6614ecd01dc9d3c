import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Catalog } from '../../catalog/catalog-types.js';
import type { SecurableRef } from '../../catalog/governance/governance-types.js';
import { rejection } from '../../test-support/errors.js';
import type { ChatRequest } from '../model-types.js';
import { responseText } from '../model-types.js';
import { API_KEY, GatewayHarness, endlessSleep, eventually, testGateway } from './test-support/gateway-harness.js';
import { ScriptedProvider } from './test-support/scripted-provider.js';

let h: GatewayHarness;
let bob: Catalog;
const ask = (text: string): ChatRequest => ({ messages: [{ role: 'user', content: text }] });
const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

beforeAll(async () => {
  h = await GatewayHarness.open();
  bob = await h.catalogOf('bob');
}, 30_000);

afterAll(async () => {
  await h?.close();
});

/** Bob's catalog, recording every securable it is asked to authorize. */
function spied(catalog: Catalog, seen: string[]): Catalog {
  return new Proxy(catalog, {
    get(target, property, receiver) {
      if (property === 'authorize') {
        return (privilege: string, securable: SecurableRef) => {
          seen.push(`${privilege} ${'name' in securable ? securable.name.name : securable.type}`);
          return target.authorize(privilege as never, securable);
        };
      }
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

describe('gateway: concurrency', () => {
  it('never has more attempts in flight than maxConcurrency under 200 concurrent calls, and answers each', async () => {
    const provider = new ScriptedProvider((call) => ({ until: tick().then(tick), then: { text: `echo ${JSON.stringify((call.request as ChatRequest).messages[0]?.content)}` } }));
    const { gateway, events } = testGateway(h, provider);
    const name = await h.endpoint('busy', { limits: { maxConcurrency: 4 } });
    const answers = await Promise.all(Array.from({ length: 200 }, (_, i) => gateway.chat(name, ask(`q${i}`), { catalog: bob, source: 'sql' })));
    expect(answers.map(responseText)).toEqual(Array.from({ length: 200 }, (_, i) => `echo "q${i}"`));
    expect(provider.maxInFlight).toBe(4);
    expect(events).toHaveLength(200);
    expect(events.every((e) => e.status === 'success' && e.attempts === 1)).toBe(true);
  });

  it('takes a new maxConcurrency when the definition is altered', async () => {
    let open!: () => void;
    let gate = new Promise<void>((resolve) => (open = resolve));
    const provider = new ScriptedProvider(() => ({ until: gate, then: { text: 'ok' } }));
    const { gateway } = testGateway(h, provider);
    const name = await h.endpoint('resized', { limits: { maxConcurrency: 1 } });
    const first = Promise.all([1, 2, 3].map(() => gateway.chat(name, ask('x'), { catalog: bob, source: 'sql' })));
    await eventually(() => provider.calls.length === 1);
    for (let i = 0; i < 20; i += 1) await tick();
    expect(provider.inFlight).toBe(1);
    open();
    await first;
    gate = new Promise<void>((resolve) => (open = resolve));
    const stored = await h.loch.catalog.getModelEndpoint(name);
    await h.loch.catalog.alterModelEndpoint(name, { definition: { ...stored.definition, limits: { maxConcurrency: 3 } } });
    provider.maxInFlight = 0;
    const second = Promise.all([1, 2, 3].map(() => gateway.chat(name, ask('x'), { catalog: bob, source: 'sql' })));
    await eventually(() => provider.inFlight === 3);
    open();
    await second;
    expect(provider.maxInFlight).toBe(3);
  });

  it('paces attempts by requestsPerMinute', async () => {
    const { gateway, sleeps } = testGateway(h, new ScriptedProvider());
    const name = await h.endpoint('paced', { limits: { requestsPerMinute: 60 } });
    for (let i = 0; i < 3; i += 1) await gateway.chat(name, ask('x'), { catalog: bob, source: 'sql' });
    expect(sleeps).toEqual([1_000, 1_000]);
  });
});

describe('gateway: retries', () => {
  it('retries 429 and 5xx with backoff, honouring a longer Retry-After', async () => {
    const provider = new ScriptedProvider((call) => (call.n === 1 ? { status: 429, retryAfterMs: 2_000 } : call.n === 2 ? { status: 503 } : { text: 'finally' }));
    const { gateway, events, sleeps } = testGateway(h, provider);
    const name = await h.endpoint('flaky', { limits: { backoffMs: 100, maxRetries: 3 } });
    const response = await gateway.chat(name, ask('x'), { catalog: bob, source: 'sql' });
    expect(responseText(response)).toBe('finally');
    expect(sleeps).toEqual([2_000, 100]); // Retry-After, then half (random 0.5) of 100 × 2
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ status: 'success', attempts: 3, httpStatus: 200, latencyMs: 2_100 });
  });

  it('does not retry a 400', async () => {
    const provider = new ScriptedProvider(() => ({ status: 400 }));
    const { gateway, events, sleeps } = testGateway(h, provider);
    const name = await h.endpoint('bad_request', { fallbacks: ['main.ai.flaky'] });
    const error = await rejection(gateway.chat(name, ask('x'), { catalog: bob, source: 'sql' }));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(provider.calls).toHaveLength(1);
    expect(sleeps).toEqual([]);
    expect(events[0]).toMatchObject({ status: 'error', attempts: 1, httpStatus: 400, errorCode: 'INVALID_ARGUMENT' });
  });

  it('gives up after maxRetries with the provider error', async () => {
    const provider = new ScriptedProvider(() => ({ status: 503 }));
    const { gateway, events, sleeps } = testGateway(h, provider);
    const name = await h.endpoint('down', { limits: { backoffMs: 100, maxRetries: 2 } });
    const error = await rejection(gateway.chat(name, ask('x'), { catalog: bob, source: 'sql' }));
    expect(error).toMatchObject({ code: 'UNAVAILABLE', retryable: true });
    expect(provider.calls).toHaveLength(3);
    expect(sleeps).toEqual([50, 100]);
    expect(events[0]).toMatchObject({ status: 'error', attempts: 3, httpStatus: 503, errorCode: 'UNAVAILABLE' });
    expect(events[0]?.servedBy).toBeUndefined();
  });
});

describe('gateway: fallbacks', () => {
  it('tries a fallback only after the retries are exhausted, authorizing EXECUTE on it', async () => {
    const openai = new ScriptedProvider(() => ({ status: 500 }));
    const anthropic = new ScriptedProvider(() => ({ text: 'from the fallback', usage: { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 } }), 'anthropic');
    const { gateway, events } = testGateway(h, openai, { anthropic });
    await h.endpoint('backup', { provider: 'anthropic', url: 'https://claude.test', prices: { inputPerMillionTokens: 1e6, outputPerMillionTokens: 1e6 } });
    const name = await h.endpoint('primary', { limits: { maxRetries: 1, backoffMs: 10 }, fallbacks: ['main.ai.primary', 'Main.AI.Backup'] });
    const seen: string[] = [];
    const response = await gateway.chat(name, ask('x'), { catalog: spied(bob, seen), source: 'sql' });
    expect(responseText(response)).toBe('from the fallback');
    expect(openai.calls).toHaveLength(2);
    expect(anthropic.calls.map((c) => c.target.model)).toEqual(['model-backup']);
    expect(seen).toEqual(['EXECUTE primary', 'EXECUTE backup']);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ endpoint: 'main.ai.primary', servedBy: 'main.ai.backup', provider: 'anthropic', model: 'model-backup', attempts: 3, status: 'success', cost: 7 });
  });

  it('skips a fallback the caller may not execute and fails with the primary error', async () => {
    const openai = new ScriptedProvider(() => ({ status: 503 }));
    const anthropic = new ScriptedProvider(undefined, 'anthropic');
    const { gateway } = testGateway(h, openai, { anthropic });
    await h.endpoint('private_backup', { provider: 'anthropic', url: 'https://claude.test' }, []);
    await h.endpoint('embed_backup', { task: 'embeddings' });
    const name = await h.endpoint('lonely', { limits: { maxRetries: 0 }, fallbacks: ['main.ai.private_backup', 'main.ai.embed_backup', 'main.ai.gone'] });
    const error = await rejection(gateway.chat(name, ask('x'), { catalog: bob, source: 'sql' }));
    expect(error).toMatchObject({ code: 'UNAVAILABLE', retryable: true });
    expect(error.message).toContain('main.ai.private_backup: catalog: bob lacks EXECUTE on MODEL_ENDPOINT main.ai.private_backup');
    expect(error.message).toContain('main.ai.embed_backup: ai: endpoint main.ai.embed_backup is an embeddings endpoint');
    expect(error.message).toContain('main.ai.gone: catalog: model endpoint main.ai.gone does not exist');
    expect(anthropic.calls).toHaveLength(0);
    expect(error.message + JSON.stringify(error)).not.toContain(API_KEY);
  });
});

describe('gateway: cancellation', () => {
  it('an abort while queued for a slot is CANCELLED and never reaches the provider', async () => {
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const provider = new ScriptedProvider(() => ({ until: gate, then: { text: 'ok' } }));
    const { gateway, events } = testGateway(h, provider);
    const name = await h.endpoint('single', { limits: { maxConcurrency: 1 } });
    const first = gateway.chat(name, ask('first'), { catalog: bob, source: 'sql' });
    await eventually(() => provider.calls.length === 1);
    const controller = new AbortController();
    const queued = gateway.chat(name, ask('second'), { catalog: bob, source: 'sql', signal: controller.signal });
    for (let i = 0; i < 20; i += 1) await tick();
    controller.abort();
    expect((await rejection(queued)).code).toBe('CANCELLED');
    open();
    await first;
    expect(provider.calls).toHaveLength(1);
    expect(events.map((e) => [e.status, e.attempts])).toEqual([['cancelled', 0], ['success', 1]]);
  });

  it('an abort while backing off is CANCELLED at once', async () => {
    const controller = new AbortController();
    const provider = new ScriptedProvider(() => ({ status: 503 }));
    const { gateway, events } = testGateway(h, provider, { sleep: endlessSleep(() => controller.abort()) });
    const name = await h.endpoint('backing_off', { limits: { maxRetries: 5 } });
    const error = await rejection(gateway.chat(name, ask('x'), { catalog: bob, source: 'sql', signal: controller.signal }));
    expect(error.code).toBe('CANCELLED');
    expect(provider.calls).toHaveLength(1);
    expect(events[0]).toMatchObject({ status: 'cancelled', errorCode: 'CANCELLED', attempts: 1, httpStatus: 503 });
  });

  it('an abort in flight is CANCELLED and frees the slot', async () => {
    const provider = new ScriptedProvider((call) => (call.n === 1 ? { hang: true } : { text: 'next' }));
    const { gateway, events } = testGateway(h, provider);
    const name = await h.endpoint('hanging', { limits: { maxConcurrency: 1 } });
    const controller = new AbortController();
    const hanging = gateway.chat(name, ask('x'), { catalog: bob, source: 'sql', signal: controller.signal });
    await eventually(() => provider.calls.length === 1);
    controller.abort();
    expect((await rejection(hanging)).code).toBe('CANCELLED');
    expect(responseText(await gateway.chat(name, ask('y'), { catalog: bob, source: 'sql' }))).toBe('next');
    expect(events.map((e) => e.status)).toEqual(['cancelled', 'success']);
    expect((await rejection(gateway.chat(name, ask('z'), { catalog: bob, source: 'sql', signal: AbortSignal.abort() }))).code).toBe('CANCELLED');
  });
});
