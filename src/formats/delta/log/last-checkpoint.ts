import { utf8Decode } from '../../../core/bytes.js';
import type { ObjectStore } from '../../../storage/object-store.js';
import { isJsonObject } from '../spec/json-fields.js';
import { LAST_CHECKPOINT_KEY } from './log-files.js';

/** The useful part of `_delta_log/_last_checkpoint` (PROTOCOL.md "Last Checkpoint File Schema"). */
export interface LastCheckpointHint {
  readonly version: number;
  readonly size?: number;
  readonly parts?: number;
}

/**
 * Parses `_last_checkpoint` bytes. The file is only a hint: anything that is not a JSON object
 * with a non-negative integer `version` (an empty file, a torn write, garbage) gives undefined
 * and the reader falls back to listing the whole log.
 */
export function parseLastCheckpoint(bytes: Uint8Array): LastCheckpointHint | undefined {
  let value: unknown;
  try {
    value = JSON.parse(utf8Decode(bytes));
  } catch {
    return undefined;
  }
  if (!isJsonObject(value)) return undefined;
  const version = value['version'];
  if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 0) return undefined;
  const hint: { version: number; size?: number; parts?: number } = { version };
  if (typeof value['size'] === 'number') hint.size = value['size'];
  if (typeof value['parts'] === 'number' && Number.isInteger(value['parts'])) hint.parts = value['parts'];
  return hint;
}

/** Reads the `_last_checkpoint` hint; undefined when the file is missing or unusable. */
export async function readLastCheckpointHint(store: ObjectStore): Promise<LastCheckpointHint | undefined> {
  const bytes = await store.get(LAST_CHECKPOINT_KEY);
  return bytes === undefined ? undefined : parseLastCheckpoint(bytes);
}
