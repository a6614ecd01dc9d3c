import type { Catalog, ObjectName } from '../../catalog/catalog-types.js';
import type { EndpointInfo } from '../endpoint-types.js';
import type { InvokeOptions } from '../gateway/gateway-types.js';
import type { ChatChunk, ChatRequest, ChatResponse } from '../model-types.js';

/**
 * Agents: a chat model that calls tools in a loop. Stored as a model endpoint whose definition
 * has `provider: 'agent'` (so EXECUTE grants, serving URLs, the OpenAI-compatible route and
 * ai_query work on agents as on any endpoint). Every tool runs as the calling principal.
 */

/** A tool as an agent definition names it. */
export type AgentToolRef =
  /** Read-only SQL (SELECT/WITH/SHOW/DESCRIBE) run through the caller's governed session. */
  | { readonly kind: 'sql' }
  /** A catalog SQL function; its COMMENT and parameter comments are the tool description. */
  | { readonly kind: 'function'; readonly name: string }
  /** vector_search over one index (full name). */
  | { readonly kind: 'vector_search'; readonly index: string; readonly numResults?: number }
  /** A TypeScript tool registered in this process by name (AgentTools.register). */
  | { readonly kind: 'typescript'; readonly name: string };

export interface AgentDefinition {
  /** The chat endpoint the agent thinks with (full name); the caller needs EXECUTE on it too. */
  readonly endpoint: string;
  readonly instructions: string;
  readonly tools: readonly AgentToolRef[];
  /** Model rounds before the agent must answer; default 8. */
  readonly maxSteps: number;
  readonly temperature?: number;
}

/** A tool written in TypeScript. */
export interface TypeScriptTool {
  readonly name: string;
  readonly description: string;
  /** JSON schema of the arguments object. */
  readonly parameters: Readonly<Record<string, unknown>>;
  /** Runs with the caller's governed catalog; the result is sent to the model as JSON text. */
  run(args: Readonly<Record<string, unknown>>, context: ToolContext): Promise<unknown>;
}

export interface ToolContext {
  readonly catalog: Catalog;
  readonly signal?: AbortSignal;
}

/**
 * Serves chat requests addressed to agent endpoints (the gateway hands them over after EXECUTE
 * on the agent was checked for the caller). The reply's message carries citations when tools
 * retrieved rows: `choices[0].message.content` ends with the sources, and the response has
 * `loch.citations` (see agent-runner).
 */
export interface AgentChat {
  chat(agent: EndpointInfo, request: ChatRequest, options: InvokeOptions): Promise<ChatResponse>;
  chatStream(agent: EndpointInfo, request: ChatRequest, options: InvokeOptions): AsyncIterable<ChatChunk>;
}

/** TypeScript tools of this process, by name. */
export interface AgentTools {
  register(tool: TypeScriptTool): void;
  get(name: string): TypeScriptTool | undefined;
}

/** The TypeScript API's view of one agent (by name, or defined inline). */
export interface AgentHandle {
  readonly name?: ObjectName;
  invoke(request: ChatRequest, options: Omit<InvokeOptions, 'source'>): Promise<ChatResponse>;
}
