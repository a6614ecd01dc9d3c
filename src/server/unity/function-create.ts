/**
 * createFunction (POST /functions) runs `CREATE FUNCTION` in a SQL session of the caller, so a
 * function made through this API is checked exactly as one made in SQL: CREATE FUNCTION on the
 * schema (with the USE path), parameter and result types parsed, and the body bound as the
 * creator (unknown columns, tables or functions, or a body whose type cannot become the result
 * type, are 400).
 *
 * The statement is assembled from validated parts: names backquoted, parameter names plain
 * identifiers, types that parse as exactly one type, comments as SQL string literals; the body
 * is the caller's text, and the assembled text must be exactly one statement (a `;` outside
 * quotes in the body is 400), so nothing but the one CREATE FUNCTION can run.
 *
 * Accepted: routine_body SQL, IN parameters without defaults, a scalar result (full_data_type or
 * data_type), is_deterministic, comment. EXTERNAL routines, table results (return_params),
 * parameter defaults and non-empty `properties` are 501.
 */
import type { ObjectName } from '../../catalog/catalog-types.js';
import { splitStatements } from '../../sql/parse/split.js';
import { sqlString } from '../../sql/sql-text.js';
import { typeFromFields, typeText } from './columns.js';
import type { JsonObject } from './request.js';
import { optionalArray, optionalBoolean, optionalComment, optionalObject, optionalString, requiredString } from './request.js';
import { invalidParameter, notImplemented } from './uc-errors.js';
import { checkName } from './uc-names.js';

const MAX_BODY = 65_536;
const MAX_PARAMETERS = 256;

/** The function a CreateFunction (`function_info`) names. */
export function createFunctionName(info: JsonObject): ObjectName {
  return {
    catalog: checkName('catalog', requiredString(info, 'catalog_name')),
    schema: checkName('schema', requiredString(info, 'schema_name')),
    name: checkName('function', requiredString(info, 'name')),
  };
}

/** The one `CREATE FUNCTION` statement a CreateFunction body stands for. */
export function createFunctionSql(name: ObjectName, info: JsonObject): string {
  const routine = optionalString(info, 'routine_body') ?? 'SQL';
  if (routine !== 'SQL') throw notImplemented(`routine_body ${routine.slice(0, 40)}: Loch runs SQL functions only`);
  if (optionalObject(info, 'return_params') !== undefined) throw notImplemented('return_params: Loch has no table functions; return one value (full_data_type or data_type)');
  refuseProperties(optionalString(info, 'properties'));
  const body = requiredString(info, 'routine_definition');
  if (body.length > MAX_BODY || body.includes('\u0000')) throw invalidParameter(`routine_definition must be at most ${MAX_BODY} characters without NUL`);
  const parameters = parametersSql(optionalObject(info, 'input_params'));
  const comment = optionalComment(info);
  const deterministic = optionalBoolean(info, 'is_deterministic');
  const sql = [
    `CREATE FUNCTION ${[name.catalog, name.schema, name.name].map(backquoted).join('.')}(${parameters.join(', ')})`,
    `RETURNS ${resultType(info)}`,
    ...(comment !== undefined && comment !== '' ? [`COMMENT ${sqlString(comment)}`] : []),
    ...(deterministic === false ? ['NOT DETERMINISTIC'] : []),
    `RETURN ${body}`,
  ].join('\n');
  let statements;
  try {
    statements = splitStatements(sql);
  } catch {
    throw invalidParameter('routine_definition holds an unterminated string, identifier or comment');
  }
  if (statements.length !== 1) throw invalidParameter("routine_definition must be one SQL expression (no ';' outside quotes)");
  return sql;
}

function resultType(info: JsonObject): string {
  const full = optionalString(info, 'full_data_type');
  if (full !== undefined && full.trim() !== '') return typeText(typeFromFields({ type_text: full }, 'the result'));
  const name = optionalString(info, 'data_type');
  if (name !== undefined && name !== '') return typeText(typeFromFields(info['type_precision'] === undefined ? { type_name: name } : { type_name: name, type_precision: info['type_precision'], type_scale: info['type_scale'] }, 'the result'));
  throw invalidParameter('a function needs its result type (full_data_type or data_type)');
}

function parametersSql(input: JsonObject | undefined): string[] {
  const list = input === undefined ? [] : (optionalArray(input, 'parameters') ?? []);
  if (list.length > MAX_PARAMETERS) throw invalidParameter(`a function may have at most ${MAX_PARAMETERS} parameters`);
  const params = list.map(parameterOf);
  if (params.some((p) => p.position !== undefined)) {
    params.sort((a, b) => (a.position ?? -1) - (b.position ?? -1));
    params.forEach((p, i) => {
      if (p.position !== i) throw invalidParameter(`parameter positions must be 0..${params.length - 1}, each once`);
    });
  }
  return params.map((p) => p.sql);
}

function parameterOf(value: unknown, index: number): { sql: string; position?: number } {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw invalidParameter(`input_params.parameters[${index}] must be an object`);
  const body = value as JsonObject;
  const name = requiredString(body, 'name');
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,254}$/.test(name)) throw invalidParameter(`parameter name '${name.slice(0, 60)}' must be a plain identifier (letters, digits, _)`);
  if (optionalString(body, 'parameter_default') !== undefined) throw notImplemented(`parameter ${name}: parameter defaults are not supported`);
  const mode = optionalString(body, 'parameter_mode');
  if (mode !== undefined && mode !== 'IN') throw invalidParameter(`parameter ${name}: parameter_mode must be IN`);
  const type = typeText(typeFromFields(body, `parameter ${name}`));
  const comment = optionalString(body, 'comment');
  const position = body['position'];
  if (position !== undefined && (typeof position !== 'number' || !Number.isInteger(position) || position < 0)) {
    throw invalidParameter(`parameter ${name}: position must be a non-negative integer`);
  }
  return {
    sql: `${name} ${type}${comment !== undefined && comment !== '' ? ` COMMENT ${sqlString(comment)}` : ''}`,
    ...(typeof position === 'number' ? { position } : {}),
  };
}

function refuseProperties(text: string | undefined): void {
  if (text === undefined || text.trim() === '' || text.trim() === '{}') return;
  throw notImplemented('function properties are not stored; send none (or "{}")');
}

function backquoted(name: string): string {
  return `\`${name.replaceAll('`', '``')}\``;
}
