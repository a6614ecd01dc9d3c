import type { Loch } from '../sql/loch.js';
import type { StatementResult } from '../sql/result.js';
import type { TableLimits } from './output/table-writer.js';
import { createWriter, type OutputFormat } from './output/writers.js';
import { isSlowStatement, statementLabel, type ProgressLine } from './progress.js';

/** How one statement's result is shown. */
export interface ShowOptions {
  readonly format: OutputFormat;
  readonly limits: TableLimits;
  /** Print "Run Time: 0.123 s" after the result. */
  readonly timer: boolean;
  readonly out: (text: string) => void;
  /** Notes to the user (interruption). */
  readonly err: (text: string) => void;
  readonly progress: ProgressLine;
  /** Aborted by Ctrl-C: the display stops and the statement's result is discarded. */
  readonly signal?: AbortSignal;
  readonly now?: () => number;
}

export type RunOutcome = 'done' | 'interrupted';

/**
 * Runs one statement and prints its result. Failures throw (the caller reports them). When the
 * signal aborts while rows are read, reading stops and the result is closed; while the statement
 * itself still runs, DuckDB is asked to stop it (a write then commits nothing).
 */
export async function runStatement(loch: Loch, sql: string, options: ShowOptions): Promise<RunOutcome> {
  const now = options.now ?? Date.now;
  const started = now();
  options.progress.start(statementLabel(sql), isSlowStatement(sql) ? 0 : undefined);
  try {
    const result = await awaitStatement(loch, loch.sql(sql), options);
    if (result === undefined) return 'interrupted';
    const outcome = await printRows(result, options);
    if (outcome === 'done' && options.timer) options.out(`Run Time: ${((now() - started) / 1000).toFixed(3)} s\n`);
    return outcome;
  } finally {
    options.progress.stop();
  }
}

/** The statement's result, or undefined when it was interrupted (the result is then closed). */
async function awaitStatement(loch: Loch, pending: Promise<StatementResult>, options: ShowOptions): Promise<StatementResult | undefined> {
  const signal = options.signal;
  if (signal === undefined) return pending;
  const onAbort = (): void => {
    options.progress.stop();
    loch.interrupt();
  };
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    let result: StatementResult;
    try {
      result = await pending;
    } catch (error) {
      // The interruption itself surfaces as a failed statement; it is not an error to report.
      if (signal.aborted) return undefined;
      throw error;
    }
    if (!signal.aborted) return result;
    await result.close();
    return undefined;
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

/** Streams the rows into the writer; stops (and closes the result) when the signal aborts. */
async function printRows(result: StatementResult, options: ShowOptions): Promise<RunOutcome> {
  let started = false;
  const write = (text: string): void => {
    if (!started) options.progress.stop();
    started = true;
    options.out(text);
  };
  const writer = createWriter(options.format, write, options.limits);
  writer.begin(result.columns);
  const iterator = result.batches()[Symbol.asyncIterator]();
  const aborted = abortPromise(options.signal);
  for (;;) {
    const next = iterator.next();
    const step = await Promise.race([next, aborted.promise]);
    if (step === 'aborted') {
      // The pending read finishes in the background; the result is closed once it has.
      void next.then(() => result.close(), () => result.close()).catch(() => {});
      aborted.dispose();
      return 'interrupted';
    }
    if (step.done === true) break;
    writer.rows(step.value);
  }
  aborted.dispose();
  writer.end();
  return 'done';
}

function abortPromise(signal: AbortSignal | undefined): { promise: Promise<'aborted'>; dispose: () => void } {
  if (signal === undefined) return { promise: new Promise(() => {}), dispose: () => {} };
  let listener = (): void => {};
  const promise = new Promise<'aborted'>((resolve) => {
    listener = () => resolve('aborted');
    if (signal.aborted) resolve('aborted');
    else signal.addEventListener('abort', listener, { once: true });
  });
  return { promise, dispose: () => signal.removeEventListener('abort', listener) };
}
