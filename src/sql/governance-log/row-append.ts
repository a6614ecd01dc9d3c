import { LochError } from '../../core/errors.js';
import type { Session } from '../../engine/index.js';
import { dataTypeToDuckDb } from '../../expr/to-sql.js';
import type { DataType, StructType } from '../../expr/types.js';
import type { TableContext } from '../../table/context.js';
import { DeltaTable } from '../../table/delta-table.js';
import { sqlIdent, sqlString } from '../sql-text.js';

/**
 * A value of a system table row: strings, numbers, booleans, null; `timestamp`/`date` columns
 * take epoch milliseconds; structs take objects; maps take string records.
 */
export type RowValue = string | number | boolean | null | undefined | { readonly [key: string]: RowValue };

export type SystemRow = Readonly<Record<string, RowValue>>;

/**
 * Appends `rows` to the Delta table at `location` in one commit. The rows travel as typed SQL
 * literals (every value cast to its column's type), so nothing is staged in files and a batch is
 * one statement; columns missing from a row are NULL. Appends never conflict with each other,
 * so concurrent writers (other processes) just retry inside the commit loop.
 */
export async function appendRows(ctx: TableContext, session: Session, location: string, schema: StructType, rows: readonly SystemRow[]): Promise<void> {
  if (rows.length === 0) return;
  const names = schema.fields.map((f) => sqlIdent(f.name)).join(', ');
  const values = rows.map((row) => `(${schema.fields.map((f) => literal(row[f.name], f.type)).join(', ')})`).join(',\n');
  const sql = `SELECT * FROM (VALUES ${values}) AS rows(${names})`;
  const outcome = await DeltaTable.open(ctx, location).write({ sql }, { mergeSchema: true }, session);
  if (outcome.kind !== 'committed') throw new LochError('INTERNAL', `governance log: append to ${location} committed nothing (${outcome.reason})`);
}

/** A typed SQL literal: CAST(<value> AS <type>). */
export function literal(value: RowValue, type: DataType): string {
  return `CAST(${untyped(value, type)} AS ${dataTypeToDuckDb(type)})`;
}

function untyped(value: RowValue, type: DataType): string {
  if (value === null || value === undefined) return 'NULL';
  switch (type.kind) {
    case 'struct': {
      const object = typeof value === 'object' ? value : {};
      return `{${type.fields.map((f) => `${sqlString(f.name)}: ${literal(object[f.name], f.type)}`).join(', ')}}`;
    }
    case 'map': {
      const entries = Object.entries(typeof value === 'object' ? value : {}).filter(([, v]) => v !== null && v !== undefined);
      if (entries.length === 0) return 'MAP()';
      return `MAP([${entries.map(([k]) => sqlString(k)).join(', ')}], [${entries.map(([, v]) => sqlString(String(v))).join(', ')}])`;
    }
    case 'primitive':
      return primitiveLiteral(value, type.name);
    default:
      return sqlString(String(value));
  }
}

function primitiveLiteral(value: Exclude<RowValue, null | undefined>, name: string): string {
  if (name === 'timestamp' && typeof value === 'number') return `make_timestamptz(${Math.trunc(value) * 1000}::BIGINT)`;
  if (name === 'date' && typeof value === 'number') return `DATE '${new Date(value).toISOString().slice(0, 10)}'`;
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'NULL';
  return sqlString(typeof value === 'string' ? value : JSON.stringify(value));
}
