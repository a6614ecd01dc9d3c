import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEvent } from '../../../src/catalog/governance/governance-types.js';
import { Loch } from '../../../src/index.js';
import { startServer } from '../../../src/server/server.js';
import type { RunningServer } from '../../../src/server/server.js';
import { startFakeOpenAi } from '../../support/fake-openai.js';
import type { FakeModelServer } from '../../support/fake-openai.js';

/**
 * The serving-endpoints API over real HTTP: management in Databricks' shape
 * (/api/2.0/serving-endpoints), invocations (/serving-endpoints/{name}/invocations) and the
 * OpenAI-compatible routes through fetch, against a fake OpenAI server that demands the key
 * stored in a Loch secret.
 */

const SECRET = `sk-serving-${randomBytes(12).toString('hex')}`;
const KEY_REF = '{{secrets/prov/openai}}';

let dir: string;
let loch: Loch;
let server: RunningServer;
let fake: FakeModelServer;
const tokens: Record<string, string> = {};
const audit: AuditEvent[] = [];
/** Every response body this file received, to prove the secret never appears in one. */
const bodies: string[] = [];

interface Reply {
  readonly status: number;
  readonly text: string;
  readonly json: Record<string, any>;
  readonly headers: Headers;
}

async function call(who: string | undefined, method: string, path: string, body?: unknown): Promise<Reply> {
  const token = who === undefined ? undefined : (tokens[who] ?? who);
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: { ...(token === undefined ? {} : { authorization: `Bearer ${token}` }), 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await response.text();
  bodies.push(text);
  let json: Record<string, any> = {};
  try {
    json = JSON.parse(text) as Record<string, any>;
  } catch {
    // SSE and other non-JSON bodies: the test reads `text`.
  }
  return { status: response.status, text, json, headers: response.headers };
}

const api = (who: string | undefined, method: string, path: string, body?: unknown): Promise<Reply> => call(who, method, `/api/2.0/serving-endpoints${path}`, body);

function createBody(name: string, extra: Record<string, unknown> = {}, model: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name,
    config: {
      served_entities: [
        {
          external_model: {
            name: 'fake-model',
            provider: 'openai',
            task: 'llm/v1/chat',
            openai_config: { openai_api_base: fake.url, openai_api_key: KEY_REF },
            ...model,
          },
        },
      ],
    },
    loch: { limits: { maxRetries: 0, timeoutMs: 5_000 } },
    ...extra,
  };
}

beforeAll(async () => {
  fake = await startFakeOpenAi({
    apiKey: SECRET,
    chat: (request) => {
      const last = request.messages[request.messages.length - 1];
      const text = typeof last?.content === 'string' ? last.content : '';
      if (text === 'please 429') return { fault: 'status', status: 429, retryAfter: '7' };
      if (text === 'please 500') return { fault: 'status', status: 500 };
      if (text === 'please hang') return { fault: 'hang' };
      if (text === 'please drop') return { fault: 'drop', afterChunks: 2 };
      return { content: `echo: ${text}` };
    },
  });
  dir = await mkdtemp(join(tmpdir(), 'loch-serving-api-'));
  loch = await Loch.open({ warehouse: dir, metastore: 'memory:', secretKey: randomBytes(32) });
  loch.audit = { record: (event) => audit.push(event), flush: async () => {} };
  for (const user of ['alice', 'bob', 'carol', 'dave']) {
    await loch.identity.createUser(user);
    tokens[user] = (await loch.identity.createToken(user)).token;
  }
  await loch.sql(`CREATE SCHEMA main.ai;
    GRANT USE CATALOG ON CATALOG main TO \`account users\`;
    GRANT USE SCHEMA ON SCHEMA main.ai TO \`account users\`;
    GRANT CREATE MODEL ENDPOINT ON SCHEMA main.ai TO alice;
    GRANT CREATE MODEL ENDPOINT ON SCHEMA main.ai TO dave`);
  const admin = loch.catalog.actor;
  await loch.secrets.putSecret(admin, 'prov', 'openai', SECRET);
  await loch.secrets.putAcl(admin, 'prov', 'alice', 'READ');
  server = await startServer({ loch, port: 0, pgPort: null, log: () => {} });
}, 60_000);

