/**
 * The tree of a volume in a local directory (a `LocalStore`, whose `localPath` names each key's
 * file). Directories are real, so empty ones exist and are listed. Writes follow the local
 * store's own protocol (object-store.ts, local-store.ts): the bytes go to a
 * `.loch-tmp-<uuid>` file beside the target, which is fsynced and then renamed over the target
 * (overwrite) or hard-linked to it (create only: the link fails if the target exists, so one of
 * two concurrent creations wins). That is how an upload of any size is streamed to disk without
 * being held in memory, which the port's whole-object `put` cannot do. Temp files are never
 * listed. Symbolic links inside a volume are neither followed nor listed, so a link planted in
 * a volume directory cannot expose files outside it. File-system errors are reported naming the
 * volume path, never the host path.
 */
import type { Dirent } from 'node:fs';
import { constants } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { link, lstat, mkdir, open, readdir, rename, rmdir, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LochError } from '../../core/errors.js';
import type { IdSource } from '../../core/ids.js';
import { LOCAL_TEMP_PREFIX } from '../../storage/check-key.js';
import { compareUtf8 } from '../../storage/key-order.js';
import { errnoCode, isMissing } from '../../storage/local/fs-errors.js';
import type { ObjectStore } from '../../storage/object-store.js';
import type { ChildEntry, ChildPage, OpenedFile, TreeEntry, VolumeTree } from './volume-tree.js';
import { childOrderKey, occupied } from './volume-tree.js';

/** Bytes read per pull while streaming a download. */
const READ_SIZE = 256 * 1024;

export class LocalTree implements VolumeTree {
  private readonly root: string;

  constructor(
    private readonly store: ObjectStore,
    private readonly volumePath: string,
    private readonly ids: IdSource,
  ) {
    this.root = fileURLToPath(store.url);
  }

  async stat(key: string): Promise<TreeEntry | undefined> {
    if (key === '') return { kind: 'directory', lastModified: undefined };
    const stats = await lstat(this.pathOf(key)).catch((error: unknown) => this.absentOr(error, 'stat', key));
    if (stats?.isFile() === true) return { kind: 'file', size: stats.size, lastModified: Math.floor(stats.mtimeMs) };
    if (stats?.isDirectory() === true) return { kind: 'directory', lastModified: Math.floor(stats.mtimeMs) };
    return undefined;
  }

  async listChildren(dirKey: string, after: string | undefined, limit: number): Promise<ChildPage> {
    const dir = this.pathOf(dirKey);
    const dirents = await readdir(dir, { withFileTypes: true }).catch((error: unknown) => this.absentOr(error, 'list', dirKey));
    const names = (dirents ?? [])
      .filter((d) => (d.isFile() || d.isDirectory()) && !d.name.startsWith(LOCAL_TEMP_PREFIX))
      .map((d: Dirent) => ({ name: d.name, directory: d.isDirectory() }))
      .filter((e) => after === undefined || compareUtf8(childOrderKey(e), after) > 0)
      .sort((a, b) => compareUtf8(childOrderKey(a), childOrderKey(b)));
    const entries: ChildEntry[] = [];
    for (const candidate of names.slice(0, limit)) {
      const stats = await lstat(join(dir, candidate.name)).catch(() => undefined);
      if (stats === undefined) continue; // removed since readdir
      const lastModified = Math.floor(stats.mtimeMs);
      entries.push({ ...candidate, size: candidate.directory ? undefined : stats.size, lastModified });
    }
    return { entries, more: names.length > limit };
  }

  async makeDirectory(key: string): Promise<void> {
    try {
      await mkdir(this.pathOf(key), { recursive: true });
    } catch (error) {
      if (errnoCode(error) === 'EEXIST' || errnoCode(error) === 'ENOTDIR') throw occupied(`${this.volumePath}/${key}`, 'a file is in the way');
      throw this.failure(error, 'create directory', key);
    }
  }

  async removeDirectory(key: string): Promise<'removed' | 'not-empty'> {
    try {
      await rmdir(this.pathOf(key));
      return 'removed';
    } catch (error) {
      if (errnoCode(error) === 'ENOTEMPTY' || errnoCode(error) === 'EEXIST') return 'not-empty';
      if (isMissing(error)) return 'removed';
      throw this.failure(error, 'remove directory', key);
    }
  }

  async removeFile(key: string): Promise<void> {
    await unlink(this.pathOf(key)).catch((error: unknown) => this.absentOr(error, 'delete', key));
  }

  async openFile(key: string): Promise<OpenedFile | undefined> {
    if (key === '') return undefined;
    let handle: FileHandle;
    try {
      handle = await open(this.pathOf(key), constants.O_RDONLY | constants.O_NOFOLLOW);
    } catch (error) {
      if (isMissing(error) || errnoCode(error) === 'ELOOP') return undefined;
      throw this.failure(error, 'open', key);
    }
    const stats = await handle.stat().catch(async (error: unknown) => {
      await handle.close().catch(() => undefined);
      throw this.failure(error, 'stat', key);
    });
    if (!stats.isFile()) {
      await handle.close().catch(() => undefined);
      return undefined;
    }
    return openedFile(handle, stats.size, Math.floor(stats.mtimeMs), (error) => this.failure(error, 'read', key));
  }

