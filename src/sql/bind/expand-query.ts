import type { TableInfo } from '../../catalog/catalog-types.js';
import { LochError, isLochError } from '../../core/errors.js';
import { isTrivia, replaceSpans, tokenize } from '../parse/index.js';
import type { LakeRef, SpanReplacement } from '../parse/index.js';
import { tableNotFound } from '../resolve-table.js';
import { SessionState, formatName, resolveName } from '../sql-env.js';
import { sqlIdent } from '../sql-text.js';
import { copyQuerySpan, resolveCopyPaths } from './copy-to-volume.js';
import { duckdbHasRelation } from './duckdb-objects.js';
import { findRelations } from './find-relations.js';
import type { FunctionRelation, TableRelation } from './find-relations.js';
import { FILE_FUNCTIONS, dialect, fileCall, informationSchema } from './hooks.js';
import { PLACEHOLDER_PREFIX, prepareText } from './prepare-text.js';
import { bindSessionFunctions } from './session-functions.js';
import { checkQueryAccess } from './raw-access.js';
import type { NameTimeTravel } from './prepare-text.js';
import type { ExpandContext } from './expand-context.js';
import { expandFunctionCalls } from './function-expansion.js';
import { governedScan } from './policy-rewrite.js';

export type { ExpandContext } from './expand-context.js';

/** Views inside views deeper than this are refused (a cycle is caught earlier, by name). */
export const MAX_VIEW_DEPTH = 16;

/**
 * Rewrites a query so that DuckDB can run it once the registry's placeholders are bound: lake
 * references and catalog tables become placeholders (a table without an alias keeps its last name
 * part as alias, so `t.col` still works), views become their own text, expanded the same way in
 * their own catalog and schema, `information_schema` views and file functions become what the
 * catalog and volumes provide. Names DuckDB itself knows (its catalogs, pg_catalog, tables of
 * DuckDB-only statements) and CTE names are left alone; anything else is NOT_FOUND.
 * Text DuckDB cannot parse as a SELECT keeps its names; only its lake references are bound.
 *
 * Governance: every catalog table or view read needs SELECT (asked of `x.env.catalog`: the
 * invoker's, or a view owner's inside that view, whose body runs with its owner's rights);
 * calls of catalog SQL functions are expanded inline (function-expansion.ts); a table with a
 * row filter or column masks becomes the subquery that applies them for the invoker
 * (policy-rewrite.ts), whatever version is read.
 */
export async function expandQuery(x: ExpandContext, sql: string, state: SessionState): Promise<string> {
  const explain = explainPrefix(sql);
  if (explain > 0) return sql.slice(0, explain) + (await expandQuery(x, sql.slice(explain), state));
  // COPY (<query>) TO '<file>': the query is bound like any other (catalog tables, governance).
  const copy = copyQuerySpan(sql);
  if (copy !== undefined) {
    const inner = await expandQuery(x, sql.slice(copy.start, copy.end), state);
    return resolveCopyPaths(x.env, sql.slice(0, copy.start) + inner + sql.slice(copy.end));
  }
  const withSession = bindSessionFunctions(dialect(sql), state, x.invoker);
  const prepared = prepareText(await expandFunctionCalls(x, withSession, state, expandQuery), x.registry);
  const relations = await findRelations(x.session, prepared.text);
  if (relations === undefined) {
    if (prepared.travels.size > 0) throw new LochError('INVALID_ARGUMENT', 'sql: VERSION AS OF / TIMESTAMP AS OF after a table name needs a query DuckDB can parse; check the syntax');
    if (x.views.length > 0) throw new LochError('INVALID_ARGUMENT', `sql: view ${x.views.at(-1)}: its text is not a query DuckDB can parse`);
    return resolveCopyPaths(x.env, prepared.text);
  }
  const replacements: SpanReplacement[] = [];
  const used = new Set<number>();
  for (const relation of relations) {
    const travel = relation.kind === 'table' ? prepared.travels.get(relation.end) : undefined;
    if (travel !== undefined) used.add(relation.end);
    const text = relation.kind === 'table' ? await expandTable(x, relation, travel, state) : await expandFunction(x, relation, prepared.text);
    if (text !== undefined) replacements.push({ start: relation.start, end: relation.end, text });
    else if (travel !== undefined) throw new LochError('INVALID_ARGUMENT', `sql: VERSION AS OF / TIMESTAMP AS OF applies to Delta and Iceberg tables, not to ${relation.kind === 'table' ? relation.parts.join('.') : relation.name}`);
  }
  if ([...prepared.travels.keys()].some((k) => !used.has(k))) throw new LochError('INVALID_ARGUMENT', 'sql: VERSION AS OF / TIMESTAMP AS OF must follow a table name');
  return replaceSpans(prepared.text, replacements);
}

