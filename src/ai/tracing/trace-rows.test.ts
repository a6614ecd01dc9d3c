import { describe, expect, it } from 'vitest';
import { SequentialIds } from '../../core/ids.js';
import { modelCallSpan } from './gateway-span.js';
import { newSpanId, newTraceId } from './trace-ids.js';
import { jsonText, spanRow, traceRow } from './trace-rows.js';
import type { SpanRecord } from './trace-rows.js';

const root: SpanRecord = {
  traceId: 'tr-1',
  spanId: 'a'.repeat(16),
  name: 'ai_query',
  type: 'CHAIN',
  startMs: Date.UTC(2030, 0, 1),
  endMs: Date.UTC(2030, 0, 1) + 250,
  status: { ok: false, error: 'boom' },
  inputs: { sql: 'SELECT 1' },
  outputs: 'x'.repeat(2000),
};

describe('trace rows', () => {
  it('draws MLflow-shaped ids from the id source', () => {
    const ids = new SequentialIds();
    expect(newTraceId(ids)).toBe('tr-00000000000040008000000000000001');
    expect(newSpanId(ids)).toBe('8000000000000002');
  });

  it('serialises values as JSON, bigints as strings, and drops what is too long or cyclic', () => {
    expect(jsonText({ n: 1n }, 100)).toBe('{"n":"1"}');
    expect(jsonText('abc', 3)).toBeNull();
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    expect(jsonText(cyclic, 100)).toBeNull();
    expect(jsonText(undefined, 100)).toBeNull();
  });

  it('builds span rows with nanosecond times and ERROR status', () => {
    const row = spanRow({ ...root, parentSpanId: 'b'.repeat(16) }, 100);
    expect(row).toMatchObject({ parent_span_id: 'b'.repeat(16), status_code: 'ERROR', status_message: 'boom', inputs: '{"sql":"SELECT 1"}', outputs: null, attributes: '{}' });
    expect(row['start_time_unix_nano']).toBe(Date.UTC(2030, 0, 1) * 1e6);
    expect(String(row['end_time_unix_nano'])).toBe(`${Date.UTC(2030, 0, 1) + 250}000000`);
  });

  it('builds trace rows with the user, source, previews and duration', () => {
    const row = traceRow({ start: { principal: 'ann', source: 'sql', requestId: 'r1', tags: { a: 'b' } }, root }, 1_000_000);
    expect(row).toMatchObject({ trace_id: 'tr-1', client_request_id: 'r1', state: 'ERROR', execution_duration_ms: 250, experiment_id: '0', tags: { a: 'b' } });
    expect(row['trace_metadata']).toMatchObject({ 'mlflow.trace.user': 'ann', 'loch.source': 'sql', 'loch.root_span': 'ai_query (CHAIN)', 'loch.error': 'boom' });
    expect(String(row['response_preview'])).toHaveLength(1000);
    expect(row['request_preview']).toBe('SELECT 1');
    const chat = traceRow({ start: { principal: 'ann', source: 'http' }, root: { ...root, inputs: { messages: [{ role: 'system', content: 's' }, { role: 'user', content: 'hi there' }] }, outputs: { choices: [{ message: { content: 'hello' } }] } } }, 1_000_000);
    expect([chat['request_preview'], chat['response_preview']]).toEqual(['hi there', 'hello']);
  });

  it('turns an inference event into a model span', () => {
    const span = modelCallSpan({
      requestId: 'q', startedAt: 1000, latencyMs: 20, endpoint: 'm.s.e', servedBy: 'm.s.f', provider: 'openai', model: 'gpt', task: 'embeddings',
      caller: 'ann', source: 'http', status: 'error', errorCode: 'UNAVAILABLE', errorMessage: 'down', attempts: 3, cached: false, streamed: false,
      promptTokens: 4, completionTokens: 0, request: '{"input":["a"]}',
    });
    expect(span).toMatchObject({ name: 'm.s.e', type: 'EMBEDDING', startMs: 1000, endMs: 1020, inputs: { input: ['a'] }, status: { ok: false, error: 'UNAVAILABLE: down' } });
    expect(span.outputs).toBeUndefined();
    expect(span.attributes).toMatchObject({ served_by: 'm.s.f', attempts: 3, total_tokens: 4 });
  });
});
