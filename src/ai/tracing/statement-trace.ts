import type { SpanHandle, Tracer } from './trace-types.js';

/** What a SQL statement with ai_* calls is traced as. */
export interface StatementTraceStart {
  /** The ai_* function names the statement calls (repeats allowed: each name appears once). */
  readonly functions: readonly string[];
  readonly principal: string;
  /** The statement's request id (also the inference log's request_id of its model calls). */
  readonly requestId: string;
  /** The statement text as bound (inputs of the root span). */
  readonly sql: string;
}

/**
 * Starts the trace of one SQL statement: a CHAIN root span named after its ai_* functions
 * (`ai_query`, `ai_embed + ai_similarity`), source 'sql', inputs `{sql}`. Every model call the
 * statement makes hangs under its context; the caller ends it when the calls are done.
 */
export function startStatementTrace(tracer: Tracer, start: StatementTraceStart): SpanHandle {
  const names = [...new Set(start.functions)];
  return tracer.startTrace(names.join(' + '), 'CHAIN', {
    principal: start.principal,
    source: 'sql',
    requestId: start.requestId,
    inputs: { sql: start.sql },
  });
}

/** A span's status from how the traced work ended. */
export function statusOf(error: unknown): { ok: true } | { ok: false; error: string } {
  if (error === undefined) return { ok: true };
  const message = error instanceof Error ? error.message : String(error);
  return { ok: false, error: message };
}
