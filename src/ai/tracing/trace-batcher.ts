import type { Session } from '../../engine/index.js';
import type { ExtensionHost } from '../../sql/extension.js';
import { FlushScheduler } from '../../sql/governance-log/flush-scheduler.js';
import { appendRows } from '../../sql/governance-log/row-append.js';
import type { SystemRow } from '../../sql/governance-log/row-append.js';
import { TRACE_SPANS_SCHEMA, TRACES_SCHEMA, ensureTraceTables } from './trace-tables.js';
import type { TraceTableLocations } from './trace-tables.js';

export interface TraceBatcherOptions {
  /** A flush starts this long after the first queued row (default 1000 ms). */
  readonly flushIntervalMs?: number;
  /** A flush starts at once when this many rows wait (default 5000). */
  readonly batchSize?: number;
  /** At most this many rows wait; later ones are dropped and counted (default 100 000). */
  readonly maxQueued?: number;
  /** Where problems are reported, once per run of failures (default console.warn). */
  readonly warn?: (message: string) => void;
}

/** What the batcher has done so far (tests, health checks). */
export interface TraceWriteStats {
  readonly traces: number;
  readonly spans: number;
  /** Rows lost: queue full, queued after close, or in a batch whose write failed. */
  readonly dropped: number;
  readonly flushes: number;
  readonly failedFlushes: number;
}

/**
 * Queues trace and span rows and appends them in batches, with the inference log's machinery
 * (FlushScheduler timing, appendRows through the table layer, the admin catalog): a flush is
 * at most two commits (spans first, then traces, so a trace row never names spans that are
 * not there yet). `queue*` never throws, waits or touches I/O; a failed batch is dropped and
 * counted, its first failure reported through `warn`.
 */
export class TraceBatcher {
  private spans: SystemRow[] = [];
  private traces: SystemRow[] = [];
  private location: Promise<TraceTableLocations> | undefined;
  private readonly scheduler: FlushScheduler;
  private readonly batchSize: number;
  private readonly maxQueued: number;
  private readonly warn: (message: string) => void;
  private warned = false;
  private counts = { traces: 0, spans: 0, dropped: 0, flushes: 0, failedFlushes: 0 };

  constructor(
    private readonly host: ExtensionHost,
    options: TraceBatcherOptions = {},
  ) {
    this.batchSize = Math.max(1, options.batchSize ?? 5000);
    this.maxQueued = Math.max(1, options.maxQueued ?? 100_000);
    this.warn = options.warn ?? ((message) => console.warn(message));
    this.scheduler = new FlushScheduler(options.flushIntervalMs ?? 1000, () => this.flushOnce());
  }

  get stats(): TraceWriteStats {
    return { ...this.counts };
  }

  queueSpan(row: SystemRow): void {
    this.queue(this.spans, row);
  }

  queueTrace(row: SystemRow): void {
    this.queue(this.traces, row);
  }

  /** Writes everything queued so far. Never rejects. */
  flush(): Promise<void> {
    return this.scheduler.flush();
  }

  /** Stops the timer and flushes; rows queued afterwards are dropped. */
  close(): Promise<void> {
    return this.scheduler.close();
  }

  private queue(into: SystemRow[], row: SystemRow): void {
    try {
      const waiting = this.spans.length + this.traces.length;
      if (this.scheduler.closed || waiting >= this.maxQueued) {
        this.counts.dropped++;
        this.problem(`tracing: dropped rows (queue full at ${this.maxQueued}, or recorded after close); see system.ai.traces`);
        return;
      }
      into.push(row);
      this.scheduler.queued(waiting + 1 >= this.batchSize);
    } catch {
      // Tracing never fails the traced work.
    }
  }

  private async flushOnce(): Promise<void> {
    const spans = this.spans.splice(0, this.spans.length);
    const traces = this.traces.splice(0, this.traces.length);
    if (spans.length + traces.length === 0) return;
    let session: Session | undefined;
    try {
      const where = await this.tableLocations();
      session = await this.host.ctx.engine.session();
      await appendRows(this.host.ctx, session, where.spans, TRACE_SPANS_SCHEMA, spans);
      this.counts.spans += spans.length;
      spans.length = 0;
      await appendRows(this.host.ctx, session, where.traces, TRACES_SCHEMA, traces);
      this.counts.traces += traces.length;
      this.counts.flushes++;
      this.warned = false;
    } catch (error) {
      this.counts.dropped += spans.length + traces.length;
      this.counts.failedFlushes++;
      this.problem(`tracing: writing ${spans.length} spans and ${traces.length} traces to system.ai failed; they are dropped: ${firstLine(error)}`);
    } finally {
      await session?.close().catch(() => {});
    }
    if (this.spans.length + this.traces.length > 0) this.scheduler.schedule();
  }

  private tableLocations(): Promise<TraceTableLocations> {
    if (this.location === undefined) {
      const created = ensureTraceTables(this.host.ctx, this.host.catalog);
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
      // A failing reporter must not reach the traced work.
    }
  }
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0] ?? '';
}
