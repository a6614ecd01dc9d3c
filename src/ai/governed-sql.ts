import type { Catalog } from '../catalog/catalog-types.js';
import type { DuckDbEngine, Row } from '../engine/index.js';
import type { ExtensionHost, LochExtension } from '../sql/extension.js';
import { SqlExecutor } from '../sql/executor.js';
import type { QueryParams } from '../sql/params.js';
import type { StatementResult } from '../sql/result.js';
import { SessionState } from '../sql/sql-env.js';

/** Where a governed SQL session starts and what it may use. */
export interface GovernedSqlOptions {
  readonly catalog?: string;
  readonly schema?: string;
  /** Session settings (`loch.ai.*`) copied in. */
  readonly settings?: ReadonlyMap<string, string>;
  /** Extensions whose statements and functions the session sees (the ai extension for vector_search in SQL tools). */
  readonly extensions?: readonly LochExtension[];
}

/**
 * SQL run as a principal from inside the ai layer (vector search reading its source table,
 * agent SQL tools, evaluation reading its table): every statement goes through the SQL front
 * end on the caller's governed catalog, so grants, row filters and column masks apply exactly
 * as in the caller's own session. One engine scope per GovernedSql: `interrupt` stops only it.
 */
export class GovernedSql {
  private readonly executor: SqlExecutor;
  private readonly scope: DuckDbEngine;

  constructor(host: ExtensionHost, readonly catalog: Catalog, options: GovernedSqlOptions = {}) {
    const state = new SessionState();
    if (options.catalog !== undefined) state.catalog = options.catalog.toLowerCase();
    if (options.schema !== undefined) state.schema = options.schema.toLowerCase();
    for (const [key, value] of options.settings ?? []) state.settings.set(key, value);
    this.scope = host.ctx.engine.scope();
    this.executor = new SqlExecutor({ ctx: { ...host.ctx, engine: this.scope }, catalog, state, identity: host.identity, extensions: options.extensions ?? [] });
  }

  /** One statement's result (read or close it). */
  statement(sql: string, params?: QueryParams): Promise<StatementResult> {
    return this.executor.execute(sql, params === undefined ? {} : { params });
  }

  /** Every row of one statement (for small results: the caller bounds them with LIMIT). */
  async rows(sql: string, params?: QueryParams): Promise<{ columns: readonly { name: string; type: string }[]; rows: Row[] }> {
    const result = await this.statement(sql, params);
    try {
      return { columns: result.columns, rows: await result.all() };
    } finally {
      await result.close();
    }
  }

  /** Stops the statements running now (they fail). */
  interrupt(): void {
    this.scope.interrupt();
  }
}
