import { LochError } from '../../../core/errors.js';
import type { TableMetadata } from '../../../formats/iceberg/model.js';

/** How a row-level operation removes rows: rewrite the files, or write delete files beside them. */
export type IcebergRowStrategy = 'copy-on-write' | 'merge-on-read';

export type IcebergRowOperation = 'delete' | 'update' | 'merge';

const PROPERTY: Readonly<Record<IcebergRowOperation, string>> = {
  delete: 'write.delete.mode',
  update: 'write.update.mode',
  merge: 'write.merge.mode',
};

/**
 * The strategy the table's properties choose for `operation` (`write.delete.mode`,
 * `write.update.mode`, `write.merge.mode`; default copy-on-write, as in Iceberg). Values compare
 * without case. An unknown value is INVALID_ARGUMENT naming the property; merge-on-read on a v1
 * table (which has no delete files) is INVALID_ARGUMENT too, as Spark refuses it.
 */
export function rowStrategy(metadata: TableMetadata, operation: IcebergRowOperation, table: string): IcebergRowStrategy {
  const key = PROPERTY[operation];
  const raw = metadata.properties[key];
  const value = raw === undefined ? 'copy-on-write' : raw.trim().toLowerCase();
  if (value !== 'copy-on-write' && value !== 'merge-on-read') {
    throw new LochError('INVALID_ARGUMENT', `iceberg ${operation}: table ${table}: table property ${key} = '${raw}' is neither 'copy-on-write' nor 'merge-on-read'`, {
      context: { table, property: key, value: raw },
    });
  }
  if (value === 'merge-on-read' && metadata.formatVersion < 2) {
    throw new LochError('INVALID_ARGUMENT', `iceberg ${operation}: table ${table}: ${key} = 'merge-on-read' needs format version 2 or later (the table is v1, which has no delete files); upgrade it with TBLPROPERTIES ('format-version' = '2')`, {
      context: { table, property: key },
    });
  }
  return value;
}
