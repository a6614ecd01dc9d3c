/**
 * When a batched log writes: `intervalMs` after the first queued item, at once when a batch is
 * full (once per full batch, however many items arrive meanwhile), on `flush()` and on
 * `close()`. Writes run one at a time, in order; a failing write never rejects `flush()` (the
 * log decides what a failure means). Timers are unref'd, so a queued log never keeps Node alive.
 */
export class FlushScheduler {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private chain: Promise<void> = Promise.resolve();
  private batchPending = false;
  private closedFlag = false;

  constructor(
    private readonly intervalMs: number,
    private readonly write: () => Promise<void>,
  ) {}

  get closed(): boolean {
    return this.closedFlag;
  }

  /** Call after queueing an item; `full` when the queue has reached the batch size. */
  queued(full: boolean): void {
    if (!full) return this.schedule();
    if (this.batchPending) return;
    this.batchPending = true;
    this.cancel();
    void this.flush();
  }

  /** Runs a write after the ones already running; never rejects. */
  flush(): Promise<void> {
    const run = this.chain
      .then(() => {
        this.cancel();
        this.batchPending = false;
        return this.write();
      })
      .catch(() => {});
    this.chain = run;
    return run;
  }

  /** A write `intervalMs` from now, unless one is scheduled already or the log is closed. */
  schedule(): void {
    if (this.timer !== undefined || this.closedFlag) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, this.intervalMs);
    this.timer.unref?.();
  }

  /** Stops the timer and writes what is queued; later items are the log's to refuse. */
  async close(): Promise<void> {
    this.closedFlag = true;
    this.cancel();
    await this.flush();
  }

  private cancel(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
