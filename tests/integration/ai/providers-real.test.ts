import { describe, expect, it } from 'vitest';
import { LochError } from '../../../src/core/errors.js';
import type { ChatChunk, ChatRequest } from '../../../src/ai/model-types.js';
import { responseText } from '../../../src/ai/model-types.js';
import { defaultProviders } from '../../../src/ai/providers/providers.js';
import type { ProviderKind, ProviderTarget } from '../../../src/ai/providers/provider.js';

/**
 * The provider protocol checks against a real model server, when the environment names one:
 *   LOCH_TEST_OPENAI_URL, LOCH_TEST_OPENAI_MODEL (+ LOCH_TEST_OPENAI_KEY, LOCH_TEST_OPENAI_EMBED_MODEL)
 *   LOCH_TEST_ANTHROPIC_URL, LOCH_TEST_ANTHROPIC_MODEL, LOCH_TEST_ANTHROPIC_KEY
 * (any OpenAI-compatible server works: api.openai.com/v1, vLLM, Ollama's /v1…; the key may be
 * left out for local servers). Without them every test is skipped, loudly.
 */

interface RealConfig {
  readonly target: ProviderTarget;
  readonly embedModel?: string;
}

function configOf(kind: ProviderKind): RealConfig | undefined {
  const prefix = `LOCH_TEST_${kind.toUpperCase()}_`;
  const env = (name: string): string | undefined => (process.env[prefix + name] ?? '') || undefined;
  const url = env('URL');
  const model = env('MODEL');
  const apiKey = env('KEY');
  const embedModel = env('EMBED_MODEL');
  if (url === undefined || model === undefined || (kind === 'anthropic' && apiKey === undefined)) {
    const needed = kind === 'anthropic' ? `${prefix}URL, ${prefix}KEY, ${prefix}MODEL` : `${prefix}URL, ${prefix}MODEL (and ${prefix}KEY, ${prefix}EMBED_MODEL)`;
    console.warn(`\n*** providers-real (${kind}): SKIPPED — set ${needed} to run the protocol tests against a real provider ***\n`);
    return undefined;
  }
  return { target: { url, model, timeoutMs: 60_000, ...(apiKey !== undefined ? { apiKey } : {}) }, ...(embedModel !== undefined ? { embedModel } : {}) };
}

const weatherTool = {
  type: 'function' as const,
  function: { name: 'get_weather', description: 'Current weather of a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
};
// No max_tokens or temperature: OpenAI's reasoning models refuse them (Anthropic gets max_tokens 1024 by default).
const ask = (text: string): ChatRequest => ({ messages: [{ role: 'user', content: text }] });

for (const kind of ['openai', 'anthropic'] as const) {
  const config = configOf(kind);
  const provider = defaultProviders()[kind];
  const target = config?.target as ProviderTarget;

  describe(`providers-real: ${kind}`, () => {
    it.skipIf(config === undefined)('chats', { timeout: 90_000 }, async () => {
      const response = await provider.chat(target, ask('Reply with the single word: pong'));
      expect(responseText(response).toLowerCase()).toContain('pong');
      expect(response.choices[0]?.finish_reason).toBe('stop');
      expect(response.usage?.prompt_tokens).toBeGreaterThan(0);
    });

    it.skipIf(config === undefined)('streams chunks that reassemble into the answer', { timeout: 90_000 }, async () => {
      const chunks: ChatChunk[] = [];
      for await (const chunk of provider.chatStream(target, { ...ask('Count from 1 to 5, separated by spaces.'), stream_options: { include_usage: true } })) chunks.push(chunk);
      const text = chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');
      expect(text).toMatch(/1\D+2\D+3\D+4\D+5/);
      expect(chunks.some((c) => c.choices[0]?.finish_reason === 'stop')).toBe(true);
    });

    it.skipIf(config === undefined)('calls a tool, streamed or not', { timeout: 90_000 }, async () => {
      const request: ChatRequest = { ...ask('What is the weather in Oslo? Use the tool.'), tools: [weatherTool], tool_choice: 'required' };
      const response = await provider.chat(target, request);
      const call = response.choices[0]?.message.tool_calls?.[0];
      expect(call?.function.name).toBe('get_weather');
      expect(JSON.parse(call?.function.arguments ?? '{}').city).toMatch(/oslo/i);
      const fragments: string[] = [];
      for await (const chunk of provider.chatStream(target, request)) for (const c of chunk.choices[0]?.delta.tool_calls ?? []) if (c.index === 0) fragments.push(c.function?.arguments ?? '');
      expect(JSON.parse(fragments.join('')).city).toMatch(/oslo/i);
    });

    it.skipIf(config === undefined)('answers in JSON matching a schema', { timeout: 90_000 }, async () => {
      const schema = { type: 'object', properties: { capital: { type: 'string' }, population_millions: { type: 'number' } }, required: ['capital', 'population_millions'], additionalProperties: false };
      const response = await provider.chat(target, { ...ask('The capital of Norway and its population in millions.'), response_format: { type: 'json_schema', json_schema: { name: 'city_facts', schema, strict: true } } });
      const value = JSON.parse(responseText(response)) as { capital: unknown; population_millions: unknown };
      expect(String(value.capital)).toMatch(/oslo/i);
      expect(typeof value.population_millions).toBe('number');
    });

    it.skipIf(config?.embedModel === undefined)('embeds texts in input order', { timeout: 90_000 }, async () => {
      const response = await provider.embed({ ...target, model: config!.embedModel! }, { input: ['a cat', 'a dog'] });
      expect(response.data.map((d) => d.index)).toEqual([0, 1]);
      expect(response.data[0]!.embedding.length).toBeGreaterThan(8);
      expect(response.data[0]!.embedding).not.toEqual(response.data[1]!.embedding);
    });

    it.skipIf(config?.target.apiKey === undefined)('refuses a wrong key without printing it', { timeout: 90_000 }, async () => {
      const wrong = `${target.apiKey}-wrong`;
      const error = await provider.chat({ ...target, apiKey: wrong }, ask('x')).then(() => undefined, (e: unknown) => e);
      expect(error).toBeInstanceOf(LochError);
      expect((error as LochError).context['status']).toBe(401);
      expect((error as LochError).message).not.toContain(target.apiKey);
    });
  });
}
