import { describe, expect, it } from 'vitest';
import { FixedClock } from '../../core/clock.js';
import type { ChatRequest } from '../model-types.js';
import { ResponseCache, canonicalJson, chatCacheKey, embeddingCacheKey } from './response-cache.js';

const ASK: ChatRequest = { model: 'm', messages: [{ role: 'user', content: 'hi' }], temperature: 0 };

describe('ResponseCache', () => {
  it('answers until the TTL runs out', () => {
    const clock = new FixedClock(0);
    const cache = new ResponseCache<{ n: number }>(1_000, clock);
    cache.set('a', { n: 1 });
    clock.advance(999);
    expect(cache.get('a')).toEqual({ n: 1 });
    clock.advance(1);
    expect(cache.get('a')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('evicts the least recently used beyond its size', () => {
    const cache = new ResponseCache<number>(60_000, new FixedClock(0), 3);
    cache.set('a', 1);
    cache.set('b', 2);
    cache.set('c', 3);
    expect(cache.get('a')).toBe(1);
    cache.set('d', 4);
    expect(cache.get('b')).toBeUndefined();
    expect([cache.get('a'), cache.get('c'), cache.get('d')]).toEqual([1, 3, 4]);
    expect(cache.size).toBe(3);
  });

  it('hands out copies', () => {
    const cache = new ResponseCache<{ list: number[] }>(60_000, new FixedClock(0));
    const value = { list: [1] };
    cache.set('k', value);
    value.list.push(2);
    const hit = cache.get('k');
    hit?.list.push(3);
    expect(cache.get('k')).toEqual({ list: [1] });
  });

  it('keeps at most 10 000 entries by default', () => {
    const cache = new ResponseCache<number>(60_000, new FixedClock(0));
    for (let i = 0; i < 10_050; i += 1) cache.set(String(i), i);
    expect(cache.size).toBe(10_000);
    expect(cache.get('49')).toBeUndefined();
    expect(cache.get('50')).toBe(50);
  });
});

describe('cache keys', () => {
  it('canonical JSON sorts keys at every depth', () => {
    expect(canonicalJson({ b: 1, a: { d: [{ z: 1, y: 2 }], c: undefined } })).toBe('{"a":{"d":[{"y":2,"z":1}]},"b":1}');
  });

  it('only deterministic chat requests have a key; key order and user do not matter', () => {
    expect(chatCacheKey(ASK)).toBe(chatCacheKey({ temperature: 0, messages: ASK.messages, model: 'm', user: 'bob' }));
    expect(chatCacheKey({ ...ASK, temperature: 0.2 })).toBeUndefined();
    expect(chatCacheKey({ model: 'm', messages: ASK.messages })).toBeUndefined();
    expect(chatCacheKey({ ...ASK, n: 2 })).toBeUndefined();
    expect(chatCacheKey({ ...ASK, n: 1 })).toBeDefined();
    expect(chatCacheKey({ ...ASK, stream: true })).toBeUndefined();
    expect(chatCacheKey({ ...ASK, max_tokens: 5 })).not.toBe(chatCacheKey(ASK));
  });

  it('every embedding request has a key', () => {
    expect(embeddingCacheKey({ model: 'e', input: ['a'] })).toBe(embeddingCacheKey({ input: ['a'], model: 'e' }));
    expect(embeddingCacheKey({ model: 'e', input: 'a' })).not.toBe(chatCacheKey({ model: 'e', messages: [], temperature: 0 }));
  });
});
