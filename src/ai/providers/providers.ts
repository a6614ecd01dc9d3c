import { anthropicProvider } from './anthropic-provider.js';
import { localProvider } from './local-provider.js';
import { openAiProvider } from './openai-provider.js';
import type { ModelProvider, ProviderKind } from './provider.js';

/** The built-in providers by kind: OpenAI-compatible servers, Anthropic's Messages API, and in-process hashed embeddings ('local'). */
export function defaultProviders(): Readonly<Partial<Record<ProviderKind, ModelProvider>> & { openai: ModelProvider; anthropic: ModelProvider }> {
  return { openai: openAiProvider(), anthropic: anthropicProvider(), local: localProvider() };
}
