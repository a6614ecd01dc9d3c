/**
 * A ScanSpec as one DuckDB relation.
 *
 * Semantics of the relation `registerScan` returns:
 * - columns: the projection (or all spec columns) by logical name and table type, then the
 *   extra columns (declared ones first, then others in order of first appearance in the files);
 * - rows: every row of every file (only its `keepOnlyRows` when given), minus `deletedRows`, with partition values and extra columns
 *   from the file's entries (NULL when missing), filtered by `spec.filter`; no order;
 * - all files are read by one read_parquet call (two, concatenated, when only some files have
 *   deleted rows); per-file values and deleted positions live in
 *   TEMP tables joined on read_parquet's `file_index` (the file's position in the list), which
 *   unlike the file name cannot be changed by path normalisation;
 * - resolveBy 'name': files are read with union_by_name and columns found by physical name
 *   (case-insensitively as a fallback); columns in no file are NULL;
 * - resolveBy 'field_id': read_parquet's `schema` parameter finds top-level columns by field id
 *   (missing ids are NULL); fields inside structs are matched by physical name, which DuckDB's
 *   reader offers no way around;
 * - columnDefaults: by field id through the `schema` entries' default_value; by name through a
 *   per-file "has the column" flag (see scan-defaults.ts);
 * - equalityDeletes: hash anti-joins against TEMP tables of DISTINCT delete keys (see
 *   scan-equality.ts); scans with them are never split by deletes, so file indexes stay valid;
 * - void columns are never read: always a NULL INTEGER.
 */
import { LochError } from '../../core/errors.js';
import { dataTypeToDuckDb, defaultColumnSql, exprToSql, quoteIdentifier, quoteString } from '../../expr/to-sql.js';
import type { Literal } from '../../expr/nodes.js';
import { isPrimitive, type DataType, type StructField } from '../../expr/types.js';
import { ROW_FILE_COLUMN, ROW_POSITION_COLUMN } from '../scan-spec.js';
import type { ScanSpec } from '../scan-spec.js';
import type { RegisteredScan, ScanContext } from './scan-context.js';
import { duckDbError, isMissingFileError } from './errors.js';
import { findSourceField, physicalSourceType, physicalTypeSql, readAs, sourceTypeOfDuckDb } from './scan-columns.js';
import { planScan, type ScanPlan } from './scan-plan.js';
import { defaultValueSql, presence, schemaDefaultSql, topLevelNamesPerFile } from './scan-defaults.js';
import { checkEqualityDeletes, createEqualityTables, equalityFlags, equalityJoinSql, equalityKeyColumns } from './scan-equality.js';
import { createFilesTable, createPositionsTable, fileColumnName, tempTable, type FileFlag } from './scan-tables.js';

export type { RegisteredScan } from './scan-context.js';

/**
 * What the data columns read from: the FROM item, one expression per data column, the per-file
 * flags the expressions use (in the files table) and the raw SQL of each equality key field id.
 */
interface Source {
  readonly from: string;
  readonly columns: ReadonlyMap<string, string>;
  readonly flags: readonly FileFlag[];
  readonly keys: ReadonlyMap<number, string>;
}

/**
 * An expression over another column (file_index is never NULL) so DuckDB cannot turn filters on
 * the column into per-file table filters (see ScanSpec.mixedTypeColumns).
 */
function pushdownBarrier(spec: ScanSpec, name: string, sql: string): string {
  return spec.mixedTypeColumns?.includes(name) ? `CASE WHEN __d.file_index IS NOT NULL THEN ${sql} END` : sql;
}

const nullOf = (field: StructField): string => `CAST(NULL AS ${dataTypeToDuckDb(field.type)})`;
const isVoid = (field: StructField): boolean => isPrimitive(field.type, 'void');

const hasDeletes = (spec: ScanSpec): boolean => spec.files.some((f) => (f.deletedRows?.length ?? 0) > 0);
const hasRestrictions = (spec: ScanSpec): boolean => spec.files.some((f) => f.keepOnlyRows !== undefined);

