import { LochError } from '../core/errors.js';
import type { Session, SqlParam } from '../engine/index.js';
import { isTrivia, replaceSpans, tokenize } from './parse/index.js';
import type { SpanReplacement, Token } from './parse/index.js';

/**
 * A parameter value given as text whose type is left to its context, as PostgreSQL's `unknown`
 * (the pg wire protocol sends untyped text parameters). Written on its own as a value of a table
 * column (INSERT … VALUES, UPDATE/MERGE SET, MERGE INSERT VALUES) it is converted to that
 * column's type, failing with an error that names the column when the text does not convert;
 * anywhere else it is a string (VARCHAR), which DuckDB compares with other types by casting.
 */
export class UntypedParam {
  constructor(readonly text: string) {}
}

/** An untyped parameter value (see UntypedParam): `loch.sql('INSERT INTO t VALUES (?)', { params: [untyped('42')] })`. */
export function untyped(text: string): UntypedParam {
  return new UntypedParam(text);
}

/** A value bound to a query parameter (`:name` or `?`); never spliced into SQL text. */
export type SqlValue = null | boolean | number | bigint | string | Date | Uint8Array | UntypedParam;

/** Named (`:name`) values by name, or positional (`?`) values in order. */
export type QueryParams = Readonly<Record<string, SqlValue>> | readonly SqlValue[];

/** One parameter marker of a statement: `?` (name undefined) or `:name`, with its span. */
export interface ParamMarker {
  readonly name?: string;
  readonly start: number;
  readonly end: number;
}

/**
 * Words after which `:x` starts a parameter rather than Databricks' JSON path (`col:a.b`, which
 * follows an expression: an identifier, `)` or `]`). Keywords that end an expression (END,
 * NULL, TRUE…) are left out on purpose: `CASE … END:a` is a path.
 */
const MARKER_AFTER = new Set(
  'select where and or not then else when limit offset in is like ilike glob similar between values set on case return having distinct all any some exists escape qualify by interval using as top with filter over partition'.split(' '),
);

/**
 * The parameter markers of one statement, in order, found with the lexer: `?`, and `:name` where
 * the colon directly precedes an identifier and does not follow an expression (see MARKER_AFTER),
 * a string or number (struct keys, slices) or a subscript's `[` (DuckDB's `list[:n]` slice). Casts (`::`), `:=`, and anything inside
 * strings, quoted identifiers or comments are never markers; neither are DuckDB's own `$1`/`$name`.
 * Text that does not lex has no markers (running it reports the error).
 */
export function findParamMarkers(sql: string): ParamMarker[] {
  if (!sql.includes('?') && !sql.includes(':')) return [];
  let tokens: Token[];
  try {
    tokens = tokenize(sql).filter((t) => !isTrivia(t));
  } catch {
    return [];
  }
  const markers: ParamMarker[] = [];
  tokens.forEach((token, i) => {
    if (token.kind === 'param' && token.text === '?') markers.push({ start: token.start, end: token.end });
    const next = tokens[i + 1];
    if (token.kind !== 'punct' || token.text !== ':' || next?.kind !== 'word' || next.start !== token.end) return;
    if (!startsMarker(tokens[i - 1], tokens[i - 2])) return;
    markers.push({ name: next.text, start: token.start, end: next.end });
  });
  return markers;
}

function startsMarker(previous: Token | undefined, beforePrevious: Token | undefined): boolean {
  // `l[:n]` slices a list; `[:n]` after an operator or `(` is a list literal holding a marker.
  if (previous?.kind === 'punct' && previous.text === '[') return !followsExpression(beforePrevious);
  return !followsExpression(previous);
}

/** Whether `token` can end an expression (so a following `:` or `[` applies to it). */
function followsExpression(token: Token | undefined): boolean {
  if (token === undefined) return false;
  if (token.kind === 'word') return !MARKER_AFTER.has(token.text.toLowerCase());
  if (token.kind === 'punct') return token.text === ')' || token.text === ']';
  return token.kind === 'quoted_ident' || token.kind === 'backtick_ident' || token.kind === 'string' || token.kind === 'number' || token.kind === 'param';
}

/** Variable names Loch sets on a statement's session; users cannot collide by accident. */
const VARIABLE_PREFIX = '__loch_param_';
/** The variables of untyped parameters: their own prefix, so the write path can find them in bound text. */
const UNTYPED_PREFIX = '__loch_untyped_';
const UNTYPED_MARKER = new RegExp(`^\\s*getvariable\\('${UNTYPED_PREFIX}\\d+'\\)\\s*$`);

/** Whether bound SQL text may contain an untyped parameter (a cheap test before looking closer). */
export function mentionsUntypedParam(sql: string): boolean {
  return sql.includes(`'${UNTYPED_PREFIX}`);
}

/** Whether a bound SQL fragment is exactly one untyped parameter (bindParams' replacement of its marker). */
export function isUntypedParam(sql: string): boolean {
  return UNTYPED_MARKER.test(sql);
}

