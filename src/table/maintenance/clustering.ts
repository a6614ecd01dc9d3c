import { LochError } from '../../core/errors.js';
import type { DeltaTransaction } from '../write/transaction.js';

/**
 * Liquid clustering: sets the table's clustering columns (the `delta.clustering` domain
 * metadata, writer features `clustering` and `domainMetadata`); [] removes clustering.
 */
export function stageClustering(tx: DeltaTransaction, _columns: readonly string[]): void {
  throw new LochError('NOT_IMPLEMENTED', `delta: table ${tx.table.name}: CLUSTER BY is not built yet`);
}
