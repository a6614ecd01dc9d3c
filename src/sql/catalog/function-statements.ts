import type { FunctionInfo, ObjectName } from '../../catalog/catalog-types.js';
import type { FunctionDefinition } from '../../catalog/governance/governance-types.js';
import { LochError, isLochError } from '../../core/errors.js';
import type { Session } from '../../engine/index.js';
import { dataTypeToDuckDb } from '../../expr/to-sql.js';
import { bindQuery } from '../bind-query.js';
import { functionFullName, substituteParameters } from '../bind/function-expansion.js';
import type { FunctionStatement } from '../parse/function-statements.js';
import { parseTypeText } from '../parse/type-name.js';
import { SessionState, formatName, resolveName, type SqlEnv } from '../sql-env.js';
import { sqlString } from '../sql-text.js';
import { NO_ROWS, type WriteSummary } from '../write-target.js';
import { resolveSchema } from './alteration.js';
import { likeMatcher } from './like-pattern.js';
import { rowsSql, textColumns } from './result-rows.js';
import { duckDbTypeAsSpark } from './spark-types.js';

/**
 * CREATE / DROP / DESCRIBE / SHOW FUNCTION against env.catalog (which checks CREATE FUNCTION,
 * ownership and visibility). CREATE checks the body before storing it: it is bound and
 * described as the creator, with each parameter a typed NULL, so unknown columns, tables,
 * functions and a body whose type cannot become the RETURNS type fail at once; without RETURNS
 * the body's type is recorded.
 */
export async function executeFunctionStatement(env: SqlEnv, session: Session, s: FunctionStatement): Promise<WriteSummary> {
  switch (s.kind) {
    case 'create_function':
      return createFunction(env, session, s);
    case 'drop_function':
      await env.catalog.dropFunction(resolveName(env.state, s.name), { ifExists: s.ifExists });
      return { resultSql: NO_ROWS };
    case 'describe_function':
      return describeFunction(env, session, s.name, s.extended);
    case 'show_functions':
      return showFunctions(env, session, s);
  }
}

type CreateFunction = Extract<FunctionStatement, { kind: 'create_function' }>;

async function createFunction(env: SqlEnv, session: Session, s: CreateFunction): Promise<WriteSummary> {
  const name = resolveName(env.state, s.name);
  if (s.ifNotExists && (await env.catalog.findFunction(name)) !== undefined) return { resultSql: NO_ROWS };
  const described = await describeBody(env, session, name, s);
  const returnType = s.returnType ?? described;
  const definition: FunctionDefinition = {
    parameters: s.parameters,
    returnType,
    body: s.body,
    ...(s.comment === undefined || s.comment === '' ? {} : { comment: s.comment }),
    ...(s.deterministic === undefined ? {} : { deterministic: s.deterministic }),
  };
  await env.catalog.createFunction(name, definition, { orReplace: s.orReplace, ifNotExists: s.ifNotExists, ...(definition.comment === undefined ? {} : { comment: definition.comment }) });
  return { resultSql: NO_ROWS };
}

