import { LochError, isLochError } from '../../core/errors.js';
import { endpointFullName } from '../endpoint-definition.js';
import type { EndpointInfo, EndpointPrices } from '../endpoint-types.js';
import type { EndpointTask } from '../model-types.js';
import type { AttemptTally } from './attempt-loop.js';
import type { CallSource, InferenceEvent } from './gateway-types.js';

/** Token counts of a response (0 when the provider reported none). */
export interface TokenCounts {
  readonly prompt: number;
  readonly completion: number;
}

/** Everything one call learns on its way, filled in as it goes; turned into its one InferenceEvent at the end. */
export interface CallTrace {
  readonly requestId: string;
  readonly startedAt: number;
  /** The endpoint's full name (as given until resolved). */
  endpoint: string;
  readonly task: EndpointTask;
  readonly caller: string;
  readonly source: CallSource;
  readonly streamed: boolean;
  /** Whether this call's request and response text go to the log (drawn once per call, when the endpoint is known). */
  sampled: boolean;
  readonly tally: AttemptTally;
  /** The endpoint called, once resolved. */
  primary?: EndpointInfo;
  /** The endpoint that answered. */
  servedBy?: EndpointInfo;
  cached: boolean;
  tokens?: TokenCounts;
  /** The request as sent (JSON text), the response as received. */
  request?: unknown;
  response?: unknown;
  /** Secret values this call revealed: scrubbed from whatever leaves the gateway. */
  readonly secrets: string[];
}

/** The cost of `tokens` at `prices` (per million tokens); undefined without prices. */
export function costOf(tokens: TokenCounts, prices: EndpointPrices | undefined): number | undefined {
  if (prices === undefined) return undefined;
  return (tokens.prompt * prices.inputPerMillionTokens + tokens.completion * prices.outputPerMillionTokens) / 1e6;
}

/** The call's one inference event: success when `error` is undefined, cancelled for CANCELLED, error otherwise. */
export function inferenceEvent(trace: CallTrace, endedAt: number, error?: LochError): InferenceEvent {
  const about = trace.servedBy ?? trace.primary;
  const tokens = trace.tokens ?? { prompt: 0, completion: 0 };
  const cost = trace.cached ? (about?.definition.prices === undefined ? undefined : 0) : costOf(tokens, about?.definition.prices);
  const scrub = (text: string): string => redact(text, trace.secrets);
  const status = error === undefined ? 'success' : error.code === 'CANCELLED' ? 'cancelled' : 'error';
  return {
    requestId: trace.requestId,
    startedAt: trace.startedAt,
    latencyMs: Math.max(0, endedAt - trace.startedAt),
    endpoint: trace.endpoint,
    ...(trace.servedBy !== undefined ? { servedBy: endpointFullName(trace.servedBy.name) } : {}),
    provider: about?.definition.provider ?? '',
    model: about?.definition.model ?? '',
    task: trace.task,
    caller: trace.caller,
    source: trace.source,
    status,
    ...(trace.tally.httpStatus !== undefined ? { httpStatus: trace.tally.httpStatus } : {}),
    ...(error !== undefined ? { errorCode: error.code, errorMessage: scrub(error.message) } : {}),
    attempts: trace.tally.attempts,
    cached: trace.cached,
    streamed: trace.streamed,
    promptTokens: trace.cached ? 0 : tokens.prompt,
    completionTokens: trace.cached ? 0 : tokens.completion,
    ...(cost !== undefined ? { cost } : {}),
    ...(trace.sampled && trace.request !== undefined ? { request: scrub(JSON.stringify(trace.request)) } : {}),
    ...(trace.sampled && error === undefined && trace.response !== undefined ? { response: scrub(JSON.stringify(trace.response)) } : {}),
  };
}

/** Shorter values are not searched for: replacing one or two characters would garble every message. */
const MIN_SECRET_LENGTH = 4;

/** `text` with every occurrence of a secret replaced by '[REDACTED]'. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (secret.length >= MIN_SECRET_LENGTH) out = out.split(secret).join('[REDACTED]');
  return out;
}

/**
 * The error to hand the caller: a LochError whose message holds no secret of the call (a
 * provider must never echo its key, but a message quoting a server's reply might). Anything
 * that is not a LochError is wrapped as INTERNAL.
 */
export function scrubbedError(error: unknown, secrets: readonly string[], endpoint: string): LochError {
  const loch = isLochError(error) ? error : new LochError('INTERNAL', `ai: endpoint ${endpoint}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  const message = redact(loch.message, secrets);
  const context = redactedContext(loch.context, secrets);
  if (message === loch.message && context === loch.context && loch === error) return loch;
  // The cause may hold the secret too (an error of the provider's HTTP client): it is not passed on.
  return new LochError(loch.code, message, { context, retryable: loch.retryable });
}

function redactedContext(context: Readonly<Record<string, unknown>>, secrets: readonly string[]): Readonly<Record<string, unknown>> {
  let text: string;
  try {
    text = JSON.stringify(context) ?? '{}';
  } catch {
    return {};
  }
  const clean = redact(text, secrets);
  if (clean === text) return context;
  try {
    return JSON.parse(clean) as Record<string, unknown>;
  } catch {
    return {};
  }
}
