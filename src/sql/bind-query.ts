import type { Session } from '../engine/index.js';
import type { ScanSummary, SnapshotCache } from './bind-lake-refs.js';
import { bindPlaceholders } from './bind/bind-placeholders.js';
import { rootContext } from './bind/expand-context.js';
import { expandQuery } from './bind/expand-query.js';
import { checkQueryAccess } from './bind/raw-access.js';
import { RefRegistry } from './bind/prepare-text.js';
import { bindParams } from './params.js';
import type { QueryParams } from './params.js';
import type { SqlEnv } from './sql-env.js';

/** A query with its table references replaced by scans registered on a session. */
export interface BoundQuery {
  /** Runs as is on the session it was bound on (parameters are session variables there). */
  readonly sql: string;
  readonly scans: readonly ScanSummary[];
  /** Unpins the files the scans hold; call when the session is done with the query. */
  release(): void;
}

export interface BindOptions {
  /** Values for the query's `:name` / `?` markers. */
  readonly params?: QueryParams;
  /**
   * The snapshots already taken by the statement this query belongs to: pass the same cache to
   * every query of one statement so that each table is read at one version throughout.
   */
  readonly snapshots?: SnapshotCache;
  /**
   * The text is Loch's own, built around a part the caller checked with checkQueryAccess (COPY
   * INTO's reader over volume files): the lockdown of non-admin sessions is not applied again.
   */
  readonly trusted?: boolean;
  /** An expression of a statement (bindExpression), not a whole query: told to extension rewriters. */
  readonly expression?: boolean;
  /** The query is bound only to DESCRIBE its columns (views, function bodies): told to extension rewriters. */
  readonly describeOnly?: boolean;
}

/**
 * Binds `sql` for running on `session`: parameter markers become session variables (values never
 * enter the text), Spark syntax DuckDB lacks is rewritten, and every table reference — a catalog
 * name (1–3 parts, resolved against env.state), a view (expanded), delta.`<path>`, delta_scan,
 * table_changes — becomes a scan of one snapshot, taken now, pruned by the WHERE conjuncts that
 * apply to it. NOT_FOUND for an unknown table; INVALID_ARGUMENT for unbound parameters, view
 * cycles and misplaced time travel. Governed as env.catalog's principal: PERMISSION_DENIED
 * without SELECT on a table or view read or EXECUTE on a SQL function called; row filters and
 * column masks apply (see expandQuery).
 */
export async function bindQuery(env: SqlEnv, session: Session, sql: string, options: BindOptions = {}): Promise<BoundQuery> {
  const text = await bindParams(session, sql, options.params);
  if (options.trusted !== true) await checkQueryAccess(env, session, text);
  const registry = new RefRegistry();
  const releaseLoans = () => registry.releases.splice(0).forEach((r) => r());
  try {
    const expanded = await expandQuery(rootContext(env, session, registry), text, env.state);
    const bound = await bindPlaceholders(env, session, expanded, registry.refs, options.snapshots ?? new Map());
    const releases = [() => bound.release(), releaseLoans];
    const release = () => releases.splice(0).forEach((r) => r());
    let finalSql = bound.sql;
    try {
      for (const extension of env.extensions ?? []) {
        const rewrite = await extension.rewriteQuery?.(env, session, finalSql, options.expression === true ? 'expression' : options.describeOnly === true ? 'describe' : 'query');
        if (rewrite === undefined) continue;
        finalSql = rewrite.sql;
        releases.unshift(() => rewrite.release());
      }
    } catch (error) {
      release();
      throw error;
    }
    return { sql: finalSql, scans: bound.scans, release };
  } catch (error) {
    releaseLoans();
    throw error;
  }
}

const EXPRESSION_PREFIX = 'SELECT ';

/**
 * Binds a SQL expression (a condition, a SET value) the way bindQuery binds a query, so that
 * tables named in its subqueries resolve: the expression is read as `SELECT <expr>` and comes
 * back without that prefix.
 */
export async function bindExpression(env: SqlEnv, session: Session, expression: string, options: BindOptions = {}): Promise<BoundQuery> {
  const bound = await bindQuery(env, session, EXPRESSION_PREFIX + expression, { ...options, expression: true });
  return { ...bound, sql: bound.sql.slice(EXPRESSION_PREFIX.length), release: bound.release };
}

/**
 * Binds the fragments of one statement (conditions, SET values, a MERGE source) on one session,
 * each table read at one snapshot throughout the statement, and releases them together.
 */
export class FragmentBinder {
  private readonly bound: BoundQuery[] = [];
  private readonly snapshots: SnapshotCache = new Map();

  constructor(
    private readonly env: SqlEnv,
    private readonly session: Session,
  ) {}

  /** An expression's SQL, runnable on the session until `release`. */
  async expression(sql: string): Promise<string> {
    const b = await bindExpression(this.env, this.session, sql, { snapshots: this.snapshots });
    this.bound.push(b);
    return b.sql;
  }

  async query(sql: string): Promise<BoundQuery> {
    const b = await bindQuery(this.env, this.session, sql, { snapshots: this.snapshots });
    this.bound.push(b);
    return b;
  }

  release(): void {
    for (const b of this.bound.splice(0)) b.release();
  }
}
