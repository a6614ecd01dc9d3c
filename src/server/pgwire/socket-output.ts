/**
 * Buffered writes to a client socket with backpressure: messages collect in memory and go out
 * in one write when a response is complete (ReadyForQuery, Flush, no more pipelined input) or
 * when ~64 KiB are pending; a statement streaming rows then waits until the socket has drained
 * before encoding more, so a slow client holds back the DuckDB stream instead of filling memory.
 */
import type { Socket } from 'node:net';

const FLUSH_BYTES = 64 * 1024;

export class SocketOutput {
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  constructor(private readonly socket: Socket) {}

  /** True once the client is gone (nothing more can be sent). */
  get closed(): boolean {
    return this.socket.destroyed || !this.socket.writable;
  }

  push(message: Buffer): void {
    if (this.closed) return;
    this.pending.push(message);
    this.pendingBytes += message.length;
  }

  /** Writes everything pending; waits while the socket's buffer is full. */
  async flush(): Promise<void> {
    if (this.pending.length > 0 && !this.closed) {
      const bytes = this.pending.length === 1 ? (this.pending[0] as Buffer) : Buffer.concat(this.pending, this.pendingBytes);
      this.socket.write(bytes);
    }
    this.pending = [];
    this.pendingBytes = 0;
    if (this.socket.writableNeedDrain && !this.closed) await this.drained();
  }

  async flushIfFull(): Promise<void> {
    if (this.pendingBytes >= FLUSH_BYTES) await this.flush();
  }

  /** Writes bytes at once, ahead of nothing (the single 'N' answer to SSLRequest). */
  writeNow(bytes: Buffer): void {
    if (!this.closed) this.socket.write(bytes);
  }

  private drained(): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        this.socket.off('drain', done);
        this.socket.off('close', done);
        resolve();
      };
      this.socket.on('drain', done);
      this.socket.on('close', done);
    });
  }
}