/**
 * Binds the parameter markers of one statement: each becomes `getvariable('__loch_param_<k>')`
 * and its value is set on `session` with `SET VARIABLE … = CAST($1 AS <type>)`, the value travelling as a
 * prepared-statement parameter (never as SQL text). Session variables are what every later
 * statement on the session sees, so the fragments the table layer runs for DELETE/UPDATE/MERGE/
 * INSERT read the same values; DuckDB folds them to constants when binding.
 *
 * Types: integer numbers BIGINT, other numbers DOUBLE, bigint BIGINT (HUGEINT beyond), strings
 * VARCHAR, booleans BOOLEAN, Date TIMESTAMP (UTC), Uint8Array BLOB, null untyped NULL. An
 * UntypedParam is a VARCHAR read through a `__loch_untyped_<k>` variable, which isUntypedParam
 * recognises, so that the write executors can convert it to its target column's type; so is a
 * null (a NULL has no type of its own: written to a column it becomes that column's NULL).
 * INVALID_ARGUMENT when named and unnamed markers are mixed, when the kind of `params` does not
 * match the markers, or a marker has no value "(UNBOUND_SQL_PARAMETER)". Extra values are ignored.
 */
export async function bindParams(session: Session, sql: string, params: QueryParams | undefined): Promise<string> {
  const markers = findParamMarkers(sql);
  if (markers.length === 0) return sql;
  const named = markers.some((m) => m.name !== undefined);
  if (named && markers.some((m) => m.name === undefined)) {
    throw new LochError('INVALID_ARGUMENT', 'sql: a statement cannot mix named (:name) and unnamed (?) parameter markers (UNNAMED_PARAMETER_MARKERS_MIXED)');
  }
  const variables = new Map<string, { variable: string; value: SqlValue }>();
  const replacements: SpanReplacement[] = markers.map((marker, i) => {
    const key = marker.name?.toLowerCase() ?? String(i);
    let entry = variables.get(key);
    if (entry === undefined) {
      const value = valueOf(params, marker, i);
      entry = { variable: `${isUntyped(value) ? UNTYPED_PREFIX : VARIABLE_PREFIX}${variables.size + 1}`, value };
      variables.set(key, entry);
    }
    return { start: marker.start, end: marker.end, text: `getvariable('${entry.variable}')` };
  });
  for (const { variable, value } of variables.values()) {
    const typed = typedParam(value);
    await session.run(`SET VARIABLE ${variable} = ${typed.sql}`, typed.param === undefined ? {} : { params: [typed.param] });
  }
  return replaceSpans(sql, replacements);
}

function valueOf(params: QueryParams | undefined, marker: ParamMarker, index: number): SqlValue {
  const what = marker.name === undefined ? `parameter ${index + 1} (?)` : `parameter :${marker.name}`;
  const unbound = () => new LochError('INVALID_ARGUMENT', `sql: no value was given for ${what} (UNBOUND_SQL_PARAMETER)`, { context: { parameter: marker.name ?? index + 1 } });
  if (params === undefined) throw unbound();
  if (isPositional(params)) {
    if (marker.name !== undefined) throw new LochError('INVALID_ARGUMENT', `sql: ${what} is named, but the parameters were given as a list; give them by name`);
    if (index >= params.length) throw unbound();
    return params[index] as SqlValue;
  }
  if (marker.name === undefined) throw new LochError('INVALID_ARGUMENT', `sql: ${what} is unnamed, but the parameters were given by name; give them as a list`);
  const found = Object.entries(params).find(([name]) => name.toLowerCase() === marker.name?.toLowerCase());
  if (found === undefined) throw unbound();
  return found[1];
}

/** Values whose type their context decides: UntypedParam, and null. */
function isUntyped(value: SqlValue | undefined): boolean {
  return value === null || value === undefined || value instanceof UntypedParam;
}

function isPositional(params: QueryParams): params is readonly SqlValue[] {
  return Array.isArray(params);
}

const BIGINT_MIN = -(2n ** 63n);
const BIGINT_MAX = 2n ** 63n - 1n;

/** The SQL reading one prepared parameter ($1) with the type the value asks for. */
export function typedParam(value: SqlValue): { sql: string; param?: SqlParam } {
  if (value === null || value === undefined) return { sql: 'NULL' };
  if (typeof value === 'number') {
    if (Number.isInteger(value)) return { sql: 'CAST($1 AS BIGINT)', param: value };
    return { sql: 'CAST($1 AS DOUBLE)', param: value };
  }
  if (typeof value === 'bigint') return { sql: value >= BIGINT_MIN && value <= BIGINT_MAX ? 'CAST($1 AS BIGINT)' : 'CAST($1 AS HUGEINT)', param: value.toString() };
  if (typeof value === 'boolean') return { sql: 'CAST($1 AS BOOLEAN)', param: value };
  if (typeof value === 'string') return { sql: 'CAST($1 AS VARCHAR)', param: value };
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new LochError('INVALID_ARGUMENT', 'sql: a Date parameter is not a valid date');
    return { sql: 'CAST($1 AS TIMESTAMP)', param: value.toISOString().replace('Z', '') };
  }
  if (value instanceof Uint8Array) return { sql: 'CAST($1 AS BLOB)', param: value };
  if (value instanceof UntypedParam) return { sql: 'CAST($1 AS VARCHAR)', param: value.text };
  throw new LochError('INVALID_ARGUMENT', `sql: a parameter value of type ${typeof value} cannot be bound (use null, boolean, number, bigint, string, Date, Uint8Array or untyped(text))`);
}
