import { LochError } from '../../../core/errors.js';
import type { ExtensionStatement } from '../../../sql/extension.js';
import { resolveSchema } from '../../../sql/catalog/alteration.js';
import { rowsSql, sqlBoolean, textColumns } from '../../../sql/catalog/result-rows.js';
import type { ResultColumn } from '../../../sql/catalog/result-rows.js';
import { tokenizePartial } from '../../../sql/parse/lexer.js';
import { statementCursor } from '../../../sql/parse/write-clauses.js';
import { resolveName, type SqlEnv } from '../../../sql/sql-env.js';
import { sqlString } from '../../../sql/sql-text.js';
import { NO_ROWS, type WriteSummary } from '../../../sql/write-target.js';
import type { AiRuntime } from '../../ai-runtime.js';
import type { OptionEntry, OptionValue } from '../../statements/option-values.js';
import { optionValueText } from '../../statements/option-values.js';
import { fullName } from '../service/index-document.js';
import type { SyncSummary, VectorIndexInfo, VectorIndexSpec } from '../vector-types.js';
import { readVectorStatement } from './vector-syntax.js';
import type { VectorStatement } from './vector-syntax.js';

/** Only texts naming a vector index can be ours; the rest are not tokenized at all. */
const MAYBE_OURS = /\bvector\s+index(es)?\b/i;

/**
 * CREATE / DROP / DESCRIBE / SHOW / REFRESH (SYNC) VECTOR INDEX(ES) and ALTER VECTOR INDEX …
 * REBUILD (syntax: vector-syntax.ts), run through `runtime.vectors` as `env.catalog`'s principal;
 * undefined for any other statement (cheap: called for every statement).
 */
export function parseVectorStatement(sql: string, runtime: AiRuntime): ExtensionStatement | undefined {
  if (!MAYBE_OURS.test(sql)) return undefined;
  if (tokenizePartial(sql).unterminated !== undefined) return undefined;
  const statement = readVectorStatement(statementCursor(sql));
  if (statement === undefined) return undefined;
  return { execute: (env) => executeVectorStatement(runtime, env, statement) };
}

async function executeVectorStatement(runtime: AiRuntime, env: SqlEnv, s: VectorStatement): Promise<WriteSummary> {
  switch (s.kind) {
    case 'create': {
      const name = resolveName(env.state, s.name);
      const spec = specOf(env, s);
      const result = await runtime.vectors.create(env.catalog, name, spec, { orReplace: s.orReplace, ifNotExists: s.ifNotExists });
      return { resultSql: result.sync === undefined ? NO_ROWS : syncRow(result.sync) };
    }
    case 'drop':
      await runtime.vectors.drop(env.catalog, resolveName(env.state, s.name), { ifExists: s.ifExists });
      return { resultSql: NO_ROWS };
    case 'describe':
      return { resultSql: describeRows(await runtime.vectors.describe(env.catalog, resolveName(env.state, s.name))) };
    case 'show': {
      const schema = s.schema === undefined ? { catalog: env.state.catalog, schema: env.state.schema } : resolveSchema(env.state, s.schema);
      return { resultSql: showRows(await runtime.vectors.list(env.catalog, schema)) };
    }
    case 'sync':
      return { resultSql: syncRow(await runtime.vectors.sync(env.catalog, resolveName(env.state, s.name), { full: s.full })) };
  }
}

type Create = Extract<VectorStatement, { kind: 'create' }>;

