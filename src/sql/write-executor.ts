import { LochError } from '../core/errors.js';
import type { Session } from '../engine/index.js';
import { DeltaTable } from '../table/delta-table.js';
import type { TableTransaction, WriteOptions } from '../table/write/table-writer.js';
import { executeAlter } from './alter-executor.js';
import { bindQuery } from './bind-query.js';
import type { BoundQuery } from './bind-query.js';
import { conditionExpr } from './condition-filter.js';
import { executeCreateTable } from './create-table-executor.js';
import { executeDml } from './dml-executor.js';
import { executeIcebergCall, executeIcebergInsert } from './iceberg-write-executor.js';
import { icebergTargetOf } from './iceberg-catalog-target.js';
import { executeRestore, executeVacuum } from './maintenance-executor.js';
import { executeOptimize } from './optimize-executor.js';
import type { WriteStatement } from './parse/write-statements.js';
import { resolveTableLocation } from './resolve-table.js';
import type { SqlEnv } from './sql-env.js';
import { authorizeWrite } from './write-authorization.js';
import { sqlBigint } from './sql-text.js';
import { castUntypedValues, insertTargets } from './untyped-values.js';
import { insertedRows, toField } from './write-target.js';
import type { WriteSummary } from './write-target.js';

/**
 * Runs a lake write statement on `session` (CREATE TABLE [AS SELECT], INSERT, REPLACE WHERE,
 * CONVERT TO DELTA, ALTER TABLE, DELETE, UPDATE, MERGE, OPTIMIZE, VACUUM, RESTORE). Queries inside
 * the statement are bound to snapshots taken now, on the same session, so `INSERT INTO t SELECT …
 * FROM t` reads the version it replaces. Privileges are checked first (authorizeWrite): a refused
 * statement does no work and commits nothing.
 */
export async function executeWrite(env: SqlEnv, session: Session, statement: WriteStatement): Promise<WriteSummary> {
  await authorizeWrite(env, session, statement);
  switch (statement.kind) {
    case 'create_table':
      return executeCreateTable(env, session, statement);
    case 'insert':
      return insert(env, session, statement);
    case 'convert_to_delta': {
      const source = statement.source;
      if (source.kind !== 'path' || source.format !== 'parquet') throw new LochError('INVALID_ARGUMENT', 'sql: CONVERT TO DELTA expects parquet.`<path>`');
      const converted = await DeltaTable.open(env.ctx, source.path).convert(
        { noStatistics: statement.noStatistics, ...(statement.partitionSchema !== undefined ? { partitionSchema: statement.partitionSchema.map(toField) } : {}) },
        session,
      );
      const files = converted.kind === 'converted' ? converted.files : 0;
      return { resultSql: `SELECT ${sqlBigint(files)} AS num_converted_files` };
    }
    case 'delete':
    case 'update':
    case 'merge':
      return executeDml(env, session, statement);
    case 'optimize':
      return executeOptimize(env, session, statement);
    case 'vacuum':
      return executeVacuum(env, session, statement);
    case 'restore':
      return executeRestore(env, session, statement);
    case 'call_procedure':
      return executeIcebergCall(env, session, statement);
    default:
      return executeAlter(env, session, statement);
  }
}

type InsertStatement = Extract<WriteStatement, { kind: 'insert' }>;

async function insert(env: SqlEnv, session: Session, s: InsertStatement): Promise<WriteSummary> {
  const iceberg = await icebergTargetOf(env, s.target);
  if (iceberg !== undefined) return executeIcebergInsert(env, session, s, iceberg);
  const { location: path } = await resolveTableLocation(env, s.target, 'INSERT');
  const table = DeltaTable.open(env.ctx, path);
  const options: WriteOptions = {
    byName: s.byName,
    ...(s.columns !== undefined ? { columns: s.columns } : {}),
    ...(s.mode === 'overwrite' ? { mode: 'overwrite' as const } : {}),
    ...(await partitionOptions(s)),
    ...(s.replaceWhereSql !== undefined ? { replaceWhere: { sql: s.replaceWhereSql, ...(await conditionExpr(env.ctx, session, path, s.replaceWhereSql)) } } : {}),
  };
  const { tx, bound } = await beginReadingSource(env, table, session, s);
  try {
    await tx.write({ sql: bound.sql }, { ...options, sourceReadsTable: bound.scans.some((scan) => scan.table === path) });
    const outcome = await tx.commit();
    return { resultSql: insertedRows(outcome.kind === 'committed' ? outcome.metrics.rows : 0) };
  } finally {
    bound.release();
  }
}

/** Rebinds this many times when the target moves between opening the transaction and binding its query. */
const SOURCE_BIND_ATTEMPTS = 5;

/**
 * Opens the write transaction and binds the query, so that a query reading the target table
 * (`INSERT INTO t SELECT … FROM t`) reads exactly the version the transaction starts from;
 * the conflict check then covers what the query read. Untyped parameters in the query's VALUES
 * take the types of the columns they fill in the schema the transaction writes.
 */
async function beginReadingSource(env: SqlEnv, table: DeltaTable, session: Session, s: InsertStatement): Promise<{ tx: TableTransaction; bound: BoundQuery }> {
  for (let attempt = 1; ; attempt++) {
    const tx = await table.begin(session);
    const bound = await bindQuery(env, session, castUntypedValues(s.querySql, insertTargets(s, tx.schema)));
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

