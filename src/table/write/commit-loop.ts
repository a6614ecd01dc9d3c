import { LochError, isLochError } from '../../core/errors.js';
import { readCommitActions } from '../../formats/delta/snapshot.js';
import { canonicalRoot } from '../../formats/delta/log/file-identity.js';
import { commitKey } from '../../formats/delta/log/log-files.js';
import type { Action, CommitInfo, Metadata, Protocol } from '../../formats/delta/spec/actions.js';
import { encodeActions } from '../../formats/delta/write/commit-encode.js';
import { checkConflicts, conflictError } from '../../formats/delta/write/conflict.js';
import type { TransactionFootprint } from '../../formats/delta/write/conflict.js';
import { assertValidCommit } from '../../formats/delta/write/validate-actions.js';
import type { TableContext } from '../context.js';
import type { TableLocation } from '../location.js';
import { buildCommitInfo } from './commit-info.js';
import type { OperationRecord } from './commit-info.js';

/** What a transaction hands the commit loop: everything but the version it lands at. */
export interface PreparedCommit {
  readonly operation: OperationRecord;
  /** Every action except commitInfo, in log order (protocol, metaData, txn, domainMetadata, remove, add, cdc). */
  readonly actions: readonly Action[];
  readonly footprint: Omit<TransactionFootprint, 'readVersion'>;
  /** Protocol and metadata the table has before this commit (undefined when creating it). */
  readonly before?: { readonly protocol: Protocol; readonly metadata: Metadata };
  /** Protocol and metadata in force after this commit. */
  readonly after: { readonly protocol: Protocol; readonly metadata: Metadata };
  /** The version the transaction read; -1 when it creates the table. */
  readonly readVersion: number;
  /** In-commit timestamp of the read version (ms), when the table has them. */
  readonly readTimestamp?: number;
}

export interface CommitResult {
  readonly version: number;
  /** Attempts it took (1 = no race lost). */
  readonly attempts: number;
  /** Versions other writers committed between the read and this commit. */
  readonly rebasedOver: readonly number[];
  readonly operation: string;
  readonly metrics: Readonly<Record<string, string>>;
  readonly commitInfo: Readonly<Record<string, unknown>>;
}

export interface CommitLoopOptions {
  /** Races to lose (each followed by a clean conflict check) before giving up. */
  readonly maxAttempts?: number;
}

const DEFAULT_MAX_ATTEMPTS = 10_000;

/**
 * Commits a prepared transaction: an atomic put-if-absent of `_delta_log/<v>.json`.
 *
 * On losing the race the winning commits are read and checked against the transaction's
 * footprint with Delta's conflict rules; when none applies the same actions are retried at the
 * next version (data files are already written, only the log entry moves), otherwise a
 * CONFLICT error names the winning commit. Creating a table (readVersion −1) never rebases:
 * someone else's version 0 means the table exists (ALREADY_EXISTS).
 *
 * A storage failure whose outcome is unknown (a timeout after the request was sent) is resolved
 * by reading the commit back and comparing its txnId, so a commit is neither lost nor doubled.
 */
export async function commitPrepared(ctx: TableContext, table: TableLocation, prepared: PreparedCommit, options: CommitLoopOptions = {}): Promise<CommitResult> {
  const maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  const txnId = ctx.ids.uuid();
  const rebasedOver: number[] = [];
  let version = prepared.readVersion + 1;
  let lastTimestamp = prepared.readTimestamp;
  for (let attempt = 1; ; attempt++) {
    const commitInfo = buildCommitInfo(prepared, { txnId, now: ctx.clock.now(), ...(lastTimestamp !== undefined ? { previousTimestamp: lastTimestamp } : {}) });
    const actions: Action[] = [{ kind: 'commitInfo', commitInfo: commitInfoAction(commitInfo) }, ...prepared.actions];
    assertValidCommit(actions, prepared.before, { table: table.name, version });
    const outcome = await putCommit(table, version, encodeActions(actions), txnId);
    if (outcome === 'created') {
      return { version, attempts: attempt, rebasedOver, operation: prepared.operation.name, metrics: prepared.operation.metrics, commitInfo };
    }
    if (prepared.readVersion < 0) {
      throw new LochError('ALREADY_EXISTS', `delta commit: table ${table.name} already exists (another writer created version 0)`, { context: { table: table.name } });
    }
    const winners = await readWinners(table, version);
    const check = checkConflicts({ ...prepared.footprint, readVersion: prepared.readVersion }, winners, { root: canonicalRoot(table.store.url) });
    if (check.kind === 'conflict') throw conflictError(check, { table: table.name, version });
    if (attempt >= maxAttempts) {
      throw new LochError('CONFLICT', `delta commit: table ${table.name}: gave up after ${attempt} attempts; other writers keep committing`, {
        context: { table: table.name, attempts: attempt },
        retryable: true,
      });
    }
    for (const w of winners) {
      rebasedOver.push(w.version);
      lastTimestamp = w.inCommitTimestamp ?? lastTimestamp;
    }
    version = (winners.at(-1)?.version ?? version) + 1;
  }
}

function commitInfoAction(raw: Readonly<Record<string, unknown>>): CommitInfo {
  return { raw };
}

/** put-if-absent, resolving an unknown outcome by reading back the txnId. */
async function putCommit(table: TableLocation, version: number, bytes: Uint8Array, txnId: string): Promise<'created' | 'exists'> {
  const key = commitKey(version);
  try {
    return await table.store.putIfAbsent(key, bytes);
  } catch (error) {
    if (!isLochError(error) || !error.retryable) throw error;
    const existing = await table.store.get(key).catch(() => undefined);
    if (existing === undefined) return putCommit(table, version, bytes, txnId);
    return new TextDecoder().decode(existing).includes(`"txnId":"${txnId}"`) ? 'created' : 'exists';
  }
}

interface Winner {
  readonly version: number;
  readonly actions: readonly Action[];
  readonly inCommitTimestamp?: number;
}

/** Every commit from `from` on that exists now, in order. */
async function readWinners(table: TableLocation, from: number): Promise<Winner[]> {
  const winners: Winner[] = [];
  for (let v = from; ; v++) {
    let read: { actions: Action[] };
    try {
      read = await readCommitActions(table.store, table.name, v);
    } catch (error) {
      if (isLochError(error, 'NOT_FOUND') || isLochError(error, 'VERSION_NOT_AVAILABLE')) break;
      throw error;
    }
    const info = read.actions.find((a) => a.kind === 'commitInfo');
    const ict = info?.kind === 'commitInfo' ? info.commitInfo.inCommitTimestamp : undefined;
    winners.push({ version: v, actions: read.actions, ...(ict !== undefined ? { inCommitTimestamp: ict } : {}) });
  }
  if (winners.length === 0) {
    throw new LochError('INTERNAL', `delta commit: table ${table.name}: version ${from} exists but could not be read back`, { retryable: true });
  }
  return winners;
}
