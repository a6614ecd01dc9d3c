/**
 * One client connection: the protocol's state machine (startup → password → ready → closed),
 * the ordered processing of frontend messages, and what lives as long as the connection (the
 * LochSession acting as the authenticated principal, prepared statements, portals, pseudo
 * transaction state, settings).
 *
 * Messages are processed strictly in order, one at a time (a chain of promises), because
 * clients pipeline them. While a statement runs, further input is buffered up to a bound and
 * the socket is paused beyond it. When the client goes away the running statement is
 * interrupted, its result closed and every portal's DuckDB session released.
 */
import type { Socket } from 'node:net';
import type { Principal } from '../../catalog/governance/governance-types.js';
import { isLochError } from '../../core/errors.js';
import type { LochSession } from '../../sql/loch.js';
import { httpFailure } from '../http/errors.js';
import type { ApiDeps } from '../http/context.js';
import type { BackendKey, CancelRegistry } from './cancel.js';
import { errorResponse, Framer, readyForQuery } from './codec.js';
import type { ErrorFields, Frame } from './codec.js';
import type { Cursor, RowSink, RowSource } from './cursor.js';
import { handleExtendedMessage } from './extended-query.js';
import type { PreparedStatement } from './execute.js';
import type { ParamValue } from './params.js';
import type { PgCatalogEmulation } from './pg-catalog.js';
import { handleSimpleQuery } from './simple-query.js';
import { handlePassword, handleStartupPacket } from './startup.js';
import { SocketOutput } from './socket-output.js';
import { pgError } from './types.js';

/** What every connection of one server shares. */
export interface ServerContext {
  readonly deps: ApiDeps;
  readonly cancels: CancelRegistry;
  readonly catalog: PgCatalogEmulation;
  readonly maxMessageBytes: number;
  readonly maxPortals: number;
  /** Admits an authenticating connection; false when the server is full. */
  admit(connection: PgConnection): boolean;
  release(connection: PgConnection): void;
  readonly log: (entry: Record<string, unknown>) => void;
}

/** The authenticated side of a connection. */
export interface Authenticated {
  readonly principal: Principal;
  readonly session: LochSession;
  readonly database: string;
  readonly key: BackendKey;
}

/** A portal: a bound statement, and its open cursor once it started returning rows. */
export interface Portal {
  readonly statement: PreparedStatement;
  readonly params: readonly ParamValue[];
  readonly resultFormats: readonly number[];
  cursor?: Cursor;
  /** Set once a non-row statement ran (a second Execute reports the tag again without running it). */
  completedTag?: string;
}

const INPUT_HIGH_WATER = 1 << 20;
const STARTUP_TIMEOUT_MS = 60_000;

export class PgConnection {
  phase: 'startup' | 'password' | 'ready' | 'closed' = 'startup';
  readonly output: SocketOutput;
  startupParams = new Map<string, string>();
  auth: Authenticated | undefined;
  readonly settings = new Map<string, string>();
  readonly statements = new Map<string, PreparedStatement>();
  readonly portals = new Map<string, Portal>();
  /** Between BEGIN and COMMIT/ROLLBACK (statements still auto-commit). */
  inBlock = false;
  /** Statements of the current block that changed something (ROLLBACK cannot undo them). */
  blockWrites = 0;
  /** After an error in the extended protocol, messages are skipped until Sync. */
  skipUntilSync = false;
  readonly sessionId: string;

  private readonly framer: Framer;
  private chain: Promise<void> = Promise.resolve();
  private busy = false;
  private active: { cancelled: boolean; source?: RowSource } | undefined;
  private admitted = false;
  private teardownDone: Promise<void> | undefined;
  private readonly startupTimer: NodeJS.Timeout;

