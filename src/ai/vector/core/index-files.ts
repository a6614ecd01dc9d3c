import { LochError, toLochError } from '../../../core/errors.js';
import { randomIds } from '../../../core/ids.js';
import type { IdSource } from '../../../core/ids.js';
import type { ObjectStore } from '../../../storage/object-store.js';
import { decodeBase, decodeSegment, encodeBase, encodeSegment } from './index-file-codec.js';
import { LiveIndex } from './live-index.js';
import type { LiveRow } from './live-index-types.js';

/**
 * Persistence of one LiveIndex through the ObjectStore, log-structured:
 * - a base snapshot (`base-<uuid>.vix`): HNSW graph bytes, key map, keyword index, options;
 * - segments (`seg-<uuid>.vsg`): the upserts (pk, vector, text) and deletes of one sync.
 * Files are written once with putIfAbsent under unique names and never changed, so a reader of
 * any committed IndexRef always finds complete files. The service commits the new IndexRef in the
 * catalog only after the files are durable: a crash before the commit leaves unreferenced files
 * (removed later by `removeUnreferenced`), never a half-written index.
 */

/** What the service stores in the catalog: file names relative to the index folder, segments oldest first. */
export interface IndexRef {
  readonly base: string;
  readonly segments: readonly string[];
}

/** One sync's changes, applied in order: deletes first, then upserts. */
export interface SegmentChange {
  readonly upserts: readonly LiveRow[];
  readonly deletes: readonly string[];
}

/** The service asks for a new base (compaction) once a ref has more segments than this. */
export const MAX_SEGMENTS = 16;

export interface IndexFileOptions {
  /** Unique file names (default random UUIDs). */
  readonly ids?: IdSource;
}

/** `folder` joined with a file name; folder '' means the store root. */
export function indexFileKey(folder: string, name: string): string {
  const trimmed = folder.replace(/\/+$/, '');
  return trimmed === '' ? name : `${trimmed}/${name}`;
}

/** True when the ref should be compacted into a new base (more than MAX_SEGMENTS segments). */
export function needsCompaction(ref: IndexRef): boolean {
  return ref.segments.length > MAX_SEGMENTS;
}

/** The ref with one more segment (pure). */
export function withSegment(ref: IndexRef, segment: string): IndexRef {
  return { base: ref.base, segments: [...ref.segments, segment] };
}

/** Writes the whole index as a new base file; returns the ref {base, segments: []}. */
export async function writeBase(store: ObjectStore, folder: string, index: LiveIndex, options: IndexFileOptions = {}): Promise<IndexRef> {
  const name = `base-${(options.ids ?? randomIds).uuid()}.vix`;
  await createFile(store, indexFileKey(folder, name), encodeBase(index.parts()));
  return { base: name, segments: [] };
}

/**
 * Writes one segment file; returns its name (append it to the ref with `withSegment`). The vectors
 * must have `dimensions` entries each (INVALID_ARGUMENT otherwise).
 */
export async function writeSegment(store: ObjectStore, folder: string, dimensions: number, change: SegmentChange, options: IndexFileOptions = {}): Promise<string> {
  const name = `seg-${(options.ids ?? randomIds).uuid()}.vsg`;
  await createFile(store, indexFileKey(folder, name), encodeSegment(dimensions, change));
  return name;
}

/**
 * Loads the base and replays the segments in order. NOT_FOUND when a file is missing,
 * CORRUPT_DATA when one does not decode.
 */
export async function readIndex(store: ObjectStore, folder: string, ref: IndexRef): Promise<LiveIndex> {
  const index = LiveIndex.fromParts(decodeBase(await readFile(store, folder, ref.base), ref.base));
  for (const name of ref.segments) {
    const change = decodeSegment(await readFile(store, folder, name), name, index.options.dimensions);
    index.delete(change.deletes);
    index.upsert(change.upserts);
  }
  return index;
}

/** Deletes the folder's index files that `ref` does not name (after a compaction or a crash); returns how many. */
export async function removeUnreferenced(store: ObjectStore, folder: string, ref: IndexRef): Promise<number> {
  const keep = new Set([ref.base, ...ref.segments].map((n) => indexFileKey(folder, n)));
  return removeWhere(store, folder, (key) => !keep.has(key));
}

/** Deletes every index file in the folder (DROP); returns how many. */
export async function removeIndexFiles(store: ObjectStore, folder: string): Promise<number> {
  return removeWhere(store, folder, () => true);
}

async function removeWhere(store: ObjectStore, folder: string, pick: (key: string) => boolean): Promise<number> {
  const prefix = indexFileKey(folder, '');
  const doomed: string[] = [];
  try {
    for await (const meta of store.list(prefix)) {
      const rest = meta.key.slice(prefix.length);
      if (/^(base-[^/]+\.vix|seg-[^/]+\.vsg)$/.test(rest) && pick(meta.key)) doomed.push(meta.key);
    }
    for (const key of doomed) await store.delete(key);
  } catch (e) {
    throw toLochError(e, 'STORAGE_ERROR', `vector index files: folder ${folder}`);
  }
  return doomed.length;
}

async function createFile(store: ObjectStore, key: string, bytes: Uint8Array): Promise<void> {
  const outcome = await store.putIfAbsent(key, bytes);
  if (outcome === 'exists') {
    throw new LochError('CONFLICT', `vector index files: ${key} exists already (file names must be unique)`, { context: { key }, retryable: true });
  }
}

async function readFile(store: ObjectStore, folder: string, name: string): Promise<Uint8Array> {
  const key = indexFileKey(folder, name);
  const bytes = await store.get(key);
  if (bytes === undefined) throw new LochError('NOT_FOUND', `vector index files: ${key} is missing`, { context: { key } });
  return bytes;
}
