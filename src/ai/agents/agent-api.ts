import type { ObjectName } from '../../catalog/catalog-types.js';
import { LochError } from '../../core/errors.js';
import type { LochExtension } from '../../sql/extension.js';
import { aiRuntime } from '../ai-extension.js';
import type { AiRuntime } from '../ai-runtime.js';
import type { InvokeOptions } from '../gateway/gateway-types.js';
import type { ChatRequest } from '../model-types.js';
import { parseAgentDefinition, parseToolRef } from './agent-definition.js';
import type { AgentResponse } from './agent-runner.js';
import { runAgent } from './agent-runner.js';
import type { AgentHandle, AgentToolRef, TypeScriptTool } from './agent-types.js';

type LochLike = { extension(name: string): LochExtension | undefined };
type CallOptions = Omit<InvokeOptions, 'source'>;

/** An agent defined in code (not stored in the catalog). */
export interface InlineAgent {
  /** The chat endpoint (full name) the agent thinks with; the caller needs EXECUTE on it. */
  readonly endpoint: string;
  readonly instructions?: string;
  /** Tool references ('sql', 'c.s.f', 'vector_search:c.s.idx', 'ts:name') or TypeScript tools. */
  readonly tools?: readonly (string | AgentToolRef | TypeScriptTool)[];
  readonly maxSteps?: number;
  readonly temperature?: number;
  /** The response's `model` (default 'agent'). */
  readonly name?: string;
}

/** An agent defined in code: its answers carry the agent extras (`loch`: citations, steps…). */
export interface InlineAgentHandle extends AgentHandle {
  invoke(request: ChatRequest, options: CallOptions): Promise<AgentResponse>;
}

export interface AgentsApi {
  /** An agent run in this process only; its model and tool calls are governed like a stored agent's. */
  define(agent: InlineAgent): InlineAgentHandle;
  /** A stored agent (CREATE AGENT) by full name; invoking goes through the gateway (EXECUTE on the agent). */
  get(name: string): AgentHandle;
}

/** The agents of a Loch opened with the ai extension. */
export function agents(loch: LochLike): AgentsApi {
  const runtime = aiRuntime(loch);
  return { define: (agent) => defineAgent(runtime, agent), get: (name) => storedAgent(runtime, name) };
}

/** Makes a TypeScript tool available to agents of this process as `ts:<name>`. */
export function registerTool(loch: LochLike, tool: TypeScriptTool): void {
  aiRuntime(loch).tools.register(tool);
}

function defineAgent(runtime: AiRuntime, agent: InlineAgent): InlineAgentHandle {
  const inline: TypeScriptTool[] = [];
  const refs: (string | AgentToolRef)[] = [];
  for (const tool of agent.tools ?? []) {
    if (typeof tool === 'object' && 'run' in tool) {
      inline.push(tool);
      refs.push({ kind: 'typescript', name: tool.name });
    } else refs.push(typeof tool === 'string' ? parseToolRef(tool) : tool);
  }
  const name = agent.name ?? 'agent';
  const definition = parseAgentDefinition({
    endpoint: agent.endpoint,
    instructions: agent.instructions ?? '',
    tools: refs,
    ...(agent.maxSteps === undefined ? {} : { maxSteps: agent.maxSteps }),
    ...(agent.temperature === undefined ? {} : { temperature: agent.temperature }),
  }, name);
  return { invoke: (request, options) => runAgent(runtime, { name, definition, inline }, request, { ...options, source: 'api' }) };
}

function storedAgent(runtime: AiRuntime, full: string): AgentHandle {
  const parts = full.split('.');
  if (parts.length !== 3 || parts.some((p) => p === '')) throw new LochError('INVALID_ARGUMENT', `agents: ${JSON.stringify(full)} is not an agent's full name catalog.schema.name`);
  const name: ObjectName = { catalog: parts[0] as string, schema: parts[1] as string, name: parts[2] as string };
  return { name, invoke: (request, options) => runtime.gateway.chat(name, request, { ...options, source: 'api' }) };
}
