import type { Session } from '../../engine/index.js';
import type { ExtensionHost } from '../../sql/extension.js';
import { FlushScheduler } from '../../sql/governance-log/flush-scheduler.js';

export interface SystemTableWriterOptions {
  /** A flush starts this long after the first queued item (default 1000 ms). */
  readonly flushIntervalMs?: number;
  /** A flush starts at once when this many items wait (default 5000). */
  readonly batchSize?: number;
  /** At most this many items wait; later ones are dropped and counted (default 100 000). */
  readonly maxQueued?: number;
  /** Where problems are reported, once per run of failures (default console.warn). */
  readonly warn?: (message: string) => void;
}

export interface SystemTableWriterStats {
  readonly rows: number;
  /** Items lost: queue full, queued after close, or in a batch whose write failed. */
  readonly dropped: number;
  readonly flushes: number;
  readonly failedFlushes: number;
}

/** What a writer writes: its name in messages, its tables, and how a batch lands. */
export interface SystemTableSpec<T, L> {
  /** The subsystem in messages ("inference log", "tracing"). */
  readonly what: string;
  /** The table(s) named in messages. */
  readonly table: string;
  /** Creates the tables (first flush; retried on the next flush when it fails). */
  locate(): Promise<L>;
  /** Appends one batch (one or a few commits through the table layer). */
  write(session: Session, location: L, items: T[]): Promise<void>;
}

/**
 * The background writer behind the ai layer's system tables (inference log, traces): `push`
 * only queues — it never throws, waits or touches I/O, so the work being logged is never slowed
 * or failed by it. A flush runs ~1 s after the first queued item, at once when a batch is full,
 * and on `flush()`/`close()`, one at a time (the shared FlushScheduler). A failed batch is
 * dropped and counted (a log is not worth unbounded memory or retry storms); the first failure
 * of a run, and the first overflow, are reported through `warn`, again only after a flush
 * succeeded.
 */
export class SystemTableWriter<T, L> {
  private queue: T[] = [];
  private location: Promise<L> | undefined;
  private readonly scheduler: FlushScheduler;
  private readonly batchSize: number;
  private readonly maxQueued: number;
  private readonly warn: (message: string) => void;
  private warned = false;
  private counts = { rows: 0, dropped: 0, flushes: 0, failedFlushes: 0 };

  constructor(
    private readonly host: ExtensionHost,
    private readonly spec: SystemTableSpec<T, L>,
    options: SystemTableWriterOptions = {},
  ) {
    this.batchSize = Math.max(1, options.batchSize ?? 5000);
    this.maxQueued = Math.max(1, options.maxQueued ?? 100_000);
    this.warn = options.warn ?? ((message) => console.warn(message));
    this.scheduler = new FlushScheduler(options.flushIntervalMs ?? 1000, () => this.flushOnce());
  }

  get stats(): SystemTableWriterStats {
    return { ...this.counts };
  }

  push(item: T): void {
    try {
      if (this.scheduler.closed || this.queue.length >= this.maxQueued) {
        this.counts.dropped++;
        this.problem(`${this.spec.what}: dropped rows (queue full at ${this.maxQueued}, or recorded after close); see ${this.spec.table}`);
        return;
      }
      this.queue.push(item);
      this.scheduler.queued(this.queue.length >= this.batchSize);
    } catch {
      // Queuing never fails the work being logged.
    }
  }

  /** Writes everything queued so far. Never rejects. */
  flush(): Promise<void> {
    return this.scheduler.flush();
  }

  /** Stops the timer and flushes; items queued afterwards are dropped. */
  close(): Promise<void> {
    return this.scheduler.close();
  }

  private async flushOnce(): Promise<void> {
    const items = this.queue.splice(0, this.queue.length);
    if (items.length === 0) return;
    let session: Session | undefined;
    try {
      const location = await this.tableLocation();
      session = await this.host.ctx.engine.session();
      await this.spec.write(session, location, items);
      this.counts.rows += items.length;
      this.counts.flushes++;
      this.warned = false;
    } catch (error) {
      this.counts.dropped += items.length;
      this.counts.failedFlushes++;
      this.problem(`${this.spec.what}: writing ${items.length} rows to ${this.spec.table} failed; they are dropped: ${firstLine(error)}`);
    } finally {
      await session?.close().catch(() => {});
    }
    if (this.queue.length > 0) this.scheduler.schedule();
  }

  private tableLocation(): Promise<L> {
    if (this.location === undefined) {
      const created = this.spec.locate();
      this.location = created;
      created.catch(() => {
        if (this.location === created) this.location = undefined;
      });
    }
    return this.location;
  }

  private problem(message: string): void {
    if (this.warned) return;
    this.warned = true;
    try {
      this.warn(message);
    } catch {
      // A failing reporter must not reach the work being logged.
    }
  }
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0] ?? '';
}
