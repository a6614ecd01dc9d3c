import type { CallSource } from '../gateway/gateway-types.js';

/**
 * Traces in MLflow's model: a trace is one request (an agent run, a SQL statement with ai_*
 * calls, a serving request, an evaluation row) and holds a tree of spans. Span types are MLflow's
 * (`mlflow.entities.SpanType`). Stored in `system.ai.traces` (one row per trace, MLflow's
 * TraceInfo fields) and `system.ai.trace_spans` (one row per span, MLflow's span fields).
 */
export type SpanType = 'AGENT' | 'CHAT_MODEL' | 'LLM' | 'EMBEDDING' | 'TOOL' | 'RETRIEVER' | 'CHAIN' | 'PARSER' | 'EVALUATOR' | 'UNKNOWN';

/** Where a new span hangs: its trace and its parent span. Passed down calls (InvokeOptions.trace). */
export interface TraceContext {
  readonly traceId: string;
  readonly spanId: string;
}

export type SpanStatus = { readonly ok: true } | { readonly ok: false; readonly error: string };

/** A span being timed; `end` records it (once; later calls are ignored). */
export interface SpanHandle {
  readonly context: TraceContext;
  setInputs(inputs: unknown): void;
  setOutputs(outputs: unknown): void;
  /** Attributes (token counts, endpoint, index, row counts…); JSON values. */
  setAttribute(key: string, value: unknown): void;
  end(status?: SpanStatus): void;
}

/** A span whose times are known already (the gateway records each model call this way). */
export interface FinishedSpan {
  readonly name: string;
  readonly type: SpanType;
  readonly startMs: number;
  readonly endMs: number;
  readonly inputs?: unknown;
  readonly outputs?: unknown;
  readonly attributes?: Readonly<Record<string, unknown>>;
  readonly status: SpanStatus;
}

export interface TraceStart {
  /** Who acted (recorded on the trace: `principal`). */
  readonly principal: string;
  readonly source: CallSource | 'eval';
  readonly requestId?: string;
  readonly inputs?: unknown;
  readonly tags?: Readonly<Record<string, string>>;
  /** MLflow experiment the trace belongs to (evaluation runs set one); default '0'. */
  readonly experimentId?: string;
  /**
   * When the root span began (epoch ms); default now. For work traced after the fact (the
   * gateway records a call without a parent as a one-span trace when the call ends).
   */
  readonly startMs?: number;
}

/**
 * Records traces. Contract: never blocks or fails the traced work (writes are batched in the
 * background, like the inference log); a trace's row is written when its root span ends, its
 * spans as they end; `flush` resolves once everything ended so far is committed.
 */
export interface Tracer {
  /** Starts a trace whose root span is `name`. */
  startTrace(name: string, type: SpanType, start: TraceStart): SpanHandle;
  startSpan(parent: TraceContext, name: string, type: SpanType, inputs?: unknown): SpanHandle;
  record(parent: TraceContext, span: FinishedSpan): void;
  flush(): Promise<void>;
  close(): Promise<void>;
}

const NO_SPAN: SpanHandle = {
  context: { traceId: '', spanId: '' },
  setInputs: () => {},
  setOutputs: () => {},
  setAttribute: () => {},
  end: () => {},
};

/** Keeps nothing (tracing off). */
export const NO_TRACER: Tracer = {
  startTrace: () => NO_SPAN,
  startSpan: () => NO_SPAN,
  record: () => {},
  flush: async () => {},
  close: async () => {},
};
