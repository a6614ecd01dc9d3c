import { isLochError } from '../core/errors.js';
import type { Session } from '../engine/index.js';
import { DeltaTable } from '../table/delta-table.js';
import { bindQuery } from './bind-query.js';
import type { BoundQuery } from './bind-query.js';
import { executeCatalogStatement, parseCatalogStatement } from './catalog/catalog-statements.js';
import { executeGovernanceStatement } from './catalog/grant-executor.js';
import { executeFunctionOrPolicyStatement, parseFunctionOrPolicyStatement } from './catalog/function-policy-statements.js';
import { checkPolicyWrite } from './bind/policy-write-guard.js';
import { parseGovernanceStatement } from './parse/grant-statements.js';
import { refusePathTable } from './bind/raw-access.js';
import type { TableInfo } from '../catalog/catalog-types.js';
import { openIcebergRelation } from './catalog/iceberg-relation.js';
import { detailSql, historySql, icebergDetailSql, icebergHistorySql } from './describe.js';
import { isIcebergTable } from './iceberg-catalog-target.js';
import { executeFileStatement, parseFileStatement } from './files/file-statements.js';
import { bindParams } from './params.js';
import type { QueryParams } from './params.js';
import { classifyStatement, splitStatements } from './parse/index.js';
import type { DescribedTable } from './parse/statement.js';
import { parseWriteStatement } from './parse/write-statements.js';
import { resolveTableLocation } from './resolve-table.js';
import { ownedResult } from './result.js';
import type { StatementResult } from './result.js';
import { formatName, resolveName } from './sql-env.js';
import type { SqlEnv } from './sql-env.js';
import { executeWrite } from './write-executor.js';
import { recordLineage } from './governance-log/capture.js';
import type { SucceededStatement } from './governance-log/capture.js';
import { refuseSystemWrite } from './governance-log/system-guard.js';
import type { WriteSummary } from './write-target.js';

export interface ExecuteOptions {
  /** Values for the statement's `:name` (object) or `?` (array) markers. */
  readonly params?: QueryParams;
}

/**
 * The statement front end, in the shared dispatch order: catalog statements, file statements
 * (LIST, COPY INTO), lake write statements, DESCRIBE HISTORY/DETAIL, and queries, whose table
 * references are bound to snapshots before DuckDB runs them. Each statement runs on its own
 * session, which lives until its result has been read; USE changes `env.state` for the next.
 */
export class SqlExecutor {
  constructor(private readonly env: SqlEnv) {}

  /** Runs every statement of `text` in order, yielding each result; read one before the next. */
  async *executeAll(text: string, options: ExecuteOptions = {}): AsyncGenerator<StatementResult> {
    for (const statement of splitStatements(text)) yield await this.audited(statement.text, options);
  }

  /** Runs one statement; a refusal the catalog did not decide (lockdown, guards) is audited here. */
  private async audited(sql: string, options: ExecuteOptions): Promise<StatementResult> {
    try {
      return await this.execute(sql, options);
    } catch (error) {
      if (isLochError(error, 'PERMISSION_DENIED')) this.env.catalog.recordRefusal('executeStatement', error);
      throw error;
    }
  }

