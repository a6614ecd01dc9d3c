import { LochError } from '../core/errors.js';
import type { Session } from '../engine/index.js';
import type { StructType } from '../expr/types.js';
import type { IcebergCreateMode, PartitionTerm } from '../table/iceberg/write/contracts.js';
import { beginIcebergTransaction } from '../table/iceberg/write/transaction.js';
import type { IcebergTarget } from '../table/iceberg/write/transaction.js';
import { alterIceberg, type IcebergAlteration } from '../table/iceberg/write/evolution.js';
import type { AlterStatement } from './alter-executor.js';
import { appendToIceberg, createIcebergTable, overwriteIceberg, pathTarget } from '../table/iceberg/write/iceberg-writer.js';
import { expireIcebergSnapshots, removeIcebergOrphans, rewriteIcebergDataFiles } from '../table/iceberg/maintenance/maintenance.js';
import { bindQuery } from './bind-query.js';
import { procedureTarget } from './iceberg-catalog-target.js';
import type { CallProcedureStatement, OptimizeStatement, VacuumStatement } from './parse/write-statements.js';
import { parseTimestamp } from '../table/delta-table.js';
import { sqlBigint, sqlString, sqlStringList } from './sql-text.js';
import type { BoundQuery } from './bind-query.js';
import type { ColumnDef, CreateTableStatement, WriteStatement } from './parse/write-statements.js';
import type { SqlEnv } from './sql-env.js';
import { NO_ROWS, insertedRows, toField } from './write-target.js';
import { mentionsUntypedParam } from './params.js';
import { castUntypedValues, insertTargets } from './untyped-values.js';
import type { WriteSummary } from './write-target.js';

/**
 * The SQL side of Iceberg writes: CREATE [OR REPLACE] TABLE … USING ICEBERG / on iceberg.`path`
 * (PARTITIONED BY with Spark's transforms, TBLPROPERTIES, AS SELECT) and INSERT INTO / INSERT
 * OVERWRITE. Path tables commit through their metadata files; catalog tables through the
 * metastore (the caller passes the target).
 */

/** True when the statement creates an Iceberg table (USING ICEBERG or an iceberg.`path` target). */
export function createsIceberg(s: CreateTableStatement): boolean {
  return s.using === 'iceberg' || (s.target.kind === 'path' && s.target.format === 'iceberg');
}

/** CREATE TABLE for an Iceberg target. `mode` follows the statement's OR REPLACE / IF NOT EXISTS / REPLACE. */
export async function executeIcebergCreate(env: SqlEnv, session: Session, s: CreateTableStatement, target: IcebergTarget, mode: IcebergCreateMode): Promise<WriteSummary> {
  const where = describeCreate(s);
  if (s.constraints.length > 0) throw new LochError('NOT_IMPLEMENTED', `sql: ${where}: CHECK constraints are not supported on Iceberg tables`);
  if (s.clusterBy !== undefined) throw new LochError('NOT_IMPLEMENTED', `sql: ${where}: CLUSTER BY is not supported on Iceberg tables; use PARTITIONED BY`);
  let bound: BoundQuery | undefined;
  try {
    if (s.asQuery !== undefined) bound = await bindQuery(env, session, s.asQuery);
    const result = await createIcebergTable(target, {
      mode,
      ...(s.columns !== undefined ? { schema: toSchema(s.columns) } : {}),
      partitionBy: partitionTerms(s),
      properties: s.properties,
      ...(s.comment !== undefined ? { comment: s.comment } : {}),
      ...(bound !== undefined ? { asSelect: { sql: bound.sql, session } } : {}),
    });
    const rows = result.kind === 'exists' ? 0 : result.rows;
    return { resultSql: bound === undefined ? NO_ROWS : insertedRows(rows) };
  } finally {
    bound?.release();
  }
}

/** PARTITIONED BY terms: transforms when given, else identity of each column. */
export function partitionTerms(s: CreateTableStatement): PartitionTerm[] {
  if (s.partitionTransforms !== undefined) return s.partitionTransforms.map((t) => ({ transform: t.transform, column: t.column }));
  return s.partitionedBy.map((column) => ({ transform: 'identity', column }));
}

type InsertStatement = Extract<WriteStatement, { kind: 'insert' }>;