/** WITH options onto the spec; unknown keys and wrongly typed values are INVALID_ARGUMENT. */
function specOf(env: SqlEnv, s: Create): VectorIndexSpec {
  const o = new Map(s.options.map((e) => [e.key, e]));
  const known = ['primary_key', 'metric', 'pipeline_type', 'text_column', 'connectivity', 'expansion_add', 'expansion_search'];
  for (const e of s.options) {
    if (!known.includes(e.key)) throw optionError(e, `is not an option (options: ${known.join(', ')})`);
  }
  const text = (key: string): string | undefined => optionalString(o.get(key));
  const num = (key: string): number | undefined => optionalNumber(o.get(key));
  const endpoint = s.endpoint === undefined ? undefined : fullName(resolveName(env.state, s.endpoint.split('.')));
  const spec: Record<string, unknown> = {
    source: resolveName(env.state, s.source),
    column: s.column,
    primaryKey: text('primary_key'),
    endpoint,
    metric: text('metric'),
    pipeline: text('pipeline_type'),
    textColumn: text('text_column'),
    connectivity: num('connectivity'),
    expansionAdd: num('expansion_add'),
    expansionSearch: num('expansion_search'),
    comment: s.comment,
  };
  return Object.fromEntries(Object.entries(spec).filter(([, v]) => v !== undefined)) as unknown as VectorIndexSpec;
}

function optionalString(e: OptionEntry | undefined): string | undefined {
  if (e === undefined) return undefined;
  if (e.value.kind !== 'string') throw optionError(e, `expects a string (got ${optionValueText(e.value)})`);
  return e.value.value;
}

function optionalNumber(e: OptionEntry | undefined): number | undefined {
  if (e === undefined) return undefined;
  const v: OptionValue = e.value;
  if (v.kind !== 'number') throw optionError(e, `expects a number (got ${optionValueText(v)})`);
  return v.value;
}

function optionError(e: OptionEntry, message: string): LochError {
  return new LochError('INVALID_ARGUMENT', `vector index: CREATE VECTOR INDEX WITH ${e.key} ${message}`, { context: { option: e.key } });
}

const SYNC_COLUMNS: ResultColumn[] = [
  { name: 'from_version', type: 'BIGINT' },
  { name: 'to_version', type: 'BIGINT' },
  { name: 'upserted', type: 'BIGINT' },
  { name: 'deleted', type: 'BIGINT' },
  { name: 'full', type: 'BOOLEAN' },
];

function syncRow(s: SyncSummary): string {
  return rowsSql(SYNC_COLUMNS, [[String(s.fromVersion), String(s.toVersion), String(s.upserted), String(s.deleted), sqlBoolean(s.full)]]);
}

/** DESCRIBE VECTOR INDEX: info_name/info_value rows. */
function describeRows(i: VectorIndexInfo): string {
  const rows: [string, string | undefined][] = [
    ['name', fullName(i.name)],
    ['owner', i.owner],
    ['source', fullName(i.source)],
    ['column', i.column],
    ['primary_key', i.primaryKey],
    ['kind', i.kind],
    ['endpoint', i.endpoint],
    ['text_column', i.textColumn],
    ['dimensions', String(i.dimensions)],
    ['metric', i.metric],
    ['pipeline_type', i.pipeline],
    ['state', i.status.state],
    ['message', i.status.message],
    ['synced_version', String(i.status.syncedVersion)],
    ['rows', String(i.status.rows)],
    ['last_sync_at', i.status.lastSyncAt === undefined ? undefined : new Date(i.status.lastSyncAt).toISOString()],
    ['comment', i.comment],
    ['created_by', i.createdBy],
    ['created_at', new Date(i.createdAt).toISOString()],
  ];
  return rowsSql(textColumns('info_name', 'info_value'), rows.map(([k, v]) => [sqlString(k), sqlString(v)]));
}

const SHOW_COLUMNS: ResultColumn[] = [...textColumns('name', 'source', 'column', 'endpoint', 'pipeline_type', 'state'), { name: 'rows', type: 'BIGINT' }, { name: 'synced_version', type: 'BIGINT' }, ...textColumns('owner', 'comment')];

/** SHOW VECTOR INDEXES: the schema's indexes whose source the caller can read, by name. */
function showRows(list: readonly VectorIndexInfo[]): string {
  return rowsSql(
    SHOW_COLUMNS,
    list.map((i) => [
      sqlString(fullName(i.name)),
      sqlString(fullName(i.source)),
      sqlString(i.column),
      sqlString(i.endpoint),
      sqlString(i.pipeline),
      sqlString(i.status.state),
      String(i.status.rows),
      String(i.status.syncedVersion),
      sqlString(i.owner),
      sqlString(i.comment),
    ]),
  );
}
