import { setMaxListeners } from 'node:events';
import { LochError } from '../../core/errors.js';

export interface OrderedRunOptions {
  /**
   * At most this many items are started and not yet yielded (in flight, or done and waiting for
   * an earlier one): memory is bounded by the window, never by the input.
   */
  readonly window: number;
  /** Aborting it stops the run: work in flight gets an aborted signal, the run throws CANCELLED. */
  readonly signal?: AbortSignal;
}

type Settled<O> = { readonly ok: true; readonly value: O } | { readonly ok: false; readonly error: unknown };

/**
 * Maps `inputs` through `work` concurrently and yields the results in input order. Contract:
 * - Inputs are pulled lazily: the next one only when fewer than `window` items are outstanding.
 * - Fail fast: when any `work` rejects, the others are aborted (their signal fires), the run
 *   waits for them to settle and throws that rejection; nothing after it is yielded.
 * - When `options.signal` aborts, the same happens and the run throws LochError CANCELLED.
 * - If the consumer stops early, outstanding work is aborted and awaited before the generator ends.
 */
export async function* runOrdered<I, O>(inputs: AsyncIterable<I> | Iterable<I>, work: (item: I, signal: AbortSignal) => Promise<O>, options: OrderedRunOptions): AsyncGenerator<O> {
  if (!Number.isInteger(options.window) || options.window < 1) {
    throw new LochError('INVALID_ARGUMENT', `ai batch: window must be a positive integer (got ${options.window})`);
  }
  const controller = new AbortController();
  // Every item in flight listens to the signal (fetch, backoff timers): the window bounds them.
  setMaxListeners(Math.max(10, options.window * 4), controller.signal);
  const outer = options.signal;
  const onAbort = (): void => controller.abort();
  outer?.addEventListener('abort', onAbort, { once: true });
  if (outer?.aborted === true) controller.abort();
  let firstFailure: ((error: unknown) => void) | undefined;
  const failed = new Promise<Settled<O>>((resolve) => {
    firstFailure = (error) => resolve({ ok: false, error });
  });
  const aborted = new Promise<Settled<O>>((resolve) => {
    if (controller.signal.aborted) resolve({ ok: false, error: cancelled() });
    controller.signal.addEventListener('abort', () => resolve({ ok: false, error: cancelled() }), { once: true });
  });
  const start = (item: I): Promise<Settled<O>> =>
    work(item, controller.signal).then(
      (value) => ({ ok: true as const, value }),
      (error: unknown) => {
        firstFailure?.(error);
        return { ok: false as const, error };
      },
    );
  const iterator = Symbol.asyncIterator in inputs ? inputs[Symbol.asyncIterator]() : toAsync(inputs[Symbol.iterator]());
  const pending: Promise<Settled<O>>[] = [];
  let exhausted = false;
  try {
    for (;;) {
      while (!exhausted && pending.length < options.window && !controller.signal.aborted) {
        const next = await iterator.next();
        if (next.done === true) exhausted = true;
        else pending.push(start(next.value));
      }
      const head = pending[0];
      if (controller.signal.aborted) throw cancelled();
      if (head === undefined) return;
      const settled = await Promise.race([head, failed, aborted]);
      if (!settled.ok) throw outer?.aborted === true ? cancelled() : settled.error;
      pending.shift();
      yield settled.value;
    }
  } finally {
    outer?.removeEventListener('abort', onAbort);
    controller.abort();
    await Promise.allSettled(pending);
    if (!exhausted) await iterator.return?.();
  }
}

function cancelled(): LochError {
  return new LochError('CANCELLED', 'ai: the batch was cancelled');
}

async function* toAsync<I>(iterator: Iterator<I>): AsyncGenerator<I> {
  for (let next = iterator.next(); next.done !== true; next = iterator.next()) yield next.value;
}

/** Groups the items of `inputs` into arrays of at most `size` (the last one shorter), lazily. */
export async function* chunked<I>(inputs: AsyncIterable<I>, size: number): AsyncGenerator<I[]> {
  let chunk: I[] = [];
  for await (const item of inputs) {
    chunk.push(item);
    if (chunk.length >= size) {
      yield chunk;
      chunk = [];
    }
  }
  if (chunk.length > 0) yield chunk;
}