/** INSERT INTO / INSERT OVERWRITE [PARTITION (col, …)] on an Iceberg table. */
export async function executeIcebergInsert(env: SqlEnv, session: Session, s: InsertStatement, target: IcebergTarget): Promise<WriteSummary> {
  const name = target.table.name;
  if (s.mode === 'replace_where') throw new LochError('NOT_IMPLEMENTED', `sql: INSERT … REPLACE WHERE is not supported on Iceberg table ${name}; use DELETE then INSERT, or MERGE`);
  const partitions = s.partitionSpec ?? [];
  if (partitions.length > 0 && s.mode !== 'overwrite') throw new LochError('NOT_IMPLEMENTED', 'sql: INSERT INTO … PARTITION (…) is not supported; use INSERT OVERWRITE or put the values in the query');
  if (partitions.some((p) => p.valueSql !== undefined)) {
    throw new LochError('NOT_IMPLEMENTED', `sql: INSERT OVERWRITE ${name} PARTITION (col = value) is not supported on Iceberg tables; use PARTITION (col) (dynamic overwrite) with the value in the query`);
  }
  // Untyped parameters in VALUES take their columns' types: read the schema only when there are some.
  const querySql = mentionsUntypedParam(s.querySql) ? castUntypedValues(s.querySql, insertTargets(s, (await beginIcebergTransaction(target)).lochSchema)) : s.querySql;
  const bound = await bindQuery(env, session, querySql);
  try {
    const options = { byName: s.byName, ...(s.columns !== undefined ? { columns: s.columns } : {}) };
    const result =
      s.mode === 'overwrite'
        ? await overwriteIceberg(target, session, bound.sql, { kind: partitions.length > 0 ? 'dynamic' : 'all' }, options)
        : await appendToIceberg(target, session, bound.sql, options);
    return { resultSql: insertedRows(result.rows) };
  } finally {
    bound.release();
  }
}

/** ALTER TABLE on an Iceberg table: one metadata-only commit. */
export async function executeIcebergAlter(target: IcebergTarget, s: AlterStatement): Promise<WriteSummary> {
  await alterIceberg(target, toIcebergAlteration(s, target.table.name));
  return { resultSql: NO_ROWS };
}

function toIcebergAlteration(s: AlterStatement, name: string): IcebergAlteration {
  switch (s.kind) {
    case 'partition_field':
      if (s.action === 'add') return { kind: 'add_partition_field', term: s.term, ...(s.as !== undefined ? { name: s.as } : {}) };
      if (s.action === 'drop') return { kind: 'drop_partition_field', term: s.term, ...(s.fieldName !== undefined ? { name: s.fieldName } : {}) };
      return { kind: 'replace_partition_field', term: s.term, ...(s.fieldName !== undefined ? { oldName: s.fieldName } : {}), with: s.with ?? s.term, ...(s.as !== undefined ? { name: s.as } : {}) };
    case 'add_columns':
      return { kind: 'add_columns', columns: s.columns.map(toField) };
    case 'drop_columns':
      return { kind: 'drop_columns', paths: s.paths, ifExists: s.ifExists };
    case 'rename_column':
      return { kind: 'rename_column', path: s.path, newName: s.newName };
    case 'alter_column':
      return { kind: 'alter_column', path: s.path, ...(s.type !== undefined ? { type: s.type } : {}), ...(s.comment !== undefined ? { comment: s.comment } : {}) };
    case 'set_nullability':
      return { kind: 'set_nullability', column: s.column, nullable: s.nullable };
    case 'set_properties':
      return { kind: 'set_properties', properties: s.properties };
    case 'unset_properties':
      return { kind: 'unset_properties', keys: s.keys, ifExists: s.ifExists };
    default:
      throw new LochError('NOT_IMPLEMENTED', `sql: ALTER TABLE ${name}: ${s.kind.replace('_', ' ')} is not supported on Iceberg tables`);
  }
}

/** OPTIMIZE on an Iceberg table = rewrite_data_files; WHERE and ZORDER BY are not supported. `path` is the table's location. */
export async function executeIcebergOptimize(session: Session, s: OptimizeStatement, target: IcebergTarget): Promise<WriteSummary> {
  const path = target.table.name;
  if (s.whereSql !== undefined || s.zorderBy !== undefined) throw new LochError('NOT_IMPLEMENTED', `sql: OPTIMIZE ${path}: WHERE and ZORDER BY are not supported on Iceberg tables`);
  const r = await rewriteIcebergDataFiles(target, session);
  return { resultSql: `SELECT ${sqlString(path)} AS path, ${sqlBigint(r.rewritten)} AS rewritten_data_files_count, ${sqlBigint(r.added)} AS added_data_files_count` };
}

