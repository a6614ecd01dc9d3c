import { LochError } from '../../core/errors.js';
import { dataTypeToDuckDb } from '../../expr/to-sql.js';
import { findParamMarkers } from '../../sql/params.js';
import type { QueryParams } from '../../sql/params.js';
import { replaceSpans } from '../../sql/parse/index.js';
import type { SpanReplacement } from '../../sql/parse/index.js';
import { parseTypeText } from '../../sql/parse/type-name.js';
import type { StatementParameter } from './types.js';

/** The statement text and Loch parameters for `LochSession.sql`. */
export interface BoundStatement {
  readonly text: string;
  readonly params?: QueryParams;
}

/**
 * Binds the request's parameters the Databricks way (every value a string, `type` a SQL type
 * name) onto Loch's own parameter binding: each marker of a typed parameter becomes
 * `CAST(:name AS <type>)` (or `CAST(? AS <type>)`), and the value travels as a bound VARCHAR,
 * never as SQL text. Only the type, after being parsed and re-printed by Loch's type reader, is
 * written into the SQL. STRING (the default) needs no cast; an absent value is NULL.
 *
 * INVALID_ARGUMENT for type names Loch does not know and for ARRAY/MAP/STRUCT (not supported as
 * parameters, as on Databricks). Markers without a parameter are left for Loch, which fails the
 * statement with UNBOUND_SQL_PARAMETER.
 */
export function bindStatementParameters(text: string, parameters: readonly StatementParameter[]): BoundStatement {
  if (parameters.length === 0) return { text };
  const positional = parameters.every((p) => p.name === undefined);
  const types = parameters.map((p, i) => castType(p, i));
  const replacements: SpanReplacement[] = [];
  let unnamed = 0;
  for (const marker of findParamMarkers(text)) {
    const index = marker.name === undefined ? unnamed++ : parameters.findIndex((p) => p.name?.toLowerCase() === marker.name?.toLowerCase());
    const type = positional === (marker.name === undefined) ? types[index] : undefined;
    if (type !== undefined) replacements.push({ start: marker.start, end: marker.end, text: `CAST(${text.slice(marker.start, marker.end)} AS ${type})` });
  }
  const values = parameters.map((p) => p.value ?? null);
  const params: QueryParams = positional ? values : Object.fromEntries(parameters.map((p, i) => [p.name as string, values[i] as string | null]));
  return { text: replaceSpans(text, replacements), params };
}

/** The DuckDB type to cast a parameter to, or undefined for strings. */
function castType(parameter: StatementParameter, index: number): string | undefined {
  const name = parameter.type?.trim();
  if (name === undefined || /^(string|varchar)$/i.test(name)) return undefined;
  const what = parameter.name === undefined ? `parameters[${index}]` : `parameter ${parameter.name}`;
  let type;
  try {
    type = parseTypeText(name);
  } catch (error) {
    throw new LochError('INVALID_ARGUMENT', `statements: ${what} has an unknown type '${name}'`, { cause: error });
  }
  if (type.kind !== 'primitive' && type.kind !== 'decimal') {
    throw new LochError('INVALID_ARGUMENT', `statements: ${what}: ${type.kind.toUpperCase()} parameters are not supported (use a scalar type)`);
  }
  return dataTypeToDuckDb(type);
}
