import type { Clock } from '../../core/clock.js';
import type { Random } from '../../core/random.js';

interface LinkGrant {
  readonly statementId: string;
  readonly chunkIndex: number;
  readonly expiresAt: number;
}

/**
 * The tokens of external links: like presigned URLs, a link carries its own authorisation (a
 * 256-bit random token in its query string), serves one download of one chunk of one statement,
 * and expires. Tokens live only in this process's memory; at most `capacity` are kept (the
 * oldest are dropped first).
 */
export class LinkTokens {
  private readonly grants = new Map<string, LinkGrant>();

  constructor(
    private readonly clock: Clock,
    private readonly random: Random,
    private readonly ttlMs: number,
    private readonly capacity = 10_000,
  ) {}

  /** A new token for one download of `chunkIndex`, and when it expires (epoch ms). */
  issue(statementId: string, chunkIndex: number): { token: string; expiresAt: number } {
    this.purge();
    while (this.grants.size >= this.capacity) this.grants.delete(this.grants.keys().next().value as string);
    const token = Buffer.from(this.random.bytes(32)).toString('base64url');
    const expiresAt = this.clock.now() + this.ttlMs;
    this.grants.set(token, { statementId, chunkIndex, expiresAt });
    return { token, expiresAt };
  }

  /** Consumes a token for exactly this statement and chunk; false when unknown, used, expired or for another chunk. */
  take(token: string, statementId: string, chunkIndex: number): boolean {
    const grant = this.grants.get(token);
    if (grant === undefined) return false;
    this.grants.delete(token);
    return grant.statementId === statementId && grant.chunkIndex === chunkIndex && grant.expiresAt > this.clock.now();
  }

  /** Forgets every token of a statement (closed or forgotten). */
  revokeStatement(statementId: string): void {
    for (const [token, grant] of this.grants) if (grant.statementId === statementId) this.grants.delete(token);
  }

  private purge(): void {
    const now = this.clock.now();
    for (const [token, grant] of this.grants) if (grant.expiresAt <= now) this.grants.delete(token);
  }
}