function parquetOptions(spec: ScanSpec, extra: string[]): string {
  const options = ['hive_partitioning = false', 'binary_as_string = false', ...extra];
  if (hasDeletes(spec) || hasRestrictions(spec) || spec.rowIdentity) options.push('file_row_number = true');
  return options.join(', ');
}

function fileList(spec: ScanSpec): string {
  return `[${spec.files.map((f) => quoteString(f.localPath)).join(', ')}]`;
}

async function describeFiles(ctx: ScanContext, from: string, spec: ScanSpec) {
  try {
    return await ctx.describe(`SELECT * FROM ${from}`);
  } catch (error) {
    const code = isMissingFileError(error) ? 'DATA_FILE_MISSING' : 'SQL_ERROR';
    throw duckDbError(error, code, 'scan', { files: spec.files.length });
  }
}

async function sourceByName(ctx: ScanContext, spec: ScanSpec, plan: ScanPlan): Promise<Source> {
  const from = `read_parquet(${fileList(spec)}, ${parquetOptions(spec, ['union_by_name = true'])})`;
  const columns = new Map<string, string>();
  const flags: FileFlag[] = [];
  const read = plan.dataColumns.filter((f) => !isVoid(f));
  for (const field of plan.dataColumns) if (isVoid(field)) columns.set(field.name, nullOf(field));
  if (read.length === 0) return { from, columns, flags, keys: new Map() };
  const found = await describeFiles(ctx, from, spec);
  let names: string[][] | undefined;
  for (const field of read) {
    const src = findSourceField(found, field.physicalName);
    let sql = src ? readAs(`__d.${quoteIdentifier(src.name)}`, field.type, sourceTypeOfDuckDb(src.type), field.name) : nullOf(field);
    const fallback = defaultValueSql(spec, field.name, field.type);
    if (fallback !== undefined && !src) sql = fallback;
    else if (fallback !== undefined) {
      names ??= await topLevelNamesPerFile(ctx, spec);
      const present = presence(names, field.physicalName);
      if (!present.every(Boolean)) {
        const flag = `__loch_has${flags.length}`;
        flags.push({ name: flag, values: present });
        sql = `CASE WHEN __f.${quoteIdentifier(flag)} THEN ${sql} ELSE ${fallback} END`;
      }
    }
    columns.set(field.name, pushdownBarrier(spec, field.name, sql));
  }
  return { from, columns, flags, keys: new Map() };
}

function schemaEntry(fieldId: number, alias: string, type: DataType, fallback: Literal | undefined): string {
  return `${fieldId}: {name: ${quoteString(alias)}, type: ${quoteString(physicalTypeSql(type))}, default_value: ${schemaDefaultSql(fallback)}}`;
}

function sourceByFieldId(spec: ScanSpec, plan: ScanPlan): Source {
  const columns = new Map<string, string>();
  const keyColumns = equalityKeyColumns(spec);
  const keys = new Map<number, string>();
  const entries: string[] = [];
  for (const field of plan.dataColumns) {
    if (isVoid(field)) {
      columns.set(field.name, nullOf(field));
      continue;
    }
    if (field.fieldId === undefined) throw new LochError('INVALID_ARGUMENT', `scan: column "${field.name}" has no field id but the scan resolves columns by field id`);
    const alias = `__loch_f${field.fieldId}`;
    const raw = `__d.${quoteIdentifier(alias)}`;
    columns.set(field.name, pushdownBarrier(spec, field.name, readAs(raw, field.type, physicalSourceType(field.type), field.name)));
    if (keyColumns.has(field.fieldId)) keys.set(field.fieldId, raw);
    entries.push(schemaEntry(field.fieldId, alias, field.type, spec.columnDefaults?.[field.name] ?? keyColumns.get(field.fieldId)?.default));
  }
  for (const [fieldId, key] of keyColumns) {
    if (keys.has(fieldId)) continue;
    const alias = `__loch_k${fieldId}`;
    keys.set(fieldId, `__d.${quoteIdentifier(alias)}`);
    entries.push(schemaEntry(fieldId, alias, key.type, key.default));
  }
  if (entries.length === 0) {
    return { from: `read_parquet(${fileList(spec)}, ${parquetOptions(spec, ['union_by_name = true'])})`, columns, flags: [], keys };
  }
  const schema = `schema = MAP {${entries.join(', ')}}`;
  return { from: `read_parquet(${fileList(spec)}, ${parquetOptions(spec, [schema])})`, columns, flags: equalityFlags(spec), keys };
}

