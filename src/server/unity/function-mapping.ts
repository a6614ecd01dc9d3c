/**
 * Loch SQL functions → Unity Catalog FunctionInfo. Loch's functions are SQL scalar functions
 * with IN parameters: routine_body SQL, parameter_style S, security_type DEFINER,
 * sql_data_access CONTAINS_SQL, is_null_call false. `properties` is a JSON-encoded string map,
 * as the spec says.
 */
import type { FunctionInfo } from '../../catalog/catalog-types.js';
import type { FunctionParameter } from '../../catalog/governance/governance-types.js';
import { typeFieldsOfText } from './columns.js';
import { commonFields } from './mapping.js';
import { fullName } from './uc-names.js';

type Json = Record<string, unknown>;

/** The FunctionInfo JSON of a function. */
export function functionJson(f: FunctionInfo): Json {
  const d = f.definition;
  const returned = typeFieldsOfText(d.returnType, 'result');
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

function parameterJson(p: FunctionParameter, position: number): Json {
  return {
    name: p.name,
    ...typeFieldsOfText(p.type, p.name),
    position,
    parameter_mode: 'IN',
    parameter_type: 'PARAM',
    ...(p.comment !== undefined ? { comment: p.comment } : {}),
  };
}
