import type { ExtensionHost } from '../../sql/extension.js';
import { appendRows } from '../../sql/governance-log/row-append.js';
import { SystemTableWriter } from './system-table-writer.js';
import type { SystemTableWriterStats } from './system-table-writer.js';
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
export type InferenceLogStats = SystemTableWriterStats;

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
  private readonly writer: SystemTableWriter<InferenceEvent, string>;
  readonly enabled: boolean;

  constructor(host: ExtensionHost, options: InferenceLogOptions = {}) {
    this.enabled = options.enabled ?? host.governanceLog;
    const maxTextChars = options.maxTextChars ?? 262_144;
    this.writer = new SystemTableWriter(
      host,
      {
        what: 'inference log',
        table: 'system.ai.inference_log',
        locate: () => ensureInferenceTables(host.ctx, host.catalog),
        write: (session, location, events) => appendRows(host.ctx, session, location, INFERENCE_LOG_SCHEMA, events.map((e) => inferenceRow(e, maxTextChars))),
      },
      options,
    );
  }

  get stats(): InferenceLogStats {
    return this.writer.stats;
  }

  record(event: InferenceEvent): void {
    if (this.enabled) this.writer.push(event);
  }

  /** Writes everything queued so far. Never rejects. */
  flush(): Promise<void> {
    return this.writer.flush();
  }

  /** Stops the timer and flushes; events recorded afterwards are dropped. */
  close(): Promise<void> {
    return this.writer.close();
  }
}
