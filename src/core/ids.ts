import { randomUUID } from 'node:crypto';

/** Identifiers are injected so that file names and temp names are repeatable in tests. */
export interface IdSource {
  /** A lower-case RFC 4122 UUID string. */
  uuid(): string;
}

export const randomIds: IdSource = { uuid: () => randomUUID() };

/** Deterministic UUID-shaped ids for tests: 00000000-0000-4000-8000-<counter>. */
export class SequentialIds implements IdSource {
  private counter = 0;
  constructor(private readonly prefix = 0) {}
  uuid(): string {
    this.counter += 1;
    const tail = (this.prefix * 1_000_000 + this.counter).toString(16).padStart(12, '0');
    return `00000000-0000-4000-8000-${tail}`;
  }
}
