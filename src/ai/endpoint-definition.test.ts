import { describe, expect, it } from 'vitest';
import { thrown } from '../test-support/errors.js';
import type { ModelEndpointInfo } from '../catalog/catalog-types.js';
import { DEFAULT_LIMITS } from './endpoint-types.js';
import { definitionDocument, endpointInfoOf, fallbackName, parseEndpointDefinition } from './endpoint-definition.js';

const MINIMAL = { provider: 'openai', url: 'http://127.0.0.1:8000/v1', model: 'gpt-x' };

function refusal(doc: unknown): { field: unknown; message: string; code: string } {
  const error = thrown(() => parseEndpointDefinition(doc, 'main.ai.chat'));
  return { field: error.context['field'], message: error.message, code: error.code };
}

describe('parseEndpointDefinition', () => {
  it('fills every default of a minimal definition', () => {
    expect(parseEndpointDefinition(MINIMAL, 'main.ai.chat')).toEqual({
      provider: 'openai', task: 'chat', url: MINIMAL.url, model: 'gpt-x',
      limits: DEFAULT_LIMITS, fallbacks: [], cache: false, logSampleRate: 1,
    });
  });

  it('keeps every field of a full definition and normalises fallback names', () => {
    const doc = {
      ...MINIMAL, task: 'embeddings', apiKey: { scope: 'prod', key: 'openai' }, headers: { 'OpenAI-Organization': 'org-1' },
      limits: { timeoutMs: 1000, maxRetries: 0, maxConcurrency: 2, requestsPerMinute: 30 },
      fallbacks: ['Main.AI.Backup'], cache: true, cacheTtlMs: 5000,
      prices: { inputPerMillionTokens: 0.5, outputPerMillionTokens: 1.5 }, logSampleRate: 0.25, defaults: { dimensions: 8 },
    };
    const def = parseEndpointDefinition(doc, 'main.ai.embed');
    expect(def.limits).toEqual({ ...DEFAULT_LIMITS, timeoutMs: 1000, maxRetries: 0, maxConcurrency: 2, requestsPerMinute: 30 });
    expect(def.fallbacks).toEqual(['main.ai.backup']);
    expect(def.apiKey).toEqual({ scope: 'prod', key: 'openai' });
    expect(def).toMatchObject({ task: 'embeddings', cache: true, cacheTtlMs: 5000, logSampleRate: 0.25, defaults: { dimensions: 8 } });
    expect(parseEndpointDefinition(definitionDocument(def), 'again')).toEqual(def);
  });

  it.each([
    [{ ...MINIMAL, provider: 'cohere' }, 'provider'],
    [{ ...MINIMAL, task: 'rerank' }, 'task'],
    [{ ...MINIMAL, url: 'ftp://x/y' }, 'url'],
    [{ ...MINIMAL, url: 'not a url' }, 'url'],
    [{ ...MINIMAL, url: 'https://user:pw@host/v1' }, 'url'],
    [{ ...MINIMAL, model: '' }, 'model'],
    [{ ...MINIMAL, apiKey: { scope: 'a' } }, 'apiKey.key'],
    [{ ...MINIMAL, apiKey: 'sk-123' }, 'apiKey'],
    [{ ...MINIMAL, headers: { Authorization: 'Bearer x' } }, 'headers.Authorization'],
    [{ ...MINIMAL, headers: { 'X-Api-Key': 'x' } }, 'headers.X-Api-Key'],
    [{ ...MINIMAL, headers: { a: 1 } }, 'headers.a'],
    [{ ...MINIMAL, limits: { timeoutMs: 0 } }, 'limits.timeoutMs'],
    [{ ...MINIMAL, limits: { timeoutMs: 600_001 } }, 'limits.timeoutMs'],
    [{ ...MINIMAL, limits: { maxRetries: 11 } }, 'limits.maxRetries'],
    [{ ...MINIMAL, limits: { maxConcurrency: 0 } }, 'limits.maxConcurrency'],
    [{ ...MINIMAL, limits: { maxConcurrency: 1025 } }, 'limits.maxConcurrency'],
    [{ ...MINIMAL, limits: { requestsPerMinute: 0 } }, 'limits.requestsPerMinute'],
    [{ ...MINIMAL, limits: { backoffMs: 100, maxBackoffMs: 50 } }, 'limits.maxBackoffMs'],
    [{ ...MINIMAL, limits: { maxRetry: 2 } }, 'limits.maxRetry'],
    [{ ...MINIMAL, fallbacks: ['main.backup'] }, 'fallbacks[0]'],
    [{ ...MINIMAL, fallbacks: 'main.ai.b' }, 'fallbacks'],
    [{ ...MINIMAL, cache: 'yes' }, 'cache'],
    [{ ...MINIMAL, prices: { inputPerMillionTokens: -1 } }, 'prices.inputPerMillionTokens'],
    [{ ...MINIMAL, logSampleRate: 1.5 }, 'logSampleRate'],
    [{ ...MINIMAL, defaults: { messages: [] } }, 'defaults.messages'],
    [{ ...MINIMAL, provider: 'anthropic', task: 'embeddings' }, 'task'],
    [{ ...MINIMAL, temperature: 0 }, 'temperature'],
  ])('refuses %j naming %s', (doc, field) => {
    const refused = refusal(doc);
    expect(refused.code).toBe('INVALID_ARGUMENT');
    expect(refused.field).toBe(field);
    expect(refused.message).toContain('ai: endpoint main.ai.chat: ');
    expect(refused.message).toContain(field);
  });

  it('refuses a document that is not an object', () => {
    expect(refusal([]).code).toBe('INVALID_ARGUMENT');
    expect(refusal(null).message).toContain('main.ai.chat');
  });
});

describe('endpointInfoOf', () => {
  it('parses the stored document of a catalog object', () => {
    const stored: ModelEndpointInfo = {
      id: 'id-1', catalog: 'main', schema: 'ai', name: 'chat', owner: 'alice', properties: {}, comment: 'c',
      createdAt: 1, createdBy: 'alice', updatedAt: 2, updatedBy: 'alice', definition: MINIMAL,
    };
    const info = endpointInfoOf(stored);
    expect(info).toMatchObject({ name: { catalog: 'main', schema: 'ai', name: 'chat' }, owner: 'alice', comment: 'c', updatedAt: 2 });
    expect(info.definition.limits).toEqual(DEFAULT_LIMITS);
    expect(thrown(() => endpointInfoOf({ ...stored, definition: { provider: 'x' } })).message).toContain('main.ai.chat');
  });

  it('splits fallback names', () => {
    expect(fallbackName('a.b.c')).toEqual({ catalog: 'a', schema: 'b', name: 'c' });
  });
});
