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
export { agents, registerTool, type AgentsApi, type InlineAgent, type InlineAgentHandle } from './agents/agent-api.js';
export type { AgentResponse, AgentExtras } from './agents/agent-runner.js';
export type { Citation } from './agents/tools/agent-tool.js';
export type { AgentDefinition, AgentHandle, AgentToolRef, TypeScriptTool, ToolContext } from './agents/agent-types.js';
export { evaluate } from './eval/evaluate.js';
export type { EvalOptions, EvalResult } from './eval/eval-types.js';
export type { VectorIndexInfo, VectorQuery, VectorSearchResult, VectorIndexSpec, SyncSummary } from './vector/vector-types.js';
export type { Tracer, SpanType, TraceContext } from './tracing/trace-types.js';
