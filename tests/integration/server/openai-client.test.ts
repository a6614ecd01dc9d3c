import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Loch } from '../../../src/index.js';
import { startServer } from '../../../src/server/server.js';
import type { RunningServer } from '../../../src/server/server.js';
import { defaultReply, fakeEmbedding, startFakeOpenAi } from '../../support/fake-openai.js';
import type { FakeModelServer } from '../../support/fake-openai.js';

/**
 * The official `openai` npm client, unchanged, pointed at Loch's OpenAI-compatible base URL
 * (`<loch>/serving-endpoints`, a Loch token as the API key, `model` = the endpoint's name), with
 * a fake OpenAI server behind the endpoints.
 */

const SECRET = `sk-client-${randomBytes(12).toString('hex')}`;

let dir: string;
let loch: Loch;
let server: RunningServer;
let fake: FakeModelServer;
let client: OpenAI;
let outsider: OpenAI;

function endpointDefinition(task: 'chat' | 'embeddings', model: string): Record<string, unknown> {
  return { provider: 'openai', task, url: fake.url, model, apiKey: { scope: 'prov', key: 'openai' }, limits: { maxRetries: 0, timeoutMs: 5_000 } };
}

beforeAll(async () => {
  fake = await startFakeOpenAi({
    apiKey: SECRET,
    // The fake's default reply (echo, tool calls, schema samples) unless asked to drop mid-stream.
    chat: (request) => (request.messages.at(-1)?.content === 'please drop' ? { fault: 'drop', afterChunks: 2 } : defaultReply(request)),
  });
  dir = await mkdtemp(join(tmpdir(), 'loch-openai-client-'));
  loch = await Loch.open({ warehouse: dir, metastore: 'memory:', secretKey: randomBytes(32) });
  await loch.secrets.putSecret(loch.catalog.actor, 'prov', 'openai', SECRET);
  await loch.sql('CREATE SCHEMA main.ai');
  await loch.catalog.createModelEndpoint({ catalog: 'main', schema: 'ai', name: 'chat' }, endpointDefinition('chat', 'fake-model'));
  await loch.catalog.createModelEndpoint({ catalog: 'main', schema: 'ai', name: 'embed' }, endpointDefinition('embeddings', 'fake-embed'));
  for (const user of ['app', 'outsider']) await loch.identity.createUser(user);
  await loch.sql(`GRANT USE CATALOG ON CATALOG main TO \`account users\`;
    GRANT USE SCHEMA ON SCHEMA main.ai TO \`account users\`;
    GRANT EXECUTE ON MODEL ENDPOINT main.ai.chat TO app;
    GRANT EXECUTE ON MODEL ENDPOINT main.ai.embed TO app`);
  server = await startServer({ loch, port: 0, pgPort: null, log: () => {} });
  const baseURL = `${server.url}/serving-endpoints`;
  client = new OpenAI({ baseURL, apiKey: (await loch.identity.createToken('app')).token, maxRetries: 0 });
  outsider = new OpenAI({ baseURL, apiKey: (await loch.identity.createToken('outsider')).token, maxRetries: 0 });
}, 60_000);

