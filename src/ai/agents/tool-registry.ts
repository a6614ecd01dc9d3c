import { LochError } from '../../core/errors.js';
import type { AgentTools, TypeScriptTool } from './agent-types.js';

const NAME = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * The TypeScript tools of one Loch process, by name (`tools => array('ts:name')`). Registering
 * a name again replaces the tool (a redeployed function); a name the model API would refuse
 * is INVALID_ARGUMENT.
 */
export function createToolRegistry(): AgentTools {
  const tools = new Map<string, TypeScriptTool>();
  return {
    register: (tool) => {
      if (!NAME.test(tool.name)) throw new LochError('INVALID_ARGUMENT', `agents: tool name ${JSON.stringify(tool.name)} must be 1-64 letters, digits, _ or -`);
      if (typeof tool.run !== 'function') throw new LochError('INVALID_ARGUMENT', `agents: tool ${tool.name} has no run function`);
      tools.set(tool.name, tool);
    },
    get: (name) => tools.get(name),
  };
}
