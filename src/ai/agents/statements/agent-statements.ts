import type { ModelEndpointInfo, ObjectName } from '../../../catalog/catalog-types.js';
import { LochError } from '../../../core/errors.js';
import type { ExtensionStatement } from '../../../sql/extension.js';
import { resolveSchema } from '../../../sql/catalog/alteration.js';
import { likeMatcher } from '../../../sql/catalog/like-pattern.js';
import { rowsSql, textColumns } from '../../../sql/catalog/result-rows.js';
import { tokenizePartial } from '../../../sql/parse/lexer.js';
import { statementCursor } from '../../../sql/parse/write-clauses.js';
import { resolveName, type SqlEnv } from '../../../sql/sql-env.js';
import { sqlString } from '../../../sql/sql-text.js';
import { NO_ROWS, type WriteSummary } from '../../../sql/write-target.js';
import type { AiRuntime } from '../../ai-runtime.js';
import { definitionDocument, endpointFullName, parseEndpointDefinition } from '../../endpoint-definition.js';
import { optionValueText, type OptionEntry, type OptionValue } from '../../statements/option-values.js';
import { agentDocument, parseAgentDefinition, parseToolRef, toolRefText } from '../agent-definition.js';
import type { AgentDefinition } from '../agent-types.js';
import { readAgentStatement, type AgentStatement } from './agent-syntax.js';

/** Only texts naming AGENT(S) are tokenized. */
const MAYBE_OURS = /\bagents?\b/i;

/**
 * CREATE [OR REPLACE] AGENT … WITH (…), DROP AGENT, DESCRIBE AGENT, SHOW AGENTS (syntax:
 * agent-syntax.ts); undefined for anything else, cheaply (a regex first). Agents are model
 * endpoints with provider 'agent': creating needs CREATE MODEL ENDPOINT on the schema, dropping
 * ownership or MANAGE, describing and listing EXECUTE (the catalog's endpoint rules).
 */
export function parseAgentStatement(sql: string, runtime: AiRuntime): ExtensionStatement | undefined {
  if (!MAYBE_OURS.test(sql)) return undefined;
  if (tokenizePartial(sql).unterminated !== undefined) return undefined;
  const statement = readAgentStatement(statementCursor(sql));
  if (statement === undefined) return undefined;
  // Storage and validation need nothing of the runtime: agents run only when called (AgentRunner).
  void runtime;
  return { execute: (env) => executeAgentStatement(env, statement) };
}

/** Runs an agent statement as `env.catalog`'s principal. */
export async function executeAgentStatement(env: SqlEnv, s: AgentStatement): Promise<WriteSummary> {
  switch (s.kind) {
    case 'create':
      return createAgent(env, s);
    case 'drop':
      return dropAgent(env, s.name, s.ifExists);
    case 'describe':
      return describeAgent(env, s.name);
    case 'show':
      return showAgents(env, s);
  }
}

async function createAgent(env: SqlEnv, s: Extract<AgentStatement, { kind: 'create' }>): Promise<WriteSummary> {
  const name = resolveName(env.state, s.name);
  const where = endpointFullName(name);
  const agent = parseAgentDefinition(agentDoc(env, s.options, where), where);
  if (agent.endpoint === where) throw new LochError('INVALID_ARGUMENT', `agents: agent ${where}: endpoint names the agent itself`, { context: { where, field: 'endpoint' } });
  const definition = parseEndpointDefinition({ provider: 'agent', task: 'chat', model: where, agent: agentDocument(agent) }, where);
  const comment = s.comment === undefined || s.comment === '' ? {} : { comment: s.comment };
  // The in-process url ('loch:agent') is filled in on every read; stored, it would not read back as a URL.
  const { url: _url, ...stored } = definitionDocument(definition);
  void _url;
  await env.catalog.createModelEndpoint(name, stored, { orReplace: s.orReplace, ifNotExists: s.ifNotExists, ...comment });
  return { resultSql: NO_ROWS };
}

/** The WITH options as an agent document; names of 1–2 parts resolve against the session. */
function agentDoc(env: SqlEnv, options: readonly OptionEntry[], where: string): Record<string, unknown> {
  const doc: Record<string, unknown> = {};
  for (const { key, value } of options) {
    if (key === 'endpoint') doc['endpoint'] = fullName(env, stringOf(value, key, where));
    else if (key === 'instructions') doc['instructions'] = stringOf(value, key, where);
    else if (key === 'tools') doc['tools'] = listOf(value, key, where).map((v) => toolText(env, stringOf(v, key, where)));
    else if (key === 'max_steps') doc['maxSteps'] = numberOf(value, key, where);
    else if (key === 'temperature') doc['temperature'] = numberOf(value, key, where);
    else throw optionError(where, key, 'is not an agent option (endpoint, instructions, tools, max_steps, temperature)');
  }
  return doc;
}

