import type { ModelEndpointInfo, ObjectName } from '../../catalog/catalog-types.js';
import { LochError, isLochError } from '../../core/errors.js';
import { resolveSchema } from '../../sql/catalog/alteration.js';
import { likeMatcher } from '../../sql/catalog/like-pattern.js';
import { rowsSql, textColumns } from '../../sql/catalog/result-rows.js';
import { resolveName, type SqlEnv } from '../../sql/sql-env.js';
import { sqlString } from '../../sql/sql-text.js';
import { NO_ROWS, type WriteSummary } from '../../sql/write-target.js';
import type { AiRuntime } from '../ai-runtime.js';
import { definitionDocument, endpointFullName, parseEndpointDefinition } from '../endpoint-definition.js';
import type { EndpointDefinition } from '../endpoint-types.js';
import { ENDPOINT_OPTIONS, applyOptions, inOptionTerms, optionsOf, unsetOptions, type ResolveEndpoint } from './endpoint-options.js';
import type { EndpointStatement } from './endpoint-syntax.js';

/**
 * Runs a model endpoint statement as `env.catalog`'s principal. The catalog governs the objects
 * (CREATE MODEL ENDPOINT on the schema, ownership or MANAGE to alter and drop, visibility to
 * describe and list); this layer validates the definition (parseEndpointDefinition) and guards
 * the API key: whoever stores a definition with `api_key secret(scope, key)` — or points an
 * endpoint holding one at another URL or provider — must hold READ on that scope, and the key
 * must exist; otherwise anyone could send somebody else's key to a server of their choosing.
 * Nothing here ever reads a secret's value. CREATE/ALTER/DROP return no rows.
 */
export async function executeEndpointStatement(runtime: AiRuntime, env: SqlEnv, s: EndpointStatement): Promise<WriteSummary> {
  switch (s.kind) {
    case 'create':
      return createEndpoint(runtime, env, s);
    case 'set_options':
    case 'unset_options':
      return redefineEndpoint(runtime, env, s);
    case 'owner':
      await env.catalog.alterModelEndpoint(resolveName(env.state, s.name), { owner: s.principal });
      return { resultSql: NO_ROWS };
    case 'comment':
      await env.catalog.alterModelEndpoint(resolveName(env.state, s.name), { comment: s.comment ?? '' });
      return { resultSql: NO_ROWS };
    case 'drop':
      await env.catalog.dropModelEndpoint(resolveName(env.state, s.name), { ifExists: s.ifExists });
      return { resultSql: NO_ROWS };
    case 'describe':
      return describeEndpoint(env, s.name);
    case 'show':
      return showEndpoints(env, s);
  }
}

type Create = Extract<EndpointStatement, { kind: 'create' }>;

async function createEndpoint(runtime: AiRuntime, env: SqlEnv, s: Create): Promise<WriteSummary> {
  const name = resolveName(env.state, s.name);
  const where = endpointFullName(name);
  const base = { provider: s.provider, ...(s.task === undefined ? {} : { task: s.task }) };
  const definition = validated(applyOptions(base, s.options, where, endpointResolver(env, where)), where);
  await checkKeyAccess(runtime, env, definition, where);
  const comment = s.comment === undefined || s.comment === '' ? {} : { comment: s.comment };
  await env.catalog.createModelEndpoint(name, definitionDocument(definition), { orReplace: s.orReplace, ifNotExists: s.ifNotExists, ...comment });
  return { resultSql: NO_ROWS };
}

/** SET OPTIONS merges into the stored definition, UNSET OPTIONS removes fields; the result is validated whole. */
async function redefineEndpoint(runtime: AiRuntime, env: SqlEnv, s: Extract<EndpointStatement, { kind: 'set_options' | 'unset_options' }>): Promise<WriteSummary> {
  const name = resolveName(env.state, s.name);
  const where = endpointFullName(name);
  const current = await env.catalog.getModelEndpoint(name);
  const doc = s.kind === 'set_options' ? applyOptions(current.definition, s.options, where, endpointResolver(env, where)) : unsetOptions(current.definition, s.keys, s.ifExists, where);
  const definition = validated(doc, where);
  if (exposesKeyAnew(current.definition, definition)) await checkKeyAccess(runtime, env, definition, where);
  await env.catalog.alterModelEndpoint(name, { definition: definitionDocument(definition) });
  return { resultSql: NO_ROWS };
}

function validated(doc: Readonly<Record<string, unknown>>, where: string): EndpointDefinition {
  let definition: EndpointDefinition;
  try {
    definition = parseEndpointDefinition(doc, where);
  } catch (error) {
    throw inOptionTerms(error, where);
  }
  if (definition.fallbacks.includes(where)) {
    throw new LochError('INVALID_ARGUMENT', `ai: endpoint ${where}: option fallbacks names the endpoint itself`, { context: { where, option: 'fallbacks' } });
  }
  return definition;
}

