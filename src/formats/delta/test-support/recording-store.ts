import type { ListOptions, ObjectMeta } from '../../../storage/object-store.js';
import { MemoryStore } from '../../../storage/memory/memory-store.js';

/**
 * A MemoryStore that records what the log code asks of it: the key of every `get`, the
 * `startAfter` of every `list`, and the most reads in flight at once. With `getDelayMs`, every
 * read waits that long first, so that concurrent reads overlap observably.
 */
export class RecordingStore extends MemoryStore {
  readonly gets: string[] = [];
  readonly listings: (string | undefined)[] = [];
  maxInFlight = 0;
  private inFlight = 0;

  constructor(private readonly getDelayMs = 0) {
    super('recording');
  }

  override async get(key: string): Promise<Uint8Array | undefined> {
    this.gets.push(key);
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      if (this.getDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.getDelayMs));
      return await super.get(key);
    } finally {
      this.inFlight -= 1;
    }
  }

  override list(prefix: string, options: ListOptions = {}): AsyncIterable<ObjectMeta> {
    this.listings.push(options.startAfter);
    return super.list(prefix, options);
  }
}
