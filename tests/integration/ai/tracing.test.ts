import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ObjectName } from '../../../src/catalog/catalog-types.js';
import { Loch, aiExtension, aiRuntime } from '../../../src/index.js';
import type { LochSession } from '../../../src/sql/loch.js';
import { startFakeOpenAi, type FakeModelServer } from '../../support/fake-openai.js';

/**
 * system.ai.traces and system.ai.trace_spans: an ai_query statement is one trace (a CHAIN root
 * named after its functions, one CHAT_MODEL span per model call under it), a call without a
 * parent (as the HTTP serving routes make) is a one-span trace, both carrying the principal.
 */

const CHAT: ObjectName = { catalog: 'main', schema: 'default', name: 'chat' };

let dir: string;
let loch: Loch;
let ann: LochSession;
let fake: FakeModelServer;

async function rows(session: LochSession, sql: string): Promise<Record<string, unknown>[]> {
  const result = await session.sql(sql);
  const all = await result.all();
  return all.map((row) => Object.fromEntries(result.columns.map((c, i) => [c.name, (row as unknown[])[i]])));
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'loch-tracing-'));
  fake = await startFakeOpenAi({});
  loch = await Loch.open({ warehouse: join(dir, 'wh'), metastore: 'memory:', principal: 'admin', threads: 2 });
  await loch.sql(`CREATE MODEL ENDPOINT chat PROVIDER 'openai' OPTIONS (url '${fake.url}', model 'fake-model', max_retries 0)`);
  await loch.sql("CREATE MODEL ENDPOINT dead PROVIDER 'openai' OPTIONS (url 'http://127.0.0.1:9/v1', model 'gone', max_retries 0, timeout_ms 2000)");
  await loch.sql("CREATE TABLE main.default.questions AS SELECT * FROM (VALUES (1, 'one'), (2, 'two'), (3, 'three')) AS v(id, q)");
  await loch.identity.createUser('ann');
  await loch.sql(`GRANT USE CATALOG ON CATALOG main TO ann;
    GRANT USE SCHEMA ON SCHEMA main.default TO ann;
    GRANT SELECT ON TABLE main.default.questions TO ann`);
  for (const name of [CHAT, { ...CHAT, name: 'dead' }]) await loch.catalog.updateGrants({ type: 'MODEL_ENDPOINT', name }, [{ principal: 'ann', add: ['EXECUTE'] }]);
  const principal = await loch.identity.resolve('ann');
  if (principal === undefined) throw new Error('no ann');
  ann = loch.session({ principal });
}, 60_000);

