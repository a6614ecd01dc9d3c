import { auditRequest } from '../http/audit-request.js';
import { LochError } from '../../core/errors.js';
import { systemRandom } from '../../core/random.js';
import type { Random } from '../../core/random.js';
import { splitStatements } from '../../sql/parse/index.js';
import type { ApiDeps, Caller } from '../http/context.js';
import { httpFailure } from '../http/errors.js';
import { LinkTokens } from './links.js';
import { bindStatementParameters } from './parameters.js';
import { Statement } from './statement.js';
import { DEFAULT_STATEMENT_LIMITS } from './types.js';
import type { ExecuteRequest, StatementLimits } from './types.js';

/** Longest a shutdown waits for running statements to stop after they were interrupted. */
const SHUTDOWN_WAIT_MS = 5_000;
const AUDITED_TEXT = 2_000;

/**
 * The statements of one server: who owns which, the limits on open work, and forgetting.
 * - A statement is visible only to the principal that submitted it: for anyone else `get` is
 *   NOT_FOUND, exactly as for an unknown id, so ids reveal nothing.
 * - Open statements (running or holding an unread result, so an engine session) are limited per
 *   principal and in total: beyond, RESOURCE_EXHAUSTED retryable (429).
 * - Results unread for `resultIdleMs` are closed; finished statements are forgotten after
 *   `retentionMs`, or oldest first when more than `maxStatements` are remembered.
 * - Every statement is audited once when it finishes (action executeStatement).
 */
export class StatementRegistry {
  readonly limits: StatementLimits;
  readonly links: LinkTokens;
  private readonly statements = new Map<string, Statement>();
  private readonly timer: NodeJS.Timeout;
  private stopped = false;

  constructor(
    private readonly deps: Pick<ApiDeps, 'loch' | 'clock' | 'ids'>,
    limits: Partial<StatementLimits> = {},
    random: Random = systemRandom,
  ) {
    this.limits = { ...DEFAULT_STATEMENT_LIMITS, ...limits };
    this.links = new LinkTokens(deps.clock, random, this.limits.linkTtlMs);
    this.timer = setInterval(() => this.sweep(), Math.min(30_000, Math.max(1_000, this.limits.resultIdleMs / 2)));
    this.timer.unref();
  }

  /**
   * Validates and starts a statement as `caller`. INVALID_ARGUMENT (400) for text that is not
   * exactly one statement and for bad parameters; RESOURCE_EXHAUSTED (429) over the limits;
   * RESOURCE_EXHAUSTED (429) as well while the server is shutting down.
   */
  submit(caller: Caller, request: ExecuteRequest): Statement {
    if (this.stopped) throw new LochError('RESOURCE_EXHAUSTED', 'statements: the server is shutting down', { retryable: true });
    requireOneStatement(request.statement);
    const bound = bindStatementParameters(request.statement, request.parameters);
    this.sweep();
    this.admit(caller.principal.name);
    const statement = new Statement(this.deps.ids.uuid(), caller.principal.name, request, this.limits, this.deps.clock, (s) => this.audit(caller, s));
    this.statements.set(statement.id, statement);
    const options = { ...(request.catalog === undefined ? {} : { catalog: request.catalog }), ...(request.schema === undefined ? {} : { schema: request.schema }) };
    statement.start(caller.session(options), bound);
    return statement;
  }

  /** The caller's statement `id`; NOT_FOUND when unknown, forgotten or another principal's. */
  get(id: string, principal: string): Statement {
    const statement = this.statements.get(id);
    if (statement === undefined || statement.owner !== principal) {
      throw new LochError('NOT_FOUND', `statements: statement ${id.slice(0, 64)} does not exist (RESOURCE_DOES_NOT_EXIST)`);
    }
    statement.touch();
    return statement;
  }

  /** A statement by id for a request that carries its own authorisation (an external link). */
  peek(id: string): Statement | undefined {
    return this.statements.get(id);
  }

  /** Statements running or holding a result now (for tests and shutdown). */
  get openCount(): number {
    return [...this.statements.values()].filter((s) => s.open).length;
  }

  /** Closes idle results and forgets old statements. */
  sweep(): void {
    const now = this.deps.clock.now();
    for (const statement of this.statements.values()) {
      if (statement.state === 'SUCCEEDED' && now - statement.lastTouched > this.limits.resultIdleMs) void statement.release();
      if (statement.finished && statement.state !== 'SUCCEEDED' && now - (statement.finishedAt ?? now) > this.limits.retentionMs) this.forget(statement);
    }
    if (this.statements.size < this.limits.maxStatements) return;
    const finished = [...this.statements.values()].filter((s) => s.finished && !s.open).sort((a, b) => (a.finishedAt ?? 0) - (b.finishedAt ?? 0));
    for (const statement of finished) {
      if (this.statements.size < this.limits.maxStatements) break;
      void statement.release();
      this.forget(statement);
    }
  }

  /** Stops accepting, cancels what runs, releases every result; waits at most a few seconds. */
  async shutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    const all = [...this.statements.values()];
    for (const statement of all) statement.cancel();
    const settled = Promise.all(all.map(async (s) => {
      await s.done;
      await s.release();
    }));
    let timeout: NodeJS.Timeout | undefined;
    await Promise.race([settled, new Promise((resolve) => (timeout = setTimeout(resolve, SHUTDOWN_WAIT_MS)))]);
    clearTimeout(timeout);
  }

  private admit(principal: string): void {
    const open = [...this.statements.values()].filter((s) => s.open);
    const mine = open.filter((s) => s.owner === principal).length;
    if (mine >= this.limits.openPerPrincipal) {
      throw new LochError('RESOURCE_EXHAUSTED', `statements: ${principal} has ${mine} open statements (the limit is ${this.limits.openPerPrincipal}); read or cancel one first (RESOURCE_EXHAUSTED)`, { retryable: true });
    }
    if (open.length >= this.limits.openTotal || this.statements.size >= this.limits.maxStatements) {
      throw new LochError('RESOURCE_EXHAUSTED', `statements: the server has ${open.length} open statements (the limit is ${this.limits.openTotal}); try again later (RESOURCE_EXHAUSTED)`, { retryable: true });
    }
  }

  private forget(statement: Statement): void {
    this.statements.delete(statement.id);
    this.links.revokeStatement(statement.id);
  }

  private audit(caller: Caller, statement: Statement): void {
    const failure = statement.failure;
    const status = statement.state === 'CANCELED' ? httpFailure(new LochError('CANCELLED', 'cancelled')).status : (failure?.status ?? 200);
    auditRequest(this.deps, caller, {
      action: 'executeStatement',
      statusCode: status,
      objectType: 'STATEMENT',
      objectName: statement.id,
      ...(failure === undefined ? {} : { errorMessage: failure.message }),
      params: { statement: statement.request.statement.slice(0, AUDITED_TEXT), state: statement.state },
    });
  }
}

/** INVALID_ARGUMENT unless the text holds exactly one statement (Databricks runs one per request). */
function requireOneStatement(text: string): void {
  let count: number;
  try {
    count = splitStatements(text).length;
  } catch {
    // Unterminated strings and the like: running it reports the syntax error as a FAILED statement.
    return;
  }
  if (count === 0) throw new LochError('INVALID_ARGUMENT', 'statements: the statement text holds no statement');
  if (count > 1) throw new LochError('INVALID_ARGUMENT', `statements: the statement text holds ${count} statements; send one statement per request`);
}
