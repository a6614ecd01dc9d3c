import { describe, expect, it } from 'vitest';
import { judgeRequest, judgeSkip, parseVerdict } from './judge.js';
import type { JudgeInput } from './judge.js';

const input: JudgeInput = { request: 'capital of France?', response: 'Paris.', expectedResponse: null, expectedFacts: ['Paris'], context: ['France: capital Paris'] };

describe('judge', () => {
  it('parses verdicts in JSON, fenced or wrapped in prose', () => {
    expect(parseVerdict('{"score": "yes", "rationale": "right"}')).toEqual({ value: 1, rationale: 'right' });
    expect(parseVerdict('Here:\n```json\n{"score":"NO","rationale":"wrong"}\n```\nthanks {')).toEqual({ value: 0, rationale: 'wrong' });
    expect(parseVerdict('{"score": true}')).toEqual({ value: 1, rationale: null });
    expect(parseVerdict('no json here')).toMatchObject({ value: null, rationale: expect.stringContaining('no yes/no score') });
    expect(parseVerdict('{"score": "maybe"}').value).toBeNull();
  });

  it('asks at temperature 0 with the seed, a verdict schema and the texts the scorer needs', () => {
    const request = judgeRequest('groundedness', input, 9);
    expect(request).toMatchObject({ temperature: 0, seed: 9, response_format: { type: 'json_schema' } });
    const user = String(request.messages[1]?.content);
    expect(user).toContain('<retrieved_context>\n[1] France: capital Paris\n</retrieved_context>');
    expect(user).not.toContain('expected_facts');
    expect(String(judgeRequest('correctness', input, 0).messages[1]?.content)).toContain('<expected_facts>\n- Paris\n</expected_facts>');
    expect(judgeRequest('relevance', input, 1)).toEqual(judgeRequest('relevance', input, 1));
  });

  it('skips scorers whose inputs are missing', () => {
    expect(judgeSkip('correctness', { ...input, expectedFacts: null })).toContain('no expected');
    expect(judgeSkip('groundedness', { ...input, context: [] })).toContain('no retrieved context');
    expect(judgeSkip('relevance', { ...input, context: [], expectedFacts: null })).toBeUndefined();
  });
});
