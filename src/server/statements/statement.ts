import type { Clock } from '../../core/clock.js';
import { LochError } from '../../core/errors.js';
import type { LochSession } from '../../sql/loch.js';
import { httpFailure } from '../http/errors.js';
import { ChunkCursor } from './chunk-cursor.js';
import type { ProducedChunk } from './chunk-cursor.js';
import { resultColumns } from './columns.js';
import type { ResultColumn } from './columns.js';
import { chunkEncoder } from './encoders.js';
import type { BoundStatement } from './parameters.js';
import type { ChunkInfo, ExecuteRequest, StatementLimits, StatementState } from './types.js';

/** Why a statement failed, as the API reports it (status.error + status.sql_state). */
export interface StatementFailure {
  readonly status: number;
  readonly errorCode: string;
  readonly message: string;
  readonly sqlState: string;
}

/** How often a cancel re-interrupts the session until the statement has stopped. */
const CANCEL_TICK_MS = 50;

/**
 * One submitted statement: PENDING → RUNNING → SUCCEEDED | FAILED | CANCELED, and SUCCEEDED →
 * CLOSED once its result is released (last chunk delivered, idle expiry, a client that dropped
 * mid-download, cancel, shutdown). It runs on its own Loch session (so an interrupt stops only
 * it) and holds its result as a ChunkCursor: chunks are produced in order when asked for, at most
 * `retainedChunks` of them stay in memory. Operations on the cursor are serialised.
 */
export class Statement {
  state: StatementState = 'PENDING';
  failure: StatementFailure | undefined;
  columns: readonly ResultColumn[] | undefined;
  lastTouched: number;
  finishedAt: number | undefined;
  /** Settles when the statement leaves PENDING/RUNNING (never rejects). */
  done: Promise<void> = Promise.resolve();

  private session: LochSession | undefined;
  private cursor: ChunkCursor | undefined;
  private readonly produced: ChunkInfo[] = [];
  private readonly retained = new Map<number, ProducedChunk>();
  private readonly delivered = new Set<number>();
  private lastIndex: number | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private pulling = false;
  private canceled = false;

  constructor(
    readonly id: string,
    /** The principal that submitted it: the only one who may see it. */
    readonly owner: string,
    readonly request: ExecuteRequest,
    private readonly limits: StatementLimits,
    private readonly clock: Clock,
    private readonly onFinish: (statement: Statement) => void,
  ) {
    this.lastTouched = clock.now();
  }

  /** Starts running `bound` on `session`; `done` settles when it has a first chunk, failed or was cancelled. */
  start(session: LochSession, bound: BoundStatement): void {
    this.session = session;
    this.state = 'RUNNING';
    this.done = this.run(session, bound);
  }

  /** True while the statement holds engine resources (running, or an unread result). */
  get open(): boolean {
    return this.state === 'PENDING' || this.state === 'RUNNING' || (this.state === 'SUCCEEDED' && this.cursor?.done === false);
  }

  get finished(): boolean {
    return this.state !== 'PENDING' && this.state !== 'RUNNING';
  }

  get truncated(): boolean {
    return this.cursor?.truncated ?? false;
  }

  /** Infos of the chunks produced so far, and the number of chunks when the end is known. */
  get chunkInfos(): readonly ChunkInfo[] {
    return this.produced;
  }

  get totalChunks(): number | undefined {
    return this.lastIndex === undefined ? undefined : this.lastIndex + 1;
  }

  touch(): void {
    this.lastTouched = this.clock.now();
  }

  /**
   * Cancels a running statement (it ends CANCELED; a write commits nothing); a succeeded one has
   * its result released (CLOSED). Finished statements are left as they are.
   */
  cancel(): void {
    if (this.state === 'SUCCEEDED') {
      void this.release();
      return;
    }
    if (this.finished) return;
    this.canceled = true;
    const tick = (): void => {
      if (this.finished) return;
      // Interrupting between two engine calls is lost, so repeat until the statement stops.
      this.session?.interrupt();
      setTimeout(tick, CANCEL_TICK_MS).unref();
    };
    tick();
  }

  /** A retained chunk without producing anything (the INLINE first chunk of a response). */
  retainedChunk(index: number): ProducedChunk | undefined {
    return this.state === 'SUCCEEDED' ? this.retained.get(index) : undefined;
  }

