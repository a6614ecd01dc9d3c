/**
 * SQL functions between Loch (FunctionInfo/FunctionDefinition) and Unity Catalog
 * (FunctionInfo, CreateFunction). Loch's functions are SQL scalar functions with IN
 * parameters: routine_body SQL, parameter_style S, security_type DEFINER, sql_data_access
 * CONTAINS_SQL, is_null_call false. `properties` is a JSON-encoded string map, as the spec says.
 */
import type { FunctionInfo } from '../../catalog/catalog-types.js';
import type { FunctionDefinition, FunctionParameter } from '../../catalog/governance/governance-types.js';
import type { StructField } from '../../expr/types.js';
import { parseTypeText } from '../../sql/parse/type-name.js';
import type { UcTypeFields } from './columns.js';
import { typeFields, typeFromFields, typeText } from './columns.js';
import { commonFields } from './mapping.js';
import type { JsonObject } from './request.js';
import { optionalArray, optionalBoolean, optionalComment, optionalObject, optionalString, requiredString } from './request.js';
import { invalidParameter, notImplemented } from './uc-errors.js';
import { fullName } from './uc-names.js';

type Json = Record<string, unknown>;

const MAX_BODY = 65_536;
const MAX_PARAMETERS = 256;

/** The FunctionInfo JSON of a function. */
export function functionJson(f: FunctionInfo): Json {
  const d = f.definition;
  const returned = typeOf(d.returnType, 'result');
  const { properties, ...common } = commonFields(f);
  return {
    name: f.name,
    catalog_name: f.catalog,
    schema_name: f.schema,
    full_name: fullName(f.catalog, f.schema, f.name),
    input_params: { parameters: d.parameters.map(parameterJson) },
    data_type: returned.type_name,
    full_data_type: returned.type_text,
    routine_body: 'SQL',
    routine_definition: d.body,
    parameter_style: 'S',
    is_deterministic: d.deterministic ?? true,
    sql_data_access: 'CONTAINS_SQL',
    is_null_call: false,
    security_type: 'DEFINER',
    specific_name: f.name,
    ...common,
    ...((d.comment ?? f.comment) !== undefined ? { comment: d.comment ?? f.comment } : {}),
    properties: JSON.stringify(properties ?? {}),
    function_id: f.id,
  };
}

export interface CreateFunctionRequest {
  readonly name: { readonly catalog: string; readonly schema: string; readonly name: string };
  readonly definition: FunctionDefinition;
  readonly comment?: string;
  readonly properties?: Record<string, string>;
}

/** The definition a CreateFunction (`function_info`) asks for; `name` is already validated. */
export function functionDefinition(info: JsonObject): Omit<CreateFunctionRequest, 'name'> {
  const routine = optionalString(info, 'routine_body') ?? 'SQL';
  if (routine !== 'SQL') throw notImplemented(`routine_body ${routine.slice(0, 40)}: Loch runs SQL functions only`);
  if (optionalObject(info, 'return_params') !== undefined) throw notImplemented('return_params: Loch has no table functions; return one value (data_type/full_data_type)');
  const body = requiredString(info, 'routine_definition');
  if (body.length > MAX_BODY || body.includes('\u0000')) throw invalidParameter(`routine_definition must be at most ${MAX_BODY} characters without NUL`);
  const returnType = resultType(info);
  const parameters = parametersOf(optionalObject(info, 'input_params'));
  const comment = optionalComment(info);
  const deterministic = optionalBoolean(info, 'is_deterministic');
  const properties = propertiesOf(optionalString(info, 'properties'));
  return {
    definition: {
      parameters,
      returnType,
      body,
      ...(comment !== undefined && comment !== '' ? { comment } : {}),
      ...(deterministic !== undefined ? { deterministic } : {}),
    },
    ...(comment !== undefined && comment !== '' ? { comment } : {}),
    ...(properties !== undefined ? { properties } : {}),
  };
}

function resultType(info: JsonObject): string {
  const full = optionalString(info, 'full_data_type');
  if (full !== undefined && full.trim() !== '') return typeText(typeFromFields({ type_text: full }, 'the result'));
  const name = optionalString(info, 'data_type');
  if (name !== undefined) return typeText(typeFromFields({ type_name: name }, 'the result'));
  throw invalidParameter('a function needs its result type (full_data_type or data_type)');
}

function parametersOf(input: JsonObject | undefined): FunctionParameter[] {
  const list = input === undefined ? [] : optionalArray(input, 'parameters') ?? [];
  if (list.length > MAX_PARAMETERS) throw invalidParameter(`a function may have at most ${MAX_PARAMETERS} parameters`);
  const params = list.map((value, index) => parameterOf(value, index));
  const positions = params.map((p) => p.position);
  if (positions.some((p) => p !== undefined)) {
    params.sort((a, b) => (a.position ?? -1) - (b.position ?? -1));
    params.forEach((p, i) => {
      if (p.position !== i) throw invalidParameter(`parameter positions must be 0..${params.length - 1}, each once`);
    });
  }
  const seen = new Set<string>();
  for (const p of params) {
    const key = p.parameter.name.toLowerCase();
    if (seen.has(key)) throw invalidParameter(`parameter ${p.parameter.name} appears twice`);
    seen.add(key);
  }
  return params.map((p) => p.parameter);
}

function parameterOf(value: unknown, index: number): { parameter: FunctionParameter; position?: number } {
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
    parameter: { name, type, ...(comment !== undefined && comment !== '' ? { comment } : {}) },
    ...(typeof position === 'number' ? { position } : {}),
  };
}

function propertiesOf(text: string | undefined): Record<string, string> | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw invalidParameter('properties must be a JSON-encoded object of strings');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed) || Object.values(parsed).some((v) => typeof v !== 'string')) {
    throw invalidParameter('properties must be a JSON-encoded object of strings');
  }
  return parsed as Record<string, string>;
}

function parameterJson(p: FunctionParameter, position: number): Json {
  return {
    name: p.name,
    ...typeOf(p.type, p.name),
    position,
    parameter_mode: 'IN',
    parameter_type: 'PARAM',
    ...(p.comment !== undefined ? { comment: p.comment } : {}),
  };
}

function typeOf(text: string, name: string): UcTypeFields {
  try {
    const type = parseTypeText(text);
    const field: StructField = { name, type, nullable: true, physicalName: name };
    return typeFields(type, field);
  } catch {
    return { type_text: text, type_json: JSON.stringify({ name, type: text, nullable: true, metadata: {} }), type_name: 'USER_DEFINED_TYPE' };
  }
}
