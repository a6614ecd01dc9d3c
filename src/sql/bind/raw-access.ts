import { isVolumePath } from '../../catalog/volume-paths.js';
import { LochError } from '../../core/errors.js';
import type { Session } from '../../engine/index.js';
import { findLakeRefs, isTrivia, tokenize } from '../parse/index.js';
import type { Token } from '../parse/index.js';
import type { SqlEnv } from '../sql-env.js';
import { byteToCharOffsets } from './byte-offsets.js';
import { copyQuerySpan } from './copy-to-volume.js';
import { FILE_FUNCTIONS, dialect } from './hooks.js';
import { RefRegistry, prepareText } from './prepare-text.js';

/**
 * The lockdown of principals that are not admins ("confined" sessions): they reach data only
 * through the catalog, which checks their privileges. Everything that would let DuckDB touch
 * the host or its own state directly is refused with PERMISSION_DENIED before it runs:
 * - tables by path (delta.`/p`, delta_scan, table_changes, iceberg.`/p`, iceberg_scan, delta."/p");
 * - file readers (read_files, read_csv, read_parquet, read_json*, read_text, read_blob, …) unless
 *   every path is a string literal naming /Volumes/… (the catalog then checks READ VOLUME);
 * - every other table function (glob, query, parquet_metadata, sniff_csv, duckdb_*, pragma_*…)
 *   except the generators range, generate_series and unnest;
 * - string literals and file-like names used as tables (`FROM '/etc/passwd'`: replacement scans),
 *   DuckDB's SHOW/DESCRIBE/SUMMARIZE of a table;
 * - every statement DuckDB's parser does not see as a query (ATTACH, COPY, INSTALL/LOAD, SET,
 *   RESET, PRAGMA, CALL, EXPORT/IMPORT DATABASE, CREATE SECRET/MACRO/TEMP …): Loch's own
 *   statements never get here, they are dispatched before.
 * The decision is taken on DuckDB's own parse tree (json_serialize_sql) of the text as the
 * binder will hand it over, not on patterns. Admin sessions are never checked.
 */

/** Table functions a confined principal may call: they read nothing outside the query. */
const GENERATORS: ReadonlySet<string> = new Set(['range', 'generate_series', 'unnest']);

/** True when the session's principal is not an admin and so is held to the catalog. */
export function isConfined(env: SqlEnv): boolean {
  return env.catalog.actor.admin !== true;
}

/** PERMISSION_DENIED "sql: <principal> may not <action>: <reason> (PERMISSION_DENIED)". */
export function lockedDown(env: SqlEnv, action: string, reason: string, context: Record<string, unknown> = {}): LochError {
  const principal = env.catalog.actor.name;
  return new LochError('PERMISSION_DENIED', `sql: ${principal} may not ${action}: ${reason} (PERMISSION_DENIED)`, { context: { principal, ...context } });
}

/** Refuses a table addressed by path (a write target, DESCRIBE, SHOW) for confined principals. */
export function refusePathTable(env: SqlEnv, format: string, path: string, what: string): void {
  if (!isConfined(env)) return;
  throw lockedDown(env, `${what} ${format}.\`${path}\``, 'tables are addressed by catalog name; only admins may address them by path', { path });
}

/** Refuses a file path outside /Volumes (LIST, COPY INTO, read_files) for confined principals. */
export function refuseHostPath(env: SqlEnv, path: string, what: string): void {
  if (!isConfined(env) || isVolumePath(path)) return;
  throw lockedDown(env, `${what} ${path}`, 'files are reached through volumes (/Volumes/<catalog>/<schema>/<volume>/…); other paths are for admins only', { path });
}

type Node = Record<string, unknown>;

/**
 * Checks a query (or an expression written as `SELECT <expr>`) a confined principal is about to
 * run; returns when it reads nothing but catalog tables, volumes and what DuckDB computes, and
 * throws PERMISSION_DENIED otherwise (see the module comment). Syntax errors are left for DuckDB
 * to report: such text runs nowhere.
 */
export async function checkQueryAccess(env: SqlEnv, session: Session, sql: string): Promise<void> {
  if (!isConfined(env)) return;
  const pathRef = findLakeRefs(sql)[0];
  if (pathRef !== undefined) throw lockedDown(env, `read ${pathRef.path} by path`, 'tables are read by catalog name; only admins may read them by path', { path: pathRef.path });
  const text = withoutExplain(prepareText(dialect(sql), new RefRegistry()).text);
  const copied = copyToVolumeQuery(text);
  if (copied !== undefined) return checkQueryAccess(env, session, copied);
  const tree = await parseTree(env, session, text);
  if (tree === undefined) return;
  const tokens = tokenize(text).filter((t) => !isTrivia(t));
  const byStart = new Map(tokens.map((t) => [t.start, t]));
  const toChar = byteToCharOffsets(text);
  visit(tree, (node) => checkNode(env, node, (location) => byStart.get(toChar(location))));
}

/**
 * The query of `COPY (<query>) TO '/Volumes/…' [options]`, the one COPY a confined principal may
 * run: it writes into a volume (resolveCopyPaths asks for WRITE VOLUME) what the query, checked
 * like any other, reads. Undefined for every other text.
 */
function copyToVolumeQuery(sql: string): string | undefined {
  const span = copyQuerySpan(sql);
  if (span === undefined || !isVolumePath(span.target)) return undefined;
  // Options may only be plain words, numbers and strings: no subqueries hiding behind them.
  const plain = (t: Token) => t.kind === 'word' || t.kind === 'number' || t.kind === 'string' || ['(', ')', ',', '='].includes(t.text);
  if (!span.rest.every(plain) || span.rest.some((t) => t.kind === 'word' && /^(select|from|with|query)$/i.test(t.text))) return undefined;
  return sql.slice(span.start, span.end);
}

