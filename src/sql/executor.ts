import type { Session } from '../engine/index.js';
import type { TableContext } from '../table/context.js';
import { DeltaTable } from '../table/delta-table.js';
import { bindQuery } from './bind-query.js';
import type { BoundQuery } from './bind-query.js';
import { detailSql, historySql } from './describe.js';
import { classifyStatement, splitStatements } from './parse/index.js';
import { parseWriteStatement } from './parse/write-statements.js';
import type { WriteStatement } from './parse/write-statements.js';
import { ownedResult } from './result.js';
import { executeWrite } from './write-executor.js';
import type { StatementResult } from './result.js';

/**
 * The statement front end: lake statements (DESCRIBE HISTORY/DETAIL) are answered here, queries
 * get their lake references bound to snapshots and run on DuckDB. Each statement runs on its own
 * session, which lives until its result has been read.
 */
export class SqlExecutor {
  constructor(private readonly ctx: TableContext) {}

  /** Runs every statement of `text` in order, yielding each result; read one before the next. */
  async *executeAll(text: string): AsyncGenerator<StatementResult> {
    for (const statement of splitStatements(text)) yield await this.execute(statement.text);
  }

  /** Runs one statement. */
  async execute(sql: string): Promise<StatementResult> {
    const write = parseWriteStatement(sql);
    if (write !== undefined) return this.write(write);
    const statement = classifyStatement(sql);
    switch (statement.kind) {
      case 'describe_history': {
        const history = await DeltaTable.open(this.ctx, statement.path).history(statement.limit);
        return this.plain(historySql(history));
      }
      case 'describe_detail': {
        const snapshot = await DeltaTable.open(this.ctx, statement.path).snapshot();
        return this.plain(detailSql(snapshot));
      }
      case 'query':
        return this.query(statement.sql);
    }
  }

  /** A write runs to its commit before the result (its summary row) is returned. */
  private async write(statement: WriteStatement): Promise<StatementResult> {
    const session = await this.ctx.engine.session();
    try {
      const summary = await executeWrite(this.ctx, session, statement);
      return ownedResult(await session.query(summary.resultSql), session, []);
    } catch (error) {
      await closeQuietly(session);
      throw error;
    }
  }

  private async plain(sql: string): Promise<StatementResult> {
    const session = await this.ctx.engine.session();
    try {
      return ownedResult(await session.query(sql), session, []);
    } catch (error) {
      await session.close();
      throw error;
    }
  }

  private async query(sql: string): Promise<StatementResult> {
    const session = await this.ctx.engine.session();
    let bound: BoundQuery | undefined;
    try {
      bound = await bindQuery(this.ctx, session, sql);
      return ownedResult(await session.query(bound.sql), session, [bound.release], bound.scans);
    } catch (error) {
      await closeQuietly(session);
      bound?.release();
      throw error;
    }
  }
}

export async function closeQuietly(session: Session): Promise<void> {
  try {
    await session.close();
  } catch {
    // The original error is the one worth reporting.
  }
}
