import { LochError } from '../core/errors.js';
import type { Session } from '../engine/index.js';
import type { StructType } from '../expr/types.js';
import type { TableContext } from '../table/context.js';
import { DeltaTable } from '../table/delta-table.js';
import type { CreateMode } from '../table/write/create-op.js';
import type { TableTransaction, WriteOptions } from '../table/write/table-writer.js';
import { bindQuery } from './bind-query.js';
import type { BoundQuery } from './bind-query.js';
import type { ColumnDef, WriteStatement } from './parse/write-statements.js';
import { sqlBigint } from './sql-text.js';
import { executeAlter } from './alter-executor.js';
import { executeDml } from './dml-executor.js';
import { executeRestore, executeVacuum } from './maintenance-executor.js';
import { executeOptimize } from './optimize-executor.js';
import { conditionExpr } from './condition-filter.js';
import { NO_ROWS, tablePath, toField } from './write-target.js';
import type { WriteSummary } from './write-target.js';

/**
 * Runs a lake write statement on `session` (CREATE TABLE [AS SELECT], INSERT, REPLACE WHERE,
 * CONVERT TO DELTA, ALTER TABLE, DELETE, UPDATE, MERGE, OPTIMIZE, VACUUM, RESTORE). Queries inside
 * the statement are bound to snapshots taken now, on the same session, so `INSERT INTO t SELECT …
 * FROM t` reads the version it replaces.
 */
export async function executeWrite(ctx: TableContext, session: Session, statement: WriteStatement): Promise<WriteSummary> {
  switch (statement.kind) {
    case 'create_table':
      return createTable(ctx, session, statement);
    case 'insert':
      return insert(ctx, session, statement);
    case 'convert_to_delta': {
      const source = statement.source;
      if (source.kind !== 'path' || source.format !== 'parquet') throw new LochError('INVALID_ARGUMENT', 'sql: CONVERT TO DELTA expects parquet.`<path>`');
      const converted = await DeltaTable.open(ctx, source.path).convert(
        { noStatistics: statement.noStatistics, ...(statement.partitionSchema !== undefined ? { partitionSchema: statement.partitionSchema.map(toField) } : {}) },
        session,
      );
      const files = converted.kind === 'converted' ? converted.files : 0;
      return { resultSql: `SELECT ${sqlBigint(files)} AS num_converted_files` };
    }
    case 'delete':
    case 'update':
    case 'merge':
      return executeDml(ctx, session, statement);
    case 'optimize':
      return executeOptimize(ctx, session, statement);
    case 'vacuum':
      return executeVacuum(ctx, session, statement);
    case 'restore':
      return executeRestore(ctx, session, statement);
    default:
      return executeAlter(ctx, session, statement);
  }
}

type CreateStatement = Extract<WriteStatement, { kind: 'create_table' }>;
type InsertStatement = Extract<WriteStatement, { kind: 'insert' }>;

async function createTable(ctx: TableContext, session: Session, s: CreateStatement): Promise<WriteSummary> {
  const path = tablePath(s.target, 'CREATE TABLE');
  if (s.using !== undefined && s.using.toLowerCase() !== 'delta') {
    throw new LochError('NOT_IMPLEMENTED', `sql: CREATE TABLE ${path} USING ${s.using}: only USING DELTA is supported`);
  }
  if (s.location !== undefined) throw new LochError('INVALID_ARGUMENT', `sql: CREATE TABLE delta.\`${path}\`: the path is the location; drop the LOCATION clause`);
  const properties: Record<string, string> = { ...s.properties };
  for (const c of s.constraints) properties[`delta.constraints.${c.name.toLowerCase()}`] = c.checkSql;
  const mode: CreateMode = s.mustExist ? 'replace' : s.orReplace ? 'or_replace' : s.ifNotExists ? 'if_not_exists' : 'create';
  let bound: BoundQuery | undefined;
  try {
    if (s.asQuery !== undefined) bound = await bindQuery(ctx, session, s.asQuery);
    const outcome = await DeltaTable.open(ctx, path).create({
      mode,
      ...(s.columns !== undefined ? { schema: toSchema(s.columns) } : {}),
      partitionColumns: s.partitionedBy,
      ...(s.clusterBy !== undefined ? { clusterBy: s.clusterBy } : {}),
      properties,
      ...(s.comment !== undefined ? { description: s.comment } : {}),
      ...(bound !== undefined ? { asSelect: { sql: bound.sql, session } } : {}),
    });
    const rows = outcome.kind === 'created' ? Number(outcome.commit.metrics['numOutputRows'] ?? 0) : 0;
    return { resultSql: bound === undefined ? NO_ROWS : affected(rows) };
  } finally {
    bound?.release();
  }
}

