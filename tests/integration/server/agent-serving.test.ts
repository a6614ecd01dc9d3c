import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatRequest } from '../../../src/ai/model-types.js';
import { Loch } from '../../../src/index.js';
import { startServer } from '../../../src/server/server.js';
import type { RunningServer } from '../../../src/server/server.js';
import { startFakeOpenAi } from '../../support/fake-openai.js';
import type { FakeModelServer, FakeReply } from '../../support/fake-openai.js';

/**
 * Agents served over HTTP with nothing agent-specific in the server: `/serving-endpoints/{agent}/invocations`
 * and the OpenAI-compatible `/serving-endpoints/chat/completions` (model = the agent) go through
 * the gateway, which hands agent endpoints to the agent runner; the caller's token decides what
 * the agent's tools can read.
 */

let dir: string;
let loch: Loch;
let server: RunningServer;
let fake: FakeModelServer;
const tokens: Record<string, string> = {};

/** Calls the SQL tool with the user's text as the query, then answers with what the tool said. */
function model(request: ChatRequest): FakeReply {
  const last = request.messages[request.messages.length - 1];
  if (last?.role === 'tool') return { content: `tool said: ${String(last.content)}` };
  const user = String([...request.messages].reverse().find((m) => m.role === 'user')?.content ?? '');
  return { tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'sql_query', arguments: JSON.stringify({ query: user }) } }] };
}

async function post(who: string, path: string, body: unknown): Promise<{ status: number; text: string; json: any }> {
  const response = await fetch(`${server.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${tokens[who]}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const text = await response.text();
  let json: any = {};
  try {
    json = JSON.parse(text);
  } catch {
    // SSE bodies are read as text.
  }
  return { status: response.status, text, json };
}

beforeAll(async () => {
  fake = await startFakeOpenAi({ chat: model });
  dir = await mkdtemp(join(tmpdir(), 'loch-agent-serving-'));
  loch = await Loch.open({ warehouse: dir, metastore: 'memory:', secretKey: randomBytes(32) });
  for (const user of ['alice', 'bob']) {
    await loch.identity.createUser(user);
    tokens[user] = (await loch.identity.createToken(user)).token;
  }
  await loch.catalog.createModelEndpoint({ catalog: 'main', schema: 'default', name: 'chat' }, { provider: 'openai', task: 'chat', url: fake.url, model: 'fake-model', limits: { maxRetries: 0, timeoutMs: 5_000 } });
  await loch.sql(`CREATE TABLE main.default.facts (id INT, fact STRING);
    INSERT INTO main.default.facts VALUES (1, 'the sky is blue');
    CREATE AGENT main.default.bot WITH (endpoint => 'main.default.chat', instructions => 'Answer from the facts table.', tools => array('sql'));
    GRANT USE CATALOG ON CATALOG main TO \`account users\`;
    GRANT USE SCHEMA ON SCHEMA main.default TO \`account users\`;
    GRANT EXECUTE ON MODEL ENDPOINT main.default.bot TO \`account users\`;
    GRANT EXECUTE ON MODEL ENDPOINT main.default.chat TO \`account users\`;
    GRANT SELECT ON TABLE main.default.facts TO alice`);
  server = await startServer({ loch, port: 0, pgPort: null, log: () => {} });
}, 60_000);

afterAll(async () => {
  await server?.close();
  await loch?.close();
  await fake?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('agents behind the serving routes', () => {
  it('answers /serving-endpoints/{agent}/invocations as the caller', async () => {
    const alice = await post('alice', '/serving-endpoints/main.default.bot/invocations', { messages: [{ role: 'user', content: 'SELECT fact FROM main.default.facts' }] });
    expect(alice.status, alice.text).toBe(200);
    expect(alice.json).toMatchObject({ object: 'chat.completion', model: 'main.default.bot', choices: [{ message: { role: 'assistant', content: 'tool said: {"columns":["fact"],"rows":[["the sky is blue"]]}' } }] });
    expect(alice.json.loch).toMatchObject({ steps: 2, citations: [], retrieved: [] });
    const bob = await post('bob', '/serving-endpoints/main.default.bot/invocations', { messages: [{ role: 'user', content: 'SELECT fact FROM main.default.facts' }] });
    expect(bob.status, bob.text).toBe(200);
    expect(bob.json.choices[0].message.content).toMatch(/^tool said: error: .*bob lacks SELECT on TABLE main\.default\.facts/);
    expect(bob.text).not.toContain('sky');
  });

  it('answers the OpenAI-compatible route with model = the agent, streaming included (official client)', async () => {
    const client = new OpenAI({ baseURL: `${server.url}/serving-endpoints`, apiKey: tokens['alice'] as string, maxRetries: 0 });
    const completion = await client.chat.completions.create({ model: 'main.default.bot', messages: [{ role: 'user', content: 'SELECT id FROM main.default.facts' }] });
    expect(completion.model).toBe('main.default.bot');
    expect(completion.choices[0]?.message.content).toBe('tool said: {"columns":["id"],"rows":[[1]]}');
    const stream = await client.chat.completions.create({ model: 'main.default.bot', stream: true, messages: [{ role: 'user', content: 'SELECT 40 + 2 AS answer' }] });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('tool said: {"columns":["answer"],"rows":[[42]]}');
  });
});
