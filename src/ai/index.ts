/**
 * The ai layer: model endpoints as catalog objects, the model gateway (providers, limits,
 * retries, fallbacks, cache), `ai_*` SQL functions with batch inference, and the inference log.
 * Built on the sql and catalog layers only.
 */
export { aiExtension, aiRuntime, type AiOptions, type AiExtension } from './ai-extension.js';
export type { AiRuntime } from './ai-runtime.js';
export type { ModelGateway, InvokeOptions, CallSource, InferenceEvent, InferenceSink } from './gateway/gateway-types.js';
export type * from './model-types.js';
export type { EndpointDefinition, EndpointInfo, EndpointLimits, SecretRef } from './endpoint-types.js';
export type { ModelProvider, ProviderKind, ProviderTarget } from './providers/provider.js';
