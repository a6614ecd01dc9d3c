import type { FunctionInfo, ObjectName } from '../../catalog/catalog-types.js';
import { LochError, isLochError } from '../../core/errors.js';
import { dataTypeToDuckDb } from '../../expr/to-sql.js';
import { isTrivia, replaceSpans, tokenize } from '../parse/index.js';
import type { SpanReplacement, Token } from '../parse/index.js';
import { parseTypeText } from '../parse/type-name.js';
import { SessionState } from '../sql-env.js';
import type { ExpandContext, QueryExpander } from './expand-context.js';
import { findCallSites } from './function-calls.js';
import { checkQueryAccess } from './raw-access.js';

/** Functions calling functions deeper than this are refused (recursion is caught earlier, by name). */
export const MAX_FUNCTION_DEPTH = 16;

/**
 * Expands every call of a catalog SQL function in `sql` inline: `f(a, b)` becomes
 * `CAST((<body with each parameter replaced by its parenthesised argument>) AS <return type>)`.
 * Name resolution (Databricks' path: built-ins first, then the current schema):
 * - `c.s.f(…)` and `s.f(…)` (s in the current catalog) are catalog functions unless DuckDB itself
 *   has a function of that qualified name (`pg_catalog.…`, `main.…`);
 * - `f(…)` is a catalog function only when the current schema (`state`) has one named f and
 *   neither DuckDB nor Loch's dialect has a function f: built-ins always win.
 * Calling needs EXECUTE on the function (asked of `x.env.catalog`, i.e. the view owner's inside a
 * view). The body is expanded in its own schema with its owner's rights (definer rights, as
 * views); arguments are expanded in the caller's. Recursion and nesting deeper than
 * MAX_FUNCTION_DEPTH are INVALID_ARGUMENT; a wrong number of arguments too.
 */
export async function expandFunctionCalls(x: ExpandContext, sql: string, state: SessionState, expand: QueryExpander): Promise<string> {
  const calls = findCallSites(sql);
  if (calls.length === 0) return sql;
  const spans: SpanReplacement[] = [];
  let after = 0;
  for (const call of calls) {
    if (call.start < after) continue;
    const fn = await resolveCall(x, call.parts, state);
    if (fn === undefined) continue;
    const args: string[] = [];
    for (const a of call.args) args.push(await expandFunctionCalls(x, sql.slice(a.start, a.end), state, expand));
    spans.push({ start: call.start, end: call.end, text: await inlineCall(x, fn, args, expand, { checkExecute: true }) });
    after = call.end;
  }
  return spans.length === 0 ? sql : replaceSpans(sql, spans);
}

/** The full name of a function as the catalog and policies spell it: `catalog.schema.name`. */
export function functionFullName(name: ObjectName): string {
  return `${name.catalog}.${name.schema}.${name.name}`;
}

/**
 * A call of `fn` with argument texts `args` (already expanded SQL), inline. `checkExecute` is
 * false for row filters and column masks: the table's policy runs whoever reads it.
 */
export async function inlineCall(x: ExpandContext, fn: FunctionInfo, args: readonly string[], expand: QueryExpander, options: { readonly checkExecute: boolean }): Promise<string> {
  const full = functionFullName(fn);
  const params = fn.definition.parameters;
  if (args.length !== params.length) {
    throw new LochError('INVALID_ARGUMENT', `sql: function ${full} takes ${params.length} argument${params.length === 1 ? '' : 's'}, not ${args.length} (WRONG_NUM_ARGS)`, {
      context: { function: full, expected: params.length, found: args.length },
    });
  }
  if (x.functions.includes(full)) {
    throw new LochError('INVALID_ARGUMENT', `sql: function ${full} calls itself through ${[...x.functions, full].join(' → ')} (RECURSIVE_ROUTINE)`, { context: { function: full } });
  }
  if (x.functions.length >= MAX_FUNCTION_DEPTH) throw new LochError('INVALID_ARGUMENT', `sql: function ${full}: functions nest deeper than ${MAX_FUNCTION_DEPTH} levels`, { context: { function: full } });
  if (options.checkExecute) await x.memo.authorize(x.env.catalog, 'EXECUTE', { type: 'FUNCTION', name: { catalog: fn.catalog, schema: fn.schema, name: fn.name } });
  let body = x.memo.bodies.get(full);
  if (body === undefined) {
    body = expandBody(x, fn, expand);
    x.memo.bodies.set(full, body);
  }
  const substituted = substituteParameters(await body, fn.name, params.map((p) => p.name), args);
  return `CAST((${substituted}) AS ${duckType(fn)})`;
}

const BODY_PREFIX = 'SELECT ';