  async writeFile(key: string, chunks: AsyncIterable<Uint8Array>, overwrite: boolean): Promise<'written' | 'exists'> {
    const target = this.pathOf(key);
    const dir = dirname(target);
    await mkdir(dir, { recursive: true }).catch((error: unknown) => {
      if (errnoCode(error) === 'EEXIST' || errnoCode(error) === 'ENOTDIR') throw occupied(`${this.volumePath}/${key}`, 'a file exists at one of its parents');
      throw this.failure(error, 'create directory for', key);
    });
    const temp = join(dir, `${LOCAL_TEMP_PREFIX}${this.ids.uuid()}`);
    try {
      await writeTemp(temp, chunks);
      const result = await this.place(temp, target, key, overwrite);
      await syncDirectory(dir);
      return result;
    } finally {
      await unlink(temp).catch(() => undefined);
    }
  }

  /** Moves the finished temp file to the target: rename (replace) or link (create only). */
  private async place(temp: string, target: string, key: string, overwrite: boolean): Promise<'written' | 'exists'> {
    try {
      if (overwrite) await rename(temp, target);
      else await link(temp, target);
      return 'written';
    } catch (error) {
      const code = errnoCode(error);
      if (!overwrite && code === 'EEXIST') {
        const existing = await this.stat(key);
        if (existing?.kind === 'file') return 'exists';
      }
      if (code === 'EISDIR' || code === 'ENOTEMPTY' || code === 'EEXIST' || code === 'ENOTDIR') {
        throw occupied(`${this.volumePath}/${key}`, 'a directory exists at that path');
      }
      throw this.failure(error, 'write', key);
    }
  }

  /**
   * The host path of a key, validated by the store (no '..', no temp names); the root for ''.
   * The store's refusal names the host directory, which clients must not learn: it is restated.
   */
  private pathOf(key: string): string {
    if (key === '') return this.root;
    let path: string | undefined;
    try {
      path = this.store.localPath?.(key);
    } catch (error) {
      throw new LochError('PATH_ESCAPE', `files: the path ${this.volumePath}/${key} is not allowed in a volume (names starting with ${LOCAL_TEMP_PREFIX} are reserved)`, {
        cause: error,
        context: { volume: this.volumePath, key },
      });
    }
    if (path === undefined) throw new LochError('INTERNAL', `files: volume ${this.volumePath} has no local path for ${key}`);
    return path;
  }

  /** undefined for "nothing there", else the wrapped failure thrown. */
  private absentOr(error: unknown, op: string, key: string): undefined {
    if (isMissing(error)) return undefined;
    throw this.failure(error, op, key);
  }

  private failure(error: unknown, op: string, key: string): LochError {
    if (error instanceof LochError) return error;
    const code = errnoCode(error);
    return new LochError('STORAGE_ERROR', `files: ${op} ${this.volumePath}${key === '' ? '' : `/${key}`} failed${code === undefined ? '' : ` (${code})`}`, {
      cause: error,
      retryable: code === 'EMFILE' || code === 'ENFILE' || code === 'EAGAIN' || code === 'EBUSY',
      context: { volume: this.volumePath, key },
    });
  }
}

/** Writes every chunk to a new file and fsyncs it; the file is left for the caller to place or remove. */
async function writeTemp(temp: string, chunks: AsyncIterable<Uint8Array>): Promise<void> {
  const handle = await open(temp, 'wx');
  try {
    for await (const chunk of chunks) {
      let written = 0;
      while (written < chunk.byteLength) {
        const { bytesWritten } = await handle.write(chunk, written, chunk.byteLength - written);
        written += bytesWritten;
      }
    }
    await handle.sync();
  } finally {
    await handle.close().catch(() => undefined);
  }
}

/** fsyncs a directory so a rename or link in it survives a power loss; best effort. */
async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r').catch(() => undefined);
  if (handle === undefined) return;
  await handle.sync().catch(() => undefined);
  await handle.close().catch(() => undefined);
}

/** Streams from one open handle, so the bytes are those of the file as opened even if it is replaced meanwhile. */
function openedFile(handle: FileHandle, size: number, lastModified: number, failure: (error: unknown) => LochError): OpenedFile {
  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    await handle.close().catch(() => undefined);
  };
  const stream = (start: number, end: number): ReadableStream<Uint8Array> => {
    let position = start;
    return new ReadableStream<Uint8Array>({
      pull: async (controller) => {
        if (position > end) {
          await close();
          return controller.close();
        }
        const buffer = new Uint8Array(Math.min(READ_SIZE, end + 1 - position));
        const { bytesRead } = await handle.read(buffer, 0, buffer.byteLength, position).catch(async (error: unknown) => {
          await close();
          throw failure(error);
        });
        if (bytesRead === 0) {
          await close();
          throw failure(new Error('the file ended early'));
        }
        position += bytesRead;
        controller.enqueue(buffer.subarray(0, bytesRead));
      },
      cancel: close,
    });
  };
  return { size, lastModified, stream, close };
}
