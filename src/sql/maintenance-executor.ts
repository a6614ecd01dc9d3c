import { LochError } from '../core/errors.js';
import type { Session } from '../engine/index.js';
import type { SqlEnv } from './sql-env.js';
import { DeltaTable, parseTimestamp } from '../table/delta-table.js';
import type { RestoreStatement, VacuumStatement } from './parse/write-statements.js';
import { sqlBigint, sqlStringList } from './sql-text.js';
import type { WriteSummary } from './write-target.js';
import { resolveTableLocation } from './resolve-table.js';
import { executeIcebergVacuum } from './iceberg-write-executor.js';
import { icebergTargetOf } from './iceberg-catalog-target.js';

/**
 * VACUUM t [RETAIN n HOURS] [DRY RUN]. Like Databricks, the result is one `path` column: the
 * files a dry run would delete (full paths), or the table's path after a real run. The retention
 * safety check is always on from SQL (there are no session settings yet for
 * spark.databricks.delta.retentionDurationCheck.enabled); the TypeScript API can turn it off.
 */
export async function executeVacuum(env: SqlEnv, _session: Session, s: VacuumStatement): Promise<WriteSummary> {
  const iceberg = await icebergTargetOf(env, s.target);
  if (iceberg !== undefined) return executeIcebergVacuum(env, s, iceberg);
  const { location: path } = await resolveTableLocation(env, s.target, 'VACUUM');
  const table = DeltaTable.open(env.ctx, path);
  const result = await table.vacuum({ dryRun: s.dryRun, ...(s.retainHours !== undefined ? { retentionHours: s.retainHours } : {}) });
  const root = path.replace(/\/+$/, '');
  const paths = result.dryRun ? result.files.map((key) => `${root}/${key}`) : [path];
  return { resultSql: `SELECT unnest(${sqlStringList(paths)}) AS path` };
}

/**
 * RESTORE [TABLE] t [TO] VERSION AS OF n | TIMESTAMP AS OF ts. Returns Databricks' one row:
 * table_size_after_restore, num_of_files_after_restore, num_removed_files, num_restored_files,
 * removed_files_size, restored_files_size.
 */
export async function executeRestore(env: SqlEnv, session: Session, s: RestoreStatement): Promise<WriteSummary> {
  const { location: path } = await resolveTableLocation(env, s.target, 'RESTORE');
  const table = DeltaTable.open(env.ctx, path);
  const selector = s.version !== undefined ? { version: s.version } : { timestamp: await timestampOf(session, path, s.timestampSql) };
  const { metrics } = await table.restore(selector);
  const columns: [string, number][] = [
    ['table_size_after_restore', metrics.tableSizeAfterRestore],
    ['num_of_files_after_restore', metrics.numOfFilesAfterRestore],
    ['num_removed_files', metrics.numRemovedFiles],
    ['num_restored_files', metrics.numRestoredFiles],
    ['removed_files_size', metrics.removedFilesSize],
    ['restored_files_size', metrics.restoredFilesSize],
  ];
  return { resultSql: `SELECT ${columns.map(([name, value]) => `${sqlBigint(value)} AS ${name}`).join(', ')}` };
}

const STRING_LITERAL = /^'((?:[^']|'')*)'$/;

/**
 * TIMESTAMP AS OF's expression in epoch ms: a string literal is read as time travel reads one
 * (ISO 8601, no zone meaning UTC); any other constant expression (current_timestamp() -
 * INTERVAL 1 DAY, TIMESTAMP '…') is evaluated by DuckDB, whose session time zone is UTC.
 */
async function timestampOf(session: Session, table: string, sql: string | undefined): Promise<number> {
  if (sql === undefined) throw new LochError('INVALID_ARGUMENT', `sql: RESTORE ${table}: give VERSION AS OF or TIMESTAMP AS OF`);
  const text = sql.trim();
  const literal = STRING_LITERAL.exec(text);
  if (literal !== null) return parseTimestamp(table, (literal[1] ?? '').replace(/''/g, "'"));
  let value: unknown;
  try {
    const rows = await (await session.query(`SELECT epoch_ms(CAST((${text}) AS TIMESTAMPTZ))`)).all();
    value = rows[0]?.[0];
  } catch (cause) {
    throw new LochError('INVALID_ARGUMENT', `sql: RESTORE ${table}: TIMESTAMP AS OF ${text} is not a timestamp expression`, { cause, context: { table } });
  }
  const ms = typeof value === 'bigint' ? Number(value) : value;
  if (typeof ms !== 'number' || !Number.isFinite(ms)) {
    throw new LochError('INVALID_ARGUMENT', `sql: RESTORE ${table}: TIMESTAMP AS OF ${text} does not give a timestamp`, { context: { table } });
  }
  return ms;
}
