import type { AuditEvent } from '../../catalog/governance/governance-types.js';
import type { ApiDeps, Caller } from './context.js';

/** What one API request tells the audit log besides who and where from. */
export interface RequestOutcome {
  readonly action: string;
  readonly statusCode: number;
  readonly objectType?: AuditEvent['objectType'];
  readonly objectName?: string;
  readonly errorMessage?: string;
  readonly params?: Readonly<Record<string, string>>;
}

/**
 * Records one request of an authenticated caller in the audit sink: the one shape every HTTP
 * API uses, so `allowed` means the same everywhere (refused = 401 or 403) and error messages
 * are bounded.
 */
export function auditRequest(deps: Pick<ApiDeps, 'loch' | 'clock'>, caller: Caller, outcome: RequestOutcome): void {
  deps.loch.audit.record({
    time: deps.clock.now(),
    request: caller.request,
    principal: caller.principal.name,
    action: outcome.action,
    ...(outcome.objectType === undefined ? {} : { objectType: outcome.objectType }),
    ...(outcome.objectName === undefined ? {} : { objectName: outcome.objectName }),
    allowed: outcome.statusCode !== 401 && outcome.statusCode !== 403,
    statusCode: outcome.statusCode,
    ...(outcome.errorMessage === undefined ? {} : { errorMessage: outcome.errorMessage.slice(0, 1000) }),
    ...(outcome.params === undefined ? {} : { params: outcome.params }),
  });
}