/** The Spark type of the body's value (cast to RETURNS when given), parameters being typed NULLs. */
async function describeBody(env: SqlEnv, session: Session, name: ObjectName, s: CreateFunction): Promise<string> {
  const full = functionFullName(name);
  // Parameters are columns of a one-row relation of typed NULLs: literals would be folded away with their types.
  const columns = s.parameters.map((p, i) => `CAST(NULL AS ${duckType(p.type, `${full} parameter ${p.name}`)}) AS p${i}`);
  const params = `(SELECT ${['NULL AS p', ...columns].join(', ')}) AS __loch_params`;
  const body = /^\s*\(*\s*(select|with|values|from)\b/i.test(s.body) ? `(${s.body})` : s.body;
  const value = substituteParameters(body, name.name, s.parameters.map((p) => p.name), s.parameters.map((_, i) => `__loch_params.p${i}`));
  const cast = s.returnType === undefined ? `(${value})` : `CAST((${value}) AS ${duckType(s.returnType, `${full} RETURNS`)})`;
  // Unqualified names in the body resolve in the function's own schema, as when it is called.
  const state = new SessionState();
  state.catalog = name.catalog;
  state.schema = name.schema;
  for (const [key, value] of env.state.settings) state.settings.set(key, value);
  let bound;
  try {
    bound = await bindQuery({ ...env, state }, session, `SELECT ${cast} AS result FROM ${params}`, { describeOnly: true });
    const rows = await (await session.query(`DESCRIBE ${bound.sql}`)).all();
    return duckDbTypeAsSpark(String(rows[0]?.[1]), 'result');
  } catch (cause) {
    if (cause instanceof LochError && cause.code !== 'INTERNAL' && cause.code !== 'SQL_ERROR') throw cause;
    throw new LochError('INVALID_ARGUMENT', `sql: function ${full}: the body is not a valid expression over its parameters: ${cause instanceof Error ? cause.message : String(cause)}`, { cause, context: { function: full } });
  } finally {
    bound?.release();
  }
}

function duckType(typeText: string, what: string): string {
  try {
    return dataTypeToDuckDb(parseTypeText(typeText));
  } catch (cause) {
    throw new LochError('INVALID_ARGUMENT', `sql: function ${what}: type ${typeText} is not supported`, { cause });
  }
}

/**
 * DESCRIBE FUNCTION [EXTENDED]: Databricks' `function_desc` lines. A one-part name is a
 * built-in when DuckDB has it (built-ins win, as in calls), else a function of the current schema.
 */
async function describeFunction(env: SqlEnv, session: Session, parts: readonly string[], extended: boolean): Promise<WriteSummary> {
  if (parts.length === 1 && (await isBuiltin(session, (parts[0] as string).toLowerCase()))) {
    return { resultSql: describeRows([`Function: ${(parts[0] as string).toLowerCase()}`, 'Type:     BUILTIN']) };
  }
  const fn = await env.catalog.getFunction(resolveName(env.state, parts));
  return { resultSql: describeRows(functionDescription(fn, extended)) };
}

function functionDescription(fn: FunctionInfo, extended: boolean): string[] {
  const d = fn.definition;
  const inputs = d.parameters.length === 0 ? ['Input:    ()'] : d.parameters.map((p, i) => `${i === 0 ? 'Input:    ' : '          '}${p.name} ${p.type}${p.comment === undefined ? '' : ` '${p.comment}'`}`);
  const lines = [`Function: ${formatName(fn)}`, 'Type:     SCALAR', ...inputs, `Returns:  ${d.returnType}`];
  if (!extended) return lines;
  return [
    ...lines,
    ...(d.comment === undefined ? [] : [`Comment:  ${d.comment}`]),
    `Deterministic: ${d.deterministic === false ? 'false' : 'true'}`,
    'Data Access: CONTAINS SQL',
    `Owner:    ${fn.owner}`,
    `Create Time: ${new Date(fn.createdAt).toISOString()}`,
    `Body:     ${d.body}`,
  ];
}

function describeRows(lines: readonly string[]): string {
  return rowsSql(textColumns('function_desc'), lines.map((l) => [sqlString(l)]));
}

/** SHOW [USER|SYSTEM|ALL] FUNCTIONS: catalog functions by full name, built-ins by name; sorted. */
async function showFunctions(env: SqlEnv, session: Session, s: Extract<FunctionStatement, { kind: 'show_functions' }>): Promise<WriteSummary> {
  const matches = likeMatcher(s.pattern);
  const names: string[] = [];
  if (s.scope !== 'system') {
    const { catalog, schema } = s.schema === undefined ? { catalog: env.state.catalog, schema: env.state.schema } : resolveSchema(env.state, s.schema);
    names.push(...(await env.catalog.listFunctions(catalog, schema)).filter((f) => matches(f.name)).map((f) => formatName(f)).sort());
  }
  if (s.scope !== 'user') {
    const rows = await (await session.query("SELECT DISTINCT function_name FROM duckdb_functions() WHERE function_type IN ('scalar', 'aggregate', 'macro') ORDER BY 1")).all();
    names.push(...rows.map((r) => String(r[0])).filter(matches));
  }
  return { resultSql: rowsSql(textColumns('function'), names.map((n) => [sqlString(n)])) };
}

async function isBuiltin(session: Session, name: string): Promise<boolean> {
  try {
    const rows = await (await session.query('SELECT count(*) FROM duckdb_functions() WHERE lower(function_name) = $1', { params: [name] })).all();
    return Number(rows[0]?.[0] ?? 0) > 0;
  } catch (error) {
    if (isLochError(error)) return false;
    throw error;
  }
}