afterAll(async () => {
  await loch?.close();
  await fake?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('tracing', () => {
  it('traces an ai_query statement: one CHAIN root, a CHAT_MODEL span per call, the principal', async () => {
    const answers = await rows(ann, "SELECT id, ai_query('main.default.chat', 'question ' || q) AS a FROM main.default.questions ORDER BY id");
    expect(answers.map((r) => r['a'])).toEqual(['echo: question one', 'echo: question two', 'echo: question three']);
    await aiRuntime(loch).tracer.flush();

    const traces = await rows(loch, "SELECT * FROM system.ai.traces WHERE trace_metadata['loch.source'] = 'sql'");
    expect(traces).toHaveLength(1);
    const trace = traces[0] as Record<string, unknown>;
    expect(String(trace['trace_id'])).toMatch(/^tr-[0-9a-f]{32}$/);
    expect(trace).toMatchObject({ state: 'OK', experiment_id: '0' });
    const meta = await rows(loch, `SELECT trace_metadata['mlflow.trace.user'] AS usr, trace_metadata['loch.root_span'] AS root FROM system.ai.traces WHERE trace_id = '${String(trace['trace_id'])}'`);
    expect(meta).toEqual([{ usr: 'ann', root: 'ai_query (CHAIN)' }]);
    expect(String(trace['request'])).toContain('ai_query');
    expect(Number(trace['execution_duration_ms'])).toBeGreaterThanOrEqual(0);
    expect(trace['client_request_id']).toEqual(expect.any(String));

    const spans = await rows(loch, `SELECT * FROM system.ai.trace_spans WHERE trace_id = '${String(trace['trace_id'])}' ORDER BY start_time_unix_nano, span_type`);
    const root = spans.find((s) => s['parent_span_id'] === null);
    expect(root).toMatchObject({ name: 'ai_query', span_type: 'CHAIN', status_code: 'OK' });
    const calls = spans.filter((s) => s['span_type'] === 'CHAT_MODEL');
    expect(calls).toHaveLength(3);
    for (const call of calls) {
      expect(String(call['span_id'])).toMatch(/^[0-9a-f]{16}$/);
      expect(call).toMatchObject({ parent_span_id: root?.['span_id'], name: 'main.default.chat', status_code: 'OK' });
      const attributes = JSON.parse(String(call['attributes'])) as Record<string, unknown>;
      expect(attributes).toMatchObject({ endpoint: 'main.default.chat', served_by: 'main.default.chat', attempts: 1, model: 'fake-model' });
      expect(Number(attributes['prompt_tokens'])).toBeGreaterThan(0);
      expect(String(call['inputs'])).toContain('question');
      expect(String(call['outputs'])).toContain('echo: question');
      expect(BigInt(String(call['end_time_unix_nano']))).toBeGreaterThanOrEqual(BigInt(String(call['start_time_unix_nano'])));
    }
    expect(calls.map((c) => String(c['outputs']).match(/echo: question (\w+)/)?.[1]).sort()).toEqual(['one', 'three', 'two']);
  });

  it('records a call without a parent (HTTP serving) as a one-span trace of the caller', async () => {
    await aiRuntime(loch).gateway.chat(CHAT, { messages: [{ role: 'user', content: 'served over http' }] }, { catalog: ann.catalog, source: 'http', requestId: 'req-http-1' });
    await expect(
      aiRuntime(loch).gateway.chat({ ...CHAT, name: 'dead' }, { messages: [{ role: 'user', content: 'x' }] }, { catalog: ann.catalog, source: 'http', requestId: 'req-http-2' }),
    ).rejects.toMatchObject({ code: expect.any(String) });
    await aiRuntime(loch).tracer.flush();

    const traces = await rows(loch, "SELECT trace_id, state, client_request_id, request_preview, response_preview, trace_metadata['mlflow.trace.user'] AS usr, trace_metadata['loch.source'] AS src FROM system.ai.traces WHERE trace_metadata['loch.source'] = 'http' ORDER BY client_request_id");
    expect(traces.map((t) => [t['client_request_id'], t['state'], t['usr'], t['src']])).toEqual([
      ['req-http-1', 'OK', 'ann', 'http'],
      ['req-http-2', 'ERROR', 'ann', 'http'],
    ]);
    expect(String(traces[0]?.['request_preview'])).toContain('served over http');
    expect(String(traces[0]?.['response_preview'])).toContain('echo: served over http');
    const spans = await rows(loch, `SELECT * FROM system.ai.trace_spans WHERE trace_id = '${String(traces[0]?.['trace_id'])}'`);
    expect(spans).toHaveLength(1);
    expect(spans[0]).toMatchObject({ span_type: 'CHAT_MODEL', parent_span_id: null, name: 'main.default.chat', status_code: 'OK' });
    const failed = await rows(loch, `SELECT status_code, status_message FROM system.ai.trace_spans WHERE trace_id = '${String(traces[1]?.['trace_id'])}'`);
    expect(failed[0]?.['status_code']).toBe('ERROR');
    expect(String(failed[0]?.['status_message'])).toMatch(/main\.default\.dead|connect|fetch/i);
  });

  it('nests spans of the Tracer API and records traces of other sources', async () => {
    const tracer = aiRuntime(loch).tracer;
    const root = tracer.startTrace('my agent', 'AGENT', { principal: 'ann', source: 'agent', inputs: { messages: [{ role: 'user', content: 'hi' }] }, tags: { run: 'r1' }, experimentId: '7' });
    const tool = tracer.startSpan(root.context, 'lookup', 'TOOL', { id: 1 });
    tool.setOutputs({ rows: 2 });
    tool.setAttribute('rows', 2);
    tool.end({ ok: false, error: 'tool failed' });
    tool.end();
    root.setOutputs({ content: 'done' });
    root.end();
    await tracer.flush();
    const [trace] = await rows(loch, `SELECT experiment_id, tags['run'] AS run, state FROM system.ai.traces WHERE trace_id = '${root.context.traceId}'`);
    expect(trace).toEqual({ experiment_id: '7', run: 'r1', state: 'OK' });
    const spans = await rows(loch, `SELECT name, span_type, parent_span_id, status_code, status_message, inputs, outputs, attributes FROM system.ai.trace_spans WHERE trace_id = '${root.context.traceId}' ORDER BY name`);
    expect(spans).toEqual([
      { name: 'lookup', span_type: 'TOOL', parent_span_id: root.context.spanId, status_code: 'ERROR', status_message: 'tool failed', inputs: '{"id":1}', outputs: '{"rows":2}', attributes: '{"rows":2}' },
      { name: 'my agent', span_type: 'AGENT', parent_span_id: null, status_code: 'OK', status_message: null, inputs: '{"messages":[{"role":"user","content":"hi"}]}', outputs: '{"content":"done"}', attributes: '{}' },
    ]);
  });

  it('writes nothing with tracing off', async () => {
    const off = await Loch.open({ warehouse: join(dir, 'wh-off'), metastore: 'memory:', principal: 'admin', threads: 1, extensions: [aiExtension({ tracing: false })] });
    try {
      await off.sql(`CREATE MODEL ENDPOINT chat PROVIDER 'openai' OPTIONS (url '${fake.url}', model 'fake-model', max_retries 0)`);
      await (await off.sql("SELECT ai_query('main.default.chat', 'x') AS a")).all();
      await aiRuntime(off).tracer.flush();
      await aiRuntime(off).log.flush();
      const tables = await rows(off, 'SHOW TABLES IN system.ai');
      const names = tables.map((t) => String(t['tableName'] ?? t['name'] ?? Object.values(t)[1]));
      expect(names).toContain('inference_log');
      expect(names).not.toContain('traces');
    } finally {
      await off.close();
    }
  });
});
