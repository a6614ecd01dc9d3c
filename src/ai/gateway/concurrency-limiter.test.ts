import { describe, expect, it } from 'vitest';
import { rejection } from '../../test-support/errors.js';
import { ConcurrencyLimiter } from './concurrency-limiter.js';

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('ConcurrencyLimiter', () => {
  it('never admits more than the limit among many concurrent acquirers, and serves all', async () => {
    const limiter = new ConcurrencyLimiter(5);
    let inside = 0;
    let peak = 0;
    const work = async (i: number): Promise<number> => {
      const release = await limiter.acquire();
      inside += 1;
      peak = Math.max(peak, inside);
      for (let t = 0; t < (i % 3) + 1; t += 1) await tick();
      inside -= 1;
      release();
      return i;
    };
    const results = await Promise.all(Array.from({ length: 300 }, (_, i) => work(i)));
    expect(results).toEqual(Array.from({ length: 300 }, (_, i) => i));
    expect(peak).toBe(5);
    expect(limiter.active).toBe(0);
    expect(limiter.queued).toBe(0);
  });

  it('serves waiters first in, first out', async () => {
    const limiter = new ConcurrencyLimiter(1);
    const first = await limiter.acquire();
    const order: number[] = [];
    const waits = [1, 2, 3].map((n) => limiter.acquire().then((release) => { order.push(n); release(); }));
    first();
    await Promise.all(waits);
    expect(order).toEqual([1, 2, 3]);
  });

  it('a release called twice frees one slot only', async () => {
    const limiter = new ConcurrencyLimiter(1);
    const release = await limiter.acquire();
    release();
    const again = await limiter.acquire();
    release();
    expect(limiter.active).toBe(1);
    again();
    expect(limiter.active).toBe(0);
  });

  it('an abort while queued removes the waiter with CANCELLED and holds nothing', async () => {
    const limiter = new ConcurrencyLimiter(1);
    const held = await limiter.acquire();
    const controller = new AbortController();
    const waiting = limiter.acquire(controller.signal);
    const behind = limiter.acquire();
    expect(limiter.queued).toBe(2);
    controller.abort();
    expect((await rejection(waiting)).code).toBe('CANCELLED');
    expect(limiter.queued).toBe(1);
    held();
    const next = await behind;
    expect(limiter.active).toBe(1);
    next();
  });

  it('refuses at once when the signal is already aborted', async () => {
    const limiter = new ConcurrencyLimiter(3);
    expect((await rejection(limiter.acquire(AbortSignal.abort()))).code).toBe('CANCELLED');
    expect(limiter.active).toBe(0);
  });

  it('a lowered limit drains holders before admitting; a raised one admits at once', async () => {
    const limiter = new ConcurrencyLimiter(2);
    const a = await limiter.acquire();
    const b = await limiter.acquire();
    let admitted = 0;
    const c = limiter.acquire().then((r) => { admitted += 1; return r; });
    limiter.setLimit(1);
    a();
    await tick();
    expect(admitted).toBe(0);
    b();
    (await c)();
    limiter.setLimit(3);
    const held = await Promise.all([limiter.acquire(), limiter.acquire(), limiter.acquire()]);
    expect(limiter.active).toBe(3);
    held.forEach((release) => release());
  });
});
