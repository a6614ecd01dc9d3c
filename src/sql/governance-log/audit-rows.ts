import type { AuditEvent } from '../../catalog/governance/governance-types.js';
import type { SystemRow } from './row-append.js';

/** What Loch writes in `workspace_id`, `account_id`, `metastore_id`: one Loch is one workspace. */
export const WORKSPACE_ID = 'loch';
/** The version of the audit row layout (Databricks writes '2.0'). */
export const AUDIT_VERSION = '2.0';

/** Keys that name a secret or statement parameters ('token', 'access_token', 'password', 'parameters'; not 'token_id'). */
const SECRET_KEY = /(^|[_-])(token|password|passwd|secret|credentials?|authorization|cookie|api[_-]?key|param(eter)?s?)$/i;
/** Personal access tokens ('dapi' + 32 hex, Loch's shape and Databricks') and bearer headers, wherever they appear. */
const SECRET_TEXT = /\bdapi[0-9a-f]{32}\b|\bBearer\s+\S+/gi;
const MAX_VALUE = 1000;
const MAX_ERROR = 2000;
const MAX_PARAMS = 32;

/**
 * One row of system.access.audit. Defence in depth on top of the producers' contract (never
 * record tokens, passwords or statement parameter values): parameters whose key names a secret
 * are written as '[REDACTED]', token-shaped text is masked in values and error messages, and
 * long values are cut.
 */
export function auditRow(event: AuditEvent, eventId: string): SystemRow {
  const request = event.request;
  return {
    account_id: WORKSPACE_ID,
    workspace_id: WORKSPACE_ID,
    version: AUDIT_VERSION,
    event_time: event.time,
    event_date: event.time,
    source_ip_address: request.sourceIp ?? null,
    user_agent: clip(request.userAgent, MAX_VALUE),
    session_id: request.sessionId ?? null,
    user_identity: { email: event.principal, subject_name: event.principal },
    service_name: request.service,
    action_name: event.action,
    request_id: request.requestId,
    request_params: safeParams(event.params),
    response: { status_code: event.statusCode, error_message: clip(event.errorMessage, MAX_ERROR), result: null },
    audit_level: 'WORKSPACE_LEVEL',
    event_id: eventId,
    object_type: event.objectType ?? null,
    object_name: event.objectName ?? null,
    allowed: event.allowed,
  };
}

export function safeParams(params: Readonly<Record<string, string>> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(params ?? {}).slice(0, MAX_PARAMS)) {
    out[key] = SECRET_KEY.test(key) ? '[REDACTED]' : (clip(String(value), MAX_VALUE) ?? '');
  }
  return out;
}

function clip(text: string | undefined, max: number): string | null {
  if (text === undefined) return null;
  const masked = text.replace(SECRET_TEXT, '[REDACTED]');
  return masked.length <= max ? masked : `${masked.slice(0, max)}…`;
}
