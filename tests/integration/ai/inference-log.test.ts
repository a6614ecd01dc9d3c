import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ObjectName } from '../../../src/catalog/catalog-types.js';
import type { InferenceEvent } from '../../../src/ai/gateway/gateway-types.js';
import { InferenceLog } from '../../../src/ai/log/inference-log.js';
import { Loch, aiRuntime } from '../../../src/index.js';
import type { LochSession } from '../../../src/sql/loch.js';
import { startFakeOpenAi, type FakeModelServer } from '../../support/fake-openai.js';

/**
 * system.ai.inference_log and system.ai.usage: rows of real calls through the gateway against
 * the fake OpenAI server (tokens, cost, latency, caller, errors), who may read them, that
 * nobody writes them through SQL, that no key reaches them, and the batching/failure rules.
 */

const SECRET = 'sk-inference-log-91c3e7-hidden';
const CHAT: ObjectName = { catalog: 'main', schema: 'default', name: 'chat' };
const BROKEN: ObjectName = { catalog: 'main', schema: 'default', name: 'broken' };

let dir: string;
let loch: Loch;
let ann: LochSession;
let fake: FakeModelServer;
const usages: { prompt: number; completion: number }[] = [];

async function rows(session: LochSession, sql: string): Promise<Record<string, unknown>[]> {
  const result = await session.sql(sql);
  const all = await result.all();
  return all.map((row) => Object.fromEntries(result.columns.map((c, i) => [c.name, (row as unknown[])[i]])));
}

function text(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v));
}

function event(n: number, overrides: Partial<InferenceEvent> = {}): InferenceEvent {
  return {
    requestId: `syn-${n}`,
    startedAt: Date.UTC(2030, 0, 1, 10, n),
    latencyMs: 10 + n,
    endpoint: 'synthetic.s.e',
    provider: 'openai',
    model: 'm',
    task: 'chat',
    caller: 'synthetic',
    source: 'api',
    status: 'success',
    attempts: 1,
    cached: false,
    streamed: false,
    promptTokens: 1,
    completionTokens: 2,
    ...overrides,
  };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'loch-inference-log-'));
  fake = await startFakeOpenAi({ apiKey: SECRET });
  loch = await Loch.open({ warehouse: join(dir, 'wh'), metastore: 'memory:', principal: 'admin', governanceLog: true, secretKey: 'cd'.repeat(32) });
  await loch.secrets.putSecret(loch.catalog.actor, 'team', 'openai', SECRET);
  await loch.secrets.putSecret(loch.catalog.actor, 'team', 'wrong', 'sk-wrong-key');
  await loch.sql(`CREATE MODEL ENDPOINT chat PROVIDER 'openai' OPTIONS (url '${fake.url}', model 'fake-model', api_key secret('team', 'openai'),
      input_price_per_million 1000, output_price_per_million 2000, max_retries 0);
    CREATE MODEL ENDPOINT broken PROVIDER 'openai' OPTIONS (url '${fake.url}', model 'fake-model', api_key secret('team', 'wrong'), max_retries 0)`);
  await loch.identity.createUser('ann');
  await loch.catalog.updateGrants({ type: 'CATALOG', catalog: 'main' }, [{ principal: 'ann', add: ['USE CATALOG'] }]);
  await loch.catalog.updateGrants({ type: 'SCHEMA', catalog: 'main', schema: 'default' }, [{ principal: 'ann', add: ['USE SCHEMA'] }]);
  await loch.catalog.updateGrants({ type: 'MODEL_ENDPOINT', name: CHAT }, [{ principal: 'ann', add: ['EXECUTE'] }]);
  const annPrincipal = await loch.identity.resolve('ann');
  if (annPrincipal === undefined) throw new Error('no ann');
  ann = loch.session({ principal: annPrincipal });

  const gateway = aiRuntime(loch).gateway;
  for (const [session, words] of [[ann, 'hello log'], [ann, 'second call from ann'], [loch, 'admin asks']] as const) {
    const response = await gateway.chat(CHAT, { messages: [{ role: 'user', content: words }] }, { catalog: session.catalog, source: 'api' });
    usages.push({ prompt: response.usage?.prompt_tokens ?? 0, completion: response.usage?.completion_tokens ?? 0 });
  }
  await expect(gateway.chat(BROKEN, { messages: [{ role: 'user', content: 'will fail' }] }, { catalog: loch.catalog, source: 'sql' })).rejects.toMatchObject({ code: expect.any(String) });
  await aiRuntime(loch).log.flush();
}, 60_000);

