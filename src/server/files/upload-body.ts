/**
 * The raw body of an upload, read as a stream and counted: past `maxBytes` it fails with
 * RESOURCE_EXHAUSTED (413) at once, without waiting for the rest, and a client that goes away
 * mid-body fails it with CANCELLED. After a refusal the route drains what the client is still
 * sending (bounded), so that it reads the error instead of a reset connection.
 */
import { LochError } from '../../core/errors.js';

export class UploadBody {
  private readonly reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  private received = 0;
  private state: 'open' | 'ended' | 'broken';

  constructor(
    stream: ReadableStream<Uint8Array> | null,
    private readonly maxBytes: number,
    /** The request's signal: aborted when the client's connection closed before the response. */
    private readonly signal?: AbortSignal,
  ) {
    this.reader = stream?.getReader();
    this.state = stream === null ? 'ended' : 'open';
  }

  /** Bytes received so far. */
  get bytes(): number {
    return this.received;
  }

  /** True once the client has sent the whole body. */
  get complete(): boolean {
    return this.state === 'ended';
  }

  /** The chunks of the body (an upload to `path`, for messages); throws RESOURCE_EXHAUSTED past the limit, CANCELLED when the client leaves. Iterate once. */
  async *chunks(path: string): AsyncGenerator<Uint8Array> {
    for (;;) {
      const chunk = await this.next(path);
      if (chunk === undefined) return;
      this.received += chunk.byteLength;
      if (this.received > this.maxBytes) throw tooLarge(path, this.maxBytes);
      yield chunk;
    }
  }

  /**
   * Reads and drops the rest of the body, at most `cap` more bytes; true when the body was read
   * to its end (the connection can be reused), false otherwise (it should be closed).
   */
  async discard(cap: number): Promise<boolean> {
    let dropped = 0;
    try {
      while (this.state === 'open' && dropped <= cap) {
        const chunk = await this.next('');
        dropped += chunk?.byteLength ?? 0;
      }
    } catch {
      // The client went away: nothing left to read.
      return false;
    }
    if (this.state === 'open') await this.reader?.cancel().catch(() => undefined);
    return this.state === 'ended';
  }

  private async next(path: string): Promise<Uint8Array | undefined> {
    if (this.state !== 'open' || this.reader === undefined) return undefined;
    let result: Awaited<ReturnType<ReadableStreamDefaultReader<Uint8Array>['read']>>;
    try {
      result = await this.reader.read();
    } catch (error) {
      this.state = 'broken';
      throw interrupted(path, this.received, error);
    }
    if (result.done) {
      // The HTTP server may hand over what arrived before a disconnect as if it were the whole
      // body (a chunked upload has no length to check it against): a closed connection is no end.
      if (this.signal?.aborted === true) {
        this.state = 'broken';
        throw interrupted(path, this.received);
      }
      this.state = 'ended';
      return undefined;
    }
    return result.value;
  }
}

/** 413: an upload larger than the limit. */
export function tooLarge(path: string, maxBytes: number): LochError {
  return new LochError('RESOURCE_EXHAUSTED', `files: upload to ${path} is larger than the limit of ${maxBytes} bytes`, { context: { path, maxBytes } });
}

function interrupted(path: string, received: number, cause?: unknown): LochError {
  return new LochError('CANCELLED', `files: upload to ${path} was interrupted after ${received} bytes: the client closed the connection`, cause === undefined ? {} : { cause });
}
