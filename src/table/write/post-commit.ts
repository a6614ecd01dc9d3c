import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeRowsAsParquet } from '../../engine/index.js';
import { LAST_CHECKPOINT_KEY, LOG_DIR, classicCheckpointKey, commitKey, multiPartCheckpointKey } from '../../formats/delta/log/log-files.js';
import { loadDeltaSnapshot } from '../../formats/delta/snapshot.js';
import type { DeltaSnapshot } from '../../formats/delta/snapshot.js';
import type { Metadata } from '../../formats/delta/spec/actions.js';
import { checkpointRows, checkpointSchema, lastCheckpointJson } from '../../formats/delta/write/checkpoint-write.js';
import { expiredLogFiles } from '../../formats/delta/write/log-cleanup.js';
import { parseTableProperties } from '../../formats/delta/write/properties.js';
import type { TableContext } from '../context.js';
import type { TableLocation } from '../location.js';
import { convertAfterCommit } from '../uniform/after-commit.js';
import { isUniformIceberg } from '../uniform/uniform-properties.js';

/** Actions per part above which a checkpoint is split into a multi-part checkpoint. */
export const DEFAULT_CHECKPOINT_PART_ACTIONS = 1_000_000;

/**
 * Work after a successful commit: the Iceberg metadata of a UniForm table (uniform/after-commit.ts),
 * a checkpoint every `delta.checkpointInterval` versions, and then the clean-up of log files
 * older than `delta.logRetentionDuration`.
 *
 * Both are optimisations over a commit that has already happened, so their failures never
 * reach the caller: the next checkpoint interval tries again, and readers do not need either.
 */
export async function afterCommit(ctx: TableContext, table: TableLocation, version: number, metadata: Metadata): Promise<void> {
  // UniForm: Iceberg metadata for the new version; never throws (failures become warnings).
  if (isUniformIceberg(metadata.configuration)) await convertAfterCommit(ctx, table, version);
  const props = parseTableProperties({ ...metadata.configuration }, table.name, { allowUnknownDeltaKeys: true });
  if (version === 0 || version % props.checkpointInterval !== 0) return;
  try {
    await writeCheckpoint(ctx, table, version);
    await cleanUpLog(ctx, table, version, props.logRetentionMs);
  } catch {
    // See the doc comment: a missed checkpoint costs read time, never correctness.
  }
}

export interface CheckpointOptions {
  readonly partActions?: number;
}

/** Writes a classic (or multi-part) parquet checkpoint of `version` and points `_last_checkpoint` at it. */
export async function writeCheckpoint(ctx: TableContext, table: TableLocation, version: number, options: CheckpointOptions = {}): Promise<{ parts: number; actions: number; sizeInBytes: number }> {
  const snapshot = await loadDeltaSnapshot(table.store, ctx.parquet, { table: table.name, version });
  const rows = [...checkpointRows(stateOf(snapshot))];
  const partActions = options.partActions ?? DEFAULT_CHECKPOINT_PART_ACTIONS;
  const parts = rows.length > partActions ? Math.ceil(rows.length / partActions) : 1;
  const dir = await mkdtemp(join(tmpdir(), 'loch-checkpoint-'));
  const session = await ctx.engine.session();
  let sizeInBytes = 0;
  try {
    for (let part = 1; part <= parts; part++) {
      const slice = rows.slice((part - 1) * partActions, part * partActions);
      const local = join(dir, `part-${part}.parquet`);
      await writeRowsAsParquet(session, slice, checkpointSchema(), local);
      const bytes = await readFile(local);
      sizeInBytes += bytes.byteLength;
      const key = parts === 1 ? classicCheckpointKey(version) : multiPartCheckpointKey(version, part, parts);
      await table.store.put(key, bytes);
    }
  } finally {
    await session.close();
    await rm(dir, { recursive: true, force: true });
  }
  const last = lastCheckpointJson({ version, size: rows.length, ...(parts > 1 ? { parts } : {}), sizeInBytes, numOfAddFiles: snapshot.files.length });
  await table.store.put(LAST_CHECKPOINT_KEY, new TextEncoder().encode(last));
  return { parts, actions: rows.length, sizeInBytes };
}

function stateOf(snapshot: DeltaSnapshot) {
  return {
    protocol: snapshot.protocol,
    metadata: snapshot.metadata,
    files: snapshot.files,
    txns: snapshot.txns.values(),
    domainMetadata: snapshot.domainMetadata.values(),
  };
}

/** Deletes log files every retained version can do without (see expiredLogFiles). */
export async function cleanUpLog(ctx: TableContext, table: TableLocation, latestVersion: number, retentionMs: number): Promise<string[]> {
  const files: { key: string; lastModified: number }[] = [];
  for await (const meta of table.store.list(LOG_DIR)) files.push({ key: meta.key, lastModified: meta.lastModified });
  // Ages are file times, so "now" is too: the newest commit's file time, or the injected clock if
  // that is earlier. A clock ahead of the file system can then never expire a retained version.
  const newest = files.find((f) => f.key === commitKey(latestVersion))?.lastModified ?? ctx.clock.now();
  const expired = expiredLogFiles(files, { retentionMs, now: Math.min(ctx.clock.now(), newest), latestVersion });
  for (const key of expired) await table.store.delete(key);
  return expired;
}
