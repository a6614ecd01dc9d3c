import { describe, expect, it } from 'vitest';
import { createRequestOf, updateRequestOf } from './endpoint-request.js';

const entity = (model: Record<string, unknown>) => ({ served_entities: [{ external_model: { name: 'gpt-x', provider: 'openai', task: 'llm/v1/chat', ...model } }] });

describe('serving endpoint bodies → definition documents', () => {
  it('maps a Databricks create body and the loch extension', () => {
    const request = createRequestOf({
      name: 'Chat',
      description: 'd',
      tags: [{ key: 'team' }],
      config: entity({ openai_config: { openai_api_key: '{{secrets/s/k}}', openai_organization: 'org-1' } }),
      rate_limits: [{ calls: 60, renewal_period: 'minute' }],
      loch: { cache: true, limits: { maxRetries: 1 } },
    });
    expect(request).toEqual({
      name: { catalog: 'main', schema: 'default', name: 'chat' },
      comment: 'd',
      tags: { team: '' },
      document: {
        provider: 'openai',
        task: 'chat',
        model: 'gpt-x',
        url: 'https://api.openai.com/v1',
        apiKey: { scope: 's', key: 'k' },
        headers: { 'OpenAI-Organization': 'org-1' },
        cache: true,
        limits: { maxRetries: 1, requestsPerMinute: 60 },
      },
    });
    const anthropic = createRequestOf({ name: 'a.b.c', config: entity({ provider: 'anthropic', name: 'claude', anthropic_config: { anthropic_api_key: '{{ secrets/s/k }}' } }) });
    expect(anthropic.document).toEqual({ provider: 'anthropic', task: 'chat', model: 'claude', url: 'https://api.anthropic.com', apiKey: { scope: 's', key: 'k' } });
  });

  it('refuses conflicting rates, model fields in loch, several entities and foreign provider configs', () => {
    expect(() => createRequestOf({ name: 'x', config: entity({}), rate_limits: [{ calls: 5, renewal_period: 'minute' }], loch: { limits: { requestsPerMinute: 6 } } })).toThrow(/different rates/);
    expect(createRequestOf({ name: 'x', config: entity({}), rate_limits: [{ calls: 5, renewal_period: 'minute' }], loch: { limits: { requestsPerMinute: 5 } } }).document['limits']).toEqual({ requestsPerMinute: 5 });
    expect(() => createRequestOf({ name: 'x', config: entity({}), loch: { url: 'http://x' } })).toThrow(/loch\.url/);
    expect(() => createRequestOf({ name: 'x', config: { served_entities: [entity({}).served_entities[0], entity({}).served_entities[0]] } })).toThrow(/exactly one/);
    expect(() => createRequestOf({ name: 'x', config: entity({ anthropic_config: {} }) })).toThrow(/anthropic_config/);
    expect(() => createRequestOf({ name: 'x', config: entity({}), ai_gateway: {} })).toThrow(/ai_gateway/);
    expect(() => createRequestOf({ name: 'x', config: entity({}), rate_limits: [{ calls: 5, renewal_period: 'minute', key: 'user' }] })).toThrow(/key/);
  });

  it('updates part by part: config replaces the model part, loch fields replace (null restores), [] removes the rate', () => {
    const current = { provider: 'openai', task: 'chat', url: 'http://a/v1', model: 'm', apiKey: { scope: 's', key: 'k' }, headers: { 'OpenAI-Organization': 'o', 'X-Trace': '1' }, cache: true, limits: { maxRetries: 1, requestsPerMinute: 9 } };
    const { cache: _cache, ...rest } = current;
    expect(updateRequestOf(current, { loch: { cache: null }, rate_limits: [] }).document).toEqual({ ...rest, limits: { maxRetries: 1 } });
    const replaced = updateRequestOf(current, { config: entity({ task: 'llm/v1/embeddings', openai_config: { openai_api_base: 'http://b/v1' } }), description: '' });
    expect(replaced).toEqual({
      comment: '',
      document: { provider: 'openai', task: 'embeddings', url: 'http://b/v1', model: 'gpt-x', headers: { 'X-Trace': '1' }, cache: true, limits: { maxRetries: 1, requestsPerMinute: 9 } },
    });
    expect(current.apiKey).toEqual({ scope: 's', key: 'k' });
  });
});
