import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Catalog, ObjectName } from '../../../src/catalog/catalog-types.js';
import type { Principal } from '../../../src/catalog/governance/governance-types.js';
import { agents, aiRuntime, registerTool } from '../../../src/ai/index.js';
import type { AgentResponse } from '../../../src/ai/agents/agent-runner.js';
import type { ChatChunk, ChatRequest, ChatResponse, ToolDefinition } from '../../../src/ai/model-types.js';
import type { FakeReply } from '../../support/fake-openai.js';
import { fakeRagModel } from '../../support/fake-rag-model.js';
import { rejection } from '../../../src/test-support/errors.js';
import { openAiHarness, textOf, type AiHarness } from './ai-functions-harness.js';

/**
 * Agents end to end against a scripted fake model: the model reads commands from the last user
 * message ("sql: …", "call <tool> <json>", "loop") and calls tools by name; after a tool result
 * it answers "tool said: <result>". Every tool runs as the caller: grants decide what it sees.
 */

let h: AiHarness;
let catalogs: Record<string, Catalog>;
const ANALYST: ObjectName = { catalog: 'main', schema: 'default', name: 'analyst' };

function script(request: ChatRequest): FakeReply {
  if (textOf(request.messages[0]).startsWith('You answer from documents')) return fakeRagModel(request);
  const last = request.messages[request.messages.length - 1];
  if (last?.role === 'tool') return { content: `tool said: ${textOf(last)}` };
  const user = textOf([...request.messages].reverse().find((m) => m.role === 'user'));
  if (request.tool_choice === 'none') return { content: 'out of steps' };
  const call = (name: string, args: unknown): FakeReply => ({ tool_calls: [{ id: `call_${request.messages.length}`, type: 'function', function: { name, arguments: JSON.stringify(args) } }] });
  if (user.startsWith('sql: ')) return call('sql_query', { query: user.slice(5) });
  if (user === 'loop') return call('sql_query', { query: 'SELECT 1 AS one' });
  const m = /^call (\S+) (.*)$/.exec(user);
  if (m !== null) return call(m[1] as string, JSON.parse(m[2] as string));
  return { content: `plain: ${user}` };
}

const ask = (who: string, text: string, agent: ObjectName = ANALYST): Promise<ChatResponse> =>
  aiRuntime(h.loch).gateway.chat(agent, { messages: [{ role: 'user', content: text }] }, { catalog: catalogs[who] as Catalog, source: 'api' });
const answer = (r: ChatResponse): string => textOf(r.choices[0]?.message);
const chatRequests = (): ChatRequest[] => h.fake.requests.filter((r) => r.path === '/v1/chat/completions').map((r) => r.body as ChatRequest);

beforeAll(async () => {
  h = await openAiHarness({ fake: { chat: script } });
  const admin = async (sql: string): Promise<void> => void (await (await h.loch.sql(sql)).all());
  for (const user of ['alice', 'bob', 'carol']) await h.loch.identity.createUser(user);
  catalogs = {};
  for (const user of ['alice', 'bob', 'carol']) catalogs[user] = h.loch.catalogFor((await h.loch.identity.resolve(user)) as Principal);
  await admin('CREATE TABLE main.default.orders (id INT, customer STRING, amount DOUBLE)');
  await admin("INSERT INTO main.default.orders VALUES (1, 'ann', 100), (2, 'ben', 250), (3, 'ann', 50)");
  await admin("CREATE FUNCTION main.default.discounted(amount DOUBLE COMMENT 'the order amount in EUR') RETURNS DOUBLE COMMENT 'Price after the 10% loyalty discount' RETURN amount * 0.9");
  await admin(`CREATE AGENT main.default.analyst WITH (endpoint => 'main.default.chat', instructions => 'You analyse orders.',
    tools => array('sql', 'main.default.discounted', 'ts:shout'), max_steps => 3) COMMENT 'order analyst'`);
  await admin('GRANT USE CATALOG ON CATALOG main TO `account users`');
  await admin('GRANT USE SCHEMA ON SCHEMA main.default TO `account users`');
  for (const user of ['alice', 'bob']) {
    await admin(`GRANT EXECUTE ON MODEL ENDPOINT main.default.analyst TO ${user}`);
    await admin(`GRANT EXECUTE ON MODEL ENDPOINT main.default.chat TO ${user}`);
  }
  await admin('GRANT SELECT ON TABLE main.default.orders TO bob');
  await admin('GRANT EXECUTE ON FUNCTION main.default.discounted TO bob');
  registerTool(h.loch, {
    name: 'shout',
    description: 'Upper-cases a text',
    parameters: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] },
    run: async (args, context) => ({ upper: String(args['text']).toUpperCase(), as: context.catalog.principal }),
  });
}, 60_000);

