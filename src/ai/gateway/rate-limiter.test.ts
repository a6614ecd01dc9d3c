import { describe, expect, it } from 'vitest';
import { FixedClock } from '../../core/clock.js';
import { LochError } from '../../core/errors.js';
import { rejection } from '../../test-support/errors.js';
import { RateLimiter } from './rate-limiter.js';

/** A sleep that advances the fake clock by what it was asked and records it. */
function recordingSleep(clock: FixedClock): { sleep: (ms: number, signal?: AbortSignal) => Promise<void>; slept: number[] } {
  const slept: number[] = [];
  return {
    slept,
    sleep: async (ms, signal) => {
      if (signal?.aborted === true) throw new LochError('CANCELLED', 'test: aborted');
      slept.push(ms);
      clock.advance(ms);
    },
  };
}

describe('RateLimiter', () => {
  it('lets a burst of a second worth through, then paces evenly', async () => {
    const clock = new FixedClock(1_000);
    const { sleep, slept } = recordingSleep(clock);
    const limiter = new RateLimiter(120, clock, sleep); // 2 per second, burst 2
    for (let i = 0; i < 5; i += 1) await limiter.acquire();
    expect(slept).toEqual([500, 500, 500]);
  });

  it('burst is at least one request', async () => {
    const clock = new FixedClock(0);
    const { sleep, slept } = recordingSleep(clock);
    const limiter = new RateLimiter(6, clock, sleep); // one every 10 s
    expect(limiter.burst).toBe(1);
    await limiter.acquire();
    await limiter.acquire();
    expect(slept).toEqual([10_000]);
  });

  it('refills while idle but never above the burst', async () => {
    const clock = new FixedClock(0);
    const { sleep, slept } = recordingSleep(clock);
    const limiter = new RateLimiter(60, clock, sleep);
    await limiter.acquire();
    clock.advance(60_000);
    await limiter.acquire();
    await limiter.acquire();
    expect(slept).toEqual([1_000]);
  });

  it('paces concurrent waiters in arrival order when the clock stands still', async () => {
    const clock = new FixedClock(0);
    const slept: number[] = [];
    const limiter = new RateLimiter(60, clock, async (ms) => { slept.push(ms); });
    await Promise.all([limiter.acquire(), limiter.acquire(), limiter.acquire(), limiter.acquire()]);
    expect(slept).toEqual([1_000, 2_000, 3_000]);
  });

  it('an aborted wait fails with CANCELLED and gives its token back', async () => {
    const clock = new FixedClock(0);
    const slept: number[] = [];
    const controller = new AbortController();
    const limiter = new RateLimiter(60, clock, async (ms, signal) => {
      if (signal === controller.signal) {
        controller.abort();
        throw new LochError('CANCELLED', 'test: aborted');
      }
      slept.push(ms);
    });
    await limiter.acquire();
    expect((await rejection(limiter.acquire(controller.signal))).code).toBe('CANCELLED');
    expect((await rejection(limiter.acquire(AbortSignal.abort()))).code).toBe('CANCELLED');
    await limiter.acquire();
    expect(slept).toEqual([1_000]); // 2 000 if the aborted caller had kept its token
  });
});
