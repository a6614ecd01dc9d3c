/** Time is injected so that commit timestamps and retention checks are repeatable in tests. */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock that only moves when told to; the default step keeps successive commits ordered. */
export class FixedClock implements Clock {
  private current: number;
  constructor(start: number, private readonly step = 0) {
    this.current = start;
  }
  now(): number {
    const value = this.current;
    this.current += this.step;
    return value;
  }
  advance(ms: number): void {
    this.current += ms;
  }
}