afterAll(async () => {
  await h?.close();
});

describe('agents: the tool loop', () => {
  it('answers through the SQL tool as the caller, named after the agent, with summed usage', async () => {
    h.fake.resetStats();
    const r = (await ask('bob', 'sql: SELECT sum(amount) AS total FROM main.default.orders')) as AgentResponse;
    expect(answer(r)).toBe('tool said: {"columns":["total"],"rows":[[400]]}');
    expect(r.model).toBe('main.default.analyst');
    expect(r.loch.steps).toBe(2);
    expect(r.usage?.total_tokens).toBeGreaterThan(0);
    const [first, second] = chatRequests();
    expect(textOf(first?.messages[0])).toMatch(/^You analyse orders\.\n\nYou can call the tools/);
    expect(first?.tools?.map((t) => t.function.name)).toEqual(['sql_query', 'main__default__discounted', 'shout']);
    expect(second?.messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'tool']);
  });

  it('runs tools as the caller: without SELECT the refusal is the tool result and no row is seen', async () => {
    const r = await ask('alice', 'sql: SELECT * FROM main.default.orders');
    expect(answer(r)).toMatch(/^tool said: error: .*alice lacks SELECT on TABLE main\.default\.orders/);
    expect(answer(r)).not.toMatch(/ann|ben|250/);
  });

  it('refuses writes, writes inside WITH and several statements in the SQL tool', async () => {
    for (const sql of [
      "INSERT INTO main.default.orders VALUES (9, 'eve', 1)",
      "WITH x AS (SELECT 9, 'eve', 1.0) INSERT INTO main.default.orders SELECT * FROM x",
      'CREATE TABLE main.default.evil (a INT)',
      'SELECT 1; DELETE FROM main.default.orders',
    ]) expect(answer(await ask('bob', `sql: ${sql}`)), sql).toMatch(/^tool said: error: agents: sql tool: refused: /);
    expect(await h.rows('SELECT count(*) AS n FROM main.default.orders')).toEqual([{ n: 3n }]);
  });

  it('caps SQL results and says so', async () => {
    const text = answer(await ask('bob', 'sql: SELECT * FROM range(500)'));
    const json = JSON.parse(text.slice('tool said: '.length)) as { rows: unknown[]; truncated: string };
    expect(json.rows).toHaveLength(50);
    expect(json.truncated).toMatch(/more than 50 rows/);
  });

  it('offers a catalog function with its COMMENT as description and parameter comments, and calls it as the caller', async () => {
    h.fake.resetStats();
    const r = await ask('bob', 'call main__default__discounted {"amount": 200}');
    expect(answer(r)).toBe('tool said: {"result":180}');
    const tool = chatRequests()[0]?.tools?.find((t) => t.function.name === 'main__default__discounted') as ToolDefinition;
    expect(tool.function.description).toBe('Price after the 10% loyalty discount Returns DOUBLE.');
    expect(tool.function.parameters).toEqual({ type: 'object', properties: { amount: { type: 'number', description: 'the order amount in EUR' } }, required: ['amount'], additionalProperties: false });
  });

  it('leaves out a function the caller cannot see', async () => {
    h.fake.resetStats();
    const r = (await ask('alice', 'hello')) as AgentResponse;
    expect(chatRequests()[0]?.tools?.map((t) => t.function.name)).toEqual(['sql_query', 'shout']);
    expect(r.loch.tools_unavailable).toEqual([{ ref: 'main.default.discounted', reason: expect.stringContaining('alice') }]);
  });

  it('runs registered TypeScript tools with the caller catalog, and tells the model about unknown tools', async () => {
    expect(answer(await ask('alice', 'call shout {"text": "hi"}'))).toBe('tool said: {"upper":"HI","as":"alice"}');
    expect(answer(await ask('alice', 'call nope {}'))).toBe('tool said: error: agents: no tool named nope; the tools are sql_query, shout');
  });

  it('stops after max_steps with one last call that may not use tools', async () => {
    const loop = (request: ChatRequest): FakeReply => (request.tool_choice === 'none' ? { content: 'final words' } : { tool_calls: [{ id: `c${request.messages.length}`, type: 'function', function: { name: 'sql_query', arguments: '{"query":"SELECT 1"}' } }] });
    const other = await openAiHarness({ fake: { chat: loop } });
    try {
      const r = await agents(other.loch).define({ endpoint: 'main.default.chat', tools: ['sql'], maxSteps: 2, name: 'looper' }).invoke({ messages: [{ role: 'user', content: 'go' }] }, { catalog: other.loch.catalog });
      expect(answer(r)).toBe('final words');
      expect(r.loch.steps).toBe(3);
      const sent = other.fake.requests.map((q) => (q.body as ChatRequest).tool_choice);
      expect(sent).toEqual(['auto', 'auto', 'none']);
    } finally {
      await other.close();
    }
  });

  it('defines agents in code with inline TypeScript tools, without catalog storage', async () => {
    const agent = agents(h.loch).define({
      endpoint: 'main.default.chat',
      instructions: 'Count letters.',
      tools: [{ name: 'count', description: 'Counts letters', parameters: { type: 'object', properties: { text: { type: 'string' } } }, run: async (args) => String(args['text']).length }],
    });
    const r = await agent.invoke({ messages: [{ role: 'user', content: 'call count {"text": "hello"}' }] }, { catalog: catalogs['bob'] as Catalog });
    expect(answer(r)).toBe('tool said: 5');
    expect(r.model).toBe('agent');
  });

  it('streams the final answer as chunks', async () => {
    const chunks: ChatChunk[] = [];
    const stream = aiRuntime(h.loch).gateway.chatStream(ANALYST, { messages: [{ role: 'user', content: 'call shout {"text": "stream me"}' }], stream_options: { include_usage: true } }, { catalog: catalogs['bob'] as Catalog, source: 'api' });
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('tool said: {"upper":"STREAM ME","as":"bob"}');
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe('stop');
    expect(chunks.at(-1)?.usage?.total_tokens).toBeGreaterThan(0);
  });

  it('refuses callers without EXECUTE on the agent', async () => {
    const failure = await rejection(ask('carol', 'hi'));
    expect(failure).toMatchObject({ code: 'PERMISSION_DENIED' });
  });
});

