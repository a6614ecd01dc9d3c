import { ROW_FILE_COLUMN, ROW_POSITION_COLUMN } from '../../engine/index.js';
import type { Session } from '../../engine/index.js';
import type { StructType } from '../../expr/types.js';
import { quoteIdentifier } from '../../expr/to-sql.js';
import type { AddFile } from '../../formats/delta/spec/actions.js';
import { planDeltaScan } from '../delta-scan-planner.js';
import type { DeltaTransaction } from '../write/transaction.js';

export const FILE_COL = quoteIdentifier(ROW_FILE_COLUMN);
export const ROW_COL = quoteIdentifier(ROW_POSITION_COLUMN);

/**
 * The rows of some live files of the table, each with its identity: `__loch_file` is the index
 * of its file in `files`, `__loch_row` its position in that file (what a deletion vector marks).
 */
export interface TargetScan {
  readonly files: readonly AddFile[];
  /** A relation over the files (deleted rows already gone), columns by logical name. */
  readonly sql: string;
  /** Rows already deleted per file (by its deletion vector), ascending; index as in `files`. */
  readonly deleted: readonly (ArrayLike<number> | undefined)[];
  release(): Promise<void>;
}

/**
 * Registers a scan of `files` read with `schema` (the transaction's, so columns added since a
 * file was written read as NULL), keeping the file order so indexes stay stable.
 */
export async function scanTarget(tx: DeltaTransaction, session: Session, schema: StructType, files: readonly AddFile[]): Promise<TargetScan> {
  const snapshot = tx.snapshot;
  if (snapshot === undefined) throw new Error('unreachable: DML needs a table');
  const planned = await planDeltaScan(tx.ctx, tx.table, { ...snapshot, schema, files }, {});
  try {
    const registered = await session.registerScan({ ...planned.spec, rowIdentity: true });
    return {
      files,
      sql: registered.sql,
      deleted: planned.spec.files.map((f) => f.deletedRows),
      release: async () => {
        try {
          await registered.dispose();
        } finally {
          planned.release();
        }
      },
    };
  } catch (error) {
    planned.release();
    throw error;
  }
}
