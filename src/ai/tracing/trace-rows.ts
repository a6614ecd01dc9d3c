import type { SystemRow } from '../../sql/governance-log/row-append.js';
import type { SpanStatus, SpanType, TraceStart } from './trace-types.js';

/** One ended span, as the tracer queues it. */
export interface SpanRecord {
  readonly traceId: string;
  readonly spanId: string;
  /** Undefined for a trace's root span. */
  readonly parentSpanId?: string;
  readonly name: string;
  readonly type: SpanType;
  readonly startMs: number;
  readonly endMs: number;
  readonly status: SpanStatus;
  readonly inputs?: unknown;
  readonly outputs?: unknown;
  readonly attributes?: Readonly<Record<string, unknown>>;
}

/** One ended trace: its start and its root span. */
export interface TraceRecord {
  readonly start: TraceStart;
  readonly root: SpanRecord;
}

const PREVIEW_CHARS = 1000;

/**
 * JSON text of a value (bigints as strings); null for undefined, for what cannot be serialised
 * (cycles) and for text longer than `maxChars` (a trace is not the place for megabytes).
 */
export function jsonText(value: unknown, maxChars: number): string | null {
  if (value === undefined) return null;
  let text: string | undefined;
  try {
    text = JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
  } catch {
    return null;
  }
  return text === undefined || text.length > maxChars ? null : text;
}

/** The `system.ai.trace_spans` row of a span. */
export function spanRow(span: SpanRecord, maxChars: number): SystemRow {
  return {
    trace_id: span.traceId,
    span_id: span.spanId,
    parent_span_id: span.parentSpanId ?? null,
    name: span.name,
    span_type: span.type,
    // ms × 10⁶ stays below 2⁶³ and prints exactly as an integer (13 significant digits).
    start_time_unix_nano: Math.round(span.startMs) * 1_000_000,
    end_time_unix_nano: Math.round(span.endMs) * 1_000_000,
    status_code: span.status.ok ? 'OK' : 'ERROR',
    status_message: span.status.ok ? null : span.status.error,
    inputs: jsonText(span.inputs, maxChars),
    outputs: jsonText(span.outputs, maxChars),
    attributes: jsonText(span.attributes ?? {}, maxChars),
  };
}

/** The `system.ai.traces` row of a trace. */
export function traceRow(trace: TraceRecord, maxChars: number): SystemRow {
  const { start, root } = trace;
  const request = jsonText(root.inputs ?? start.inputs, maxChars);
  const response = jsonText(root.outputs, maxChars);
  return {
    trace_id: root.traceId,
    client_request_id: start.requestId ?? null,
    request_time: root.startMs,
    state: root.status.ok ? 'OK' : 'ERROR',
    request_preview: preview(root.inputs ?? start.inputs),
    response_preview: preview(root.outputs),
    execution_duration_ms: Math.max(0, Math.round(root.endMs - root.startMs)),
    request,
    response,
    trace_metadata: {
      'mlflow.trace.user': start.principal,
      'mlflow.trace_schema.version': '3',
      'loch.source': start.source,
      'loch.root_span': `${root.name} (${root.type})`,
      ...(root.status.ok ? {} : { 'loch.error': root.status.error.slice(0, PREVIEW_CHARS) }),
    },
    tags: { ...start.tags },
    experiment_id: start.experimentId ?? '0',
  };
}

/**
 * The first characters of a value, as MLflow previews it: a chat request's last user message,
 * a chat response's first answer, the `request`/`sql`/`response` text of Loch's own roots,
 * strings as they are, anything else as JSON.
 */
function preview(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  const text = typeof value === 'string' ? value : (readableText(value) ?? jsonText(value, Number.POSITIVE_INFINITY));
  return text === null ? null : text.slice(0, PREVIEW_CHARS);
}

function readableText(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as { messages?: unknown; choices?: unknown; request?: unknown; response?: unknown; sql?: unknown };
  if (Array.isArray(v.messages)) {
    const user = [...(v.messages as { role?: unknown; content?: unknown }[])].reverse().find((m) => m?.role === 'user');
    if (typeof user?.content === 'string') return user.content;
  }
  if (Array.isArray(v.choices)) {
    const content = (v.choices[0] as { message?: { content?: unknown } } | undefined)?.message?.content;
    if (typeof content === 'string') return content;
  }
  for (const key of ['request', 'response', 'sql'] as const) if (typeof v[key] === 'string') return v[key];
  return undefined;
}