describe('agents: statements', () => {
  it('describes, lists and drops agents; plain endpoints are not agents', async () => {
    const described = Object.fromEntries((await h.rows('DESCRIBE AGENT main.default.analyst')).map((r) => [r['info_name'], r['info_value']]));
    expect(described).toMatchObject({ name: 'main.default.analyst', endpoint: 'main.default.chat', instructions: 'You analyse orders.', tools: 'sql, main.default.discounted, ts:shout', max_steps: '3', comment: 'order analyst' });
    expect(await h.rows('SHOW AGENTS IN main.default')).toEqual([{ name: 'main.default.analyst', endpoint: 'main.default.chat', tools: 'sql, main.default.discounted, ts:shout', owner: expect.any(String), comment: 'order analyst' }]);
    expect((await h.rows('SHOW MODEL ENDPOINTS IN main.default')).map((r) => r['name'])).toContain('main.default.analyst');
    expect(await rejection(h.rows('DROP AGENT main.default.chat'))).toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('is a model endpoint, not an agent') });
    await h.rows("CREATE AGENT main.default.temp WITH (endpoint => 'chat')");
    expect(Object.fromEntries((await h.rows('DESCRIBE AGENT temp')).map((r) => [r['info_name'], r['info_value']]))['endpoint']).toBe('main.default.chat');
    await h.rows('DROP AGENT main.default.temp');
    await h.rows('DROP AGENT IF EXISTS main.default.temp');
    expect(await rejection(h.rows('DROP AGENT main.default.temp'))).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('validates options and needs CREATE MODEL ENDPOINT on the schema', async () => {
    expect(await rejection(h.rows("CREATE AGENT main.default.x WITH (endpoint => 'main.default.chat', tools => array('lookup'), colour => 'red')"))).toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('colour is not an agent option') });
    expect(await rejection(h.rows("CREATE AGENT main.default.x WITH (endpoint => 'main.default.chat', max_steps => 0)"))).toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('maxSteps must be an integer') });
    const alice = h.loch.session({ principal: (await h.loch.identity.resolve('alice')) as Principal });
    const denied = await rejection((async () => (await alice.sql("CREATE AGENT main.default.mine WITH (endpoint => 'main.default.chat')")).all())());
    expect(denied).toMatchObject({ code: 'PERMISSION_DENIED', message: expect.stringContaining('CREATE MODEL ENDPOINT') });
  });

  it('refuses an agent whose endpoint is another agent (no call cycles)', async () => {
    await h.rows("CREATE AGENT main.default.nested WITH (endpoint => 'main.default.analyst')");
    const refused = await rejection(h.rows("SELECT ai_query('main.default.nested', 'hello') AS a"));
    expect(refused).toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('main.default.analyst is an agent') });
    await h.rows('DROP AGENT main.default.nested');
  });

  it('serves ai_query on an agent', async () => {
    const rows = await h.rows("SELECT ai_query('main.default.analyst', 'call shout {\"text\": \"sql\"}') AS a");
    expect(rows).toEqual([{ a: 'tool said: {"upper":"SQL","as":"' + h.loch.catalog.principal + '"}' }]);
  });
});