  /** Runs one statement. */
  async execute(sql: string, options: ExecuteOptions = {}): Promise<StatementResult> {
    for (const extension of this.env.extensions ?? []) {
      const parsed = extension.parseStatement?.(sql);
      if (parsed !== undefined) return this.summarised((session) => parsed.execute(this.env, session));
    }
    const governance = parseGovernanceStatement(sql);
    if (governance !== undefined) return this.summarised(() => executeGovernanceStatement(this.env, governance));
    const functionOrPolicy = parseFunctionOrPolicyStatement(sql);
    if (functionOrPolicy !== undefined) return this.summarised((session) => executeFunctionOrPolicyStatement(this.env, session, functionOrPolicy));
    const catalogStatement = parseCatalogStatement(sql);
    if (catalogStatement !== undefined) {
      refuseSystemWrite(this.env.state, { kind: 'catalog', statement: catalogStatement });
      return this.summarised((session) => executeCatalogStatement(this.env, session, catalogStatement), { kind: 'catalog', statement: catalogStatement });
    }
    const fileStatement = parseFileStatement(sql);
    if (fileStatement !== undefined) {
      refuseSystemWrite(this.env.state, { kind: 'file', statement: fileStatement });
      return this.summarised((session) => executeFileStatement(this.env, session, fileStatement), { kind: 'file', statement: fileStatement });
    }
    const write = parseWriteStatement(sql);
    if (write !== undefined) {
      refuseSystemWrite(this.env.state, { kind: 'write', statement: write });
      return this.summarised(async (session) => {
        const text = await bindParams(session, sql, options.params);
        const bound = text === sql ? write : (parseWriteStatement(text) ?? write);
        await checkPolicyWrite(this.env, session, bound);
        const summary = await executeWrite(this.env, session, bound);
        recordLineage(this.env, { kind: 'write', statement: bound });
        return summary;
      });
    }
    const statement = classifyStatement(sql);
    switch (statement.kind) {
      case 'describe_history': {
        const iceberg = await this.describedIceberg(statement);
        if (iceberg !== undefined) return this.summarised(async () => ({ resultSql: icebergHistorySql(await openIcebergRelation(this.env.ctx, iceberg), statement.limit) }));
        const { table } = await this.describedTable(statement, 'DESCRIBE HISTORY');
        return this.summarised(async () => ({ resultSql: historySql(await table.history(statement.limit)) }));
      }
      case 'describe_detail': {
        const iceberg = await this.describedIceberg(statement);
        if (iceberg !== undefined) return this.summarised(async () => ({ resultSql: icebergDetailSql(await openIcebergRelation(this.env.ctx, iceberg), iceberg) }));
        const { table, name } = await this.describedTable(statement, 'DESCRIBE DETAIL');
        return this.summarised(async () => ({ resultSql: detailSql(await table.snapshot(), name) }));
      }
      case 'query':
        return this.query(statement.sql, options.params);
    }
  }

  /** The catalog Iceberg table DESCRIBE HISTORY/DETAIL names, if it names one. */
  private async describedIceberg(statement: DescribedTable): Promise<TableInfo | undefined> {
    if (statement.path !== undefined) {
      refusePathTable(this.env, 'delta', statement.path, 'DESCRIBE');
      return undefined;
    }
    const info = await this.env.catalog.findTable(resolveName(this.env.state, statement.name));
    return isIcebergTable(info) ? info : undefined;
  }

  private async describedTable(statement: DescribedTable, what: string): Promise<{ table: DeltaTable; name?: string }> {
    const target = statement.path !== undefined ? { kind: 'path' as const, format: 'delta' as const, path: statement.path } : { kind: 'name' as const, parts: statement.name };
    const { location, name } = await resolveTableLocation(this.env, target, what);
    return { table: DeltaTable.open(this.env.ctx, location), ...(name !== undefined ? { name: formatName(name) } : {}) };
  }

  /**
   * Runs a statement to completion on a new session; the result is its summary SELECT on that
   * session. `succeeded`, when given, is reported for lineage once the statement has run.
   */
  private async summarised(run: (session: Session) => Promise<WriteSummary>, succeeded?: SucceededStatement): Promise<StatementResult> {
    const session = await this.env.ctx.engine.session();
    try {
      const summary = await run(session);
      if (succeeded !== undefined) recordLineage(this.env, succeeded);
      return ownedResult(await session.query(summary.resultSql), session, []);
    } catch (error) {
      await closeQuietly(session);
      throw error;
    }
  }

  private async query(sql: string, params: QueryParams | undefined): Promise<StatementResult> {
    const session = await this.env.ctx.engine.session();
    let bound: BoundQuery | undefined;
    try {
      bound = await bindQuery(this.env, session, sql, params === undefined ? {} : { params });
      const result = ownedResult(await session.query(bound.sql), session, [bound.release], bound.scans);
      recordLineage(this.env, { kind: 'query', sql });
      return result;
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