afterAll(async () => {
  await server?.close();
  await loch?.close();
  await fake?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('the official openai client against Loch', () => {
  it('creates a chat completion', async () => {
    const completion = await client.chat.completions.create({ model: 'main.ai.chat', messages: [{ role: 'user', content: 'hello' }], temperature: 0 });
    expect(completion.choices[0]?.message.content).toBe('echo: hello');
    expect(completion.choices[0]?.finish_reason).toBe('stop');
    expect(completion.usage?.total_tokens).toBeGreaterThan(0);
    // The key went to the model server from the secret; the client's token did not.
    expect(fake.requests.at(-1)?.headers['authorization']).toBe(`Bearer ${SECRET}`);
    expect((fake.requests.at(-1)?.body as { model: string }).model).toBe('fake-model');
  });

  it('returns tool calls and honours a JSON schema response format', async () => {
    const tools = await client.chat.completions.create({
      model: 'ai.chat',
      messages: [{ role: 'user', content: 'weather in Oslo?' }],
      tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } }],
    });
    const call = tools.choices[0]?.message.tool_calls?.[0];
    expect(tools.choices[0]?.finish_reason).toBe('tool_calls');
    expect(call?.type === 'function' ? call.function.name : undefined).toBe('get_weather');
    expect(JSON.parse(call?.type === 'function' ? call.function.arguments : '{}')).toEqual({ city: 'x' });

    const structured = await client.chat.completions.create({
      model: 'main.ai.chat',
      messages: [{ role: 'user', content: 'a city' }],
      response_format: {
        type: 'json_schema',
        json_schema: { name: 'city', strict: true, schema: { type: 'object', properties: { name: { type: 'string' }, size: { type: 'string', enum: ['small', 'large'] }, population: { type: 'integer' } }, required: ['name', 'size', 'population'], additionalProperties: false } },
      },
    });
    expect(JSON.parse(structured.choices[0]?.message.content ?? '')).toEqual({ name: 'x', size: 'small', population: 1 });
  });

  it('streams: the chunks reassemble the text, usage comes last, tool calls stream too', async () => {
    const stream = await client.chat.completions.create({ model: 'main.ai.chat', messages: [{ role: 'user', content: 'tell me a story' }], stream: true, stream_options: { include_usage: true } });
    let text = '';
    let chunks = 0;
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      chunks += 1;
      text += chunk.choices[0]?.delta.content ?? '';
      if (chunk.usage) usage = chunk.usage;
    }
    expect(chunks).toBeGreaterThan(2);
    expect(text).toBe('echo: tell me a story');
    expect(usage?.completion_tokens).toBeGreaterThan(0);

    const toolStream = await client.chat.completions.create({
      model: 'main.ai.chat',
      messages: [{ role: 'user', content: 'weather?' }],
      tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }],
      stream: true,
    });
    let name = '';
    let args = '';
    for await (const chunk of toolStream) {
      for (const delta of chunk.choices[0]?.delta.tool_calls ?? []) {
        name += delta.function?.name ?? '';
        args += delta.function?.arguments ?? '';
      }
    }
    expect(name).toBe('get_weather');
    expect(JSON.parse(args)).toEqual({ city: 'x' });
  });

  it('raises a failure in the middle of a stream as an APIError', async () => {
    const stream = await client.chat.completions.create({ model: 'main.ai.chat', messages: [{ role: 'user', content: 'please drop' }], stream: true });
    const seen: string[] = [];
    const consume = async (): Promise<void> => {
      for await (const chunk of stream) seen.push(chunk.choices[0]?.delta.content ?? '');
    };
    await expect(consume()).rejects.toBeInstanceOf(OpenAI.APIError);
    expect(seen.length).toBeGreaterThan(0);
  });

  it('creates embeddings (base64 by default in the client, and float)', async () => {
    const embedded = await client.embeddings.create({ model: 'main.ai.embed', input: ['first', 'second'] });
    expect(embedded.data).toHaveLength(2);
    const expected = fakeEmbedding('first').map((v) => Math.fround(v));
    expect(embedded.data[0]?.embedding).toEqual(expected);
    const floats = await client.embeddings.create({ model: 'main.ai.embed', input: 'first', encoding_format: 'float' });
    expect(floats.data[0]?.embedding).toEqual(fakeEmbedding('first'));
  });

  it('lists and retrieves the models the caller may call', async () => {
    const ids: string[] = [];
    for await (const model of client.models.list()) ids.push(model.id);
    expect(ids).toEqual(['main.ai.chat', 'main.ai.embed']);
    const model = await client.models.retrieve('main.ai.chat');
    expect(model).toMatchObject({ id: 'main.ai.chat', object: 'model', owned_by: loch.catalog.principal });
    const none: string[] = [];
    for await (const m of outsider.models.list()) none.push(m.id);
    expect(none).toEqual([]);
  });

  it('throws the client’s typed errors: 403 without EXECUTE, 404 unknown endpoint, 401 bad token', async () => {
    const request = { model: 'main.ai.chat', messages: [{ role: 'user' as const, content: 'hi' }] };
    const denied = await outsider.chat.completions.create(request).catch((e: unknown) => e);
    expect(denied).toBeInstanceOf(OpenAI.PermissionDeniedError);
    expect((denied as InstanceType<typeof OpenAI.APIError>).status).toBe(403);
    expect((denied as InstanceType<typeof OpenAI.APIError>).code).toBe('PERMISSION_DENIED');
    await expect(outsider.embeddings.create({ model: 'main.ai.embed', input: 'x' })).rejects.toBeInstanceOf(OpenAI.PermissionDeniedError);
    await expect(client.chat.completions.create({ ...request, model: 'main.ai.missing' })).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    const anonymous = new OpenAI({ baseURL: `${server.url}/serving-endpoints`, apiKey: 'dapi-not-a-token', maxRetries: 0 });
    await expect(anonymous.chat.completions.create(request)).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    await expect(client.chat.completions.create({ ...request, model: 'main.ai.embed' })).rejects.toBeInstanceOf(OpenAI.BadRequestError);
  });
});
