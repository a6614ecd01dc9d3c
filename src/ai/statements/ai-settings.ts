import { LochError } from '../../core/errors.js';
import { rowsSql, textColumns } from '../../sql/catalog/result-rows.js';
import { isPunct, isWord, type TokenCursor } from '../../sql/parse/token-cursor.js';
import { identifierValue } from '../../sql/parse/type-name.js';
import { expectEnd } from '../../sql/parse/write-clauses.js';
import { resolveName, type SqlEnv } from '../../sql/sql-env.js';
import { sqlString } from '../../sql/sql-text.js';
import type { WriteSummary } from '../../sql/write-target.js';
import { endpointFullName, endpointInfoOf } from '../endpoint-definition.js';
import type { EndpointTask } from '../model-types.js';

/**
 * The session settings of the ai layer (`SessionState.settings`), Spark's SET syntax:
 *
 *   SET loch.ai.endpoint = 'main.ai.chat'        -- also unquoted: = main.ai.chat
 *   SET loch.ai.endpoint                         -- shows it (key, value; value NULL when unset)
 *   RESET loch.ai.endpoint                       -- back to unset ('' or NULL as value does the same)
 *
 * The value is an endpoint name resolved like any object name (1–3 parts, against the current
 * catalog and schema at the time of SET) and stored as its full name `catalog.schema.name`.
 * SET checks that the endpoint exists, is visible to the session's principal and serves the
 * setting's task (NOT_FOUND / PERMISSION_DENIED / INVALID_ARGUMENT); calling it still needs
 * EXECUTE. Only keys starting `loch.ai.` are handled here; an unknown one is INVALID_ARGUMENT
 * listing the known ones. Keys are case-insensitive (stored lower-case).
 */
export const AI_SETTINGS: Readonly<Record<string, { readonly task: EndpointTask; readonly about: string }>> = {
  'loch.ai.endpoint': { task: 'chat', about: 'default endpoint of ai_gen, ai_classify, ai_extract, ai_summarize, … (a chat endpoint)' },
  'loch.ai.embedding_endpoint': { task: 'embeddings', about: 'default endpoint of ai_similarity (an embeddings endpoint)' },
};

const PREFIX = 'loch.ai.';

export type SettingStatement =
  | { readonly kind: 'set'; readonly key: string; readonly value: readonly string[] | null }
  | { readonly kind: 'show_setting'; readonly key: string }
  | { readonly kind: 'reset'; readonly key: string };

/** SET/RESET of a `loch.ai.*` key from a cursor at SET or RESET; undefined for any other key. */
export function readSettingStatement(cursor: TokenCursor): SettingStatement | undefined {
  const reset = isWord(cursor.peek(), 'reset');
  if (!reset && !isWord(cursor.peek(), 'set')) return undefined;
  const start = cursor.peek(1);
  cursor.next();
  const key = readKey(cursor);
  if (key === undefined || !key.startsWith(PREFIX)) return undefined;
  if (!Object.hasOwn(AI_SETTINGS, key)) {
    throw new LochError('INVALID_ARGUMENT', `ai: unknown setting ${key} (known: ${Object.keys(AI_SETTINGS).join(', ')})`, { context: { key } });
  }
  if (reset || cursor.atEnd()) {
    expectEnd(cursor, reset ? 'RESET' : 'SET');
    return reset ? { kind: 'reset', key } : { kind: 'show_setting', key };
  }
  const eq = cursor.peek();
  if (eq?.kind !== 'op' || eq.text !== '=') cursor.fail(`SET ${key} expects = <endpoint name>`, eq ?? start);
  cursor.next();
  const value = readValue(cursor, key);
  expectEnd(cursor, `SET ${key}`);
  return { kind: 'set', key, value };
}

/** a.b.c or `a.b.c` (a quoted key as Spark allows), lower-cased. */
function readKey(cursor: TokenCursor): string | undefined {
  const parts: string[] = [];
  for (;;) {
    const part = identifierValue(cursor.peek());
    if (part === undefined) return undefined;
    parts.push(part);
    cursor.next();
    if (!isPunct(cursor.peek(), '.')) return parts.join('.').toLowerCase();
    cursor.next();
  }
}

/** 'c.s.e' | c.s.e (parts may be quoted) | NULL | '' — null means unset. */
function readValue(cursor: TokenCursor, key: string): readonly string[] | null {
  const token = cursor.peek();
  if (token?.kind === 'string') {
    const text = cursor.readString(`SET ${key}`).trim();
    return text === '' ? null : text.split('.');
  }
  if (isWord(token, 'null')) {
    cursor.next();
    return null;
  }
  const parts: string[] = [];
  for (;;) {
    const part = identifierValue(cursor.peek());
    if (part === undefined || part === '') cursor.fail(`SET ${key} expects an endpoint name`);
    parts.push(part);
    cursor.next();
    if (!isPunct(cursor.peek(), '.')) return parts;
    cursor.next();
  }
}

/** Applies or shows the setting; the result is Spark's (key, value) row. */
export async function executeSetting(env: SqlEnv, s: SettingStatement): Promise<WriteSummary> {
  const settings = env.state.settings;
  if (s.kind === 'reset' || (s.kind === 'set' && s.value === null)) settings.delete(s.key);
  else if (s.kind === 'set' && s.value !== null) settings.set(s.key, await checkedEndpoint(env, s.key, s.value));
  return { resultSql: rowsSql(textColumns('key', 'value'), [[sqlString(s.key), sqlString(settings.get(s.key))]]) };
}

async function checkedEndpoint(env: SqlEnv, key: string, parts: readonly string[]): Promise<string> {
  if (parts.some((p) => p.trim() === '') || parts.length > 3) {
    throw new LochError('INVALID_ARGUMENT', `ai: SET ${key}: '${parts.join('.')}' is not an endpoint name (name, schema.name or catalog.schema.name)`, { context: { key } });
  }
  const name = resolveName(env.state, parts);
  const info = endpointInfoOf(await env.catalog.getModelEndpoint(name));
  const wanted = (AI_SETTINGS[key] as { task: EndpointTask }).task;
  if (info.definition.task !== wanted) {
    throw new LochError('INVALID_ARGUMENT', `ai: SET ${key}: endpoint ${endpointFullName(name)} is a ${info.definition.task} endpoint; ${key} needs a ${wanted} endpoint`, { context: { key, endpoint: endpointFullName(name) } });
  }
  return endpointFullName(name);
}