/** Where the statement after `EXPLAIN [ANALYZE]` starts (0 when there is none). */
function explainPrefix(sql: string): number {
  if (!/^\s*explain\b/i.test(sql)) return 0;
  let tokens;
  try {
    tokens = tokenize(sql).filter((t) => !isTrivia(t));
  } catch {
    return 0;
  }
  let i = 1;
  if (tokens[i]?.kind === 'word' && tokens[i]?.text.toLowerCase() === 'analyze') i++;
  return tokens[i]?.start ?? 0;
}

async function expandFunction(x: ExpandContext, relation: FunctionRelation, text: string): Promise<string | undefined> {
  if (!FILE_FUNCTIONS.has(relation.name)) return undefined;
  const rewrite = await fileCall(x.env, { name: relation.name, text: text.slice(relation.start, relation.end) });
  if (rewrite === undefined) return undefined;
  x.registry.releases.push(() => rewrite.release());
  return rewrite.sql;
}

/** The text for one table name; undefined leaves it (a placeholder, a DuckDB object). */
async function expandTable(x: ExpandContext, relation: TableRelation, travel: NameTimeTravel | undefined, state: SessionState): Promise<string | undefined> {
  const parts = relation.parts;
  const last = parts[parts.length - 1] as string;
  const alias = relation.alias === undefined ? ` AS ${sqlIdent(last)}` : '';
  if (parts.length === 1 && last.startsWith(PLACEHOLDER_PREFIX)) return undefined;
  const lower = parts.map((p) => p.toLowerCase());
  if (lower.length >= 2 && lower[lower.length - 2] === 'information_schema' && travel === undefined) {
    const catalog = lower.length === 3 ? (lower[0] as string) : state.catalog;
    return (await informationSchema(x.env, catalog, last.toLowerCase())) + alias;
  }
  if (lower.length === 2 && lower[0] === 'delta' && /[/:\\]/.test(last)) {
    return x.registry.add({ kind: 'delta', path: last, ...deltaTravel(travel, last), start: 0, end: 0 }) + alias;
  }
  const info = await lookup(x, parts, state);
  if (info === undefined) return undefined;
  if (info.tableType === 'VIEW' && travel !== undefined) throw new LochError('INVALID_ARGUMENT', `sql: view ${formatName(info)}: VERSION AS OF / TIMESTAMP AS OF applies to tables, not views`);
  await x.memo.authorize(x.env.catalog, 'SELECT', { type: 'TABLE', name: { catalog: info.catalog, schema: info.schema, name: info.name } });
  if (info.tableType === 'VIEW') return `(${await expandView(x, info)}\n)${alias}`;
  return (await governedScan(x, info, x.registry.add(tableRef(info, travel)), expandQuery)) + alias;
}

/** The lake reference that reads a catalog table (Delta or Iceberg) at the version `travel` names. */
export function tableRef(info: TableInfo, travel: NameTimeTravel | undefined): LakeRef {
  return info.format === 'ICEBERG' ? icebergRef(info, travel) : { kind: 'delta', path: info.location ?? '', ...deltaTravel(travel, formatName(info)), start: 0, end: 0 };
}

