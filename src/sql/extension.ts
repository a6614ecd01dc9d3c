import type { LakehouseCatalog } from '../catalog/catalog-service.js';
import type { IdentityStore } from '../catalog/governance/identity-store.js';
import type { SecretStore } from '../catalog/secrets/secret-store.js';
import type { Random } from '../core/random.js';
import type { Session } from '../engine/index.js';
import type { TableContext } from '../table/context.js';
import type { SqlEnv } from './sql-env.js';
import type { WriteSummary } from './write-target.js';

/**
 * The port through which layers above SQL (ai, ml) add statements and functions without the SQL
 * layer knowing them: Loch.open takes extension factories, each statement is offered to the
 * extensions first, and each bound query passes through their rewriters before it runs.
 */

/** What an extension gets when Loch opens. */
export interface ExtensionHost {
  readonly ctx: TableContext;
  /** The catalog as Loch's own admin principal, unaudited (for system tables the extension keeps). */
  readonly catalog: LakehouseCatalog;
  readonly identity: IdentityStore;
  readonly secrets: SecretStore;
  readonly random: Random;
  /** The local state folder (file cache, SQLite metastore). */
  readonly stateDir: string;
  /** Whether `system.*` logging is on (LochOptions.governanceLog). */
  readonly governanceLog: boolean;
}

/** A parsed statement of an extension, ready to run. */
export interface ExtensionStatement {
  /** Runs on `session` (a fresh one per statement) as `env.catalog`'s principal; the summary SELECT is the result. */
  execute(env: SqlEnv, session: Session): Promise<WriteSummary>;
}

/** A bound query rewritten by an extension. */
export interface QueryRewrite {
  /** Runs on the same session, in place of the bound text. */
  readonly sql: string;
  /** Frees what the rewrite made (temporary files); called once when the query's result is done. */
  release(): void;
}

/**
 * Where a bound text comes from: a query to run, an expression of a statement (UPDATE SET, a
 * condition), or a query bound only to learn its columns (CREATE VIEW, CREATE FUNCTION): a
 * rewriter must then do no costly work (no model calls), only keep the result types.
 */
export type BoundKind = 'query' | 'expression' | 'describe';

export interface LochExtension {
  /** Short and unique (`ai`); `loch.extension(name)` finds it. */
  readonly name: string;
  /**
   * Table functions (lower-case bare names) this extension's rewriter replaces before DuckDB
   * runs the query, and governs itself: the SQL layer lets confined principals call them.
   */
  readonly tableFunctions?: readonly string[];
  /** The statement `sql` if it is one of this extension's, else undefined (cheap: called for every statement). */
  parseStatement?(sql: string): ExtensionStatement | undefined;
  /**
   * Rewrites a bound query (DuckDB SQL runnable on `session`, table references already scans)
   * before it runs, or returns undefined to leave it. May run work of its own on `session` first
   * (temporary tables) and should attach long work to it (`session.attach`) so that interrupts and
   * progress reach it.
   */
  rewriteQuery?(env: SqlEnv, session: Session, sql: string, kind: BoundKind): Promise<QueryRewrite | undefined>;
  /** Flushes and stops background work; called by loch.close() before the engine closes. */
  close?(): Promise<void>;
}

export type LochExtensionFactory = (host: ExtensionHost) => LochExtension | Promise<LochExtension>;
