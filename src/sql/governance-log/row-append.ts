import { LochError } from '../../core/errors.js';
import type { Session } from '../../engine/index.js';
import type { StructType } from '../../expr/types.js';
import type { TableContext } from '../../table/context.js';
import { DeltaTable } from '../../table/delta-table.js';

/**
 * A value of a system table row: strings, numbers, booleans, null; `timestamp`/`date` columns
 * take epoch milliseconds; structs take objects; maps take string records.
 */
export type RowValue = string | number | boolean | null | undefined | { readonly [key: string]: RowValue };

export type SystemRow = Readonly<Record<string, RowValue>>;

/**
 * Appends `rows` to the Delta table at `location` in one commit (the table layer stages them as
 * JSON and casts each column to the table's type). Columns missing from a row are NULL. Appends never conflict with each other, so
 * concurrent writers (other processes) just retry inside the commit loop.
 */
export async function appendRows(ctx: TableContext, session: Session, location: string, schema: StructType, rows: readonly SystemRow[]): Promise<void> {
  if (rows.length === 0) return;
  const complete = rows.map((row) => Object.fromEntries(schema.fields.map((f) => [f.name, row[f.name] ?? null])));
  const outcome = await DeltaTable.open(ctx, location).write({ rows: complete }, {}, session);
  if (outcome.kind !== 'committed') throw new LochError('INTERNAL', `governance log: append to ${location} committed nothing (${outcome.reason})`);
}