async function insert(ctx: TableContext, session: Session, s: InsertStatement): Promise<WriteSummary> {
  const path = tablePath(s.target, 'INSERT');
  const table = DeltaTable.open(ctx, path);
  const options: WriteOptions = {
    byName: s.byName,
    ...(s.columns !== undefined ? { columns: s.columns } : {}),
    ...(s.mode === 'overwrite' ? { mode: 'overwrite' as const } : {}),
    ...(await partitionOptions(s)),
    ...(s.replaceWhereSql !== undefined ? { replaceWhere: { sql: s.replaceWhereSql, ...(await conditionExpr(ctx, session, path, s.replaceWhereSql)) } } : {}),
  };
  const { tx, bound } = await beginReadingSource(ctx, table, session, s.querySql);
  try {
    await tx.write({ sql: bound.sql }, { ...options, sourceReadsTable: bound.scans.some((scan) => scan.table === path) });
    const outcome = await tx.commit();
    return { resultSql: affected(outcome.kind === 'committed' ? outcome.metrics.rows : 0) };
  } finally {
    bound.release();
  }
}

/** Rebinds this many times when the target moves between opening the transaction and binding its query. */
const SOURCE_BIND_ATTEMPTS = 5;

/**
 * Opens the write transaction and binds the query, so that a query reading the target table
 * (`INSERT INTO t SELECT … FROM t`) reads exactly the version the transaction starts from;
 * the conflict check then covers what the query read.
 */
async function beginReadingSource(ctx: TableContext, table: DeltaTable, session: Session, querySql: string): Promise<{ tx: TableTransaction; bound: BoundQuery }> {
  for (let attempt = 1; ; attempt++) {
    const tx = await table.begin(session);
    const bound = await bindQuery(ctx, session, querySql);
    const read = bound.scans.find((scan) => scan.table === table.name);
    if (read === undefined || read.version === tx.readVersion || attempt >= SOURCE_BIND_ATTEMPTS) return { tx, bound };
    bound.release();
  }
}

/** PARTITION (p = v) is a static overwrite of those partitions; PARTITION (p) is dynamic. */
async function partitionOptions(s: InsertStatement): Promise<Partial<WriteOptions>> {
  const spec = s.partitionSpec;
  if (spec === undefined || spec.length === 0) return {};
  if (s.mode !== 'overwrite') throw new LochError('NOT_IMPLEMENTED', 'sql: INSERT INTO … PARTITION (…) is not supported; use INSERT OVERWRITE or put the values in the query');
  if (spec.every((p) => p.valueSql === undefined)) return { partitionOverwriteMode: 'dynamic' };
  if (spec.some((p) => p.valueSql === undefined)) throw new LochError('NOT_IMPLEMENTED', 'sql: INSERT OVERWRITE with both static and dynamic partition columns is not supported');
  return { staticPartitions: Object.fromEntries(spec.map((p) => [p.column, p.valueSql as string])) };
}

function toSchema(columns: readonly ColumnDef[]): StructType {
  return { kind: 'struct', fields: columns.map(toField) };
}

function affected(rows: number): string {
  return `SELECT ${sqlBigint(rows)} AS num_affected_rows, ${sqlBigint(rows)} AS num_inserted_rows`;
}
