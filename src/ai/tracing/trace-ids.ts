import type { IdSource } from '../../core/ids.js';

/**
 * MLflow 3 trace ids: `tr-` and 32 lower-case hex digits (a UUID without its dashes), drawn
 * from the injected id source so tests get repeatable ids.
 */
export function newTraceId(ids: IdSource): string {
  return `tr-${hexOf(ids.uuid())}`;
}

/**
 * Span ids: 16 hex digits (OpenTelemetry's 8 bytes). The UUID's last 16 digits are taken
 * because they hold the random part of a v4 UUID (and the counter of SequentialIds).
 */
export function newSpanId(ids: IdSource): string {
  return hexOf(ids.uuid()).slice(-16);
}

function hexOf(uuid: string): string {
  return uuid.replace(/-/g, '').toLowerCase().padStart(32, '0');
}
