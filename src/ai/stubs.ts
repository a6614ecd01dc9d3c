// TEMPORARY: placeholders so the runtime type-checks while the parts are built; removed at integration.
import { LochError } from '../core/errors.js';
import type { AgentChat, AgentTools, TypeScriptTool } from './agents/agent-types.js';
import type { VectorIndexService } from './vector/vector-types.js';

const todo = (what: string): never => {
  throw new LochError('NOT_IMPLEMENTED', `ai: ${what} is not built yet`);
};

export const STUB_VECTORS: VectorIndexService = {
  create: async () => todo('vector indexes'),
  describe: async () => todo('vector indexes'),
  list: async () => todo('vector indexes'),
  drop: async () => todo('vector indexes'),
  sync: async () => todo('vector indexes'),
  search: async () => todo('vector indexes'),
  close: async () => {},
};

export const STUB_AGENTS: AgentChat = {
  chat: async () => todo('agents'),
  // eslint-disable-next-line require-yield
  chatStream: async function* () {
    todo('agents');
  },
};

export function stubTools(): AgentTools {
  const tools = new Map<string, TypeScriptTool>();
  return { register: (tool) => void tools.set(tool.name, tool), get: (name) => tools.get(name) };
}
