import { toLochError } from '../../../core/errors.js';
import type { ObjectStore } from '../../../storage/object-store.js';
import { logError } from '../errors-context.js';
import type { LogWhere } from '../errors-context.js';
import { utf8Decode } from '../../../core/bytes.js';
import { parseAction, parseCommitFile } from '../spec/actions.js';
import type { Action, CommitInfo } from '../spec/actions.js';
import { LOG_READ_CONCURRENCY, mapLimit } from './concurrency.js';
import type { LogFileRef } from './listing.js';
import type { CommitData } from './replay.js';

/**
 * Reads and parses one commit file. A file that vanished since it was listed (a concurrent
 * metadata cleanup) throws NOT_FOUND; unparsable bytes throw CORRUPT_DATA.
 */
export async function readCommitFile(store: ObjectStore, ref: LogFileRef, table: string): Promise<CommitData> {
  const where = { table, version: ref.version };
  let bytes: Uint8Array | undefined;
  try {
    bytes = await store.get(ref.key);
  } catch (error) {
    const inner = toLochError(error, 'STORAGE_ERROR', 'delta log');
    throw logError(inner.code, 'delta log', where, `cannot read ${ref.key}: ${inner.message}`, { cause: inner });
  }
  if (bytes === undefined) throw logError('NOT_FOUND', 'delta log', where, `commit file ${ref.key} disappeared while reading the log`);
  return { version: ref.version, key: ref.key, lastModified: ref.lastModified, actions: parseCommitFile(bytes, where) };
}

/** Reads many commit files concurrently (bounded), keeping their order. */
export function readCommitFiles(store: ObjectStore, refs: readonly LogFileRef[], table: string): Promise<CommitData[]> {
  return mapLimit(refs, LOG_READ_CONCURRENCY, (ref) => readCommitFile(store, ref, table));
}

/**
 * Finds the commitInfo of a commit file without parsing its other actions (only lines that
 * mention "commitInfo" are parsed), for history and timestamp lookups over many commits.
 * Bytes that are not UTF-8, or a candidate line that is not JSON, throw CORRUPT_DATA.
 */
export function findCommitInfo(bytes: Uint8Array, where: LogWhere): CommitInfo | undefined {
  let text: string;
  try {
    text = utf8Decode(bytes);
  } catch (cause) {
    throw logError('CORRUPT_DATA', 'delta log', where, 'commit file is not valid UTF-8', { cause });
  }
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] ?? '').trim();
    if (!line.includes('"commitInfo"')) continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (cause) {
      throw logError('CORRUPT_DATA', 'delta log', where, `line ${i + 1} is not valid JSON`, { cause, context: { line: i + 1 } });
    }
    const action = parseAction(value, { ...where, line: i + 1 });
    if (action?.kind === 'commitInfo') return action.commitInfo;
  }
  return undefined;
}

/** The commitInfo action of a commit, if it has one. */
export function commitInfoOf(actions: readonly Action[]): CommitInfo | undefined {
  for (const action of actions) if (action.kind === 'commitInfo') return action.commitInfo;
  return undefined;
}

/**
 * A commit's timestamp (ms): its in-commit timestamp when it has one, else commitInfo.timestamp,
 * else the commit file's modification time.
 */
export function commitTimestamp(info: CommitInfo | undefined, lastModified: number): number {
  return info?.inCommitTimestamp ?? info?.timestamp ?? lastModified;
}
