import type { TypeScriptTool } from '../agent-types.js';
import { jsonValue, type AgentTool } from './agent-tool.js';

/**
 * A TypeScript tool as an agent tool: the model sees its name, description and JSON schema; a
 * call runs it with the caller's governed catalog and sends back its result as JSON text (a
 * string result as it is).
 */
export function typescriptTool(tool: TypeScriptTool): AgentTool {
  return {
    name: tool.name,
    spanType: 'TOOL',
    definition: { type: 'function', function: { name: tool.name, description: tool.description, parameters: tool.parameters } },
    run: async (args, run) => {
      const result = await tool.run(args, { catalog: run.catalog, ...(run.signal === undefined ? {} : { signal: run.signal }) });
      return typeof result === 'string' ? result : JSON.stringify(jsonValue(result) ?? null);
    },
  };
}