  /**
   * Chunk `index`: a retained one, or the next one, produced now. NOT_FOUND for a released or
   * closed result and for an index past the end; INVALID_ARGUMENT for a statement without a
   * result (yet) and for skipping ahead.
   */
  async chunk(index: number): Promise<ProducedChunk> {
    this.touch();
    return this.serialised(async () => {
      this.requireResult();
      const kept = this.retained.get(index);
      if (kept !== undefined) return kept;
      if (this.lastIndex !== undefined && index > this.lastIndex) {
        throw new LochError('NOT_FOUND', `statements: statement ${this.id} has ${this.lastIndex + 1} result chunk(s); there is no chunk ${index}`);
      }
      if (index < this.produced.length) {
        throw new LochError('NOT_FOUND', `statements: chunk ${index} of statement ${this.id} was released (at most ${this.limits.retainedChunks} chunks are kept; read them in order)`);
      }
      if (index > this.produced.length) {
        throw new LochError('INVALID_ARGUMENT', `statements: chunk ${index} of statement ${this.id} is not available yet; read chunk ${this.produced.length} first`);
      }
      return this.pull();
    });
  }

  /** Records that a chunk reached its client; the result closes once its last chunk has. */
  markDelivered(index: number): void {
    this.delivered.add(index);
    if (this.lastIndex !== undefined && this.delivered.has(this.lastIndex) && [...this.retained.keys()].every((i) => this.delivered.has(i))) {
      void this.release();
    }
  }

  /** Releases the result (engine session, retained chunks); a SUCCEEDED statement becomes CLOSED. */
  async release(): Promise<void> {
    if (this.state === 'SUCCEEDED') this.state = 'CLOSED';
    this.retained.clear();
    if (this.pulling) this.session?.interrupt();
    await this.serialised(async () => this.cursor?.close()).catch(() => undefined);
  }

  private requireResult(): void {
    if (this.state === 'SUCCEEDED') return;
    if (this.state === 'CLOSED') throw new LochError('NOT_FOUND', `statements: the result of statement ${this.id} is closed (fetched completely, expired or cancelled)`);
    throw new LochError('INVALID_ARGUMENT', `statements: statement ${this.id} has no result (state ${this.state})`);
  }

  private async run(session: LochSession, bound: BoundStatement): Promise<void> {
    try {
      const result = await session.sql(bound.text, bound.params === undefined ? {} : { params: bound.params });
      this.columns = resultColumns(result.columns);
      const { format, disposition, rowLimit, byteLimit } = this.request;
      const encoder = chunkEncoder(format, disposition, this.columns);
      const limits = { chunkRows: this.limits.chunkRows, chunkBytes: this.limits.chunkBytes, ...(rowLimit === undefined ? {} : { rowLimit }), ...(byteLimit === undefined ? {} : { byteLimit }) };
      this.cursor = new ChunkCursor(result, this.columns, encoder, limits, disposition === 'INLINE');
      if (this.canceled) throw new LochError('CANCELLED', `statements: statement ${this.id} was cancelled`);
      await this.serialised(() => this.pull());
      if (this.canceled) throw new LochError('CANCELLED', `statements: statement ${this.id} was cancelled`);
      this.state = 'SUCCEEDED';
    } catch (error) {
      await this.cursor?.close().catch(() => undefined);
      this.retained.clear();
      if (this.canceled) this.state = 'CANCELED';
      else {
        const failure = httpFailure(error);
        this.failure = { status: failure.status, errorCode: failure.errorCode, message: failure.message, sqlState: failure.sqlState };
        this.state = 'FAILED';
      }
    }
    this.finishedAt = this.clock.now();
    this.touch();
    this.onFinish(this);
  }

  private async pull(): Promise<ProducedChunk> {
    const cursor = this.cursor;
    if (cursor === undefined || cursor.done) throw new LochError('NOT_FOUND', `statements: the result of statement ${this.id} is closed`);
    this.pulling = true;
    let chunk: ProducedChunk | undefined;
    try {
      chunk = await cursor.next();
    } catch (error) {
      if (this.state === 'SUCCEEDED') {
        // A later chunk failed (a runtime error further down the result): the statement failed.
        const failure = httpFailure(error);
        this.failure = { status: failure.status, errorCode: failure.errorCode, message: failure.message, sqlState: failure.sqlState };
        this.state = 'FAILED';
        this.retained.clear();
        await cursor.close().catch(() => undefined);
      }
      throw error;
    } finally {
      this.pulling = false;
    }
    if (chunk === undefined) throw new LochError('NOT_FOUND', `statements: the result of statement ${this.id} is closed`);
    this.keep(chunk);
    return chunk;
  }

  private keep(chunk: ProducedChunk): void {
    this.produced.push({
      chunk_index: chunk.index,
      row_offset: chunk.rowOffset,
      row_count: chunk.rowCount,
      ...(chunk.byteCount === undefined ? {} : { byte_count: chunk.byteCount }),
    });
    if (chunk.last) this.lastIndex = chunk.index;
    if (this.state === 'CLOSED') return;
    this.retained.set(chunk.index, chunk);
    for (const index of [...this.retained.keys()].sort((a, b) => a - b)) {
      if (this.retained.size <= this.limits.retainedChunks) break;
      this.retained.delete(index);
    }
  }

  private serialised<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }
}