describe('agents: retrieval with citations', () => {
  const LIBRARIAN: ObjectName = { catalog: 'main', schema: 'default', name: 'librarian' };

  beforeAll(async () => {
    const admin = async (sql: string): Promise<void> => void (await (await h.loch.sql(sql)).all());
    await admin('CREATE TABLE main.default.manual (id BIGINT, body STRING) TBLPROPERTIES (delta.enableChangeDataFeed = true)');
    await admin(`INSERT INTO main.default.manual VALUES (1, 'The pump runs at forty bar of pressure.'), (2, 'Valves are inspected every week by the night shift.'), (3, 'The cafeteria opens at noon.')`);
    await admin(`CREATE VECTOR INDEX main.default.manual_idx ON main.default.manual (body) USING ENDPOINT main.default.embed WITH (primary_key => 'id')`);
    await admin(`CREATE AGENT main.default.librarian WITH (endpoint => 'main.default.chat', instructions => 'You answer from documents.', tools => array('vector_search:main.default.manual_idx'))`);
    for (const user of ['alice', 'bob']) await admin(`GRANT EXECUTE ON MODEL ENDPOINT main.default.librarian TO ${user}`);
    for (const user of ['alice', 'bob']) await admin(`GRANT EXECUTE ON MODEL ENDPOINT main.default.embed TO ${user}`);
    await admin('GRANT SELECT ON TABLE main.default.manual TO bob');
  }, 60_000);

  it('cites the retrieved rows it answers from, and lists every retrieved row', async () => {
    const r = (await ask('bob', 'How often are valves inspected?', LIBRARIAN)) as AgentResponse;
    expect(answer(r)).toMatch(/^Valves are inspected every week by the night shift\. \[\d\]\n\nSources:\n\[\d\] vector_search:main\.default\.manual_idx id=2: Valves are inspected every week by the night shift\.$/);
    expect(r.loch.citations).toHaveLength(1);
    expect(r.loch.citations[0]).toMatchObject({ source: 'vector_search:main.default.manual_idx', id: '2', text: 'Valves are inspected every week by the night shift.' });
    expect(r.loch.retrieved.map((c) => c.id).sort()).toEqual(['1', '2', '3']);
  });

  it('gives a caller without SELECT on the source nothing from the index', async () => {
    const r = (await ask('alice', 'How often are valves inspected?', LIBRARIAN)) as AgentResponse;
    expect(r.loch.retrieved).toEqual([]);
    expect(r.loch.citations).toEqual([]);
    expect(answer(r)).not.toMatch(/valves are|pump|cafeteria/i);
  });

  it('records the run as a trace: AGENT root, CHAT_MODEL per model call, RETRIEVER for the search', async () => {
    const r = (await ask('bob', 'When does the cafeteria open?', LIBRARIAN)) as AgentResponse;
    const traceId = r.loch.trace_id;
    expect(traceId).toMatch(/^tr-[0-9a-f]{32}$/);
    await aiRuntime(h.loch).tracer.flush();
    const spans = await h.rows(`SELECT span_id, name, span_type, parent_span_id FROM system.ai.trace_spans WHERE trace_id = '${traceId}' ORDER BY start_time_unix_nano, span_type`);
    const types = spans.map((s) => s['span_type']);
    const root = spans.find((s) => s['parent_span_id'] === null);
    expect(root).toMatchObject({ name: 'main.default.librarian', span_type: 'AGENT' });
    const retriever = spans.find((s) => s['span_type'] === 'RETRIEVER' && s['parent_span_id'] === root?.['span_id']);
    expect(retriever?.['name']).toBe('search_manual_idx');
    expect(types.filter((t) => t === 'CHAT_MODEL').length).toBeGreaterThanOrEqual(2);
    expect(types).toContain('RETRIEVER');
    const traces = await h.rows(`SELECT trace_metadata['mlflow.trace.user'] AS who FROM system.ai.traces WHERE trace_id = '${traceId}'`);
    expect(traces).toEqual([{ who: 'bob' }]);
  });
});
