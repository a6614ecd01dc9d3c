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
 * by reading the commit back and comparing its txnId, and so is an 'exists' answer (an SDK retry
 * of our own put meets our object), so a commit is neither lost nor doubled. When the read-back
 * keeps failing the outcome stays unknown: STORAGE_ERROR with context.outcome 'unknown' and
 * retryable false, because re-running the write could commit it twice.
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
    const winners = await readWinners(table, version);
    // A store may answer 'exists' to our own write (the S3 SDK retries a PutObject whose reply
    // was lost and the retry meets our object): the log, not the answer, says who committed.
    if (winners[0]?.txnId === txnId) {
      return { version, attempts: attempt, rebasedOver, operation: prepared.operation.name, metrics: prepared.operation.metrics, commitInfo };
    }
    if (prepared.readVersion < 0) {
      throw new LochError('ALREADY_EXISTS', `delta commit: table ${table.name} already exists (another writer created version 0)`, { context: { table: table.name } });
    }
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

/** Read-backs of a commit whose put had an unknown outcome, before giving up. */
const READ_BACK_ATTEMPTS = 8;

/**
 * put-if-absent, resolving an unknown outcome (a retryable failure: the request may or may not
 * have reached the store) by reading the commit back and comparing its txnId. A failed read-back
 * is tried again rather than taken as "absent": retrying the put after our object landed would
 * answer 'exists' and the loop would commit the same actions a second time.
 */
async function putCommit(table: TableLocation, version: number, bytes: Uint8Array, txnId: string): Promise<'created' | 'exists'> {
  const key = commitKey(version);
  let lastError: unknown;
  for (let attempt = 0; attempt < READ_BACK_ATTEMPTS; attempt++) {
    try {
      return await table.store.putIfAbsent(key, bytes);
    } catch (error) {
      if (!isLochError(error) || !error.retryable) throw error;
      lastError = error;
    }
    const existing = await readBack(table, key, version);
    if (existing !== undefined) return new TextDecoder().decode(existing).includes(`"txnId":"${txnId}"`) ? 'created' : 'exists';
    await pause(attempt);
  }
  throw new LochError('STORAGE_ERROR', `delta commit: table ${table.name}: could not write version ${version} after ${READ_BACK_ATTEMPTS} attempts`, {
    context: { table: table.name, version },
    cause: lastError,
    retryable: true,
  });
}

/** The commit file's bytes or undefined when it is absent; retryable read failures are retried. */
async function readBack(table: TableLocation, key: string, version: number): Promise<Uint8Array | undefined> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await table.store.get(key);
    } catch (error) {
      if (!isLochError(error) || !error.retryable || attempt + 1 >= READ_BACK_ATTEMPTS) {
        // Not retryable on purpose: the commit may have landed, so re-running the whole write
        // could commit it twice. The caller must look at the log before trying again.
        throw new LochError('STORAGE_ERROR', `delta commit: table ${table.name}: version ${version} may or may not have been committed (the put failed and reading it back failed ${attempt + 1} times); check the table history before retrying`, {
          context: { table: table.name, version, outcome: 'unknown' },
          cause: error,
          retryable: false,
        });
      }
      await pause(attempt);
    }
  }
}

function pause(attempt: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.min(200, 5 * 2 ** attempt)));
}

interface Winner {
  readonly version: number;
  readonly actions: readonly Action[];
  readonly txnId?: string;
  readonly inCommitTimestamp?: number;
}

/** Every commit from `from` on that exists now, in order. */
async function readWinners(table: TableLocation, from: number): Promise<Winner[]> {
  const winners: Winner[] = [];
  for (let v = from; ; v++) {
    const read = await readWinner(table, v, v === from);
    if (read === undefined) break;
    const info = read.actions.find((a) => a.kind === 'commitInfo');
    const ict = info?.kind === 'commitInfo' ? info.commitInfo.inCommitTimestamp : undefined;
    const txnId = info?.kind === 'commitInfo' ? info.commitInfo.raw['txnId'] : undefined;
    winners.push({ version: v, actions: read.actions, ...(ict !== undefined ? { inCommitTimestamp: ict } : {}), ...(typeof txnId === 'string' ? { txnId } : {}) });
  }
  if (winners.length === 0) {
    throw new LochError('INTERNAL', `delta commit: table ${table.name}: version ${from} exists but could not be read back`, { retryable: true });
  }
  return winners;
}

/**
 * One winning commit, or undefined past the end of the log; retryable read failures are tried
 * again. The commit at the version we just tried may be our own (see the caller), so failing to
 * read that one leaves the outcome unknown and must not be reported as retryable.
 */
async function readWinner(table: TableLocation, version: number, mayBeOurs: boolean): Promise<{ actions: Action[] } | undefined> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await readCommitActions(table.store, table.name, version);
    } catch (error) {
      if (isLochError(error, 'NOT_FOUND') || isLochError(error, 'VERSION_NOT_AVAILABLE')) return undefined;
      const retryable = isLochError(error) && error.retryable;
      if (retryable && attempt + 1 < READ_BACK_ATTEMPTS) {
        await pause(attempt);
        continue;
      }
      if (!retryable || !mayBeOurs) throw error;
      throw new LochError('STORAGE_ERROR', `delta commit: table ${table.name}: version ${version} may or may not be this transaction's commit (reading it failed ${attempt + 1} times); check the table history before retrying`, {
        context: { table: table.name, version, outcome: 'unknown' },
        cause: error,
        retryable: false,
      });
    }
  }
}
