import type { SecretStore } from '../catalog/secrets/secret-store.js';
import type { ExtensionHost, LochExtension } from '../sql/extension.js';
import type { AgentChat, AgentTools } from './agents/agent-types.js';
import type { InferenceSink, ModelGateway } from './gateway/gateway-types.js';
import type { Tracer } from './tracing/trace-types.js';
import type { VectorIndexService } from './vector/vector-types.js';

/** What the ai layer's parts share, one per Loch: the gateway (and its limits), secrets, the log. */
export interface AiRuntime {
  readonly host: ExtensionHost;
  readonly gateway: ModelGateway;
  readonly secrets: SecretStore;
  readonly log: InferenceSink;
  readonly tracer: Tracer;
  readonly vectors: VectorIndexService;
  /** Serves agent endpoints (the gateway hands their calls here). */
  readonly agents: AgentChat;
  /** TypeScript tools agents may name (`tools => array('ts:name')`). */
  readonly tools: AgentTools;
  /** The ai extension itself, for governed SQL sessions that must see vector_search and ai_* (agent SQL tools). */
  readonly extension: () => LochExtension;
}