function toolText(env: SqlEnv, text: string): string {
  const trimmed = text.trim();
  if (trimmed.toLowerCase() === 'sql' || trimmed.toLowerCase().startsWith('ts:')) return trimmed;
  if (trimmed.toLowerCase().startsWith('vector_search:')) return `vector_search:${fullName(env, trimmed.slice('vector_search:'.length))}`;
  return toolRefText(parseToolRef(fullName(env, trimmed)));
}

function fullName(env: SqlEnv, text: string): string {
  const parts = text.trim().split('.');
  if (parts.length > 3 || parts.some((p) => p.trim() === '')) return text;
  return endpointFullName(resolveName(env.state, parts.map((p) => p.trim())));
}

function stringOf(value: OptionValue, key: string, where: string): string {
  if (value.kind !== 'string') throw optionError(where, key, `expects a string (got ${optionValueText(value)})`);
  return value.value;
}

function numberOf(value: OptionValue, key: string, where: string): number {
  if (value.kind !== 'number') throw optionError(where, key, `expects a number (got ${optionValueText(value)})`);
  return value.value;
}

function listOf(value: OptionValue, key: string, where: string): readonly OptionValue[] {
  if (value.kind === 'list') return value.items;
  if (value.kind === 'string') return [value];
  throw optionError(where, key, `expects array('…', …) (got ${optionValueText(value)})`);
}

function optionError(where: string, key: string, why: string): LochError {
  return new LochError('INVALID_ARGUMENT', `agents: agent ${where}: option ${key} ${why}`, { context: { where, option: key } });
}

/** The agent behind a name, NOT_FOUND (or INVALID_ARGUMENT for a plain model endpoint) otherwise. */
async function findAgent(env: SqlEnv, name: ObjectName): Promise<ModelEndpointInfo | undefined> {
  const info = await env.catalog.findModelEndpoint(name);
  if (info !== undefined && info.definition['provider'] !== 'agent') {
    throw new LochError('INVALID_ARGUMENT', `agents: ${endpointFullName(name)} is a model endpoint, not an agent (use DROP/DESCRIBE MODEL ENDPOINT)`, { context: { name: endpointFullName(name) } });
  }
  return info;
}

async function dropAgent(env: SqlEnv, parts: readonly string[], ifExists: boolean): Promise<WriteSummary> {
  const name = resolveName(env.state, parts);
  const info = await findAgent(env, name);
  if (info === undefined && !ifExists) throw new LochError('NOT_FOUND', `agents: agent ${endpointFullName(name)} does not exist`, { context: { name: endpointFullName(name) } });
  if (info !== undefined) await env.catalog.dropModelEndpoint(name, { ifExists: true });
  return { resultSql: NO_ROWS };
}

const INFO = textColumns('info_name', 'info_value');

/** DESCRIBE AGENT: info_name/info_value rows — name, owner, endpoint, instructions, tools, max_steps, temperature, comment, created_by, created_at. */
async function describeAgent(env: SqlEnv, parts: readonly string[]): Promise<WriteSummary> {
  const name = resolveName(env.state, parts);
  const info = await findAgent(env, name);
  if (info === undefined) throw new LochError('NOT_FOUND', `agents: agent ${endpointFullName(name)} does not exist`, { context: { name: endpointFullName(name) } });
  const agent = agentOf(info);
  const rows: [string, string | undefined][] = [
    ['name', endpointFullName(name)],
    ['owner', info.owner],
    ['endpoint', agent.endpoint],
    ['instructions', agent.instructions],
    ['tools', agent.tools.map(toolRefText).join(', ')],
    ['max_steps', String(agent.maxSteps)],
    ['temperature', agent.temperature === undefined ? undefined : String(agent.temperature)],
    ['comment', info.comment],
    ['created_by', info.createdBy],
    ['created_at', new Date(info.createdAt).toISOString()],
  ];
  return { resultSql: rowsSql(INFO, rows.map(([k, v]) => [sqlString(k), sqlString(v)])) };
}

const SHOW_COLUMNS = textColumns('name', 'endpoint', 'tools', 'owner', 'comment');

/** SHOW AGENTS: the agents of a schema the actor may see (EXECUTE), by name. */
async function showAgents(env: SqlEnv, s: Extract<AgentStatement, { kind: 'show' }>): Promise<WriteSummary> {
  const { catalog, schema } = s.schema === undefined ? { catalog: env.state.catalog, schema: env.state.schema } : resolveSchema(env.state, s.schema);
  const matches = likeMatcher(s.pattern);
  const agents = (await env.catalog.listModelEndpoints(catalog, schema)).filter((e) => e.definition['provider'] === 'agent' && matches(e.name));
  return {
    resultSql: rowsSql(SHOW_COLUMNS, agents.map((e) => {
      const agent = agentOf(e);
      return [endpointFullName(e), agent.endpoint, agent.tools.map(toolRefText).join(', '), e.owner, e.comment].map((v) => sqlString(v));
    })),
  };
}

function agentOf(info: ModelEndpointInfo): AgentDefinition {
  const where = endpointFullName(info);
  return parseAgentDefinition(info.definition['agent'], where);
}