afterAll(async () => {
  await server?.close();
  await loch?.close();
  await fake?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('serving endpoints: management API', () => {
  it('creates, reads, lists, updates and deletes an endpoint in Databricks shape', async () => {
    const created = await api('alice', 'POST', '', createBody('main.ai.chat', { description: 'chat model', tags: [{ key: 'team', value: 'ml' }], rate_limits: [{ calls: 600, renewal_period: 'minute' }] }));
    expect(created.status, created.text).toBe(200);
    expect(created.json).toMatchObject({
      name: 'main.ai.chat',
      creator: 'alice',
      description: 'chat model',
      state: { ready: 'READY', config_update: 'NOT_UPDATING' },
      task: 'llm/v1/chat',
      tags: [{ key: 'team', value: 'ml' }],
      rate_limits: [{ calls: 600, renewal_period: 'minute' }],
      config: { served_entities: [{ external_model: { name: 'fake-model', provider: 'openai', task: 'llm/v1/chat', openai_config: { openai_api_base: fake.url, openai_api_key: KEY_REF } } }] },
      loch: { limits: { maxRetries: 0, timeoutMs: 5_000, requestsPerMinute: 600 }, fallbacks: [], cache: false },
    });
    expect(created.json['creation_timestamp']).toBeGreaterThan(0);

    const got = await api('alice', 'GET', '/main.ai.chat');
    expect(got.json).toEqual(created.json);
    expect((await api('alice', 'GET', '/main%2Eai%2Echat')).json['name']).toBe('main.ai.chat');
    expect((await api('alice', 'GET', '/ai.chat')).json['name']).toBe('main.ai.chat');
    const listed = await api('alice', 'GET', '');
    expect(listed.json['endpoints'].map((e: any) => e.name)).toContain('main.ai.chat');

    const updated = await api('alice', 'PUT', '/main.ai.chat', { description: 'updated', loch: { cache: true } });
    expect(updated.status, updated.text).toBe(200);
    expect(updated.json).toMatchObject({ description: 'updated', loch: { cache: true, limits: { maxRetries: 0 } }, rate_limits: [{ calls: 600 }] });
    const config = await api('alice', 'PUT', '/main.ai.chat/config', (createBody('x', {}, { name: 'fake-model-2' }) as any).config);
    expect(config.status, config.text).toBe(200);
    expect(config.json['config'].served_entities[0].external_model.name).toBe('fake-model-2');
    expect(config.json['loch'].cache).toBe(true);
    const limits = await api('alice', 'PUT', '/main.ai.chat/rate-limits', { rate_limits: [] });
    expect(limits.json).toEqual({ rate_limits: [] });
    const stored = await loch.catalog.getModelEndpoint({ catalog: 'main', schema: 'ai', name: 'chat' });
    expect(stored.definition).toMatchObject({ model: 'fake-model-2', apiKey: { scope: 'prov', key: 'openai' }, cache: true });
    expect((stored.definition as any).limits.requestsPerMinute).toBeUndefined();
    await api('alice', 'PUT', '/main.ai.chat/config', (createBody('x') as any).config);

    expect((await api('alice', 'POST', '', createBody('main.ai.temp'))).status).toBe(200);
    expect((await api('alice', 'DELETE', '/main.ai.temp')).json).toEqual({});
    expect((await api('alice', 'GET', '/main.ai.temp')).json).toMatchObject({ error_code: 'RESOURCE_DOES_NOT_EXIST' });
    expect((await api('alice', 'DELETE', '/main.ai.temp')).status).toBe(404);
    expect(audit.some((e) => e.action === 'createServingEndpoint' && e.principal === 'alice' && e.objectName === 'main.ai.chat' && e.statusCode === 200)).toBe(true);
    expect(audit.some((e) => e.action === 'deleteServingEndpoint' && e.objectType === 'MODEL_ENDPOINT' && e.objectName === 'main.ai.temp')).toBe(true);
  });

  it('refuses invalid bodies with 400 naming the field, without echoing keys', async () => {
    const cases: [unknown, RegExp][] = [
      [{ name: 'main.ai.x' }, /config/],
      [createBody('main.ai.x', {}, { task: 'llm/v1/completions' }), /task/],
      [createBody('main.ai.x', {}, { provider: 'cohere' }), /provider/],
      [createBody('main.ai.x', {}, { openai_config: { openai_api_base: fake.url, openai_api_key_plaintext: 'sk-plain-999' } }), /secret/],
      [createBody('main.ai.x', {}, { openai_config: { openai_api_base: fake.url, openai_api_key: 'sk-raw-999' } }), /secrets\/<scope>\/<key>/],
      [createBody('main.ai.x', { loch: { model: 'other' } }), /loch\.model/],
      [createBody('main.ai.x', { loch: { limits: { maxRetries: 99 } } }), /limits\.maxRetries/],
      [createBody('main.ai.x', { loch: { colour: 'red' } }), /colour/],
      [createBody('main.ai.x', { rate_limits: [{ calls: 10, renewal_period: 'hour' }] }), /renewal_period/],
      [createBody('main.ai.x', {}, { openai_config: { openai_api_base: 'ftp://x' } }), /url/],
      [createBody('a.b.c.d'), /parts/],
      [{ ...createBody('main.ai.x'), config: { served_entities: [{ entity_name: 'main.models.m', workload_size: 'Small' }] } }, /external models only/],
    ];
    for (const [body, message] of cases) {
      const reply = await api('alice', 'POST', '', body);
      expect(reply.status, reply.text).toBe(400);
      expect(reply.json['error_code']).toBe('INVALID_PARAMETER_VALUE');
      expect(reply.json['message']).toMatch(message);
      expect(reply.text).not.toMatch(/sk-(plain|raw)-999/);
    }
    expect((await api('alice', 'POST', '', '{not json')).json['error_code']).toBe('MALFORMED_REQUEST');
    expect((await api('alice', 'POST', '', createBody('main.ai.chat'))).json['error_code']).toBe('RESOURCE_ALREADY_EXISTS');
    expect((await api(undefined, 'GET', '')).status).toBe(401);
  });

  it('needs READ on the secret scope to store a definition that references it, on create and update', async () => {
    const refused = await api('dave', 'POST', '', createBody('main.ai.daves'));
    expect(refused.status, refused.text).toBe(403);
    expect(refused.json['error_code']).toBe('PERMISSION_DENIED');
    const keyless = await api('dave', 'POST', '', createBody('main.ai.daves', {}, { openai_config: { openai_api_base: fake.url } }));
    expect(keyless.status, keyless.text).toBe(200);
    // MANAGE on someone else's endpoint is not enough to repoint its key at another server.
    await loch.sql('GRANT MANAGE ON MODEL ENDPOINT main.ai.chat TO dave');
    const repoint = await api('dave', 'PUT', '/main.ai.chat/config', (createBody('x', {}, { openai_config: { openai_api_base: 'http://127.0.0.1:9/v1', openai_api_key: KEY_REF } }) as any).config);
    expect(repoint.status, repoint.text).toBe(403);
    expect((await api('alice', 'GET', '/main.ai.chat')).json['config'].served_entities[0].external_model.openai_config.openai_api_base).toBe(fake.url);
    await loch.sql('REVOKE MANAGE ON MODEL ENDPOINT main.ai.chat FROM dave');
    expect(audit.some((e) => e.action === 'createServingEndpoint' && e.principal === 'dave' && e.statusCode === 403 && !e.allowed)).toBe(true);
  });
});

describe('serving endpoints: invocations', () => {
  it('answers chat, streamed chat and embeddings in OpenAI shape', async () => {
    const chat = await call('alice', 'POST', '/serving-endpoints/main.ai.chat/invocations', { messages: [{ role: 'user', content: 'hi' }] });
    expect(chat.status, chat.text).toBe(200);
    expect(chat.json).toMatchObject({ object: 'chat.completion', choices: [{ message: { role: 'assistant', content: 'echo: hi' } }] });
    expect(fake.requests.at(-1)?.headers['authorization']).toBe(`Bearer ${SECRET}`);

    const streamed = await call('alice', 'POST', '/serving-endpoints/main.ai.chat/invocations', { messages: [{ role: 'user', content: 'stream me' }], stream: true });
    expect(streamed.status, streamed.text).toBe(200);
    expect(streamed.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const events = streamed.text.split('\n\n').filter((e) => e !== '');
    expect(events.every((e) => e.startsWith('data: '))).toBe(true);
    expect(events.at(-1)).toBe('data: [DONE]');
    const text = events.slice(0, -1).map((e) => JSON.parse(e.slice(6)).choices[0]?.delta?.content ?? '').join('');
    expect(text).toBe('echo: stream me');

    const dropped = await call('alice', 'POST', '/serving-endpoints/main.ai.chat/invocations', { messages: [{ role: 'user', content: 'please drop' }], stream: true });
    expect(dropped.status).toBe(200);
    const last = dropped.text.split('\n\n').filter((e) => e !== '').at(-1) ?? '';
    expect(last).not.toBe('data: [DONE]');
    expect(JSON.parse(last.slice(6)).error).toMatchObject({ type: expect.any(String), message: expect.any(String) });

    const created = await api('alice', 'POST', '', createBody('main.ai.embed', {}, { task: 'llm/v1/embeddings', name: 'fake-embed' }));
    expect(created.json['task']).toBe('llm/v1/embeddings');
    const embedded = await call('alice', 'POST', '/serving-endpoints/main.ai.embed/invocations', { input: ['a', 'b'] });
    expect(embedded.status, embedded.text).toBe(200);
    expect(embedded.json['data'].map((d: any) => d.embedding.length)).toEqual([8, 8]);
    const wrongTask = await call('alice', 'POST', '/serving-endpoints/main.ai.embed/invocations', { messages: [{ role: 'user', content: 'x' }] });
    expect(wrongTask.status).toBe(400);
    const neither = await call('alice', 'POST', '/serving-endpoints/main.ai.chat/invocations', { dataframe_records: [{ a: 1 }] });
    expect(neither.json).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE' });
  });

  it('maps upstream failures: 429 with Retry-After, 502 for a 5xx, 404 for an unknown endpoint', async () => {
    const limited = await call('alice', 'POST', '/serving-endpoints/chat/completions', { model: 'main.ai.chat', messages: [{ role: 'user', content: 'please 429' }] });
    expect(limited.status, limited.text).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');
    expect(limited.json['error']).toMatchObject({ type: 'rate_limit_error' });
    const failed = await call('alice', 'POST', '/serving-endpoints/main.ai.chat/invocations', { messages: [{ role: 'user', content: 'please 500' }] });
    expect(failed.status, failed.text).toBe(502);
    const unknown = await call('alice', 'POST', '/serving-endpoints/chat/completions', { model: 'main.ai.nope', messages: [{ role: 'user', content: 'x' }] });
    expect(unknown.status, unknown.text).toBe(404);
    expect(unknown.json['error']).toMatchObject({ type: 'not_found_error', code: 'RESOURCE_DOES_NOT_EXIST' });
    const noModel = await call('alice', 'POST', '/serving-endpoints/chat/completions', { messages: [{ role: 'user', content: 'x' }] });
    expect(noModel.json['error']).toMatchObject({ type: 'invalid_request_error', code: 'INVALID_PARAMETER_VALUE' });
    const badToken = await call('not-a-token', 'POST', '/serving-endpoints/chat/completions', { model: 'main.ai.chat', messages: [] });
    expect(badToken.status).toBe(401);
    expect(badToken.json['error']).toMatchObject({ type: 'authentication_error', code: 'UNAUTHENTICATED' });
  });

  it('aborts the model call when the client goes away', async () => {
    fake.resetStats();
    const controller = new AbortController();
    const pending = fetch(`${server.url}/serving-endpoints/main.ai.chat/invocations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens['alice']}` },
      body: JSON.stringify({ messages: [{ role: 'user', content: 'please hang' }] }),
      signal: controller.signal,
    }).catch(() => undefined);
    const started = Date.now();
    while (fake.inFlight === 0 && Date.now() - started < 3_000) await new Promise((r) => setTimeout(r, 10));
    expect(fake.inFlight).toBe(1);
    controller.abort();
    await pending;
    while (fake.inFlight > 0 && Date.now() - started < 5_000) await new Promise((r) => setTimeout(r, 10));
    expect(fake.inFlight).toBe(0);
  });
});

describe('serving endpoints: governance', () => {
  it('refuses callers without EXECUTE everywhere and hides the endpoint from their lists, until granted', async () => {
    const body = { messages: [{ role: 'user', content: 'hi' }] };
    const invocation = await call('bob', 'POST', '/serving-endpoints/main.ai.chat/invocations', body);
    expect(invocation.status, invocation.text).toBe(403);
    expect(invocation.json['error_code']).toBe('PERMISSION_DENIED');
    const streamed = await call('bob', 'POST', '/serving-endpoints/main.ai.chat/invocations', { ...body, stream: true });
    expect(streamed.status).toBe(403);
    expect(streamed.headers.get('content-type')).toMatch(/json/);
    const openai = await call('bob', 'POST', '/serving-endpoints/chat/completions', { model: 'main.ai.chat', ...body });
    expect(openai.status).toBe(403);
    expect(openai.json['error']).toMatchObject({ type: 'permission_error', code: 'PERMISSION_DENIED' });
    expect((await call('bob', 'GET', '/serving-endpoints/models')).json).toEqual({ object: 'list', data: [] });
    expect((await api('bob', 'GET', '')).json['endpoints'].map((e: any) => e.name)).not.toContain('main.ai.chat');
    expect((await api('bob', 'GET', '/main.ai.chat')).status).toBe(403);
    expect(audit.some((e) => e.action === 'queryServingEndpoint' && e.principal === 'bob' && e.statusCode === 403 && e.objectName === 'main.ai.chat')).toBe(true);

    await loch.sql('GRANT EXECUTE ON MODEL ENDPOINT main.ai.chat TO bob');
    await loch.sql('GRANT USE ENDPOINT ON MODEL ENDPOINT main.ai.chat TO carol');
    for (const who of ['bob', 'carol']) {
      const ok = await call(who, 'POST', '/serving-endpoints/main.ai.chat/invocations', body);
      expect(ok.status, ok.text).toBe(200);
      expect(ok.json['choices'][0].message.content).toBe('echo: hi');
      const viaOpenAi = await call(who, 'POST', '/serving-endpoints/chat/completions', { model: 'ai.chat', ...body });
      expect(viaOpenAi.status, viaOpenAi.text).toBe(200);
      const models = await call(who, 'GET', '/serving-endpoints/models');
      expect(models.json['data']).toEqual([{ id: 'main.ai.chat', object: 'model', created: expect.any(Number), owned_by: 'alice' }]);
    }
    expect((await api('bob', 'GET', '')).json['endpoints'].map((e: any) => e.name)).toEqual(['main.ai.chat']);
    // EXECUTE lets bob call and see the endpoint, not change it.
    expect((await api('bob', 'PUT', '/main.ai.chat', { loch: { cache: false } })).status).toBe(403);
    expect((await api('bob', 'DELETE', '/main.ai.chat')).status).toBe(403);
  });

  it('never shows the secret value in any response or audit record', () => {
    expect(bodies.length).toBeGreaterThan(30);
    for (const body of bodies) expect(body).not.toContain(SECRET);
    expect(JSON.stringify(audit)).not.toContain(SECRET);
  });
});
