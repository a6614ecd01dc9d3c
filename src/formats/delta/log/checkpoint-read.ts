import { toLochError } from '../../../core/errors.js';
import type { LochError } from '../../../core/errors.js';
import type { ObjectStore } from '../../../storage/object-store.js';
import { logError } from '../errors-context.js';
import type { LogWhere } from '../errors-context.js';
import type { ParquetJsonReader } from '../parquet-port.js';
import { parseAction, parseCommitFile } from '../spec/actions.js';
import type { Action, Sidecar } from '../spec/actions.js';
import { LOG_READ_CONCURRENCY, mapLimit } from './concurrency.js';
import { SIDECAR_DIR } from './log-files.js';
import type { SegmentCheckpoint } from './segment.js';

/**
 * Top-level checkpoint columns a snapshot needs. `remove` is left out on purpose: checkpoint
 * removes are VACUUM tombstones and never change the live file set.
 */
export const CHECKPOINT_COLUMNS: readonly string[] = ['add', 'metaData', 'protocol', 'txn', 'domainMetadata', 'checkpointMetadata', 'sidecar'];
/** Sidecars hold only file actions. */
export const SIDECAR_COLUMNS: readonly string[] = ['add'];

export interface CheckpointContents {
  /** Every action of the checkpoint and its sidecars, except the `sidecar` pointers themselves. */
  readonly actions: Action[];
  /** Keys of the sidecar files that were read. */
  readonly sidecarFiles: readonly string[];
}

function wrapReadError(error: unknown, where: LogWhere, key: string): LochError {
  const inner = toLochError(error, 'CORRUPT_DATA', 'delta checkpoint');
  return logError(inner.code, 'delta checkpoint', where, `cannot read ${key}: ${inner.message}`, { cause: inner, context: { key } });
}

async function readParquetActions(
  store: ObjectStore,
  parquet: ParquetJsonReader,
  key: string,
  columns: readonly string[],
  where: LogWhere,
): Promise<Action[]> {
  const actions: Action[] = [];
  const rows = parquet.readJsonRows(store, key, columns)[Symbol.asyncIterator]();
  let done = false;
  try {
    for (let row = 1; ; row++) {
      let next: IteratorResult<Record<string, unknown>>;
      try {
        next = await rows.next();
      } catch (error) {
        done = true;
        throw wrapReadError(error, where, key);
      }
      if (next.done === true) {
        done = true;
        break;
      }
      // Parse errors already name table, version and row; they pass through unwrapped.
      const action = parseAction(next.value, { ...where, line: row });
      if (action !== undefined) actions.push(action);
    }
  } finally {
    if (!done) await rows.return?.();
  }
  return actions;
}

async function readJsonActions(store: ObjectStore, key: string, where: LogWhere): Promise<Action[]> {
  let bytes: Uint8Array | undefined;
  try {
    bytes = await store.get(key);
  } catch (error) {
    throw wrapReadError(error, where, key);
  }
  if (bytes === undefined) {
    throw logError('NOT_FOUND', 'delta checkpoint', where, `checkpoint file ${key} is missing`, { context: { key } });
  }
  return parseCommitFile(bytes, where);
}

function safeDecode(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

/**
 * The store key of a sidecar: its path is relative to `_delta_log/_sidecars/`, or an absolute URI
 * that must point into some `_delta_log/_sidecars/` folder (whose file name is then used here).
 */
export function sidecarKey(path: string, where: LogWhere): string {
  let name = safeDecode(path);
  const absolute = name.startsWith('/') || /^[A-Za-z][A-Za-z0-9+.-]*:/.test(name);
  if (absolute) {
    const marker = '/_delta_log/_sidecars/';
    const at = name.lastIndexOf(marker);
    if (at < 0) {
      throw logError('CORRUPT_DATA', 'delta checkpoint', where, `sidecar path '${path}' is not inside _delta_log/_sidecars`, { context: { path } });
    }
    name = name.slice(at + marker.length);
  }
  if (name === '' || name.split('/').some((segment) => segment === '' || segment === '.' || segment === '..')) {
    throw logError('CORRUPT_DATA', 'delta checkpoint', where, `sidecar path '${path}' is not a valid file name`, { context: { path } });
  }
  return `${SIDECAR_DIR}${name}`;
}

function checkMetadataVersion(actions: readonly Action[], where: LogWhere): void {
  for (const action of actions) {
    if (action.kind === 'checkpointMetadata' && action.checkpointMetadata.version !== where.version) {
      throw logError('CORRUPT_DATA', 'delta checkpoint', where, `checkpointMetadata says version ${action.checkpointMetadata.version}`, {
        context: { checkpointMetadataVersion: action.checkpointMetadata.version },
      });
    }
  }
}

/**
 * Reads every action of a checkpoint: a classic or multi-part parquet checkpoint (through the
 * ParquetJsonReader port), or a V2 one (JSON or parquet) together with the sidecar files it
 * references in `_delta_log/_sidecars/`. Parts and sidecars are read concurrently; the result keeps
 * part order. Checkpoint `remove` tombstones are not read. Missing or unreadable files throw
 * (NOT_FOUND / CORRUPT_DATA) naming the table, version and file.
 */
export async function readCheckpointActions(
  store: ObjectStore,
  parquet: ParquetJsonReader,
  checkpoint: SegmentCheckpoint,
  table: string,
): Promise<CheckpointContents> {
  const where: LogWhere = { table, version: checkpoint.version };
  const parts = await mapLimit(checkpoint.files, LOG_READ_CONCURRENCY, (key) =>
    checkpoint.format === 'json' ? readJsonActions(store, key, where) : readParquetActions(store, parquet, key, CHECKPOINT_COLUMNS, where),
  );
  const actions: Action[] = [];
  const sidecars: Sidecar[] = [];
  for (const part of parts) {
    for (const action of part) {
      if (action.kind === 'sidecar') sidecars.push(action.sidecar);
      else actions.push(action);
    }
  }
  checkMetadataVersion(actions, where);
  const sidecarFiles = sidecars.map((s) => sidecarKey(s.path, where));
  const sidecarActions = await mapLimit(sidecarFiles, LOG_READ_CONCURRENCY, (key) =>
    readParquetActions(store, parquet, key, SIDECAR_COLUMNS, where),
  );
  for (const part of sidecarActions) {
    for (const action of part) if (action.kind === 'add' || action.kind === 'remove') actions.push(action);
  }
  return { actions, sidecarFiles };
}
