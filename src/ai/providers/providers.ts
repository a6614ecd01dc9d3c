import { anthropicProvider } from './anthropic-provider.js';
import { openAiProvider } from './openai-provider.js';
import type { ModelProvider, ProviderKind } from './provider.js';

/** The built-in providers by kind: OpenAI-compatible servers and Anthropic's Messages API. */
export function defaultProviders(): Readonly<Partial<Record<ProviderKind, ModelProvider>> & { openai: ModelProvider; anthropic: ModelProvider }> {
  return { openai: openAiProvider(), anthropic: anthropicProvider() };
}