/** True when the new definition has a key and the key, the URL or the provider it goes to changed. */
function exposesKeyAnew(before: Readonly<Record<string, unknown>>, after: EndpointDefinition): boolean {
  if (after.apiKey === undefined) return false;
  const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
  return !same(before['apiKey'], after.apiKey) || before['url'] !== after.url || before['provider'] !== after.provider;
}

/** READ on the key's scope for the acting principal, and the key present; errors name the endpoint. */
async function checkKeyAccess(runtime: AiRuntime, env: SqlEnv, definition: EndpointDefinition, where: string): Promise<void> {
  const ref = definition.apiKey;
  if (ref === undefined) return;
  try {
    await runtime.secrets.check(env.catalog.actor, ref.scope, 'READ');
    const keys = await runtime.secrets.listSecrets(env.catalog.actor, ref.scope);
    if (!keys.some((k) => k.key === ref.key)) {
      throw new LochError('NOT_FOUND', `secrets: scope ${ref.scope} has no key ${ref.key} (RESOURCE_DOES_NOT_EXIST); store it with: loch secret put ${ref.scope} ${ref.key}`, { context: { scope: ref.scope, key: ref.key } });
    }
  } catch (error) {
    if (!isLochError(error)) throw error;
    throw new LochError(error.code, `ai: endpoint ${where}: api_key secret('${ref.scope}', '${ref.key}'): ${error.message}`, { cause: error, context: { ...error.context, endpoint: where } });
  }
}

/** Fallback names in strings resolve like any endpoint name: 1–3 parts against the session. */
function endpointResolver(env: SqlEnv, where: string): ResolveEndpoint {
  return (text) => {
    const parts = text.split('.');
    if (parts.some((p) => p.trim() === '') || parts.length > 3) {
      throw new LochError('INVALID_ARGUMENT', `ai: endpoint ${where}: option fallbacks: '${text}' is not an endpoint name (name, schema.name or catalog.schema.name)`, { context: { where, option: 'fallbacks' } });
    }
    return endpointFullName(resolveName(env.state, parts));
  };
}

const INFO = textColumns('info_name', 'info_value');

/** Options always listed by DESCRIBE, NULL when not set (the rest only when set). */
const ALWAYS_DESCRIBED = new Set(['api_key', 'fallbacks']);

/**
 * DESCRIBE MODEL ENDPOINT: info_name/info_value rows — name, owner, provider, task, then every
 * option set (limits with their defaults; api_key as `secret('scope', 'key')`, never the key),
 * comment, created_by, created_at, updated_at (ISO 8601).
 */
async function describeEndpoint(env: SqlEnv, parts: readonly string[]): Promise<WriteSummary> {
  const name = resolveName(env.state, parts);
  const info = await env.catalog.getModelEndpoint(name);
  const where = endpointFullName(name);
  const definition = parseEndpointDefinition(info.definition, where);
  const options = new Map(optionsOf(definitionDocument(definition)));
  const rows: [string, string | undefined][] = [
    ['name', where],
    ['owner', info.owner],
    ['provider', definition.provider],
    ['task', definition.task],
  ];
  for (const key of Object.keys(ENDPOINT_OPTIONS)) {
    if (options.has(key) || ALWAYS_DESCRIBED.has(key)) rows.push([key, options.get(key)]);
  }
  rows.push(['comment', info.comment], ['created_by', info.createdBy], ['created_at', iso(info.createdAt)], ['updated_at', iso(info.updatedAt)]);
  return { resultSql: rowsSql(INFO, rows.map(([k, v]) => [sqlString(k), sqlString(v)])) };
}

const SHOW_COLUMNS = textColumns('name', 'provider', 'task', 'model', 'owner', 'comment');

/** SHOW MODEL ENDPOINTS: the endpoints of a schema the actor may see, by name (full names). */
async function showEndpoints(env: SqlEnv, s: Extract<EndpointStatement, { kind: 'show' }>): Promise<WriteSummary> {
  const { catalog, schema } = s.schema === undefined ? { catalog: env.state.catalog, schema: env.state.schema } : resolveSchema(env.state, s.schema);
  const matches = likeMatcher(s.pattern);
  const endpoints = (await env.catalog.listModelEndpoints(catalog, schema)).filter((e) => matches(e.name));
  return { resultSql: rowsSql(SHOW_COLUMNS, endpoints.map(showRow)) };
}

function showRow(e: ModelEndpointInfo): string[] {
  const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
  const name: ObjectName = { catalog: e.catalog, schema: e.schema, name: e.name };
  const d = e.definition;
  return [endpointFullName(name), text(d['provider']), text(d['task']) ?? 'chat', text(d['model']), e.owner, e.comment].map((v) => sqlString(v));
}

function iso(ms: number): string | undefined {
  return Number.isFinite(ms) ? new Date(ms).toISOString() : undefined;
}
