import { LochError } from '../../../core/errors.js';
import type { SqlValue } from '../../../sql/params.js';
import { sqlIdent } from '../../../sql/sql-text.js';

/** A WHERE condition with its bound values (positional `?`, in order). */
export interface FilterSql {
  readonly sql: string;
  readonly params: SqlValue[];
}

const OPERATORS = ['NOT', '<', '<=', '>', '>=', 'LIKE'] as const;

/**
 * Databricks' `filters_json` as SQL over the source's columns, every value a bound parameter:
 * `{"col": v}` equals (an array means IN, null means IS NULL), `{"col NOT": v}` (NOT IN for an
 * array, IS NOT NULL for null), `{"col <": v}` and `<=`, `>`, `>=`, `{"col LIKE": "pat"}`;
 * all ANDed. Column names are matched case-insensitively against `columns` (INVALID_ARGUMENT
 * naming the unknown one), so nothing from the filter reaches the SQL text unquoted. '' when
 * there are no filters.
 */
export function filterSql(filters: Readonly<Record<string, unknown>> | undefined, columns: readonly string[]): FilterSql {
  const parts: string[] = [];
  const params: SqlValue[] = [];
  for (const [key, value] of Object.entries(filters ?? {})) {
    const { column, op } = splitKey(key, columns);
    parts.push(condition(sqlIdent(column), op, value, params, key));
  }
  return { sql: parts.join(' AND '), params };
}

function splitKey(key: string, columns: readonly string[]): { column: string; op: string } {
  const trimmed = key.trim();
  const m = /^(.*?)\s+(NOT|<=|>=|<|>|LIKE)$/i.exec(trimmed);
  const name = m?.[1] ?? trimmed;
  const op = (m?.[2] ?? '=').toUpperCase();
  const column = columns.find((c) => c.toLowerCase() === name.toLowerCase());
  if (column === undefined) {
    throw new LochError('INVALID_ARGUMENT', `vector search: filter '${key}' names no column of the source (columns: ${columns.join(', ')})`, { context: { filter: key } });
  }
  return { column, op };
}

function condition(column: string, op: string, value: unknown, params: SqlValue[], key: string): string {
  if (op === '=' || op === 'NOT') {
    const not = op === 'NOT';
    if (value === null) return `${column} IS ${not ? 'NOT ' : ''}NULL`;
    if (Array.isArray(value)) {
      if (value.length === 0) return not ? 'TRUE' : 'FALSE';
      const marks = value.map((v) => bind(v, params, key)).join(', ');
      return `${column} ${not ? 'NOT ' : ''}IN (${marks})`;
    }
    return `${column} ${not ? '<>' : '='} ${bind(value, params, key)}`;
  }
  if (!(OPERATORS as readonly string[]).includes(op)) throw new LochError('INVALID_ARGUMENT', `vector search: filter '${key}' has an unknown operator`, { context: { filter: key } });
  if (op === 'LIKE' && typeof value !== 'string') throw new LochError('INVALID_ARGUMENT', `vector search: filter '${key}' expects a string pattern`, { context: { filter: key } });
  return `${column} ${op} ${bind(value, params, key)}`;
}

function bind(value: unknown, params: SqlValue[], key: string): string {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
    params.push(value);
    return '?';
  }
  throw new LochError('INVALID_ARGUMENT', `vector search: filter '${key}' has a value that is not a string, number or boolean`, { context: { filter: key } });
}
