import type { Clock } from '../../core/clock.js';
import type { IdSource } from '../../core/ids.js';
import type { ExtensionHost } from '../../sql/extension.js';
import { TraceBatcher } from './trace-batcher.js';
import type { TraceBatcherOptions, TraceWriteStats } from './trace-batcher.js';
import { newSpanId, newTraceId } from './trace-ids.js';
import { spanRow, traceRow } from './trace-rows.js';
import type { SpanRecord } from './trace-rows.js';
import type { FinishedSpan, SpanHandle, SpanStatus, SpanType, TraceContext, TraceStart, Tracer } from './trace-types.js';

export interface TableTracerOptions extends TraceBatcherOptions {
  /** Inputs, outputs and attributes longer than this (JSON characters) are stored as NULL (default 256 Ki). */
  readonly maxTextChars?: number;
  /** Times of spans (default the host's clock). */
  readonly clock?: Clock;
  /** Trace and span ids (default the host's ids). */
  readonly ids?: IdSource;
}

/**
 * The Tracer behind `system.ai.traces` and `system.ai.trace_spans` (see Tracer for the
 * contract). A span's row is queued when it ends, a trace's row when its root span ends; the
 * rows are written in the background by a TraceBatcher. Nothing here throws into the traced
 * work: a span ended twice is recorded once, bad values become NULL.
 */
export class TableTracer implements Tracer {
  private readonly batcher: TraceBatcher;
  private readonly clock: Clock;
  private readonly ids: IdSource;
  private readonly maxChars: number;

  constructor(host: ExtensionHost, options: TableTracerOptions = {}) {
    this.batcher = new TraceBatcher(host, options);
    this.clock = options.clock ?? host.ctx.clock;
    this.ids = options.ids ?? host.ctx.ids;
    this.maxChars = options.maxTextChars ?? 262_144;
  }

  get stats(): TraceWriteStats {
    return this.batcher.stats;
  }

  startTrace(name: string, type: SpanType, start: TraceStart): SpanHandle {
    const context = { traceId: newTraceId(this.ids), spanId: newSpanId(this.ids) };
    return this.handle(context, undefined, name, type, start.startMs ?? this.clock.now(), start.inputs, (span) => {
      this.batcher.queueSpan(spanRow(span, this.maxChars));
      this.batcher.queueTrace(traceRow({ start, root: span }, this.maxChars));
    });
  }

  startSpan(parent: TraceContext, name: string, type: SpanType, inputs?: unknown): SpanHandle {
    const context = { traceId: parent.traceId, spanId: newSpanId(this.ids) };
    return this.handle(context, parent.spanId, name, type, this.clock.now(), inputs, (span) => this.batcher.queueSpan(spanRow(span, this.maxChars)));
  }

  record(parent: TraceContext, span: FinishedSpan): void {
    try {
      const record: SpanRecord = { ...span, traceId: parent.traceId, spanId: newSpanId(this.ids), parentSpanId: parent.spanId };
      this.batcher.queueSpan(spanRow(record, this.maxChars));
    } catch {
      // Tracing never fails the traced work.
    }
  }

  flush(): Promise<void> {
    return this.batcher.flush();
  }

  close(): Promise<void> {
    return this.batcher.close();
  }

  private handle(context: TraceContext, parentSpanId: string | undefined, name: string, type: SpanType, startMs: number, inputs: unknown, done: (span: SpanRecord) => void): SpanHandle {
    const state: { inputs: unknown; outputs: unknown; attributes: Record<string, unknown>; ended: boolean } = { inputs, outputs: undefined, attributes: {}, ended: false };
    return {
      context,
      setInputs: (value) => void (state.inputs = value),
      setOutputs: (value) => void (state.outputs = value),
      setAttribute: (key, value) => void (state.attributes[key] = value),
      end: (status: SpanStatus = { ok: true }) => {
        if (state.ended) return;
        state.ended = true;
        try {
          done({
            ...context,
            ...(parentSpanId === undefined ? {} : { parentSpanId }),
            name,
            type,
            startMs,
            endMs: this.clock.now(),
            status,
            inputs: state.inputs,
            outputs: state.outputs,
            attributes: state.attributes,
          });
        } catch {
          // Tracing never fails the traced work.
        }
      },
    };
  }
}
