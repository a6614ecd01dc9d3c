/**
 * The tree of a volume on an object store without local paths (S3, memory): a directory exists
 * while some key lies below it, so creating an empty directory records nothing and removing the
 * last file of a directory removes the directory. Uploads go through `put`/`putIfAbsent`, which
 * take whole objects: they are held in memory, up to `maxBufferedBytes`.
 */
import { LochError } from '../../core/errors.js';
import type { ObjectMeta, ObjectStore } from '../../storage/object-store.js';
import { compareUtf8 } from '../../storage/key-order.js';
import type { ChildEntry, ChildPage, OpenedFile, TreeEntry, VolumeTree } from './volume-tree.js';
import { childOrderKey } from './volume-tree.js';

/** Bytes fetched per range request while streaming a download. */
const SLICE = 4 * 1024 * 1024;

export class KeyTree implements VolumeTree {
  constructor(
    private readonly store: ObjectStore,
    private readonly volumePath: string,
    private readonly maxBufferedBytes: number,
  ) {}

  async stat(key: string): Promise<TreeEntry | undefined> {
    if (key === '') return { kind: 'directory', lastModified: undefined };
    const meta = await this.store.head(key);
    if (meta !== undefined) return { kind: 'file', size: meta.size, lastModified: meta.lastModified };
    return (await this.hasKeysBelow(key)) ? { kind: 'directory', lastModified: undefined } : undefined;
  }

  async listChildren(dirKey: string, after: string | undefined, limit: number): Promise<ChildPage> {
    const prefix = dirKey === '' ? '' : `${dirKey}/`;
    const entries: ChildEntry[] = [];
    let last: string | undefined;
    const options = after === undefined ? {} : { startAfter: prefix + after };
    for await (const meta of this.store.list(prefix, options)) {
      const entry = childOf(meta, prefix);
      const order = childOrderKey(entry);
      // Keys below a directory repeat it; the page token of a directory restarts inside it.
      if (order === last || (after !== undefined && compareUtf8(order, after) <= 0)) continue;
      if (entries.length === limit) return { entries, more: true };
      entries.push(entry);
      last = order;
    }
    return { entries, more: false };
  }

  async makeDirectory(): Promise<void> {
    // Directories are implied by keys: there is nothing to record.
  }

  async removeDirectory(key: string): Promise<'removed' | 'not-empty'> {
    return (await this.hasKeysBelow(key)) ? 'not-empty' : 'removed';
  }

  async removeFile(key: string): Promise<void> {
    await this.store.delete(key);
  }

  async openFile(key: string): Promise<OpenedFile | undefined> {
    const meta = key === '' ? undefined : await this.store.head(key);
    if (meta === undefined) return undefined;
    return { size: meta.size, lastModified: meta.lastModified, stream: (start, end) => this.slices(key, meta, start, end), close: async () => {} };
  }

  async writeFile(key: string, chunks: AsyncIterable<Uint8Array>, overwrite: boolean): Promise<'written' | 'exists'> {
    const parts: Uint8Array[] = [];
    let total = 0;
    for await (const chunk of chunks) {
      total += chunk.byteLength;
      if (total > this.maxBufferedBytes) {
        throw new LochError('RESOURCE_EXHAUSTED', `files: upload to ${this.volumePath}/${key} is larger than ${this.maxBufferedBytes} bytes, the limit for volumes outside the local file system`);
      }
      parts.push(chunk);
    }
    const bytes = Buffer.concat(parts, total);
    if (overwrite) {
      await this.store.put(key, bytes);
      return 'written';
    }
    return (await this.store.putIfAbsent(key, bytes)) === 'created' ? 'written' : 'exists';
  }

  private async hasKeysBelow(key: string): Promise<boolean> {
    for await (const _ of this.store.list(`${key}/`)) return true;
    return false;
  }

  /** Range reads in slices; a file replaced or shortened meanwhile fails the stream instead of mixing versions. */
  private slices(key: string, meta: ObjectMeta, start: number, end: number): ReadableStream<Uint8Array> {
    let offset = start;
    return new ReadableStream<Uint8Array>({
      pull: async (controller) => {
        if (offset > end) return controller.close();
        const length = Math.min(SLICE, end + 1 - offset);
        const now = offset === start ? meta : await this.store.head(key);
        const bytes = await this.store.getRange(key, offset, length);
        if (now === undefined || now.size !== meta.size || now.lastModified !== meta.lastModified || bytes.byteLength !== length) {
          throw new LochError('CONFLICT', `files: ${this.volumePath}/${key} changed during the download`);
        }
        offset += length;
        controller.enqueue(bytes);
      },
    });
  }
}

function childOf(meta: ObjectMeta, prefix: string): ChildEntry {
  const rest = meta.key.slice(prefix.length);
  const slash = rest.indexOf('/');
  if (slash < 0) return { name: rest, directory: false, size: meta.size, lastModified: meta.lastModified };
  return { name: rest.slice(0, slash), directory: true, size: undefined, lastModified: undefined };
}
