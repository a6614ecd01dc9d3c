import { describe, expect, it } from 'vitest';
import { LochError } from '../../core/errors.js';
import { chunked, runOrdered } from './batch-runner.js';

const delay = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(new Error('aborted'));
    });
  });

async function collect<O>(gen: AsyncIterable<O>): Promise<O[]> {
  const out: O[] = [];
  for await (const x of gen) out.push(x);
  return out;
}

/** Counts inputs pulled, so laziness can be checked. */
async function* counted(n: number, pulled: { count: number }): AsyncGenerator<number> {
  for (let i = 0; i < n; i++) {
    pulled.count++;
    yield i;
  }
}

describe('runOrdered', () => {
  it('yields results in input order whatever order they finish in', async () => {
    const out = await collect(runOrdered([5, 1, 4, 2, 3, 0], async (x) => {
      await delay(x * 3);
      return x * 10;
    }, { window: 4 }));
    expect(out).toEqual([50, 10, 40, 20, 30, 0]);
  });

  it('keeps at most `window` items outstanding and pulls inputs lazily', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const pulled = { count: 0 };
    const gen = runOrdered(counted(100, pulled), async (x) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await delay((x * 7) % 5);
      inFlight--;
      return x;
    }, { window: 8 });
    const first = await gen.next();
    expect(first.value).toBe(0);
    expect(pulled.count).toBeLessThanOrEqual(9);
    const rest = await collect({ [Symbol.asyncIterator]: () => gen });
    expect([0, ...rest]).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(maxInFlight).toBeLessThanOrEqual(8);
    expect(maxInFlight).toBeGreaterThan(1);
  });

  it('fails fast: the first rejection aborts the others and is thrown', async () => {
    const aborted: number[] = [];
    const run = collect(runOrdered([0, 1, 2, 3], async (x, signal) => {
      if (x === 1) {
        await delay(5);
        throw new Error('row 1 broke');
      }
      try {
        await delay(x === 0 ? 1 : 1000, signal);
      } catch (error) {
        aborted.push(x);
        throw error;
      }
      return x;
    }, { window: 4 }));
    await expect(run).rejects.toThrow('row 1 broke');
    expect(aborted.sort()).toEqual([2, 3]);
  });

  it('throws CANCELLED when the signal aborts, after the work in flight stopped', async () => {
    const controller = new AbortController();
    let settled = 0;
    const run = collect(runOrdered([1, 2, 3], async (_x, signal) => {
      try {
        await delay(10_000, signal);
      } finally {
        settled++;
      }
      return 0;
    }, { window: 3, signal: controller.signal }));
    setTimeout(() => controller.abort(), 10);
    const error = await run.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LochError);
    expect((error as LochError).code).toBe('CANCELLED');
    expect(settled).toBe(3);
  });

  it('aborts outstanding work when the consumer stops early', async () => {
    let aborts = 0;
    const gen = runOrdered([0, 1, 2, 3], async (x, signal) => {
      if (x > 0) await delay(1000, signal).catch((e: unknown) => {
        aborts++;
        throw e;
      });
      return x;
    }, { window: 4 });
    for await (const x of gen) if (x === 0) break;
    expect(aborts).toBe(3);
  });

  it('refuses a window below 1', async () => {
    await expect(collect(runOrdered([1], async (x) => x, { window: 0 }))).rejects.toThrow(/window must be a positive integer/);
  });
});

describe('chunked', () => {
  it('groups items, the last group shorter', async () => {
    expect(await collect(chunked(counted(7, { count: 0 }), 3))).toEqual([[0, 1, 2], [3, 4, 5], [6]]);
  });
});
