import type { Session } from '../engine/index.js';
import type { SqlEnv } from './sql-env.js';
import { DeltaTable } from '../table/delta-table.js';
import type { FileSizeMetrics, OptimizeMetrics } from '../table/maintenance/optimize.js';
import type { OptimizeStatement } from './parse/write-statements.js';
import { sqlBigint, sqlString } from './sql-text.js';
import { resolveTableLocation } from './resolve-table.js';
import { executeIcebergOptimize } from './iceberg-write-executor.js';
import { icebergTargetOf } from './iceberg-catalog-target.js';
import type { WriteSummary } from './write-target.js';

/**
 * OPTIMIZE t [WHERE …] [ZORDER BY (…)]. The result is Databricks' one row: `path` (the table
 * location) and `metrics`, a STRUCT with the fields Loch fills (numFilesAdded, numFilesRemoved,
 * filesAdded / filesRemoved {min, max, avg, totalFiles, totalSize}, partitionsOptimized,
 * numBatches, totalConsideredFiles, totalFilesSkipped, deletionVectorStats).
 */
export async function executeOptimize(env: SqlEnv, session: Session, s: OptimizeStatement): Promise<WriteSummary> {
  const iceberg = await icebergTargetOf(env, s.target);
  if (iceberg !== undefined) return executeIcebergOptimize(session, s, iceberg);
  const { location: path } = await resolveTableLocation(env, s.target, 'OPTIMIZE');
  const table = DeltaTable.open(env.ctx, path);
  const { metrics } = await table.optimize(
    {
      ...(s.whereSql !== undefined ? { where: { sql: s.whereSql } } : {}),
      ...(s.zorderBy !== undefined && s.zorderBy.length > 0 ? { zorderBy: s.zorderBy } : {}),
    },
    session,
  );
  return { resultSql: `SELECT ${sqlString(table.location.store.url)} AS path, ${metricsSql(metrics)} AS metrics` };
}

function sizesSql(m: FileSizeMetrics): string {
  return `struct_pack(min := ${sqlBigint(m.min)}, max := ${sqlBigint(m.max)}, avg := CAST(${m.avg} AS DOUBLE), totalFiles := ${sqlBigint(m.totalFiles)}, totalSize := ${sqlBigint(m.totalSize)})`;
}

function metricsSql(m: OptimizeMetrics): string {
  const dv = m.deletionVectorStats;
  return `struct_pack(${[
    `numFilesAdded := ${sqlBigint(m.numFilesAdded)}`,
    `numFilesRemoved := ${sqlBigint(m.numFilesRemoved)}`,
    `filesAdded := ${sizesSql(m.filesAdded)}`,
    `filesRemoved := ${sizesSql(m.filesRemoved)}`,
    `partitionsOptimized := ${sqlBigint(m.partitionsOptimized)}`,
    `numBatches := ${sqlBigint(m.numBatches)}`,
    `totalConsideredFiles := ${sqlBigint(m.totalConsideredFiles)}`,
    `totalFilesSkipped := ${sqlBigint(m.totalFilesSkipped)}`,
    `deletionVectorStats := struct_pack(numDeletionVectorsRemoved := ${sqlBigint(dv.numDeletionVectorsRemoved)}, numDeletionVectorRowsRemoved := ${sqlBigint(dv.numDeletionVectorRowsRemoved)})`,
  ].join(', ')})`;
}
