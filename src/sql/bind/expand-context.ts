import type { Catalog } from '../../catalog/catalog-types.js';
import type { Privilege, SecurableRef } from '../../catalog/governance/governance-types.js';
import type { Session } from '../../engine/index.js';
import type { SessionState, SqlEnv } from '../sql-env.js';
import type { RefRegistry } from './prepare-text.js';
import type { SessionIdentity } from './session-functions.js';

/**
 * What expanding one query needs. `env.catalog` resolves names and checks privileges: the
 * invoker's catalog at the top, the owner's inside a view or function body (definer rights, as
 * Unity Catalog). `invoker` never changes: current_user(), group tests, row filters and column
 * masks always answer for the principal running the statement.
 */
export interface ExpandContext {
  readonly env: SqlEnv;
  readonly session: Session;
  readonly registry: RefRegistry;
  /** The chain of views being expanded (outermost first). */
  readonly views: readonly string[];
  /** The chain of SQL functions being expanded (outermost first), to refuse recursion. */
  readonly functions: readonly string[];
  readonly invoker: SessionIdentity;
  readonly memo: BindMemo;
}

/** Expands a query text in a context (expandQuery), passed where a module may not import it back. */
export type QueryExpander = (x: ExpandContext, sql: string, state: SessionState) => Promise<string>;

/** The context of a statement's top-level query: the session's catalog, acting as its principal. */
export function rootContext(env: SqlEnv, session: Session, registry: RefRegistry): ExpandContext {
  return { env, session, registry, views: [], functions: [], invoker: env.catalog.actor, memo: new BindMemo() };
}

/**
 * What one statement's binding looks up more than once: privilege decisions (each asked, and
 * audited, once per statement), owners' catalogs, schemas' function names, expanded function
 * bodies and DuckDB's own function names. Lives as long as one bindQuery.
 */
export class BindMemo {
  private readonly decisions = new Map<string, Promise<void>>();
  private readonly definers = new Map<string, Promise<Catalog>>();
  /** Function names of a schema by `<actor>\0<catalog>.<schema>`. */
  readonly functionNames = new Map<string, Promise<ReadonlySet<string>>>();
  /** A function's body expanded in its own context, by full name. */
  readonly bodies = new Map<string, Promise<string>>();
  /** Whether DuckDB has a function of a (qualified) name. */
  readonly duckdbFunctions = new Map<string, Promise<boolean>>();

  /** `catalog.authorize`, asked once per actor, privilege and securable. */
  authorize(catalog: Catalog, privilege: Privilege, securable: SecurableRef): Promise<void> {
    const key = JSON.stringify([catalog.actor.name, privilege, securable]);
    let decision = this.decisions.get(key);
    if (decision === undefined) {
      decision = catalog.authorize(privilege, securable);
      this.decisions.set(key, decision);
    }
    return decision;
  }

  /** The catalog acting as `owner` (a view's or function's), made once per statement. */
  definer(catalog: Catalog, owner: string): Promise<Catalog> {
    let found = this.definers.get(owner);
    if (found === undefined) {
      found = Promise.resolve(catalog.definer(owner));
      this.definers.set(owner, found);
    }
    return found;
  }
}