  constructor(
    readonly ctx: ServerContext,
    readonly socket: Socket,
  ) {
    this.output = new SocketOutput(socket);
    this.framer = new Framer(ctx.maxMessageBytes);
    this.sessionId = ctx.deps.ids.uuid();
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', () => {
      // 'close' follows; a reset by the client is not the server's failure.
    });
    socket.on('close', () => void this.teardown());
    this.startupTimer = setTimeout(() => {
      if (this.phase === 'startup' || this.phase === 'password') socket.destroy();
    }, STARTUP_TIMEOUT_MS);
    this.startupTimer.unref();
  }

  get closed(): boolean {
    return this.phase === 'closed' || this.output.closed;
  }

  /** Marks this connection as counted against the server's connection limit. */
  admit(): boolean {
    this.admitted = this.ctx.admit(this);
    return this.admitted;
  }

  /** The row sink statements stream into: the output, checking for cancel and disconnect. */
  readonly sink: RowSink = {
    push: (message) => this.output.push(message),
    flushIfFull: () => this.output.flushIfFull(),
    check: () => {
      if (this.closed) throw pgError('08006', 'pgwire: the client closed the connection');
      if (this.active?.cancelled === true) throw pgError('57014', 'canceling statement due to user request');
    },
  };

  /** Runs `work` as the connection's running statement: a CancelRequest interrupts it. */
  async running<T>(work: (track: (source: RowSource) => void) => Promise<T>): Promise<T> {
    const active: { cancelled: boolean; source?: RowSource } = { cancelled: false };
    this.active = active;
    try {
      return await work((source) => {
        active.source = source;
      });
    } catch (error) {
      if (active.cancelled) throw pgError('57014', 'canceling statement due to user request');
      throw error;
    } finally {
      this.active = undefined;
    }
  }

  /** CancelRequest: interrupts the running statement, if any. */
  cancel(): void {
    const active = this.active;
    if (active === undefined) return;
    active.cancelled = true;
    this.auth?.session.interrupt();
    active.source?.interrupt?.();
  }

  /** Queues an ErrorResponse for `error` (statement errors keep the connection). */
  sendError(error: unknown, severity = 'ERROR'): void {
    this.output.push(errorResponse(this.errorFields(error, severity)));
  }

  /** Sends a FATAL error and ends the connection. */
  async fatal(error: unknown): Promise<void> {
    this.sendError(error, 'FATAL');
    await this.output.flush();
    this.phase = 'closed';
    this.socket.end();
  }

  ready(): void {
    this.output.push(readyForQuery(this.inBlock ? 'T' : 'I'));
  }

  /** Closes one portal's cursor (and forgets the portal). */
  async closePortal(name: string): Promise<void> {
    const portal = this.portals.get(name);
    this.portals.delete(name);
    await portal?.cursor?.close().catch(() => {});
  }

  async closeAllPortals(): Promise<void> {
    for (const name of [...this.portals.keys()]) await this.closePortal(name);
  }

  /** End of a transaction (Sync outside a block, COMMIT, ROLLBACK): portals do not outlive it. */
  async endTransaction(): Promise<void> {
    if (!this.inBlock) await this.closeAllPortals();
  }

  errorFields(error: unknown, severity: string): ErrorFields {
    if (isLochError(error) && typeof error.context['sqlState'] === 'string') {
      return { severity, code: error.context['sqlState'], message: error.message };
    }
    if (!isLochError(error)) this.ctx.log({ level: 'error', event: 'pgwire internal error', sessionId: this.sessionId, error: String(error), stack: (error as Error)?.stack });
    const failure = httpFailure(error);
    return { severity, code: refinedSqlState(failure.sqlState, failure.message), message: failure.message };
  }

  private onData(chunk: Buffer): void {
    this.framer.push(chunk);
    if (this.busy && this.framer.bufferedBytes > INPUT_HIGH_WATER) this.socket.pause();
    this.chain = this.chain.then(() => this.drain());
  }

  /** Processes every complete frame, in order, then writes out what they produced. */
  private async drain(): Promise<void> {
    this.busy = true;
    try {
      while (this.phase !== 'closed') {
        let frame: Frame | undefined;
        try {
          frame = this.framer.next(this.phase === 'startup' ? 'startup' : 'normal');
        } catch (error) {
          await this.fatal(error);
          return;
        }
        if (frame === undefined) break;
        await this.dispatch(frame);
      }
      if (this.phase !== 'closed') await this.output.flush();
    } catch (error) {
      await this.fatal(error).catch(() => {});
    } finally {
      this.busy = false;
      if (this.socket.isPaused()) this.socket.resume();
    }
  }

  private async dispatch(frame: Frame): Promise<void> {
    switch (this.phase) {
      case 'startup':
        return handleStartupPacket(this, frame.body);
      case 'password':
        clearTimeout(this.startupTimer);
        return handlePassword(this, frame);
      case 'ready':
        return this.dispatchReady(frame);
      default:
        return;
    }
  }

  private async dispatchReady(frame: Frame): Promise<void> {
    try {
      switch (frame.type) {
        case 'Q':
          return await handleSimpleQuery(this, frame.body);
        case 'P':
        case 'B':
        case 'D':
        case 'E':
        case 'C':
        case 'H':
        case 'S':
          return await handleExtendedMessage(this, frame);
        case 'X':
          this.phase = 'closed';
          this.socket.end();
          return;
        case 'F':
          this.sendError(pgError('0A000', 'pgwire: the function call protocol is not supported'));
          this.ready();
          return;
        case 'd':
        case 'c':
        case 'f':
          return; // copy messages outside a COPY are ignored, as PostgreSQL does
        default:
          await this.fatal(pgError('08P01', `pgwire: invalid frontend message type '${frame.type}'`));
      }
    } catch (error) {
      if (isLochError(error) && error.context['fatal'] === true) await this.fatal(error);
      else throw error;
    }
  }

  /** Called once the socket closed: stop what runs, release every session. */
  teardown(): Promise<void> {
    this.teardownDone ??= (async () => {
      this.phase = 'closed';
      clearTimeout(this.startupTimer);
      this.cancel();
      await this.chain.catch(() => {});
      await this.closeAllPortals();
      if (this.auth !== undefined) this.ctx.cancels.release(this.auth.key.pid);
      if (this.admitted) this.ctx.release(this);
    })();
    return this.teardownDone;
  }
}

/** SQLSTATEs PostgreSQL clients test for, where the generic 42000 hides them. */
function refinedSqlState(sqlState: string, message: string): string {
  if (sqlState !== '42000') return sqlState;
  if (/syntax error|unterminated|parser error/i.test(message)) return '42601';
  if (/Conversion Error|Could not convert|invalid input syntax/i.test(message)) return '22P02';
  if (/Out of Range Error|out of range/i.test(message)) return '22003';
  return sqlState;
}