afterAll(async () => {
  await loch?.close();
  await fake?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('system.ai.inference_log', () => {
  it('records each call: endpoint, caller, status, tokens, cost, latency and the sampled texts', async () => {
    const log = await rows(loch, "SELECT * FROM system.ai.inference_log WHERE endpoint_name = 'main.default.chat' ORDER BY event_time, request_id");
    expect(log.map((r) => r['caller']).sort()).toEqual(['admin', 'ann', 'ann']);
    const first = log.find((r) => String(r['request']).includes('hello log'));
    expect(first).toMatchObject({
      endpoint_name: 'main.default.chat',
      served_by: 'main.default.chat',
      provider: 'openai',
      model: 'fake-model',
      task: 'chat',
      caller: 'ann',
      source: 'api',
      status: 'success',
      http_status: 200,
      attempts: 1,
      cached: false,
      streamed: false,
      error_code: null,
    });
    expect(String(first?.['response'])).toContain('echo: hello log');
    expect(first?.['event_time']).toBeTruthy();
    expect(first?.['event_date']).toBeTruthy();
    for (const row of log) {
      const prompt = Number(row['prompt_tokens']);
      const completion = Number(row['completion_tokens']);
      expect(prompt).toBeGreaterThan(0);
      expect(Number(row['total_tokens'])).toBe(prompt + completion);
      expect(row['cost']).toBeCloseTo((prompt * 1000 + completion * 2000) / 1e6, 9);
      expect(Number(row['latency_ms'])).toBeGreaterThanOrEqual(0);
      expect(typeof row['request_id']).toBe('string');
    }
    expect(log.map((r) => Number(r['prompt_tokens'])).sort()).toEqual(usages.map((u) => u.prompt).sort());
  });

  it('records failures with their status and no cost', async () => {
    const [failed] = await rows(loch, "SELECT * FROM system.ai.inference_log WHERE endpoint_name = 'main.default.broken'");
    expect(failed).toMatchObject({ caller: 'admin', source: 'sql', status: 'error', http_status: 401, served_by: null, cost: null });
    expect(String(failed?.['error_code'])).not.toBe('');
    expect(String(failed?.['error_message'])).toContain('401');
  });

  it('sums usage per hour, caller and endpoint in system.ai.usage', async () => {
    const usage = await rows(loch, "SELECT caller, endpoint_name, requests, errors, prompt_tokens, completion_tokens, total_tokens, cost FROM system.ai.usage WHERE caller <> 'synthetic' ORDER BY caller, endpoint_name");
    const annTokens = usages.slice(0, 2);
    const prompt = annTokens.reduce((s, u) => s + u.prompt, 0);
    const completion = annTokens.reduce((s, u) => s + u.completion, 0);
    expect(usage.map((u) => [u['caller'], u['endpoint_name'], Number(u['requests']), Number(u['errors'])])).toEqual([
      ['admin', 'main.default.broken', 1, 1],
      ['admin', 'main.default.chat', 1, 0],
      ['ann', 'main.default.chat', 2, 0],
    ]);
    const annRow = usage[2] as Record<string, unknown>;
    expect(Number(annRow['prompt_tokens'])).toBe(prompt);
    expect(Number(annRow['total_tokens'])).toBe(prompt + completion);
    expect(annRow['cost']).toBeCloseTo((prompt * 1000 + completion * 2000) / 1e6, 9);
    expect((usage[0] as Record<string, unknown>)['cost']).toBeNull();
    const hours = await rows(loch, "SELECT hour FROM system.ai.usage WHERE caller = 'ann'");
    expect(new Date(String(hours[0]?.['hour'])).getUTCMinutes()).toBe(0);
  });

  it('is readable by admins and by whom they grant it, and written by nobody through SQL', async () => {
    await expect(rows(ann, 'SELECT count(*) FROM system.ai.inference_log')).rejects.toMatchObject({ code: 'PERMISSION_DENIED' });
    await expect(rows(loch, "INSERT INTO system.ai.inference_log (request_id) VALUES ('forged')")).rejects.toMatchObject({ code: 'PERMISSION_DENIED' });
    await expect(rows(loch, 'DROP TABLE system.ai.inference_log')).rejects.toMatchObject({ code: 'PERMISSION_DENIED' });
    await loch.sql('GRANT USE CATALOG ON CATALOG system TO ann; GRANT USE SCHEMA, SELECT ON SCHEMA system.ai TO ann');
    expect(Number((await rows(ann, 'SELECT count(*) AS n FROM system.ai.inference_log'))[0]?.['n'])).toBeGreaterThanOrEqual(4);
    expect((await rows(ann, 'SELECT * FROM system.ai.usage')).length).toBeGreaterThanOrEqual(3);
  });

  it('holds no API key, nor does the audit log', async () => {
    await loch.audit.flush();
    const everything = text(await rows(loch, 'SELECT * FROM system.ai.inference_log')) + text(await rows(loch, 'SELECT * FROM system.access.audit'));
    expect(everything).toContain('hello log');
    expect(everything).not.toContain(SECRET);
    expect(everything).not.toContain('sk-wrong-key');
  });
});

describe('InferenceLog batching', () => {
  it('writes full batches at once and the rest on flush; leaves over-long texts NULL', async () => {
    const log = new InferenceLog(aiRuntime(loch).host, { batchSize: 3, flushIntervalMs: 60_000, maxTextChars: 20 });
    const record = (n: number): void => log.record(event(n, { request: n === 0 ? 'x'.repeat(21) : 'short', response: 'ok' }));
    for (let n = 0; n < 3; n++) record(n);
    // A full batch goes without waiting for the (minute-long) interval.
    for (let i = 0; i < 400 && log.stats.rows < 3; i++) await new Promise((r) => setTimeout(r, 25));
    expect(log.stats).toMatchObject({ rows: 3, flushes: 1 });
    for (let n = 3; n < 7; n++) record(n);
    await log.flush();
    expect(log.stats).toMatchObject({ rows: 7, dropped: 0 });
    const written = await rows(loch, "SELECT request_id, request, response, total_tokens, event_time FROM system.ai.inference_log WHERE caller = 'synthetic' ORDER BY request_id");
    expect(written).toHaveLength(7);
    expect(written[0]).toMatchObject({ request_id: 'syn-0', request: null, response: 'ok' });
    expect(written[1]).toMatchObject({ request_id: 'syn-1', request: 'short' });
    expect(Number(written[1]?.['total_tokens'])).toBe(3);
    await log.close();
    log.record(event(99));
    expect(log.stats.dropped).toBe(1);
  });

  it('flushes on its own after the interval', async () => {
    const log = new InferenceLog(aiRuntime(loch).host, { flushIntervalMs: 20 });
    log.record(event(200, { caller: 'timer' }));
    for (let i = 0; i < 200 && log.stats.rows === 0; i++) await new Promise((r) => setTimeout(r, 25));
    expect(log.stats.rows).toBe(1);
    await log.close();
  });

  it('drops a batch it cannot write, warns once per run of failures, and never throws', async () => {
    const host = aiRuntime(loch).host;
    const broken = new Proxy(host.catalog, {
      get: (target, prop, receiver) => (prop === 'createCatalog' ? async () => Promise.reject(new Error('metastore down')) : Reflect.get(target, prop, receiver)),
    });
    const warnings: string[] = [];
    const log = new InferenceLog({ ...host, catalog: broken }, { warn: (m) => warnings.push(m), flushIntervalMs: 60_000, maxQueued: 5 });
    for (let n = 0; n < 3; n++) log.record(event(300 + n));
    await log.flush();
    log.record(event(310));
    await log.flush();
    expect(log.stats).toMatchObject({ rows: 0, dropped: 4, failedFlushes: 2 });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/inference log: writing 3 rows to system\.ai\.inference_log failed; they are dropped: metastore down/);
    for (let n = 0; n < 8; n++) log.record(event(320 + n));
    expect(log.stats.dropped).toBe(7);
    await log.close();
  });

  it('writes nothing when the governance log is off', async () => {
    const log = new InferenceLog({ ...aiRuntime(loch).host, governanceLog: false });
    expect(log.enabled).toBe(false);
    log.record(event(400, { caller: 'disabled' }));
    await log.close();
    expect(log.stats).toMatchObject({ rows: 0, dropped: 0 });
    expect(await rows(loch, "SELECT * FROM system.ai.inference_log WHERE caller = 'disabled'")).toEqual([]);
  });
});
