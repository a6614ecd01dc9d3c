import type { DuckDBAppender, DuckDBType } from '@duckdb/node-api';

/** What scan registration needs from a session: statements, result types, appenders. */
export interface ScanContext {
  /** Runs a statement to completion; DuckDB errors are thrown as they come. */
  run(sql: string): Promise<void>;
  /** Names and DuckDB types of a query's result columns, from binding it (no rows are read). */
  describe(sql: string): Promise<{ name: string; type: DuckDBType }[]>;
  /** The rows of a query, values as the DuckDB client gives them to JavaScript (getRowsJS). */
  rows(sql: string): Promise<unknown[][]>;
  /** An appender on a TEMP table of this session. */
  appender(table: string): Promise<DuckDBAppender>;
  /** True once the session is closed (its TEMP tables are gone with it). */
  closed(): boolean;
  /** A fresh name part, unique in the session (letters, digits and '_'). */
  uniqueName(): string;
}

/** The relation `Session.registerScan` made: usable in FROM on the same session until disposed. */
export interface RegisteredScan {
  /** A parenthesised subquery, e.g. `(SELECT … )`, to be used in FROM (give it an alias). */
  readonly sql: string;
  /** Drops the TEMP tables behind `sql`; idempotent. */
  dispose(): Promise<void>;
}
