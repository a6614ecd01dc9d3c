import { sqlIdent } from '../sql-text.js';

/**
 * Result tables of catalog statements as SELECTs over literals, so that they go through the
 * same result path as any query. Every value is already a SQL literal (sqlString, sqlBigint…);
 * columns get their declared DuckDB type, so an empty result still has typed columns.
 */

export interface ResultColumn {
  /** The output name, exactly as Databricks spells it (quoted, case kept). */
  readonly name: string;
  /** A DuckDB type: VARCHAR, BOOLEAN, BIGINT, INTEGER, TIMESTAMPTZ… */
  readonly type: string;
}

/** Shorthand for a list of VARCHAR columns. */
export function textColumns(...names: string[]): ResultColumn[] {
  return names.map((name) => ({ name, type: 'VARCHAR' }));
}

/** SELECT producing `rows` (each a list of SQL literals, one per column) in the given order. */
export function rowsSql(columns: readonly ResultColumn[], rows: readonly (readonly string[])[]): string {
  const projection = columns.map((c, i) => `CAST(c${i} AS ${c.type}) AS ${sqlIdent(c.name)}`).join(', ');
  if (rows.length === 0) {
    return `SELECT ${columns.map((c) => `CAST(NULL AS ${c.type}) AS ${sqlIdent(c.name)}`).join(', ')} WHERE false`;
  }
  for (const row of rows) {
    if (row.length !== columns.length) throw new Error(`result row has ${row.length} values for ${columns.length} columns`);
  }
  const values = rows.map((row, r) => `(${[String(r), ...row].join(', ')})`).join(', ');
  const aliases = ['ord', ...columns.map((_, i) => `c${i}`)].join(', ');
  return `SELECT ${projection} FROM (VALUES ${values}) AS t(${aliases}) ORDER BY ord`;
}

/** The literal for a boolean. */
export function sqlBoolean(value: boolean | undefined): string {
  return value === undefined ? 'NULL::BOOLEAN' : value ? 'true' : 'false';
}

/** The literal for a 32-bit integer (ordinal positions, precisions). */
export function sqlInteger(value: number | undefined): string {
  return value === undefined ? 'NULL::INTEGER' : `${Math.trunc(value)}::INTEGER`;
}
