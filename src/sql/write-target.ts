import { LochError } from '../core/errors.js';
import type { StructField } from '../expr/types.js';
import type { ColumnDef, TableRef } from './parse/write-statements.js';
import { sqlBigint } from './sql-text.js';

/** A write statement's outcome as a one-row result, like Databricks' num_affected_rows. */
export interface WriteSummary {
  /** SELECT text producing the result row(s). */
  readonly resultSql: string;
}

/** Path references only until the catalog exists (names arrive with the metastore). */
export function tablePath(ref: TableRef, what: string): string {
  if (ref.kind === 'path' && ref.format === 'delta') return ref.path;
  if (ref.kind === 'path') throw new LochError('INVALID_ARGUMENT', `sql: ${what} needs a Delta table (delta.\`<path>\`), not ${ref.format}.\`${ref.path}\``);
  throw new LochError('NOT_IMPLEMENTED', `sql: ${what}: table names (${ref.parts.join('.')}) need the catalog, which is not built yet; use delta.\`<path>\``);
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