function emptyRelation(spec: ScanSpec, plan: ScanPlan): string {
  const items = plan.output.map((name) => `CAST(NULL AS ${dataTypeToDuckDb(plan.types.get(name) as DataType)}) AS ${quoteIdentifier(name)}`);
  if (spec.rowIdentity) items.push(`CAST(NULL AS INTEGER) AS ${quoteIdentifier(ROW_FILE_COLUMN)}`, `CAST(NULL AS BIGINT) AS ${quoteIdentifier(ROW_POSITION_COLUMN)}`);
  return `(SELECT ${items.join(', ')} LIMIT 0)`;
}

/** Names of the TEMP tables a scan joins; undefined when the scan needs no such table. */
interface ScanTables {
  readonly files?: string;
  readonly deletes?: string;
  readonly keep?: string;
  /** Equality delete set index → its TEMP table of keys. */
  readonly equality: ReadonlyMap<number, string>;
}

function buildSql(spec: ScanSpec, plan: ScanPlan, source: Source, tables: ScanTables): string {
  const fileColumnIndex = new Map(plan.fileColumns.map((c, i) => [c.name, i]));
  const items = plan.inner.map((name) => {
    const data = source.columns.get(name);
    const sql = data ?? `__f.${fileColumnName(fileColumnIndex.get(name) as number)}`;
    return `${sql} AS ${quoteIdentifier(name)}`;
  });
  const identity = spec.rowIdentity ? [ROW_FILE_COLUMN, ROW_POSITION_COLUMN] : [];
  if (spec.rowIdentity) items.push(`__d.file_index::INTEGER AS ${quoteIdentifier(ROW_FILE_COLUMN)}`, `__d.file_row_number AS ${quoteIdentifier(ROW_POSITION_COLUMN)}`);
  let inner = `SELECT ${items.join(', ')} FROM ${source.from} AS __d`;
  if (tables.files) inner += ` JOIN ${tempTable(tables.files)} AS __f ON __f.file_idx = __d.file_index`;
  if (tables.equality.size > 0) inner += equalityJoinSql(spec, tables.equality, source.keys, '__f');
  if (tables.deletes) {
    inner += ` ANTI JOIN ${tempTable(tables.deletes)} AS __x ON __x.file_idx = __d.file_index AND __x.pos = __d.file_row_number`;
  }
  if (tables.keep) {
    const kept = `SELECT 1 FROM ${tempTable(tables.keep)} AS __k WHERE __k.file_idx = __d.file_index AND __k.pos = __d.file_row_number`;
    inner += ` WHERE (NOT __f.restricted OR EXISTS (${kept}))`;
  }
  const sameColumns = plan.inner.length === plan.output.length && plan.inner.every((n, i) => n === plan.output[i]);
  if (!spec.filter && sameColumns) return `(${inner})`;
  const where = spec.filter ? ` WHERE ${exprToSql(spec.filter, (path) => defaultColumnSql(path, '__s'))}` : '';
  return `(SELECT ${[...plan.output, ...identity].map((n) => `__s.${quoteIdentifier(n)}`).join(', ')} FROM (${inner}) AS __s${where})`;
}

