import type { VectorIndexRecord } from '../../../catalog/catalog-vector-indexes.js';
import { openStore } from '../../../storage/open-store.js';
import type { ObjectStore } from '../../../storage/object-store.js';
import type { ExtensionHost } from '../../../sql/extension.js';
import { readIndex } from '../core/index-files.js';
import type { IndexRef } from '../core/index-files.js';
import type { LiveIndex } from '../core/live-index.js';

/**
 * The process's loaded indexes, keyed by index id and the ref they reflect (a ref names
 * immutable files, so an entry for the current ref is always right), plus one lock per index so
 * that syncs of one index in this process run one after another. Across processes, the catalog's
 * compare-and-set on the document decides (a lost race re-reads).
 */
export class IndexState {
  private readonly loaded = new Map<string, { readonly ref: string; readonly index: LiveIndex }>();
  private readonly locks = new Map<string, Promise<unknown>>();

  constructor(private readonly host: ExtensionHost) {}

  /** The folder of the record's files as a store (its keys are file names). */
  store(record: VectorIndexRecord): ObjectStore {
    return openStore(record.location, this.host.ctx.storeOptions);
  }

  /** The index `ref` describes, from the cache or read from the files; undefined without a ref. */
  async load(record: VectorIndexRecord, ref: IndexRef | undefined): Promise<LiveIndex | undefined> {
    if (ref === undefined) return undefined;
    const key = refKey(ref);
    const hit = this.loaded.get(record.id);
    if (hit?.ref === key) return hit.index;
    const index = await readIndex(this.store(record), '', ref);
    this.loaded.set(record.id, { ref: key, index });
    return index;
  }

  remember(id: string, ref: IndexRef | undefined, index: LiveIndex | undefined): void {
    if (ref === undefined || index === undefined) this.loaded.delete(id);
    else this.loaded.set(id, { ref: refKey(ref), index });
  }

  forget(id: string): void {
    this.loaded.delete(id);
  }

  /** Runs `work` after every earlier `exclusive` work of the same id has settled. */
  async exclusive<T>(id: string, work: () => Promise<T>): Promise<T> {
    const before = this.locks.get(id) ?? Promise.resolve();
    const run = before.then(work, work);
    const tail = run.catch(() => undefined);
    this.locks.set(id, tail);
    try {
      return await run;
    } finally {
      if (this.locks.get(id) === tail) this.locks.delete(id);
    }
  }

  clear(): void {
    this.loaded.clear();
  }
}

function refKey(ref: IndexRef): string {
  return [ref.base, ...ref.segments].join('|');
}