/** DuckDB's parse tree of every statement in `text`; undefined for a syntax error. */
async function parseTree(env: SqlEnv, session: Session, text: string): Promise<Node | undefined> {
  let tree: Node;
  try {
    const rows = await (await session.query('SELECT json_serialize_sql($1::VARCHAR)', { params: [text] })).all();
    tree = JSON.parse(String(rows[0]?.[0])) as Node;
  } catch (cause) {
    throw new LochError('PERMISSION_DENIED', `sql: ${env.catalog.actor.name}'s statement could not be checked, so it does not run (PERMISSION_DENIED)`, { cause });
  }
  if (tree['error'] !== true) return tree;
  if (tree['error_type'] === 'parser') return undefined;
  const keyword = firstWord(text);
  throw lockedDown(env, `run ${keyword}`, "only queries and Loch's own statements are allowed; DuckDB statements are for admins only", { statement: keyword });
}

function checkNode(env: SqlEnv, node: Node, tokenAt: (location: number) => Token | undefined): void {
  if (node['type'] === 'TABLE_FUNCTION') checkTableFunction(env, node['function'] as Node);
  else if (node['type'] === 'BASE_TABLE') checkTableName(env, node, tokenAt);
  else if (node['type'] === 'SHOW_REF' && node['query'] == null) {
    throw lockedDown(env, `run SHOW/DESCRIBE/SUMMARIZE of ${String(node['table_name'])}`, "DuckDB's own SHOW, DESCRIBE and SUMMARIZE of a table are for admins only; use DESCRIBE TABLE");
  }
}

function checkTableFunction(env: SqlEnv, call: Node): void {
  const name = String(call['function_name']).toLowerCase();
  const qualified = [call['catalog'], call['schema']].some((p) => typeof p === 'string' && p !== '');
  // A qualified call (main.read_text(…)) is not one the binder rewrites: DuckDB would read the host path.
  if (qualified) throw lockedDown(env, `call table function ${name} qualified by a schema`, 'table functions are called by their bare name', { function: name });
  if (GENERATORS.has(name)) return;
  // An extension's table functions are replaced by the extension before DuckDB runs the query, governed there.
  if (env.extensions?.some((e) => e.tableFunctions?.includes(name)) === true) return;
  if (!FILE_FUNCTIONS.has(name)) throw lockedDown(env, `call table function ${name}`, "DuckDB's own table functions are for admins only", { function: name });
  const first = (call['children'] as Node[] | undefined)?.[0];
  const paths = first === undefined ? undefined : literalStrings(first);
  if (paths === undefined || paths.length === 0) {
    throw lockedDown(env, `call ${name} with a computed path`, 'name /Volumes/<catalog>/<schema>/<volume>/… paths as string literals', { function: name });
  }
  const outside = paths.find((p) => !isVolumePath(p));
  if (outside !== undefined) throw lockedDown(env, `read ${outside} with ${name}`, 'files are read from volumes (/Volumes/…); other paths are for admins only', { path: outside });
}

/** The value of a string constant, or of a list of string constants; undefined for anything else. */
function literalStrings(node: Node): string[] | undefined {
  if (node['class'] === 'CONSTANT') {
    const value = node['value'] as Node | undefined;
    const type = (value?.['type'] as Node | undefined)?.['id'];
    return type === 'VARCHAR' && value?.['is_null'] === false && typeof value['value'] === 'string' ? [value['value']] : undefined;
  }
  if (node['class'] === 'FUNCTION' && node['function_name'] === 'list_value') {
    const items = (node['children'] as Node[] | undefined) ?? [];
    const values = items.map(literalStrings);
    return values.every((v) => v !== undefined && v.length === 1) ? values.flat() as string[] : undefined;
  }
  return undefined;
}

/** A table written as a string ('…') or with a file-like name is one of DuckDB's replacement scans. */
function checkTableName(env: SqlEnv, node: Node, tokenAt: (location: number) => Token | undefined): void {
  const parts = [node['catalog_name'], node['schema_name'], node['table_name']].filter((p): p is string => typeof p === 'string' && p !== '');
  const location = node['query_location'];
  const token = typeof location === 'number' && location < Number.MAX_SAFE_INTEGER ? tokenAt(location) : undefined;
  const name = parts.join('.');
  // Catalog names hold no '.' or '/'; DuckDB scans names with a file extension or a slash as files.
  if (token?.kind === 'string' || parts.some((p) => /[./]/.test(p))) {
    throw lockedDown(env, `read ${name}`, 'only catalog tables can be read by name; files are read from volumes (/Volumes/…) with read_files', { name });
  }
}

/** Calls `check` on every object node of the tree (CTEs, subqueries and set operations included). */
function visit(value: unknown, check: (node: Node) => void): void {
  if (Array.isArray(value)) {
    for (const item of value) visit(item, check);
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  check(value as Node);
  for (const child of Object.values(value)) visit(child, check);
}

/** The statement after `EXPLAIN [ANALYZE]`, which DuckDB's serialiser does not take. */
function withoutExplain(sql: string): string {
  const tokens = tokenize(sql).filter((t) => !isTrivia(t));
  if (tokens[0]?.kind !== 'word' || tokens[0].text.toLowerCase() !== 'explain') return sql;
  const next = tokens[1]?.kind === 'word' && tokens[1].text.toLowerCase() === 'analyze' ? tokens[2] : tokens[1];
  return next === undefined ? sql : sql.slice(next.start);
}

function firstWord(sql: string): string {
  const token = tokenize(sql).find((t) => !isTrivia(t));
  return token === undefined ? 'an empty statement' : token.text.toUpperCase();
}