/** Creates the TEMP tables the scan needs, recording each name in `created` before filling it. */
async function createTables(ctx: ScanContext, spec: ScanSpec, plan: ScanPlan, source: Source, base: string, created: string[]): Promise<ScanTables> {
  const restricted = hasRestrictions(spec);
  const tables: { files?: string; deletes?: string; keep?: string; equality: ReadonlyMap<number, string> } = { equality: new Map() };
  if (plan.fileColumns.length > 0 || restricted || source.flags.length > 0) {
    tables.files = `${base}_files`;
    created.push(tables.files);
    await createFilesTable(ctx, tables.files, spec.files, plan.fileColumns, source.flags);
  }
  tables.equality = await createEqualityTables(ctx, spec, base, created);
  if (hasDeletes(spec)) {
    tables.deletes = `${base}_deletes`;
    created.push(tables.deletes);
    await createPositionsTable(ctx, tables.deletes, spec.files, (f) => f.deletedRows);
  }
  if (restricted) {
    tables.keep = `${base}_keep`;
    created.push(tables.keep);
    await createPositionsTable(ctx, tables.keep, spec.files, (f) => f.keepOnlyRows);
  }
  return tables;
}

/**
 * Files with deleted rows need their row numbers and an anti-join; files without need neither.
 * When both kinds are present (a few files touched by DELETE), they are read as two relations
 * and concatenated, so the untouched files scan at full speed. Not done when row identity,
 * row restrictions or undeclared per-file columns make the file list one unit.
 */
function splitByDeletes(spec: ScanSpec): [ScanSpec, ScanSpec] | undefined {
  if (spec.rowIdentity || hasRestrictions(spec) || (spec.equalityDeletes?.length ?? 0) > 0 || spec.files.some((f) => f.extraColumns !== undefined)) return undefined;
  const marked = (f: ScanSpec['files'][number]) => (f.deletedRows?.length ?? 0) > 0;
  const withDeletes = spec.files.filter(marked);
  if (withDeletes.length === 0 || withDeletes.length === spec.files.length) return undefined;
  return [
    { ...spec, files: withDeletes },
    { ...spec, files: spec.files.filter((f) => !marked(f)) },
  ];
}

/** Registers the relation of `spec` on the session behind `ctx` (see the module comment). */
export async function registerScan(ctx: ScanContext, spec: ScanSpec): Promise<RegisteredScan> {
  checkEqualityDeletes(spec);
  const split = splitByDeletes(spec);
  if (split !== undefined) {
    const first = await registerScan(ctx, split[0]);
    try {
      const second = await registerScan(ctx, split[1]);
      return {
        sql: `(SELECT * FROM ${first.sql} UNION ALL SELECT * FROM ${second.sql})`,
        dispose: async () => {
          try {
            await first.dispose();
          } finally {
            await second.dispose();
          }
        },
      };
    } catch (error) {
      await first.dispose().catch(() => undefined);
      throw error;
    }
  }
  const plan = planScan(spec);
  if (spec.files.length === 0) return { sql: emptyRelation(spec, plan), dispose: async () => {} };
  const base = `__loch_scan_${ctx.uniqueName()}`;
  const created: string[] = [];
  const dispose = async (): Promise<void> => {
    for (const name of created.splice(0)) {
      if (ctx.closed()) continue;
      await ctx.run(`DROP TABLE IF EXISTS ${tempTable(name)}`).catch((error: unknown) => {
        throw duckDbError(error, 'SQL_ERROR', 'scan');
      });
    }
  };
  try {
    const source = spec.resolveBy === 'field_id' ? sourceByFieldId(spec, plan) : await sourceByName(ctx, spec, plan);
    const tables = await createTables(ctx, spec, plan, source, base, created);
    return { sql: buildSql(spec, plan, source, tables), dispose };
  } catch (error) {
    await dispose().catch(() => undefined);
    throw duckDbError(error, 'SQL_ERROR', 'scan');
  }
}
