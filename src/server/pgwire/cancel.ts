/**
 * CancelRequest support: every connection gets a process id (unique among live connections)
 * and a 32-bit random secret, sent to the client in BackendKeyData. A CancelRequest arrives on
 * a new connection carrying both; when they match a live connection, that connection's running
 * statement is interrupted (it then fails with SQLSTATE 57014). The secret is compared in
 * constant time and a request that matches nothing is silently ignored, as PostgreSQL does, so
 * the cancel socket learns nothing.
 */
import { timingSafeEqual } from 'node:crypto';
import type { Random } from '../../core/random.js';

/** What a connection exposes to cancel requests. */
export interface Cancellable {
  /** Stops the statement running now, if any. */
  cancel(): void;
}

export interface BackendKey {
  readonly pid: number;
  readonly secret: number;
}

export class CancelRegistry {
  private readonly live = new Map<number, { secret: Buffer; target: Cancellable }>();
  private nextPid: number;

  constructor(private readonly random: Random) {
    // Start somewhere random so that process ids do not reveal how many connections came before.
    this.nextPid = 1000 + (Buffer.from(random.bytes(2)).readUInt16BE(0) % 30_000);
  }

  /** Registers a connection; `release` it when the connection ends. */
  register(target: Cancellable): BackendKey {
    let pid = this.nextPid;
    while (this.live.has(pid)) pid = pid >= 0x7fff_fff0 ? 1000 : pid + 1;
    this.nextPid = pid >= 0x7fff_fff0 ? 1000 : pid + 1;
    const secret = Buffer.from(this.random.bytes(4));
    this.live.set(pid, { secret, target });
    return { pid, secret: secret.readInt32BE(0) };
  }

  release(pid: number): void {
    this.live.delete(pid);
  }

  /** Handles a CancelRequest; true when it matched a live connection (for tests and logs only). */
  cancel(pid: number, secret: number): boolean {
    const entry = this.live.get(pid);
    const given = Buffer.alloc(4);
    given.writeInt32BE(secret);
    const expected = entry?.secret ?? Buffer.alloc(4);
    const match = timingSafeEqual(given, expected) && entry !== undefined;
    if (match) entry.target.cancel();
    return match;
  }

  get size(): number {
    return this.live.size;
  }
}
