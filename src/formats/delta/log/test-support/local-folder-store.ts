import { readdir, readFile, stat, open } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { LochError } from '../../../../core/errors.js';
import type { ListOptions, ObjectMeta, ObjectStore, PutIfAbsentResult } from '../../../../storage/object-store.js';

function isMissing(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

function checkKey(key: string): void {
  if (key === '' || key.startsWith('/') || key.includes('\0') || key.split('/').some((s) => s === '' || s === '.' || s === '..')) {
    throw new LochError('PATH_ESCAPE', `test store: invalid key '${key}'`);
  }
}

function compareUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/**
 * Test double: a read-only ObjectStore over a local folder (the real LocalStore lives in
 * src/storage). Writes throw. Records how many list/get calls were made.
 */
export class LocalFolderStore implements ObjectStore {
  readonly url: string;
  listCalls = 0;
  getCalls = 0;

  constructor(private readonly root: string) {
    this.url = pathToFileURL(root).href;
  }

  private path(key: string): string {
    checkKey(key);
    return join(this.root, ...key.split('/'));
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    this.getCalls += 1;
    try {
      return new Uint8Array(await readFile(this.path(key)));
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw new LochError('STORAGE_ERROR', `test store: cannot read ${key}`, { cause: error });
    }
  }

  async getRange(key: string, offset: number, length: number): Promise<Uint8Array> {
    let handle;
    try {
      handle = await open(this.path(key), 'r');
    } catch (error) {
      if (isMissing(error)) throw new LochError('NOT_FOUND', `test store: ${key} does not exist`);
      throw new LochError('STORAGE_ERROR', `test store: cannot open ${key}`, { cause: error });
    }
    try {
      const buffer = Buffer.alloc(length);
      const { bytesRead } = await handle.read(buffer, 0, length, offset);
      return new Uint8Array(buffer.subarray(0, bytesRead));
    } finally {
      await handle.close();
    }
  }

  async head(key: string): Promise<ObjectMeta | undefined> {
    try {
      const s = await stat(this.path(key));
      return s.isFile() ? { key, size: s.size, lastModified: s.mtimeMs } : undefined;
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw new LochError('STORAGE_ERROR', `test store: cannot stat ${key}`, { cause: error });
    }
  }

  private async walk(dirKey: string, out: ObjectMeta[]): Promise<void> {
    const dir = dirKey === '' ? this.root : join(this.root, ...dirKey.split('/'));
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      if (isMissing(error)) return;
      throw new LochError('STORAGE_ERROR', `test store: cannot list ${dirKey}`, { cause: error });
    }
    for (const entry of entries) {
      const key = dirKey === '' ? entry.name : `${dirKey}/${entry.name}`;
      if (entry.isDirectory()) await this.walk(key, out);
      else if (entry.isFile()) {
        const s = await stat(join(dir, entry.name));
        out.push({ key, size: s.size, lastModified: s.mtimeMs });
      }
    }
  }

  async *list(prefix: string, options: ListOptions = {}): AsyncIterable<ObjectMeta> {
    this.listCalls += 1;
    const slash = prefix.lastIndexOf('/');
    const all: ObjectMeta[] = [];
    await this.walk(slash < 0 ? '' : prefix.slice(0, slash), all);
    const after = options.startAfter;
    const selected = all.filter((m) => m.key.startsWith(prefix) && (after === undefined || compareUtf8(m.key, after) > 0));
    selected.sort((a, b) => compareUtf8(a.key, b.key));
    yield* selected;
  }

  put(key: string): Promise<void> {
    return Promise.reject(new LochError('STORAGE_ERROR', `test store: read-only, cannot put ${key}`));
  }

  putIfAbsent(key: string): Promise<PutIfAbsentResult> {
    return Promise.reject(new LochError('STORAGE_ERROR', `test store: read-only, cannot put ${key}`));
  }

  delete(key: string): Promise<void> {
    return Promise.reject(new LochError('STORAGE_ERROR', `test store: read-only, cannot delete ${key}`));
  }

  localPath(key: string): string | undefined {
    return this.path(key);
  }
}
