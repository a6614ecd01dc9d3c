import { LochError } from '../core/errors.js';
import type { Session } from '../engine/index.js';
import { executeIcebergAlter } from './iceberg-write-executor.js';
import { icebergTargetOf } from './iceberg-catalog-target.js';
import type { SqlEnv } from './sql-env.js';
import { DeltaTable } from '../table/delta-table.js';
import type { Alteration } from '../table/write/alter-op.js';
import type { WriteStatement } from './parse/write-statements.js';
import { NO_ROWS, toField } from './write-target.js';
import { resolveTableLocation } from './resolve-table.js';
import type { WriteSummary } from './write-target.js';

export type AlterStatement = Extract<
  WriteStatement,
  { kind: 'partition_field' | 'add_constraint' | 'drop_constraint' | 'add_columns' | 'set_properties' | 'unset_properties' | 'set_nullability' | 'rename_column' | 'drop_columns' | 'alter_column' | 'cluster_by' }
>;

/** ALTER TABLE …: one alteration, one commit. */
export async function executeAlter(env: SqlEnv, session: Session, s: AlterStatement): Promise<WriteSummary> {
  const iceberg = await icebergTargetOf(env, s.target);
  if (iceberg !== undefined) return executeIcebergAlter(iceberg, s);
  if (s.kind === 'partition_field') throw new LochError('NOT_IMPLEMENTED', 'sql: ALTER TABLE … PARTITION FIELD needs an Iceberg table; Delta tables are partitioned by columns');
  const { location: path } = await resolveTableLocation(env, s.target, 'ALTER TABLE');
  await DeltaTable.open(env.ctx, path).alter(toAlteration(s), session);
  return { resultSql: NO_ROWS };
}

function toAlteration(s: Exclude<AlterStatement, { kind: 'partition_field' }>): Alteration {
  switch (s.kind) {
    case 'add_constraint':
      return { kind: 'add_constraint', name: s.name, checkSql: s.checkSql };
    case 'drop_constraint':
      return { kind: 'drop_constraint', name: s.name, ifExists: s.ifExists };
    case 'add_columns':
      return { kind: 'add_columns', columns: s.columns.map(toField) };
    case 'set_properties':
      return { kind: 'set_properties', properties: s.properties };
    case 'unset_properties':
      return { kind: 'unset_properties', keys: s.keys, ifExists: s.ifExists };
    case 'set_nullability':
      return { kind: 'set_nullability', column: s.column, nullable: s.nullable };
    case 'rename_column':
      return { kind: 'rename_column', path: s.path, newName: s.newName };
    case 'drop_columns':
      return { kind: 'drop_columns', paths: s.paths, ifExists: s.ifExists };
    case 'alter_column':
      return { kind: 'alter_column', path: s.path, ...(s.comment !== undefined ? { comment: s.comment } : {}), ...(s.type !== undefined ? { type: s.type } : {}) };
    case 'cluster_by':
      return { kind: 'cluster_by', columns: s.columns };
  }
}
