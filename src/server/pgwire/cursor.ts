/**
 * A result being sent to the client: RowDescription from the column types, then DataRows
 * encoded batch by batch as the client's socket accepts them (never the whole result in
 * memory), optionally `maxRows` at a time (Execute with a row limit → PortalSuspended and the
 * cursor stays open for the next Execute).
 */
import type { Row } from '../../engine/index.js';
import { dataRow, rowDescription } from './codec.js';
import type { FieldDescription } from './codec.js';
import { encodeValue, pgTypeOf, resultFormat } from './types.js';
import type { PgType } from './types.js';

/** Rows with their columns: a Loch StatementResult, a catalog emulation result, a SHOW answer. */
export interface RowSource {
  readonly columns: readonly { readonly name: string; readonly type: string }[];
  batches(): AsyncIterable<Row[]>;
  /** Releases what the rows hold (the DuckDB session); idempotent. */
  close(): Promise<void>;
  /** Stops the statement producing the rows, if it runs elsewhere than the Loch session. */
  interrupt?(): void;
}

/** Where DataRows go: the connection's buffered output. */
export interface RowSink {
  push(message: Buffer): void;
  /** Writes out buffered bytes once over the threshold, waiting while the socket is full. */
  flushIfFull(): Promise<void>;
  /** Throws (the statement's failure) when the client went away or cancelled. */
  check(): void;
}

/** A RowSource of fixed rows (SHOW answers). */
export function fixedRows(columns: readonly { name: string; type: string }[], rows: Row[]): RowSource {
  return {
    columns,
    batches: async function* () {
      if (rows.length > 0) yield rows;
    },
    close: async () => {},
  };
}

export class Cursor {
  private readonly types: PgType[];
  private formats: (0 | 1)[];
  private iterator: AsyncIterator<Row[]> | undefined;
  private batch: Row[] = [];
  private position = 0;
  private finished = false;
  private closed = false;

  constructor(readonly source: RowSource) {
    this.types = source.columns.map((c) => pgTypeOf(c.type));
    this.formats = this.types.map(() => 0);
  }

  /** Sets the result formats (Bind's list: none = all text, one = for all, else per column). */
  useFormats(requested: readonly number[]): void {
    this.formats = this.types.map((type, i) => resultFormat(type, requested.length === 1 ? (requested[0] as number) : (requested[i] ?? 0)));
  }

  get done(): boolean {
    return this.finished;
  }

  describe(): Buffer {
    const fields: FieldDescription[] = this.source.columns.map((c, i) => {
      const type = this.types[i] as PgType;
      return { name: c.name, typeOid: type.oid, typeSize: type.size, typeModifier: type.modifier, format: this.formats[i] as number };
    });
    return rowDescription(fields);
  }

  /**
   * Sends up to `maxRows` rows (0 = all) and returns how many were sent. `done` tells whether
   * the rows ran out; then the source is released.
   */
  async send(sink: RowSink, maxRows: number): Promise<number> {
    let sent = 0;
    while (maxRows <= 0 || sent < maxRows) {
      if (this.position >= this.batch.length) {
        sink.check();
        const next = await this.nextBatch();
        if (next === undefined) {
          this.finished = true;
          await this.close();
          break;
        }
        continue;
      }
      const row = this.batch[this.position] as Row;
      this.position += 1;
      sink.push(dataRow(row.map((value, i) => encodeValue(this.types[i] as PgType, this.formats[i] as 0 | 1, value))));
      sent += 1;
      await sink.flushIfFull();
    }
    return sent;
  }

  private async nextBatch(): Promise<Row[] | undefined> {
    this.iterator ??= this.source.batches()[Symbol.asyncIterator]();
    const next = await this.iterator.next();
    if (next.done === true) return undefined;
    this.batch = next.value;
    this.position = 0;
    return next.value;
  }

  /** Releases the source (ends the DuckDB statement and session); idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.iterator?.return?.();
    } finally {
      await this.source.close();
    }
  }
}
