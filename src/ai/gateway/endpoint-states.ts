import type { Clock } from '../../core/clock.js';
import { DEFAULT_CACHE_TTL_MS, endpointFullName } from '../endpoint-definition.js';
import type { EndpointInfo } from '../endpoint-types.js';
import { ConcurrencyLimiter } from './concurrency-limiter.js';
import { RateLimiter } from './rate-limiter.js';
import type { Sleep } from './rate-limiter.js';
import { ResponseCache } from './response-cache.js';

/** What the gateway keeps per endpoint, shared by every caller of this process. */
export interface EndpointState {
  readonly limiter: ConcurrencyLimiter;
  /** Undefined when the endpoint has no requestsPerMinute. */
  readonly rateLimiter: RateLimiter | undefined;
  /** Undefined when the endpoint's `cache` is off. */
  readonly cache: ResponseCache<unknown> | undefined;
}

interface Slot {
  version: string;
  state: EndpointState;
}

/**
 * Endpoint states by full name. When an endpoint's definition changes (another createdAt or
 * updatedAt: ALTER, or DROP and CREATE), its state follows: the concurrency limiter keeps its
 * holders and only takes the new limit (so in-flight calls still count against it), the rate
 * limiter is replaced when the rate changed, and the cache is dropped (the model or URL may
 * have changed, so earlier answers no longer hold).
 */
export class EndpointStates {
  private readonly slots = new Map<string, Slot>();

  constructor(private readonly clock: Clock, private readonly sleep: Sleep) {}

  of(info: EndpointInfo): EndpointState {
    const name = endpointFullName(info.name);
    const version = `${info.createdAt}/${info.updatedAt}`;
    const slot = this.slots.get(name);
    if (slot === undefined) {
      const state = this.fresh(info, new ConcurrencyLimiter(info.definition.limits.maxConcurrency, `endpoint ${name}`), undefined);
      this.slots.set(name, { version, state });
      return state;
    }
    if (slot.version !== version) {
      slot.state.limiter.setLimit(info.definition.limits.maxConcurrency);
      slot.state = this.fresh(info, slot.state.limiter, slot.state.rateLimiter);
      slot.version = version;
    }
    return slot.state;
  }

  private fresh(info: EndpointInfo, limiter: ConcurrencyLimiter, previousRate: RateLimiter | undefined): EndpointState {
    const { limits, cache, cacheTtlMs } = info.definition;
    const rpm = limits.requestsPerMinute;
    const rateLimiter = rpm === undefined ? undefined : previousRate?.requestsPerMinute === rpm ? previousRate : new RateLimiter(rpm, this.clock, this.sleep);
    return { limiter, rateLimiter, cache: cache ? new ResponseCache<unknown>(cacheTtlMs ?? DEFAULT_CACHE_TTL_MS, this.clock) : undefined };
  }
}