/**
 * A catalog Iceberg table reads exactly the metadata file its record points to (no listing of
 * `metadata/`); VERSION AS OF is a snapshot id or a branch/tag name, as in Spark.
 */
function icebergRef(info: TableInfo, travel: NameTimeTravel | undefined): LakeRef {
  const snapshotId = travel?.versionText ?? (travel?.version !== undefined ? String(travel.version) : undefined);
  const iceberg = {
    ...(info.metadataLocation !== undefined ? { metadataFile: info.metadataLocation } : {}),
    ...(snapshotId !== undefined ? { snapshotId } : {}),
    ...(travel?.ref !== undefined ? { ref: travel.ref } : {}),
  };
  return { kind: 'iceberg', path: info.location ?? '', iceberg, ...(travel?.timestamp !== undefined ? { timestamp: travel.timestamp } : {}), start: 0, end: 0 };
}

/** Delta versions are integers within 2^53. */
function deltaTravel(travel: NameTimeTravel | undefined, table: string): { version?: number; timestamp?: string } {
  if (travel === undefined) return {};
  if (travel.ref !== undefined) throw new LochError('INVALID_ARGUMENT', `sql: VERSION AS OF on Delta table ${table} expects an integer, not '${travel.ref}'`);
  if (travel.versionText !== undefined) throw new LochError('INVALID_ARGUMENT', `sql: VERSION AS OF ${travel.versionText} is too large (at most ${Number.MAX_SAFE_INTEGER})`);
  return { ...(travel.version !== undefined ? { version: travel.version } : {}), ...(travel.timestamp !== undefined ? { timestamp: travel.timestamp } : {}) };
}

/** The catalog entry for a name; undefined for a DuckDB object; NOT_FOUND otherwise. */
async function lookup(x: ExpandContext, parts: readonly string[], state: SessionState): Promise<TableInfo | undefined> {
  const name = resolveName(state, parts);
  let failure: unknown = tableNotFound(name);
  try {
    const info = await x.env.catalog.findTable(name);
    if (info !== undefined) return info;
  } catch (error) {
    // An invalid catalog name (a space, a slash), or one outside what the principal may see,
    // may still be a DuckDB table's name (pg_catalog.pg_tables); otherwise the error stands.
    if (!isLochError(error, 'INVALID_ARGUMENT') && !isLochError(error, 'PERMISSION_DENIED')) throw error;
    failure = error;
  }
  if (await duckdbHasRelation(x.session, parts)) return undefined;
  throw failure;
}

async function expandView(x: ExpandContext, info: TableInfo): Promise<string> {
  const full = formatName(info);
  if (x.views.includes(full)) throw new LochError('INVALID_ARGUMENT', `sql: view ${full} refers to itself through ${[...x.views, full].join(' → ')} (RECURSIVE_VIEW)`, { context: { view: full } });
  if (x.views.length >= MAX_VIEW_DEPTH) throw new LochError('INVALID_ARGUMENT', `sql: view ${full}: views nest deeper than ${MAX_VIEW_DEPTH} levels`, { context: { view: full } });
  const state = new SessionState();
  state.catalog = info.viewContext?.catalog ?? info.catalog;
  state.schema = info.viewContext?.schema ?? info.schema;
  // Definer rights: the view's body reads what its owner may read.
  const owner = await x.memo.definer(x.env.catalog, info.owner);
  const env = { ...x.env, catalog: owner, state };
  const text = withoutClosingSemicolons(info.viewText ?? '');
  // A view of a confined owner reaches only what its owner could reach directly (no paths, no host files).
  await checkQueryAccess(env, x.session, text);
  return expandQuery({ ...x, env, views: [...x.views, full] }, text, state);
}

function withoutClosingSemicolons(text: string): string {
  return text.replace(/[\s;]+$/, '');
}
