import type { InferenceEvent } from '../gateway/gateway-types.js';
import type { FinishedSpan, SpanStatus, TraceContext, Tracer } from './trace-types.js';

/**
 * The span of one model call, built from its inference event (so it holds exactly what the
 * log may hold: request and response only when the call was sampled, secrets scrubbed):
 * CHAT_MODEL or EMBEDDING named after the endpoint called; tokens, endpoint, served_by,
 * provider, model, attempts, cached, streamed and the request id as attributes.
 */
export function modelCallSpan(event: InferenceEvent): FinishedSpan {
  const status: SpanStatus = event.status === 'success' ? { ok: true } : { ok: false, error: `${event.errorCode ?? event.status}: ${event.errorMessage ?? event.status}` };
  return {
    name: event.endpoint,
    type: event.task === 'embeddings' ? 'EMBEDDING' : 'CHAT_MODEL',
    startMs: event.startedAt,
    endMs: event.startedAt + event.latencyMs,
    ...(event.request !== undefined ? { inputs: parsed(event.request) } : {}),
    ...(event.response !== undefined ? { outputs: parsed(event.response) } : {}),
    attributes: {
      endpoint: event.endpoint,
      served_by: event.servedBy ?? null,
      provider: event.provider,
      model: event.model,
      task: event.task,
      attempts: event.attempts,
      cached: event.cached,
      streamed: event.streamed,
      prompt_tokens: event.promptTokens,
      completion_tokens: event.completionTokens,
      total_tokens: event.promptTokens + event.completionTokens,
      request_id: event.requestId,
      ...(event.httpStatus !== undefined ? { http_status: event.httpStatus } : {}),
      ...(event.cost !== undefined ? { cost: event.cost } : {}),
    },
    status,
  };
}

/**
 * Records a model call: under `parent` when the caller is traced, else as a trace of its own
 * (one root span; the caller is the trace's user), e.g. an HTTP serving call. Never throws.
 */
export function recordModelCall(tracer: Tracer, parent: TraceContext | undefined, event: InferenceEvent): void {
  try {
    const span = modelCallSpan(event);
    if (parent !== undefined && parent.traceId !== '') return tracer.record(parent, span);
    const root = tracer.startTrace(span.name, span.type, {
      principal: event.caller,
      source: event.source,
      requestId: event.requestId,
      startMs: span.startMs,
      ...(span.inputs !== undefined ? { inputs: span.inputs } : {}),
    });
    if (span.outputs !== undefined) root.setOutputs(span.outputs);
    for (const [key, value] of Object.entries(span.attributes ?? {})) root.setAttribute(key, value);
    root.end(span.status);
  } catch {
    // Tracing never fails a model call.
  }
}

function parsed(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
