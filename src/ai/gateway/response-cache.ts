import type { Clock } from '../../core/clock.js';
import type { ChatRequest, EmbeddingRequest } from '../model-types.js';

/** At most this many responses are kept per endpoint; the least recently used go first. */
export const MAX_CACHE_ENTRIES = 10_000;

interface Entry<V> {
  readonly value: V;
  readonly expiresAt: number;
}

/**
 * Responses to deterministic requests, least recently used first out, each living `ttlMs`.
 * Values are copied in and out, so a caller that changes a response cannot change the cache.
 */
export class ResponseCache<V> {
  // A Map iterates in insertion order: re-inserting on each hit keeps the oldest use first.
  private readonly entries = new Map<string, Entry<V>>();

  constructor(private readonly ttlMs: number, private readonly clock: Clock, private readonly maxEntries = MAX_CACHE_ENTRIES) {}

  get size(): number {
    return this.entries.size;
  }

  /** The value stored under `key` and not yet expired (a hit counts as a use). */
  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    this.entries.delete(key);
    if (entry.expiresAt <= this.clock.now()) return undefined;
    this.entries.set(key, entry);
    return structuredClone(entry.value);
  }

  set(key: string, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, { value: structuredClone(value), expiresAt: this.clock.now() + this.ttlMs });
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done === true) break;
      this.entries.delete(oldest.value);
    }
  }

  clear(): void {
    this.entries.clear();
  }
}

/**
 * The cache key of a chat request, or undefined when its answer may differ between calls: only
 * `temperature: 0`, at most one choice and no streaming are deterministic enough to repeat.
 * `user` (an end-user id for the provider's abuse checks) does not change the answer.
 */
export function chatCacheKey(request: ChatRequest): string | undefined {
  if (request.temperature !== 0 || (request.n ?? 1) > 1 || request.stream === true) return undefined;
  const { user: _user, ...rest } = request;
  return `chat:${canonicalJson(rest)}`;
}

/** The cache key of an embedding request (embeddings are deterministic). */
export function embeddingCacheKey(request: EmbeddingRequest): string {
  const { user: _user, ...rest } = request;
  return `embeddings:${canonicalJson(rest)}`;
}

/** JSON text with object keys sorted at every depth (undefined members left out), so equal requests give equal text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortedKeys(value));
}

function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const member = (value as Record<string, unknown>)[key];
    if (member !== undefined) out[key] = sortedKeys(member);
  }
  return out;
}
