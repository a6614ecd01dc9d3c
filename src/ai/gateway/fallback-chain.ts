import type { IdentityStore } from '../../catalog/governance/identity-store.js';
import type { SecretStore } from '../../catalog/secrets/secret-store.js';
import { LochError, isLochError } from '../../core/errors.js';
import { endpointFullName, fallbackName } from '../endpoint-definition.js';
import type { EndpointInfo } from '../endpoint-types.js';
import type { EndpointTask } from '../model-types.js';
import type { ProviderTarget } from '../providers/provider.js';
import { cancelled } from './attempt-loop.js';
import type { AttemptContext, Held } from './attempt-loop.js';
import { checkTask } from './endpoint-access.js';
import type { ResolutionMemo } from './endpoint-access.js';
import type { EndpointStates } from './endpoint-states.js';
import type { InvokeOptions } from './gateway-types.js';
import type { CallTrace } from './inference-event.js';
import type { Sleep } from './rate-limiter.js';
import { isRetryable } from './retry-policy.js';

export interface ChainDeps {
  readonly secrets: SecretStore;
  readonly identity: IdentityStore;
  readonly states: EndpointStates;
  readonly sleep: Sleep;
  readonly random: () => number;
  readonly memo: ResolutionMemo;
}

/** Serves one call at one endpoint (with its retries): `attempts` is the endpoint's retry context. */
export type EndpointRun<T> = (info: EndpointInfo, target: ProviderTarget, attempts: AttemptContext) => Promise<Held<T>>;

/**
 * Serves a call at `primary`, then, only when it still fails with a retryable error after its
 * retries, at each of its fallbacks in order (not theirs: no chains, so no cycles). Each
 * fallback is looked up and EXECUTE-authorized through the caller's catalog; one the caller may
 * not use, that is gone, serves another task or whose key cannot be read is skipped (the
 * catalog audits the refusal). When nothing serves, the primary's error is thrown, its message
 * saying what became of each fallback. CANCELLED ends the chain at once.
 */
export async function serveWithFallbacks<T>(deps: ChainDeps, trace: CallTrace, primary: EndpointInfo, task: EndpointTask, options: InvokeOptions, run: EndpointRun<T>): Promise<Held<T>> {
  let primaryError: LochError;
  try {
    return await serveAt(deps, trace, primary, options, run);
  } catch (error) {
    if (!isLochError(error) || !isRetryable(error) || primary.definition.fallbacks.length === 0) throw error;
    primaryError = error;
  }
  const notes: string[] = [];
  const self = endpointFullName(primary.name);
  for (const fallback of new Set(primary.definition.fallbacks)) {
    if (fallback === self) continue;
    if (options.signal?.aborted === true) throw cancelled(self);
    try {
      const info = await deps.memo.endpoint(options.catalog, fallbackName(fallback));
      checkTask(info, task);
      return await serveAt(deps, trace, info, options, run);
    } catch (error) {
      if (isLochError(error, 'CANCELLED')) throw error;
      notes.push(`${fallback}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  throw new LochError(primaryError.code, `${primaryError.message} (fallbacks tried: ${notes.join('; ')})`, {
    context: { ...primaryError.context, fallbacks: notes },
    cause: primaryError,
    retryable: primaryError.retryable,
  });
}

async function serveAt<T>(deps: ChainDeps, trace: CallTrace, info: EndpointInfo, options: InvokeOptions, run: EndpointRun<T>): Promise<Held<T>> {
  const target = await deps.memo.target(info, deps.secrets, deps.identity);
  if (target.apiKey !== undefined) trace.secrets.push(target.apiKey);
  const attempts: AttemptContext = {
    endpoint: endpointFullName(info.name),
    state: deps.states.of(info),
    limits: info.definition.limits,
    signal: options.signal,
    sleep: deps.sleep,
    random: deps.random,
    tally: trace.tally,
  };
  const held = await run(info, target, attempts);
  trace.servedBy = info;
  return held;
}
