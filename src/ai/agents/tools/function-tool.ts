import type { FunctionInfo } from '../../../catalog/catalog-types.js';
import type { FunctionParameter } from '../../../catalog/governance/governance-types.js';
import { LochError } from '../../../core/errors.js';
import type { SqlValue } from '../../../sql/params.js';
import { sqlIdent } from '../../../sql/sql-text.js';
import { jsonValue, toolName, type AgentTool, type ToolRun } from './agent-tool.js';

/**
 * A catalog SQL function as a tool, as Unity Catalog does it: the tool is named
 * `catalog__schema__function`, described by the function's COMMENT (plus its return type), and
 * takes one argument per parameter, described by the parameter's COMMENT, typed from its SQL
 * type. A call runs `SELECT c.s.f(:p1, :p2) AS result` through the caller's governed session
 * with bound parameters (EXECUTE on the function and SELECT on what it reads are the caller's).
 * The result sent to the model is `{"result": value}` as JSON.
 */
export function functionTool(info: FunctionInfo): AgentTool {
  const fullName = `${info.catalog}.${info.schema}.${info.name}`;
  const name = toolName(`${info.catalog}__${info.schema}__${info.name}`);
  const parameters = info.definition.parameters;
  const comment = info.definition.comment ?? info.comment;
  const description = `${comment !== undefined && comment !== '' ? comment : `The SQL function ${fullName}.`} Returns ${info.definition.returnType}.`;
  return {
    name,
    spanType: 'TOOL',
    definition: {
      type: 'function',
      function: {
        name,
        description,
        parameters: {
          type: 'object',
          properties: Object.fromEntries(parameters.map((p) => [p.name, parameterSchema(p)])),
          required: parameters.map((p) => p.name),
          additionalProperties: false,
        },
      },
    },
    run: (args, run) => callFunction(fullName, parameters, args, run),
  };
}

async function callFunction(fullName: string, parameters: readonly FunctionParameter[], args: Readonly<Record<string, unknown>>, run: ToolRun): Promise<string> {
  const values: Record<string, SqlValue> = {};
  const markers: string[] = [];
  parameters.forEach((p, i) => {
    const value = args[p.name];
    if (value === undefined) throw new LochError('INVALID_ARGUMENT', `agents: function tool ${fullName}: argument ${p.name} is missing`);
    values[`p${i}`] = sqlValueOf(value, p, fullName);
    markers.push(`CAST(:p${i} AS ${p.type})`);
  });
  const target = fullName.split('.').map(sqlIdent).join('.');
  const { rows } = await run.sql().rows(`SELECT ${target}(${markers.join(', ')}) AS result`, values);
  return JSON.stringify({ result: jsonValue(rows[0]?.[0] ?? null) });
}

function sqlValueOf(value: unknown, p: FunctionParameter, fullName: string): SqlValue {
  if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  // Structured arguments (arrays, objects) go in as JSON text; the CAST decides whether that fits.
  if (typeof value === 'object') return JSON.stringify(value);
  throw new LochError('INVALID_ARGUMENT', `agents: function tool ${fullName}: argument ${p.name} must be a JSON value`);
}

/** A JSON schema for a SQL type (anything unusual is passed as text and cast). */
function parameterSchema(p: FunctionParameter): Record<string, unknown> {
  const type = p.type.trim().toUpperCase();
  const described = p.comment !== undefined && p.comment !== '' ? { description: p.comment } : {};
  if (/^(TINYINT|SMALLINT|INT|INTEGER|BIGINT|LONG|SHORT|BYTE)$/.test(type)) return { type: 'integer', ...described };
  if (/^(FLOAT|DOUBLE|REAL|DECIMAL|NUMERIC|DEC)\b/.test(type)) return { type: 'number', ...described };
  if (type === 'BOOLEAN') return { type: 'boolean', ...described };
  if (type === 'DATE') return { type: 'string', format: 'date', ...described };
  if (type.startsWith('TIMESTAMP')) return { type: 'string', format: 'date-time', ...described };
  return { type: 'string', ...described };
}
