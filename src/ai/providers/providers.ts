import { LochError } from '../../core/errors.js';
import type { ModelProvider, ProviderKind } from './provider.js';

/** The built-in providers by kind (placeholder until H1 lands them). */
export function defaultProviders(): Readonly<Record<ProviderKind, ModelProvider>> {
  const missing = (kind: ProviderKind): ModelProvider => ({
    kind,
    chat: async () => { throw new LochError('NOT_IMPLEMENTED', `ai: provider ${kind} is not built yet`); },
    chatStream: () => { throw new LochError('NOT_IMPLEMENTED', `ai: provider ${kind} is not built yet`); },
    embed: async () => { throw new LochError('NOT_IMPLEMENTED', `ai: provider ${kind} is not built yet`); },
  });
  return { openai: missing('openai'), anthropic: missing('anthropic') };
}
