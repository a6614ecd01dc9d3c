import type { FileHandle } from 'node:fs/promises';
import { link, mkdir, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { LochError } from '../../core/errors.js';
import type { IdSource } from '../../core/ids.js';
import { randomIds } from '../../core/ids.js';
import { LOCAL_TEMP_PREFIX, checkKey, checkPrefix, checkRange } from '../check-key.js';
import type { ListOptions, ObjectMeta, ObjectStore, PutIfAbsentResult } from '../object-store.js';
import { errnoCode, isMissing, localError } from './fs-errors.js';
import { walkKeys } from './local-list.js';

export interface LocalStoreOptions {
  /** Names the temp files (`.loch-tmp-<uuid>`); defaults to random UUIDs. */
  readonly ids?: IdSource;
  /**
   * fsync the parent directory after a rename or link so that a finished write survives a power
   * loss, not only a process crash. Default true; tests on throwaway directories may turn it off.
   */
  readonly syncDirectories?: boolean;
}

/**
 * An ObjectStore over a directory of the local file system (url `file:///abs/dir`).
 *
 * Writes never expose a partial object: bytes go to `.loch-tmp-<uuid>` in the target's directory
 * and are fsynced first. `put` renames the temp file over the target; `putIfAbsent` hard-links it
 * to the target (the link fails with EEXIST when the key exists, atomically) and then removes the
 * temp name. A crash can leave a temp file behind, never a partial target; listings skip temp
 * files, and keys with a segment starting with `.loch-tmp-` are rejected with PATH_ESCAPE.
 * Directories are created on demand and never listed. A key cannot be both an object and the
 * parent of other keys here (a file system limitation the other stores do not have).
 */
export class LocalStore implements ObjectStore {
  readonly url: string;
  readonly root: string;
  private readonly ids: IdSource;
  private readonly syncDirectories: boolean;

  constructor(root: string, options: LocalStoreOptions = {}) {
    if (!isAbsolute(root)) {
      throw new LochError('INVALID_ARGUMENT', `storage local: root ${JSON.stringify(root)} must be an absolute path`, {
        context: { root },
      });
    }
    this.root = resolve(root);
    this.url = pathToFileURL(this.root).href;
    this.ids = options.ids ?? randomIds;
    this.syncDirectories = options.syncDirectories ?? true;
  }

  /** The absolute path of `key` (whether or not the object exists). Validates the key. */
  localPath(key: string): string {
    this.check(key);
    return join(this.root, ...key.split('/'));
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    const path = this.localPath(key);
    try {
      const buffer = await readFile(path);
      return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw localError(error, 'get', key, this.url);
    }
  }

  async getRange(key: string, offset: number, length: number): Promise<Uint8Array> {
    const path = this.localPath(key);
    checkRange(this.url, key, offset, length);
    let handle: FileHandle | undefined;
    try {
      handle = await open(path, 'r');
      const size = (await handle.stat()).size;
      return await readAt(handle, offset, Math.max(0, Math.min(length, size - offset)));
    } catch (error) {
      if (isMissing(error)) throw this.notFound(key);
      throw localError(error, 'getRange', key, this.url);
    } finally {
      await handle?.close().catch(() => undefined);
    }
  }

  async head(key: string): Promise<ObjectMeta | undefined> {
    const path = this.localPath(key);
    try {
      const stats = await stat(path);
      return stats.isFile() ? { key, size: stats.size, lastModified: Math.floor(stats.mtimeMs) } : undefined;
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw localError(error, 'head', key, this.url);
    }
  }

  async *list(prefix: string, options: ListOptions = {}): AsyncGenerator<ObjectMeta> {
    checkPrefix(prefix, this.url);
    yield* walkKeys({ root: this.root, storeUrl: this.url, prefix, startAfter: options.startAfter });
  }

  async put(key: string, bytes: Uint8Array): Promise<void> {
    const target = this.localPath(key);
    const temp = await this.writeTemp(key, target, bytes);
    try {
      await rename(temp, target);
    } catch (error) {
      await removeQuietly(temp);
      throw localError(error, 'put', key, this.url);
    }
    await this.syncDirectory(key, dirname(target));
  }

  async putIfAbsent(key: string, bytes: Uint8Array): Promise<PutIfAbsentResult> {
    const target = this.localPath(key);
    const temp = await this.writeTemp(key, target, bytes);
    let result: PutIfAbsentResult = 'created';
    try {
      await link(temp, target);
    } catch (error) {
      if (errnoCode(error) !== 'EEXIST') {
        await removeQuietly(temp);
        throw localError(error, 'putIfAbsent', key, this.url);
      }
      result = 'exists';
    }
    await removeQuietly(temp);
    if (result === 'created') await this.syncDirectory(key, dirname(target));
    return result;
  }

  async delete(key: string): Promise<void> {
    const path = this.localPath(key);
    try {
      await unlink(path);
    } catch (error) {
      // A directory is not an object, so "deleting" one is deleting nothing.
      if (isMissing(error) || (errnoCode(error) === 'EPERM' && (await isDirectory(path)))) return;
      throw localError(error, 'delete', key, this.url);
    }
  }

  private check(key: string): void {
    checkKey(key, this.url);
    for (const segment of key.split('/')) {
      if (segment.startsWith(LOCAL_TEMP_PREFIX)) {
        throw new LochError('PATH_ESCAPE', `storage local: key ${JSON.stringify(key)} in store ${this.url} uses the reserved name prefix ${LOCAL_TEMP_PREFIX}`, {
          context: { key, store: this.url },
        });
      }
    }
  }

  /** Writes and fsyncs a temp file next to `target`; returns its path. */
  private async writeTemp(key: string, target: string, bytes: Uint8Array): Promise<string> {
    const dir = dirname(target);
    const temp = join(dir, `${LOCAL_TEMP_PREFIX}${this.ids.uuid()}`);
    let handle: FileHandle | undefined;
    try {
      await mkdir(dir, { recursive: true });
      handle = await open(temp, 'wx');
      await handle.writeFile(bytes);
      await handle.sync();
      const finished = handle;
      handle = undefined;
      await finished.close();
      return temp;
    } catch (error) {
      await handle?.close().catch(() => undefined);
      await removeQuietly(temp);
      throw localError(error, 'write', key, this.url);
    }
  }

  private async syncDirectory(key: string, dir: string): Promise<void> {
    if (!this.syncDirectories) return;
    let handle: FileHandle | undefined;
    try {
      handle = await open(dir, 'r');
      await handle.sync();
    } catch (error) {
      // Some file systems refuse fsync on directories; the data itself is already synced.
      if (errnoCode(error) !== 'EINVAL' && errnoCode(error) !== 'EISDIR') throw localError(error, 'sync directory of', key, this.url);
    } finally {
      await handle?.close().catch(() => undefined);
    }
  }

  private notFound(key: string): LochError {
    return new LochError('NOT_FOUND', `storage local: object ${key} not found in ${this.url}`, {
      context: { store: this.url, key },
    });
  }
}

async function readAt(handle: FileHandle, offset: number, length: number): Promise<Uint8Array> {
  const out = new Uint8Array(length);
  let filled = 0;
  while (filled < length) {
    const { bytesRead } = await handle.read(out, filled, length - filled, offset + filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return filled === length ? out : out.subarray(0, filled);
}

async function removeQuietly(path: string): Promise<void> {
  await unlink(path).catch(() => undefined);
}

async function isDirectory(path: string): Promise<boolean> {
  return stat(path).then((s) => s.isDirectory(), () => false);
}
