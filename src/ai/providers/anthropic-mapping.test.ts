import { describe, expect, it } from 'vitest';
import { finishReasonOf, fromMessagesResponse, toMessagesRequest, usageOf } from './anthropic-mapping.js';

describe('toMessagesRequest', () => {
  it('maps system, tools, tool calls and tool results, merging the results of parallel calls', () => {
    const { body, format } = toMessagesRequest('claude-x', {
      messages: [
        { role: 'system', content: 'be brief' },
        { role: 'developer', content: 'use tools' },
        { role: 'user', content: [{ type: 'text', text: 'weather?' }] },
        { role: 'assistant', content: null, tool_calls: [
          { id: 't1', type: 'function', function: { name: 'w', arguments: '{"city":"Oslo"}' } },
          { id: 't2', type: 'function', function: { name: 'w', arguments: '{"city":"Rome"}' } },
        ] },
        { role: 'tool', tool_call_id: 't1', content: 'cold' },
        { role: 'tool', tool_call_id: 't2', content: 'warm' },
      ],
      tools: [{ type: 'function', function: { name: 'w', description: 'weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }],
      tool_choice: 'required',
      stop: 'END',
      temperature: 0.2,
      user: 'alice',
    }, false);
    expect(format).toBeUndefined();
    expect(body).toEqual({
      model: 'claude-x', max_tokens: 1024, system: 'be brief\n\nuse tools',
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'weather?' }] },
        { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'w', input: { city: 'Oslo' } }, { type: 'tool_use', id: 't2', name: 'w', input: { city: 'Rome' } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: 'cold' }, { type: 'tool_result', tool_use_id: 't2', content: 'warm' }] },
      ],
      tools: [{ name: 'w', description: 'weather', input_schema: { type: 'object', properties: { city: { type: 'string' } } } }],
      tool_choice: { type: 'any' }, temperature: 0.2, stop_sequences: ['END'], metadata: { user_id: 'alice' },
    });
  });

  it('asks for a schema through a forced tool, wrapping schemas that are not objects', () => {
    const object = toMessagesRequest('m', { messages: [{ role: 'user', content: 'x' }], max_tokens: 50, response_format: { type: 'json_schema', json_schema: { name: 'person record', schema: { type: 'object', properties: { n: { type: 'string' } } } } } }, true);
    expect(object.format).toEqual({ name: 'person_record', wrapped: false });
    expect(object.body.tool_choice).toEqual({ type: 'tool', name: 'person_record' });
    expect(object.body.max_tokens).toBe(50);
    expect(object.body.stream).toBe(true);
    const list = toMessagesRequest('m', { messages: [{ role: 'user', content: 'x' }], response_format: { type: 'json_schema', json_schema: { name: 'tags', schema: { type: 'array', items: { type: 'string' } } } } }, false);
    expect(list.body.tools?.[0]?.input_schema).toEqual({ type: 'object', properties: { value: { type: 'array', items: { type: 'string' } } }, required: ['value'] });
    const response = fromMessagesResponse({ id: 'msg_1', content: [{ type: 'tool_use', id: 'tu', name: 'tags', input: { value: ['a', 'b'] } }], stop_reason: 'tool_use', usage: { input_tokens: 3, output_tokens: 4 } }, 'm', 1, list.format);
    expect(response.choices[0]).toEqual({ index: 0, message: { role: 'assistant', content: '["a","b"]' }, finish_reason: 'stop' });
  });

  it('refuses tool-call arguments that are not JSON', () => {
    expect(() => toMessagesRequest('m', { messages: [{ role: 'assistant', content: null, tool_calls: [{ id: 'a', type: 'function', function: { name: 'f', arguments: '{oops' } }] }] }, false)).toThrow(/not JSON/);
  });
});

describe('responses', () => {
  it('maps stop reasons and usage', () => {
    expect([finishReasonOf('end_turn'), finishReasonOf('stop_sequence'), finishReasonOf('max_tokens'), finishReasonOf('tool_use'), finishReasonOf('refusal'), finishReasonOf(null)])
      .toEqual(['stop', 'stop', 'length', 'tool_calls', 'content_filter', null]);
    expect(usageOf({ input_tokens: 5, cache_read_input_tokens: 2, output_tokens: 7 })).toEqual({ prompt_tokens: 7, completion_tokens: 7, total_tokens: 14 });
  });
  it('joins text blocks and keeps tool_use blocks as tool calls', () => {
    const r = fromMessagesResponse({ id: 'msg_2', model: 'c', content: [{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }, { type: 'tool_use', id: 'tu1', name: 'f', input: { x: 1 } }], stop_reason: 'tool_use', usage: { input_tokens: 1, output_tokens: 2 } }, 'm', 9, undefined);
    expect(r).toEqual({ id: 'msg_2', object: 'chat.completion', created: 9, model: 'c', usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 },
      choices: [{ index: 0, finish_reason: 'tool_calls', message: { role: 'assistant', content: 'ab', tool_calls: [{ id: 'tu1', type: 'function', function: { name: 'f', arguments: '{"x":1}' } }] } }] });
  });
});