/**
 * VACUUM on an Iceberg table [RETAIN n HOURS] [DRY RUN] = expire_snapshots + remove_orphan_files,
 * both with the retention as their age limit (default: the table's snapshot age, 5 days, and 3
 * days for orphans). DRY RUN lists the orphan files only.
 */
export async function executeIcebergVacuum(env: SqlEnv, s: VacuumStatement, target: IcebergTarget): Promise<WriteSummary> {
  const path = target.table.name;
  const olderThanMs = s.retainHours === undefined ? undefined : env.ctx.clock.now() - s.retainHours * 3_600_000;
  const age = olderThanMs === undefined ? {} : { olderThanMs };
  const root = path.replace(/\/+$/, '');
  if (s.dryRun) {
    const orphans = await removeIcebergOrphans(target, { ...age, dryRun: true });
    return { resultSql: `SELECT unnest(${sqlStringList(orphans.map((k) => `${root}/${k}`))}) AS path` };
  }
  await expireIcebergSnapshots(target, age);
  await removeIcebergOrphans(target, age);
  return { resultSql: `SELECT unnest(${sqlStringList([path])}) AS path` };
}

/**
 * CALL system.expire_snapshots(table => '<path>', older_than => TIMESTAMP '…', retain_last => n),
 * system.remove_orphan_files(table => '<path>' [, older_than => …] [, dry_run => 'true']),
 * system.rewrite_data_files(table => '<path>'). `table` is an Iceberg table path (or
 * iceberg.`<path>`) or the name of a catalog Iceberg table (`t`, `s.t`, `c.s.t`); result rows
 * as Spark's procedures return them (orphan paths under the table's location).
 */
export async function executeIcebergCall(env: SqlEnv, session: Session, s: CallProcedureStatement): Promise<WriteSummary> {
  const what = `CALL system.${s.procedure}`;
  const table = s.args['table'];
  if (table === undefined || table.kind !== 'string') throw new LochError('INVALID_ARGUMENT', `sql: ${what} needs table => '<iceberg table name or path>'`);
  const { target, display: path } = await procedureTarget(env, table.value, what);
  const olderThan = s.args['older_than'];
  const olderThanMs = olderThan === undefined ? undefined : olderThan.kind === 'number' ? olderThan.value : parseTimestamp(path, olderThan.value);
  const age = olderThanMs === undefined ? {} : { olderThanMs };
  switch (s.procedure) {
    case 'expire_snapshots': {
      const retain = s.args['retain_last'];
      if (retain !== undefined && retain.kind !== 'number') throw new LochError('INVALID_ARGUMENT', `sql: ${what}: retain_last must be an integer`);
      const r = await expireIcebergSnapshots(target, { ...age, ...(retain !== undefined ? { retainLast: retain.value } : {}) });
      return { resultSql: `SELECT ${sqlBigint(r.deletedFiles.length)} AS deleted_files_count, ${sqlBigint(r.expiredSnapshots)} AS expired_snapshots_count` };
    }
    case 'remove_orphan_files': {
      const dry = s.args['dry_run'];
      const orphans = await removeIcebergOrphans(target, { ...age, dryRun: dry !== undefined && String(dry.value).toLowerCase() === 'true' });
      const root = path.replace(/\/+$/, '');
      return { resultSql: `SELECT unnest(${sqlStringList(orphans.map((k) => `${root}/${k}`))}) AS orphan_file_location` };
    }
    case 'rewrite_data_files': {
      const r = await rewriteIcebergDataFiles(target, session);
      return { resultSql: `SELECT ${sqlBigint(r.rewritten)} AS rewritten_data_files_count, ${sqlBigint(r.added)} AS added_data_files_count` };
    }
    default:
      throw new LochError('NOT_IMPLEMENTED', `sql: ${what}: unknown procedure (supported: expire_snapshots, remove_orphan_files, rewrite_data_files)`);
  }
}

/** The Iceberg table at a path (iceberg.`<path>`). */
export function icebergPathTarget(env: SqlEnv, path: string): IcebergTarget {
  return pathTarget(env.ctx, path);
}

function toSchema(columns: readonly ColumnDef[]): StructType {
  return { kind: 'struct', fields: columns.map(toField) };
}

function describeCreate(s: CreateTableStatement): string {
  return `CREATE TABLE ${s.target.kind === 'path' ? `${s.target.format}.\`${s.target.path}\`` : s.target.parts.join('.')}`;
}
