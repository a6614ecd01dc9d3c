import type { Row } from '../../engine/index.js';
import type { StatementResult } from '../../sql/result.js';
import type { ResultColumn } from './columns.js';
import type { ChunkEncoder, EncodedChunk } from './encoders.js';
import { approxBytes } from './value-text.js';

/** One produced chunk: where it sits, whether it is the last, and its encoded form. */
export interface ProducedChunk extends EncodedChunk {
  readonly index: number;
  readonly rowOffset: number;
  readonly rowCount: number;
  /** Bytes of `body` (external links); undefined for INLINE. */
  readonly byteCount?: number;
  readonly last: boolean;
}

export interface CursorLimits {
  readonly chunkRows: number;
  readonly chunkBytes: number;
  readonly rowLimit?: number;
  readonly byteLimit?: number;
}

/**
 * Reads a StatementResult forward, one chunk at a time, without holding more than one chunk's
 * rows (plus at most one engine batch read ahead to know whether more rows follow). A chunk ends
 * at `chunkRows` rows or about `chunkBytes` bytes; the result ends at its last row, at
 * `rowLimit` rows or about `byteLimit` bytes (then `truncated` is true when rows were left).
 * The result (and its engine session) is released as soon as the end is reached or on `close()`.
 * Calls must not overlap (the statement serialises them).
 */
export class ChunkCursor {
  private readonly iterator: AsyncIterator<Row[]>;
  /** The engine batch being read, and the index of its next row. */
  private pending: Row[] = [];
  private position = 0;
  private exhausted = false;
  private closed = false;
  private produced = 0;
  private rowsOut = 0;
  private bytesOut = 0;
  truncated = false;

  constructor(
    private readonly result: StatementResult,
    readonly columns: readonly ResultColumn[],
    private readonly encoder: ChunkEncoder,
    private readonly limits: CursorLimits,
    private readonly inline: boolean,
  ) {
    this.iterator = result.batches()[Symbol.asyncIterator]();
  }

  get done(): boolean {
    return this.closed;
  }

  get totalRows(): number {
    return this.rowsOut;
  }

  /** The next chunk; the first call always yields chunk 0 (possibly empty). Undefined after the last. */
  async next(): Promise<ProducedChunk | undefined> {
    if (this.closed) return undefined;
    const { chunkRows, chunkBytes, rowLimit, byteLimit } = this.limits;
    const rowBudget = rowLimit === undefined ? chunkRows : Math.min(chunkRows, rowLimit - this.rowsOut);
    const rows: Row[] = [];
    let bytes = 0;
    while (rows.length < rowBudget && bytes < chunkBytes) {
      const row = await this.takeRow();
      if (row === undefined) break;
      const size = row.reduce<number>((n, v) => n + approxBytes(v), 2);
      if (byteLimit !== undefined && this.bytesOut + bytes + size > byteLimit) {
        this.truncated = true;
        break;
      }
      rows.push(row);
      bytes += size;
    }
    this.rowsOut += rows.length;
    this.bytesOut += bytes;
    let last = this.truncated;
    if (!last && rowLimit !== undefined && this.rowsOut >= rowLimit) {
      this.truncated = await this.hasMore();
      last = true;
    } else if (!last) last = !(await this.hasMore());
    const chunk = this.encode(rows, last);
    if (last) await this.close();
    return chunk;
  }

  /** Releases the result and its session (idempotent). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.pending = [];
    try {
      await this.iterator.return?.();
    } catch {
      // The statement failed or was interrupted: nothing more to release than the result.
    }
    await this.result.close();
  }

  private encode(rows: Row[], last: boolean): ProducedChunk {
    const encoded = this.encoder.encode(rows, this.produced);
    const chunk: ProducedChunk = {
      ...encoded,
      index: this.produced,
      rowOffset: this.rowsOut - rows.length,
      rowCount: rows.length,
      ...(this.inline || encoded.body === undefined ? {} : { byteCount: encoded.body.byteLength }),
      last,
    };
    this.produced += 1;
    return chunk;
  }

  private async takeRow(): Promise<Row | undefined> {
    if (this.position >= this.pending.length && !(await this.fill())) return undefined;
    return this.pending[this.position++];
  }

  private async hasMore(): Promise<boolean> {
    return this.position < this.pending.length || (await this.fill());
  }

  /** Reads the next non-empty engine batch into `pending`; false at the end. */
  private async fill(): Promise<boolean> {
    while (!this.exhausted) {
      const step = await this.iterator.next();
      if (step.done === true) {
        this.exhausted = true;
        return false;
      }
      if (step.value.length > 0) {
        this.pending = step.value;
        this.position = 0;
        return true;
      }
    }
    return false;
  }
}
