import { LochError } from '../../core/errors.js';
import type { AgentDefinition, AgentToolRef } from './agent-types.js';

/** Model rounds an agent may take before it must answer, unless its definition says otherwise. */
export const DEFAULT_MAX_STEPS = 8;
const MAX_STEPS_LIMIT = 64;
const FIELDS = new Set(['endpoint', 'instructions', 'tools', 'maxSteps', 'temperature']);
const FULL_NAME = /^[^.\s]+\.[^.\s]+\.[^.\s]+$/;

type Fail = (field: string, why: string) => never;

/**
 * Validates the `agent` object of an endpoint definition (provider 'agent') and fills defaults.
 * Stored shape: `{endpoint: 'c.s.chat', instructions: '…', tools: ['sql', 'c.s.f',
 * 'vector_search:c.s.idx', 'ts:name'], maxSteps?: n, temperature?: t}`; tool entries may also be
 * the parsed objects (AgentToolRef). `where` names the agent in messages. Every failure is
 * INVALID_ARGUMENT "agents: agent <where>: <field> …" with context {where, field}.
 */
export function parseAgentDefinition(doc: unknown, where: string): AgentDefinition {
  const fail: Fail = failer(where);
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) fail('definition', 'must be a JSON object');
  const d = doc as Readonly<Record<string, unknown>>;
  for (const field of Object.keys(d)) if (!FIELDS.has(field)) fail(field, 'is not a field of an agent definition (endpoint, instructions, tools, maxSteps, temperature)');
  const endpoint = d['endpoint'];
  if (typeof endpoint !== 'string' || !FULL_NAME.test(endpoint)) fail('endpoint', `must be a chat endpoint's full name catalog.schema.name (got ${shown(endpoint)})`);
  const instructions = d['instructions'] ?? '';
  if (typeof instructions !== 'string') fail('instructions', `must be a string (got ${shown(instructions)})`);
  const rawTools = d['tools'] ?? [];
  if (!Array.isArray(rawTools)) fail('tools', `must be a list of tool names (got ${shown(rawTools)})`);
  const tools = rawTools.map((t: unknown, i: number) => toolRefOf(t, `tools[${i}]`, fail));
  const seen = new Set<string>();
  for (const ref of tools) {
    const text = toolRefText(ref);
    if (seen.has(text)) fail('tools', `names ${text} twice`);
    seen.add(text);
  }
  const maxSteps = d['maxSteps'] ?? DEFAULT_MAX_STEPS;
  if (typeof maxSteps !== 'number' || !Number.isInteger(maxSteps) || maxSteps < 1 || maxSteps > MAX_STEPS_LIMIT) fail('maxSteps', `must be an integer from 1 to ${MAX_STEPS_LIMIT} (got ${shown(maxSteps)})`);
  const temperature = d['temperature'];
  if (temperature !== undefined && (typeof temperature !== 'number' || temperature < 0 || temperature > 2)) fail('temperature', `must be a number from 0 to 2 (got ${shown(temperature)})`);
  return { endpoint: endpoint.toLowerCase(), instructions, tools, maxSteps, ...(temperature === undefined ? {} : { temperature: temperature as number }) };
}

/**
 * A tool as written: `'sql'`, `'vector_search:c.s.idx'`, `'ts:name'`, or a catalog function's
 * full name `c.s.f` (anything else). INVALID_ARGUMENT for a malformed entry.
 */
export function parseToolRef(text: string, where = 'tool'): AgentToolRef {
  const fail: Fail = failer(where);
  return toolRefOf(text, 'tools', fail);
}

/** The written form of a tool reference (what parseToolRef reads back, what DESCRIBE shows). */
export function toolRefText(ref: AgentToolRef): string {
  switch (ref.kind) {
    case 'sql':
      return 'sql';
    case 'function':
      return ref.name;
    case 'vector_search':
      return `vector_search:${ref.index}`;
    case 'typescript':
      return `ts:${ref.name}`;
  }
}

/** The JSON document the catalog stores as the endpoint definition's `agent` field. */
export function agentDocument(def: AgentDefinition): Record<string, unknown> {
  return {
    endpoint: def.endpoint,
    instructions: def.instructions,
    tools: def.tools.map(toolRefText),
    maxSteps: def.maxSteps,
    ...(def.temperature === undefined ? {} : { temperature: def.temperature }),
  };
}

function toolRefOf(value: unknown, field: string, fail: Fail): AgentToolRef {
  if (typeof value === 'object' && value !== null && 'kind' in value) return toolRefOf(toolRefText(value as AgentToolRef), field, fail);
  if (typeof value !== 'string' || value.trim() === '') return fail(field, `must be a tool name: 'sql', 'catalog.schema.function', 'vector_search:catalog.schema.index' or 'ts:name' (got ${shown(value)})`);
  const text = value.trim();
  if (text.toLowerCase() === 'sql') return { kind: 'sql' };
  const colon = text.indexOf(':');
  if (colon >= 0) {
    const prefix = text.slice(0, colon).toLowerCase();
    const rest = text.slice(colon + 1).trim();
    if (prefix === 'ts' && /^[A-Za-z0-9_-]{1,64}$/.test(rest)) return { kind: 'typescript', name: rest };
    if (prefix === 'vector_search' && FULL_NAME.test(rest)) return { kind: 'vector_search', index: rest.toLowerCase() };
    return fail(field, `${shown(text)} is not a tool: 'vector_search:' needs an index's full name, 'ts:' a name of letters, digits, _ and -`);
  }
  if (!FULL_NAME.test(text)) return fail(field, `${shown(text)} is not a tool: a function needs its full name catalog.schema.function`);
  return { kind: 'function', name: text.toLowerCase() };
}

function failer(where: string): Fail {
  return (field, why) => {
    throw new LochError('INVALID_ARGUMENT', `agents: agent ${where}: ${field} ${why}`, { context: { where, field } });
  };
}

function shown(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
