/**
 * A volume's files seen as a tree of files and directories, which the Files API needs and the
 * ObjectStore port (flat keys, no directories, whole-object writes) does not offer. Two
 * implementations: `LocalTree` for volumes on the local file system (real directories, empty
 * ones included; uploads streamed to disk; downloads from one open file), and `KeyTree` for
 * any other store (directories implied by the keys below them; uploads buffered, bounded).
 *
 * Keys are the catalog's volume keys (`VolumeFile.key`, '' for the volume root), already checked
 * by `resolveVolumePath`; trees never see a path that could leave the volume.
 */
import type { VolumeFile } from '../../catalog/catalog-types.js';
import { LochError } from '../../core/errors.js';
import type { IdSource } from '../../core/ids.js';
import { KeyTree } from './key-tree.js';
import { LocalTree } from './local-tree.js';

export type TreeEntry =
  | { readonly kind: 'file'; readonly size: number; readonly lastModified: number }
  | { readonly kind: 'directory'; readonly lastModified: number | undefined };

/** One entry of a directory listing. */
export interface ChildEntry {
  readonly name: string;
  readonly directory: boolean;
  /** Bytes of a file; undefined for a directory. */
  readonly size: number | undefined;
  /** Epoch ms; undefined where the store keeps none (directories of object stores). */
  readonly lastModified: number | undefined;
}

export interface ChildPage {
  readonly entries: readonly ChildEntry[];
  /** More entries follow the last one. */
  readonly more: boolean;
}

/** A file opened for download: size and time are those of the bytes the stream sends. */
export interface OpenedFile {
  readonly size: number;
  readonly lastModified: number;
  /**
   * Bytes `start`..`end` (inclusive) as a stream with backpressure. The stream releases the file
   * when it ends, fails or is cancelled (a client that goes away); call it at most once.
   */
  stream(start: number, end: number): ReadableStream<Uint8Array>;
  /** Releases the file without streaming (HEAD, 416). Idempotent. */
  close(): Promise<void>;
}

export interface VolumeTree {
  /** What is at `key`: a file, a directory (the root '' always is one) or nothing. */
  stat(key: string): Promise<TreeEntry | undefined>;
  /**
   * Immediate children of the directory `dirKey`, in ascending `childOrderKey` order, only
   * those ordered after `after`, at most `limit`.
   */
  listChildren(dirKey: string, after: string | undefined, limit: number): Promise<ChildPage>;
  /** Creates the directory and its parents (callers check `conflictAt` first). */
  makeDirectory(key: string): Promise<void>;
  /** Removes an empty directory; 'not-empty' leaves it as it is. */
  removeDirectory(key: string): Promise<'removed' | 'not-empty'>;
  removeFile(key: string): Promise<void>;
  /** The file at `key` opened for reading, or undefined when there is no file there. */
  openFile(key: string): Promise<OpenedFile | undefined>;
  /**
   * Writes the file from `chunks`; readers see the old bytes or all the new ones, never a part.
   * With `overwrite` false an existing file is kept and the result is 'exists' (atomically: of
   * two concurrent creations one wins). A failure of `chunks` (size limit, client gone) leaves
   * no trace and is rethrown.
   */
  writeFile(key: string, chunks: AsyncIterable<Uint8Array>, overwrite: boolean): Promise<'written' | 'exists'>;
}

export interface TreeOptions {
  readonly ids: IdSource;
  /** Largest upload a tree that must hold it in memory (KeyTree) accepts. */
  readonly maxBufferedBytes: number;
}

/** The tree of the volume `file` lives in: LocalTree when its store is a local directory. */
export function treeFor(file: VolumeFile, options: TreeOptions): VolumeTree {
  const volumePath = `/Volumes/${file.volume.catalog}/${file.volume.schema}/${file.volume.name}`;
  if (file.store.url.startsWith('file:') && file.store.localPath !== undefined) {
    return new LocalTree(file.store, volumePath, options.ids);
  }
  return new KeyTree(file.store, volumePath, options.maxBufferedBytes);
}

/**
 * The order listings use: a directory sorts as its name followed by '/', compared by UTF-8
 * bytes, which is the order of the object keys below it (so a key listing yields children in
 * this order, and a page token can resume a key listing).
 */
export function childOrderKey(entry: Pick<ChildEntry, 'name' | 'directory'>): string {
  return entry.directory ? `${entry.name}/` : entry.name;
}

/**
 * Why a `want` cannot be created at `key`, or undefined when it can: a file at one of its
 * parents, or (for a file) a directory at the key itself, or (for a directory) a file there.
 */
export async function conflictAt(tree: VolumeTree, key: string, want: 'file' | 'directory'): Promise<string | undefined> {
  const segments = key.split('/');
  for (let n = 1; n < segments.length; n += 1) {
    const parent = segments.slice(0, n).join('/');
    const entry = await tree.stat(parent);
    if (entry?.kind === 'file') return `a file exists at its parent ${parent}`;
    if (entry === undefined) break;
  }
  const entry = await tree.stat(key);
  if (want === 'file' && entry?.kind === 'directory') return 'a directory exists at that path';
  if (want === 'directory' && entry?.kind === 'file') return 'a file exists at that path';
  return undefined;
}

/** The error of a path that is occupied by something else (409). */
export function occupied(path: string, reason: string): LochError {
  return new LochError('ALREADY_EXISTS', `files: cannot create ${path}: ${reason} (ALREADY_EXISTS)`, { context: { path } });
}
