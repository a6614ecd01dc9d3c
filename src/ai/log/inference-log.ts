import type { Session } from '../../engine/index.js';
import type { ExtensionHost } from '../../sql/extension.js';
import { appendRows } from '../../sql/governance-log/row-append.js';
import { FlushScheduler } from '../../sql/governance-log/flush-scheduler.js';
import type { InferenceEvent, InferenceSink } from '../gateway/gateway-types.js';
import { INFERENCE_LOG_SCHEMA, ensureInferenceTables, inferenceRow } from './inference-tables.js';

export interface InferenceLogOptions {
  /** Write the tables; default `host.governanceLog` (as system.access: nothing lands in catalog `system` unless it is on). */
  readonly enabled?: boolean;
  /** A flush starts this long after the first queued event (default 1000 ms). */
  readonly flushIntervalMs?: number;
  /** A flush starts at once when this many events wait (default 5000: one commit per batch, so batch inference over 100k rows costs ~20 commits). */
  readonly batchSize?: number;
  /** At most this many events wait; later ones are dropped and counted (default 100 000). */
  readonly maxQueued?: number;
  /** Request/response texts longer than this are logged as NULL (default 256 Ki characters). */
  readonly maxTextChars?: number;
  /** Where problems are reported, once per run of failures (default console.warn). */
  readonly warn?: (message: string) => void;
}

/** What the log has done so far (tests, health checks). */
export interface InferenceLogStats {
  readonly rows: number;
  /** Events lost: queue full, recorded after close, or in a batch whose write failed. */
  readonly dropped: number;
  readonly flushes: number;
  readonly failedFlushes: number;
}

/**
 * `system.ai.inference_log` and the `system.ai.usage` view (inference-tables.ts), written in
 * batches through the unaudited admin catalog `host.catalog` and the table layer (never SQL, so
 * its own writes are neither audited nor lineage).
 *
 * `record` only queues: it never throws, never waits and never touches I/O, so a model call
 * is never slowed or failed by its log. A flush runs ~1 s after the first queued event, at once
 * when a batch is full, and on `flush()`/`close()`; flushes run one at a time, each one Delta
 * commit (appends do not conflict, so processes sharing a warehouse may all log). The tables
 * are created on the first flush. When a write fails, that batch is dropped and counted (a
 * model call log is not worth unbounded memory or retry storms); the first failure of a run
 * (and the first overflow) is reported through `warn`, again only after a flush succeeded.
 *
 * The rows hold exactly what the gateway put in the event (which never holds headers or keys);
 * this log adds nothing but ids and times. Disabled (governanceLog off), events are dropped
 * silently and uncounted.
 */
export class InferenceLog implements InferenceSink {
  private queue: InferenceEvent[] = [];
  private location: Promise<string> | undefined;
  private readonly scheduler: FlushScheduler;
  private warned = false;
  private counts = { rows: 0, dropped: 0, flushes: 0, failedFlushes: 0 };
  readonly enabled: boolean;
  private readonly interval: number;
  private readonly batchSize: number;
  private readonly maxQueued: number;
  private readonly maxTextChars: number;
  private readonly warn: (message: string) => void;

  constructor(
    private readonly host: ExtensionHost,
    options: InferenceLogOptions = {},
  ) {
    this.enabled = options.enabled ?? host.governanceLog;
    this.interval = options.flushIntervalMs ?? 1000;
    this.batchSize = Math.max(1, options.batchSize ?? 5000);
    this.maxQueued = Math.max(1, options.maxQueued ?? 100_000);
    this.maxTextChars = options.maxTextChars ?? 262_144;
    this.warn = options.warn ?? ((message) => console.warn(message));
    this.scheduler = new FlushScheduler(this.interval, () => this.flushOnce());
  }

  get stats(): InferenceLogStats {
    return { ...this.counts };
  }

  record(event: InferenceEvent): void {
    if (!this.enabled) return;
    try {
      if (this.scheduler.closed || this.queue.length >= this.maxQueued) {
        this.counts.dropped++;
        this.problem(`inference log: dropped events (queue full at ${this.maxQueued}, or recorded after close); see system.ai.inference_log`);
        return;
      }
      this.queue.push(event);
      this.scheduler.queued(this.queue.length >= this.batchSize);
    } catch {
      // record never fails a model call.
    }
  }

  /** Writes everything queued so far. Never rejects. */
  flush(): Promise<void> {
    return this.scheduler.flush();
  }

  /** Stops the timer and flushes; events recorded afterwards are dropped. */
  close(): Promise<void> {
    return this.scheduler.close();
  }

  private async flushOnce(): Promise<void> {
    const events = this.queue.splice(0, this.queue.length);
    if (events.length === 0) return;
    let session: Session | undefined;
    try {
      const location = await this.tableLocation();
      session = await this.host.ctx.engine.session();
      await appendRows(this.host.ctx, session, location, INFERENCE_LOG_SCHEMA, events.map((e) => inferenceRow(e, this.maxTextChars)));
      this.counts.rows += events.length;
      this.counts.flushes++;
      this.warned = false;
    } catch (error) {
      this.counts.dropped += events.length;
      this.counts.failedFlushes++;
      this.problem(`inference log: writing ${events.length} rows to system.ai.inference_log failed; they are dropped: ${firstLine(error)}`);
    } finally {
      await session?.close().catch(() => {});
    }
    if (this.queue.length > 0) this.scheduler.schedule();
  }

  private tableLocation(): Promise<string> {
    if (this.location === undefined) {
      const created = ensureInferenceTables(this.host.ctx, this.host.catalog);
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
      // A failing reporter must not reach the model call.
    }
  }
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0] ?? '';
}