/** The body with its table references and calls expanded as its owner, in its own schema. */
async function expandBody(x: ExpandContext, fn: FunctionInfo, expand: QueryExpander): Promise<string> {
  const definer = await x.memo.definer(x.env.catalog, fn.owner);
  const state = new SessionState();
  state.catalog = fn.catalog;
  state.schema = fn.schema;
  const inner: ExpandContext = { ...x, env: { ...x.env, catalog: definer, state }, functions: [...x.functions, functionFullName(fn)] };
  const body = fn.definition.body.replace(/[\s;]+$/, '');
  const text = BODY_PREFIX + (/^\s*\(*\s*(select|with|values|from)\b/i.test(body) ? `(${body})` : body);
  // The body of a confined owner reaches only what its owner could reach directly.
  await checkQueryAccess(inner.env, x.session, text);
  const expanded = await expand(inner, text, state);
  if (!expanded.startsWith(BODY_PREFIX)) throw new LochError('INTERNAL', `sql: function ${functionFullName(fn)}: its expanded body lost its SELECT prefix`);
  return expanded.slice(BODY_PREFIX.length);
}

/**
 * Replaces each parameter reference of `body` by `(argument)`: a name equal to a parameter
 * (case-insensitive) that is not qualified (or is qualified by the function's own name, `f.p`),
 * not called (`p(…)`) and not a typed literal's keyword (`DATE '…'`). Parameters shadow
 * columns of tables the body reads; qualify those (`m.region`) to reach them.
 */
export function substituteParameters(body: string, functionName: string, params: readonly string[], args: readonly string[]): string {
  if (params.length === 0) return body;
  const index = new Map(params.map((p, i) => [p.toLowerCase(), i]));
  const tokens = tokenize(body).filter((t) => !isTrivia(t));
  const spans: SpanReplacement[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    const value = identifierText(t);
    const at = value === undefined ? undefined : index.get(value.toLowerCase());
    if (at === undefined) continue;
    const next = tokens[i + 1];
    if (next?.text === '(' || (t.kind === 'word' && next?.kind === 'string')) continue;
    let start = t.start;
    if (tokens[i - 1]?.text === '.') {
      const qualifier = tokens[i - 2];
      const name = identifierText(qualifier);
      if (name?.toLowerCase() !== functionName.toLowerCase() || tokens[i - 3]?.text === '.') continue;
      start = (qualifier as Token).start;
    }
    spans.push({ start, end: t.end, text: `(${args[at] as string})` });
  }
  return replaceSpans(body, spans);
}

function identifierText(t: Token | undefined): string | undefined {
  if (t?.kind === 'word') return t.text;
  return t?.kind === 'quoted_ident' || t?.kind === 'backtick_ident' ? t.value : undefined;
}

function duckType(fn: FunctionInfo): string {
  try {
    return dataTypeToDuckDb(parseTypeText(fn.definition.returnType));
  } catch (cause) {
    throw new LochError('INVALID_ARGUMENT', `sql: function ${functionFullName(fn)}: return type ${fn.definition.returnType} is not supported`, { cause });
  }
}

/** The catalog function a call names, or undefined when it is DuckDB's (or nobody's: DuckDB reports it). */
async function resolveCall(x: ExpandContext, parts: readonly string[], state: SessionState): Promise<FunctionInfo | undefined> {
  const lower = parts.map((p) => p.toLowerCase());
  if (lower.length === 1) {
    const name = lower[0] as string;
    if (!(await schemaFunctionNames(x, state.catalog, state.schema)).has(name)) return undefined;
    if (await duckdbHasFunction(x, [name])) return undefined;
    return x.env.catalog.findFunction({ catalog: state.catalog, schema: state.schema, name });
  }
  if (await duckdbHasFunction(x, lower)) return undefined;
  const name: ObjectName =
    lower.length === 2 ? { catalog: state.catalog, schema: lower[0] as string, name: lower[1] as string } : { catalog: lower[0] as string, schema: lower[1] as string, name: lower[2] as string };
  try {
    return await x.env.catalog.findFunction(name);
  } catch (error) {
    // A name the catalog cannot hold (a space, a slash) is nobody's function.
    if (isLochError(error, 'INVALID_ARGUMENT')) return undefined;
    throw error;
  }
}

/** Names of the functions of a schema the actor may see; none when it may not use the schema. */
function schemaFunctionNames(x: ExpandContext, catalog: string, schema: string): Promise<ReadonlySet<string>> {
  const key = `${x.env.catalog.actor.name}\u0000${catalog}.${schema}`;
  let found = x.memo.functionNames.get(key);
  if (found === undefined) {
    // Asked quietly first: a query calling only built-ins must not leave refusals in the audit log.
    const governed = x.env.catalog;
    const names = async (): Promise<ReadonlySet<string>> => {
      if (!(await governed.mayAccess('USE SCHEMA', { type: 'SCHEMA', catalog, schema }))) return new Set();
      try {
        return new Set((await governed.listFunctions(catalog, schema)).map((f) => f.name));
      } catch (error) {
        if (isLochError(error, 'PERMISSION_DENIED') || isLochError(error, 'NOT_FOUND') || isLochError(error, 'INVALID_ARGUMENT')) return new Set();
        throw error;
      }
    };
    found = names();
    x.memo.functionNames.set(key, found);
  }
  return found;
}

/** Whether DuckDB (with Loch's dialect macros) has a function of this 1–3 part name. */
function duckdbHasFunction(x: ExpandContext, parts: readonly string[]): Promise<boolean> {
  const key = parts.join('\u0000');
  let found = x.memo.duckdbFunctions.get(key);
  if (found === undefined) {
    const name = parts[parts.length - 1] as string;
    const schema = parts.length >= 2 ? parts[parts.length - 2] : undefined;
    const database = parts.length === 3 ? parts[0] : undefined;
    const sql =
      'SELECT count(*) FROM duckdb_functions() WHERE lower(function_name) = $1' +
      (schema === undefined ? '' : ' AND lower(schema_name) = $2') +
      (database === undefined ? '' : ' AND lower(database_name) = $3');
    const params = [name, ...(schema === undefined ? [] : [schema]), ...(database === undefined ? [] : [database])];
    found = x.session
      .query(sql, { params })
      .then((r) => r.all())
      .then((rows) => Number(rows[0]?.[0] ?? 0) > 0);
    x.memo.duckdbFunctions.set(key, found);
  }
  return found;
}
