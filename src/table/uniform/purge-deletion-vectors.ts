import type { Session } from '../../engine/index.js';
import { quoteIdentifier } from '../../expr/to-sql.js';
import type { Metadata } from '../../formats/delta/spec/actions.js';
import { planDeltaScan } from '../delta-scan-planner.js';
import { writeDataFiles } from '../write/data-files.js';
import { currentSchema } from '../write/schema-change.js';
import type { DeltaTransaction } from '../write/transaction.js';

/**
 * Rewrites every live file of `tx`'s snapshot that has a deletion vector into new files without
 * the deleted rows (Databricks' REORG … APPLY (PURGE)), in `tx`: used when UniForm Iceberg is
 * turned on for a table that has deletion vectors, because IcebergCompatV2 tables (and Iceberg
 * v2 readers) have none. The files are read through the normal scan (deletion vectors applied)
 * and written under the transaction's pending metadata (column mapping, partition values in
 * the files); removes and adds carry dataChange = false: no row changes. Returns the number of
 * files rewritten.
 */
export async function purgeDeletionVectors(tx: DeltaTransaction, session: Session, metadata: Metadata): Promise<number> {
  const snapshot = tx.snapshot;
  const files = (snapshot?.files ?? []).filter((f) => f.deletionVector !== undefined);
  if (snapshot === undefined || files.length === 0) return 0;
  const schema = currentSchema(tx);
  const planned = await planDeltaScan(tx.ctx, tx.table, { ...snapshot, files }, {});
  try {
    const registered = await session.registerScan(planned.spec);
    try {
      const columns = snapshot.schema.fields.map((f) => quoteIdentifier(f.name)).join(', ');
      const written = await writeDataFiles(tx.ctx, tx.table, session, { schema, partitionColumns: metadata.partitionColumns, metadata }, `SELECT ${columns} FROM ${registered.sql} AS __loch_purge`);
      const now = tx.ctx.clock.now();
      tx.removeFiles(files, now, { dataChange: false });
      tx.addFiles(written.adds.map((add) => ({ ...add, dataChange: false })));
    } finally {
      await registered.dispose();
    }
  } finally {
    planned.release();
  }
  return files.length;
}
