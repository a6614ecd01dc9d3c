/**
 * The ObjectStore port: the only way Loch touches bytes at rest.
 *
 * Keys are relative, '/'-separated paths inside the store's root ("tbl/_delta_log/00…0.json").
 * A key never starts with '/', never contains '.' or '..' segments or empty segments, and never
 * contains a NUL byte; implementations reject such keys with PATH_ESCAPE (see `checkKey`).
 *
 * Contract (every implementation passes tests/contract/object-store.contract.ts):
 * - `get` returns the whole object, or `undefined` when the key does not exist. Never a partial
 *   object: a reader sees either nothing or a complete object written by one `put`.
 * - `getRange(key, offset, length)` returns exactly `length` bytes starting at `offset`, or
 *   fewer when the object ends earlier; an offset at or past the end returns an empty array.
 *   A missing key throws NOT_FOUND (range reads only follow a `head` or a listing).
 * - `head` returns size and modification time, or `undefined` when missing.
 * - `list(prefix, { startAfter })` yields every object whose key starts with `prefix`, in
 *   ascending order of the key's UTF-8 bytes, each exactly once, only keys strictly greater than
 *   `startAfter` when given. Prefix is a plain string prefix, not a directory: "a/b" matches
 *   "a/bc". "Directories" are not objects and are never yielded.
 * - `put` replaces the object atomically (readers see the old or the new bytes, never a mix).
 * - `putIfAbsent` creates the object only if no object with that key exists, atomically with
 *   respect to every other `putIfAbsent` and `put` on the same key: of several concurrent calls
 *   exactly one returns 'created', the others 'exists', and the winner's bytes are what every
 *   later `get` returns. A loser leaves no trace. This is Loch's one commit primitive.
 * - `delete` removes the object; deleting a missing key is not an error (idempotent).
 * - Failures of the backend throw LochError with code STORAGE_ERROR (retryable where the
 *   backend says so); nothing else is thrown.
 */
export interface ObjectStore {
  /** A URL that names the root of this store, e.g. file:///data/lake or s3://bucket/prefix. */
  readonly url: string;
  get(key: string): Promise<Uint8Array | undefined>;
  getRange(key: string, offset: number, length: number): Promise<Uint8Array>;
  head(key: string): Promise<ObjectMeta | undefined>;
  list(prefix: string, options?: ListOptions): AsyncIterable<ObjectMeta>;
  put(key: string, bytes: Uint8Array): Promise<void>;
  putIfAbsent(key: string, bytes: Uint8Array): Promise<PutIfAbsentResult>;
  delete(key: string): Promise<void>;
  /**
   * A path on the local file system holding exactly this object's bytes, when the store can give
   * one without copying (the local store). DuckDB reads such paths directly; other stores go
   * through the file cache. Returns undefined when not available.
   */
  localPath?(key: string): string | undefined;
}

export interface ObjectMeta {
  readonly key: string;
  readonly size: number;
  /** Milliseconds since the Unix epoch. */
  readonly lastModified: number;
}

export interface ListOptions {
  readonly startAfter?: string;
}

export type PutIfAbsentResult = 'created' | 'exists';
