import type { Session } from '../../engine/index.js';
import { loadDeltaSnapshot } from '../../formats/delta/snapshot.js';
import type { TableContext } from '../context.js';
import type { TableLocation } from '../location.js';
import type { CommitResult } from '../write/commit-loop.js';
import { DeltaTransaction } from '../write/transaction.js';

/** A row-level operation's outcome: the commit (none when no row changed) and its counts. */
export interface DmlOutcome<M> {
  readonly commit?: CommitResult;
  readonly result: M;
}

/**
 * Runs one row-level operation on the latest version in its own transaction: stage, then commit
 * when something was staged. A commit race with a conflicting change fails with CONFLICT (the
 * operation read rows that changed); non-conflicting races are retried by the commit loop.
 */
export async function runDml<M>(ctx: TableContext, table: TableLocation, session: Session | undefined, stage: (tx: DeltaTransaction, session: Session) => Promise<M>): Promise<DmlOutcome<M>> {
  const snapshot = await loadDeltaSnapshot(table.store, ctx.parquet, { table: table.name });
  const tx = new DeltaTransaction(ctx, table, snapshot);
  const own = session ?? (await ctx.engine.session());
  try {
    const result = await stage(tx, own);
    if (tx.addedFiles.length === 0 && tx.removedFileActions.length === 0) return { result };
    return { commit: await tx.commit(), result };
  } finally {
    if (session === undefined) await own.close();
  }
}
