import type { Catalog, ObjectName } from '../../catalog/catalog-types.js';
import { isLochError } from '../../core/errors.js';
import type { AiRuntime } from '../ai-runtime.js';
import type { AgentToolRef, TypeScriptTool } from './agent-types.js';
import type { AgentTool } from './tools/agent-tool.js';
import { functionTool } from './tools/function-tool.js';
import { sqlTool } from './tools/sql-tool.js';
import { typescriptTool } from './tools/typescript-tool.js';
import { vectorSearchTool } from './tools/vector-search-tool.js';

/** The tools of one run, by the name the model calls them, and the references left out (with why). */
export interface ToolSet {
  readonly tools: ReadonlyMap<string, AgentTool>;
  readonly unavailable: readonly { readonly ref: string; readonly reason: string }[];
}

/**
 * Resolves an agent's tool references for one caller. A catalog function the caller cannot see
 * (or that is gone) and a TypeScript tool not registered in this process are left out — the
 * model is never offered what the caller could not call — and listed in `unavailable`. Vector
 * search tools are always offered: the search itself refuses a caller without SELECT on the
 * source, and that refusal is what the model gets back. `inline` tools (agents(loch).define)
 * win over registered ones of the same name. Names clashing after sanitising get a suffix.
 */
export async function resolveTools(runtime: AiRuntime, catalog: Catalog, refs: readonly AgentToolRef[], inline: readonly TypeScriptTool[] = []): Promise<ToolSet> {
  const tools = new Map<string, AgentTool>();
  const unavailable: { ref: string; reason: string }[] = [];
  const add = (tool: AgentTool): void => {
    let name = tool.name;
    for (let n = 2; tools.has(name); n++) name = `${tool.name.slice(0, 60)}_${n}`;
    const renamed = name === tool.name ? tool : { ...tool, name, definition: { ...tool.definition, function: { ...tool.definition.function, name } } };
    tools.set(name, renamed);
  };
  for (const ref of refs) {
    const tool = await toolOf(runtime, catalog, ref, inline);
    if (typeof tool === 'string') unavailable.push({ ref: refText(ref), reason: tool });
    else add(tool);
  }
  for (const tool of inline) if (!refs.some((r) => r.kind === 'typescript' && r.name === tool.name)) add(typescriptTool(tool));
  return { tools, unavailable };
}

async function toolOf(runtime: AiRuntime, catalog: Catalog, ref: AgentToolRef, inline: readonly TypeScriptTool[]): Promise<AgentTool | string> {
  switch (ref.kind) {
    case 'sql':
      return sqlTool();
    case 'vector_search':
      return vectorSearchTool(runtime.vectors, ref.index, ref.numResults);
    case 'typescript': {
      const tool = inline.find((t) => t.name === ref.name) ?? runtime.tools.get(ref.name);
      return tool === undefined ? `no TypeScript tool ${ref.name} is registered in this process` : typescriptTool(tool);
    }
    case 'function':
      try {
        return functionTool(await catalog.getFunction(nameOf(ref.name)));
      } catch (error) {
        if (isLochError(error) && (error.code === 'PERMISSION_DENIED' || error.code === 'NOT_FOUND')) return error.message;
        throw error;
      }
  }
}

function refText(ref: AgentToolRef): string {
  return ref.kind === 'function' ? ref.name : ref.kind === 'vector_search' ? `vector_search:${ref.index}` : ref.kind === 'typescript' ? `ts:${ref.name}` : 'sql';
}

function nameOf(full: string): ObjectName {
  const [catalog = '', schema = '', name = ''] = full.split('.');
  return { catalog, schema, name };
}
