import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { LochError } from '../../../../core/errors.js';
import type { ListOptions, ObjectMeta, ObjectStore, PutIfAbsentResult } from '../../../../storage/object-store.js';

/**
 * A read-only ObjectStore over a local folder, for tests of the format code only (the real local
 * store lives in src/storage). Keys are checked like the port demands: '..', '.', empty
 * segments, a leading '/' or NUL throw PATH_ESCAPE. Writes throw NOT_IMPLEMENTED.
 */
export class ReadOnlyFolderStore implements ObjectStore {
  readonly url: string;

  constructor(private readonly root: string) {
    this.url = `file://${path.resolve(root)}`;
  }

  private resolve(key: string): string {
    const bad = key === '' || key.startsWith('/') || key.includes('\0') || key.split('/').some((s) => s === '' || s === '.' || s === '..');
    if (bad) throw new LochError('PATH_ESCAPE', `storage test folder: key ${JSON.stringify(key)} is not a valid relative key`);
    return path.join(this.root, ...key.split('/'));
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    try {
      return new Uint8Array(await fs.readFile(this.resolve(key)));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  async getRange(key: string, offset: number, length: number): Promise<Uint8Array> {
    const file = this.resolve(key);
    let handle: fs.FileHandle;
    try {
      handle = await fs.open(file, 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new LochError('NOT_FOUND', `storage test folder: ${key} does not exist`);
      }
      throw error;
    }
    try {
      const buffer = new Uint8Array(length);
      const { bytesRead } = await handle.read(buffer, 0, length, offset);
      return buffer.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  }

  async head(key: string): Promise<ObjectMeta | undefined> {
    try {
      const stat = await fs.stat(this.resolve(key));
      return { key, size: stat.size, lastModified: stat.mtimeMs };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  async *list(prefix: string, options: ListOptions = {}): AsyncIterable<ObjectMeta> {
    const keys: string[] = [];
    await this.walk('', keys);
    keys.sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    for (const key of keys) {
      if (!key.startsWith(prefix)) continue;
      if (options.startAfter !== undefined && Buffer.compare(Buffer.from(key), Buffer.from(options.startAfter)) <= 0) continue;
      const meta = await this.head(key);
      if (meta) yield meta;
    }
  }

  private async walk(dir: string, out: string[]): Promise<void> {
    const entries = await fs.readdir(path.join(this.root, dir), { withFileTypes: true });
    for (const entry of entries) {
      const key = dir === '' ? entry.name : `${dir}/${entry.name}`;
      if (entry.isDirectory()) await this.walk(key, out);
      else if (entry.isFile()) out.push(key);
    }
  }

  put(key: string): Promise<void> {
    return Promise.reject(readOnly(key));
  }

  putIfAbsent(key: string): Promise<PutIfAbsentResult> {
    return Promise.reject(readOnly(key));
  }

  delete(key: string): Promise<void> {
    return Promise.reject(readOnly(key));
  }

  localPath(key: string): string | undefined {
    return this.resolve(key);
  }
}

function readOnly(key: string): LochError {
  return new LochError('NOT_IMPLEMENTED', `storage test folder: read-only, cannot write ${key}`);
}
