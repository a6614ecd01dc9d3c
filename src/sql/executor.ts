import type { Session } from '../engine/index.js';
import type { TableContext } from '../table/context.js';
import { DeltaTable } from '../table/delta-table.js';
import { bindLakeRef } from './bind-lake-refs.js';
import type { ScanSummary } from './bind-lake-refs.js';
import { detailSql, historySql } from './describe.js';
import { classifyStatement, findLakeRefs, replaceSpans, splitStatements } from './parse/index.js';
import type { SpanReplacement } from './parse/index.js';
import { pushdownPredicates } from './pushdown/index.js';
import { ownedResult } from './result.js';
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
    const refs = findLakeRefs(sql);
    if (refs.length === 0) return this.plain(sql);
    const session = await this.ctx.engine.session();
    const releases: (() => void)[] = [];
    try {
      const predicates = await pushdownPredicates(session, sql, refs);
      const replacements: SpanReplacement[] = [];
      const scans: ScanSummary[] = [];
      for (const [i, ref] of refs.entries()) {
        const bound = await bindLakeRef(this.ctx, session, ref, predicates[i] ?? []);
        releases.push(bound.release);
        replacements.push(bound.replacement);
        if (bound.scan !== undefined) scans.push(bound.scan);
      }
      return ownedResult(await session.query(replaceSpans(sql, replacements)), session, releases, scans);
    } catch (error) {
      await closeQuietly(session);
      releases.forEach((r) => r());
      throw error;
    }
  }
}

async function closeQuietly(session: Session): Promise<void> {
  try {
    await session.close();
  } catch {
    // The original error is the one worth reporting.
  }
}
