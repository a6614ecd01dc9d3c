import { describe, expect, it } from 'vitest';
import { FixedClock } from '../../core/clock.js';
import { utf8Encode } from '../../core/bytes.js';
import { MemoryStore } from './memory-store.js';

describe('MemoryStore', () => {
  it('stamps lastModified from the injected clock', async () => {
    const clock = new FixedClock(1_700_000_000_000, 1000);
    const store = new MemoryStore('clocked', { clock });
    await store.put('a', utf8Encode('1'));
    await store.put('b', utf8Encode('2'));
    expect((await store.head('a'))?.lastModified).toBe(1_700_000_000_000);
    expect((await store.head('b'))?.lastModified).toBe(1_700_000_001_000);
    expect(store.url).toBe('memory://clocked');
    expect(store.size).toBe(2);
  });

  it('keeps listing correctly while keys are added between listings', async () => {
    const store = new MemoryStore('incremental');
    await store.put('log/2', utf8Encode(''));
    const first: string[] = [];
    for await (const meta of store.list('log/')) first.push(meta.key);
    await store.put('log/1', utf8Encode(''));
    await store.put('log/3', utf8Encode(''));
    const second: string[] = [];
    for await (const meta of store.list('log/', { startAfter: 'log/1' })) second.push(meta.key);
    expect(first).toEqual(['log/2']);
    expect(second).toEqual(['log/2', 'log/3']);
  });
});
