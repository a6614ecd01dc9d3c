import type { ExtensionHost } from '../../sql/extension.js';
import { appendRows } from '../../sql/governance-log/row-append.js';
import type { SystemRow } from '../../sql/governance-log/row-append.js';
import { SystemTableWriter } from '../log/system-table-writer.js';
import type { SystemTableWriterOptions } from '../log/system-table-writer.js';
import { TRACE_SPANS_SCHEMA, TRACES_SCHEMA, ensureTraceTables } from './trace-tables.js';
import type { TraceTableLocations } from './trace-tables.js';

export type TraceBatcherOptions = SystemTableWriterOptions;

/** What the batcher has done so far (tests, health checks). */
export interface TraceWriteStats {
  readonly traces: number;
  readonly spans: number;
  /** Rows lost: queue full, queued after close, or in a batch whose write failed. */
  readonly dropped: number;
  readonly flushes: number;
  readonly failedFlushes: number;
}

interface QueuedRow {
  readonly kind: 'span' | 'trace';
  readonly row: SystemRow;
}

/**
 * Queues trace and span rows and appends them in batches with the inference log's machinery
 * (SystemTableWriter: FlushScheduler timing, drop-and-count on failure, never throwing into the
 * traced work): a flush is at most two commits, spans first, then traces, so a trace row never
 * names spans that are not there yet.
 */
export class TraceBatcher {
  private readonly writer: SystemTableWriter<QueuedRow, TraceTableLocations>;
  private written = { traces: 0, spans: 0 };

  constructor(host: ExtensionHost, options: TraceBatcherOptions = {}) {
    this.writer = new SystemTableWriter(
      host,
      {
        what: 'tracing',
        table: 'system.ai.traces',
        locate: () => ensureTraceTables(host.ctx, host.catalog),
        write: async (session, where, rows) => {
          const spans = rows.filter((r) => r.kind === 'span').map((r) => r.row);
          const traces = rows.filter((r) => r.kind === 'trace').map((r) => r.row);
          if (spans.length > 0) await appendRows(host.ctx, session, where.spans, TRACE_SPANS_SCHEMA, spans);
          this.written.spans += spans.length;
          if (traces.length > 0) await appendRows(host.ctx, session, where.traces, TRACES_SCHEMA, traces);
          this.written.traces += traces.length;
        },
      },
      options,
    );
  }

  get stats(): TraceWriteStats {
    const { dropped, flushes, failedFlushes } = this.writer.stats;
    return { ...this.written, dropped, flushes, failedFlushes };
  }

  queueSpan(row: SystemRow): void {
    this.writer.push({ kind: 'span', row });
  }

  queueTrace(row: SystemRow): void {
    this.writer.push({ kind: 'trace', row });
  }

  /** Writes everything queued so far. Never rejects. */
  flush(): Promise<void> {
    return this.writer.flush();
  }

  /** Stops the timer and flushes; rows queued afterwards are dropped. */
  close(): Promise<void> {
    return this.writer.close();
  }
}
