import type { StructField } from '../expr/types.js';
import type { ColumnDef, TableRef } from './parse/write-statements.js';
import { sqlBigint } from './sql-text.js';

/** A write statement's outcome as a one-row result, like Databricks' num_affected_rows. */
export interface WriteSummary {
  /** SELECT text producing the result row(s). */
  readonly resultSql: string;
}

/** The result of a statement that returns no rows. */
export const NO_ROWS = `SELECT 'OK' AS status WHERE false`;

/** One row of named BIGINT counts, e.g. {num_affected_rows: 3}. */
export function countsRow(counts: Readonly<Record<string, number>>): string {
  return `SELECT ${Object.entries(counts)
    .map(([name, n]) => `${sqlBigint(n)} AS ${name}`)
    .join(', ')}`;
}

/** A parsed column definition as a schema field (physical name = name until column mapping assigns one). */
export function toField(c: ColumnDef): StructField {
  return { name: c.name, type: c.type, nullable: c.nullable, physicalName: c.name, ...(c.comment !== undefined ? { metadata: { comment: c.comment } } : {}) };
}


/** The one row of an INSERT or CREATE TABLE AS SELECT, as on Databricks. */
export function insertedRows(rows: number): string {
  return `SELECT ${sqlBigint(rows)} AS num_affected_rows, ${sqlBigint(rows)} AS num_inserted_rows`;
}

/**
 * A table named without an alias is qualified by its last name part (`t.id` for main.default.t),
 * as in Spark; a path has no such name.
 */
export function nameAlias(target: TableRef): string | undefined {
  return target.kind === 'name' ? target.parts[target.parts.length - 1] : undefined;
}
