/**
 * Writes data files with DuckDB: one `COPY (SELECT …) TO '<dir>' (FORMAT parquet, RETURN_STATS
 * true, …)` casts the source rows to the table's types, renames them to physical names, checks
 * constraints, partitions and writes, and reports every file with its statistics.
 *
 * File names are 'part-<i>-<fileId>.<codec>.parquet' (i counts from 0 per directory), so writes
 * with different fileIds never collide and existing files in outputDir are left alone. Partition
 * directories are '<physicalName>=<partition text>' with DuckDB's percent-encoding (every byte
 * outside [A-Za-z0-9_.~-], e.g. 'a/b =%ü' → 'a%2Fb%20%3D%25%C3%BC'; NULL →
 * '__HIVE_DEFAULT_PARTITION__'). On failure the files of this write are removed (best effort),
 * together with the directories that held only them and outputDir when this write created it,
 * so a failed write leaves no junk.
 */
import { mkdir, readdir, rmdir, stat, unlink } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { LochError } from '../../core/errors.js';
import { quoteIdentifier, quoteString } from '../../expr/to-sql.js';
import { typeToString } from '../../expr/types.js';
import type { DataType } from '../../expr/types.js';
import type { ParquetWriteSpec, WrittenFile } from '../write-spec.js';
import { formatDuckDbError } from './errors.js';
import type { QueryResult, Session } from './session.js';
import type { Row, SqlValue } from './values.js';
import { checkFailure, checksWhere, rowChecks, type RowCheck } from './write-checks.js';
import { castColumns, castSelect, castSql, dataColumnSql, fieldIdsOption, partitionColumnSql, ROW_ALIAS, type CastColumn } from './write-select.js';
import { columnStatsOf, statsMapOf, textMapOf } from './write-stats.js';

const DEFAULT_TARGET_FILE_SIZE = 128 * 1024 * 1024;

function positiveInteger(value: number | undefined, what: string): void {
  if (value !== undefined && !(Number.isSafeInteger(value) && value > 0)) {
    throw new LochError('INVALID_ARGUMENT', `delta write: ${what} must be a positive integer, got ${value}`);
  }
}

function validate(spec: ParquetWriteSpec): void {
  if (spec.columns.length === 0) throw new LochError('INVALID_ARGUMENT', 'delta write: a data file needs at least one non-partition column');
  if (!/^[A-Za-z0-9_-]+$/.test(spec.fileId)) {
    throw new LochError('INVALID_ARGUMENT', `delta write: file id ${JSON.stringify(spec.fileId)} may hold only letters, digits, '-' and '_'`);
  }
  positiveInteger(spec.targetFileSize, 'targetFileSize');
  positiveInteger(spec.rowGroupRows, 'rowGroupRows');
  const seen = new Set<string>();
  for (const name of [...spec.columns, ...spec.partitionColumns].map((c) => c.physicalName)) {
    // DuckDB resolves names case-insensitively, so 'a' and 'A' would be one column.
    if (seen.has(name.toLowerCase())) throw new LochError('INVALID_ARGUMENT', `delta write: physical column name ${name} is used twice`);
    seen.add(name.toLowerCase());
  }
}

const fileNamePattern = (spec: ParquetWriteSpec): RegExp => new RegExp(`^part-\\d+-${spec.fileId}\\.(snappy|zstd)\\.parquet$`);

function copySql(spec: ParquetWriteSpec, outputDir: string, casts: readonly CastColumn[], checks: readonly RowCheck[]): string {
  const items = [...spec.columns.map(dataColumnSql), ...spec.partitionColumns.map(partitionColumnSql)];
  const where = checksWhere(checks);
  const select = `SELECT ${items.join(', ')} FROM (${castSelect(spec, casts)}) AS ${ROW_ALIAS}${where ? ` WHERE ${where}` : ''}`;
  const codec = spec.compression ?? 'snappy';
  const options = [
    'FORMAT parquet',
    'RETURN_STATS true',
    `COMPRESSION ${codec}`,
    `FILENAME_PATTERN ${quoteString(`part-{i}-${spec.fileId}.${codec}`)}`,
    // Allows a non-empty directory; names are unique per write, so nothing is overwritten.
    'OVERWRITE_OR_IGNORE true',
  ];
  if (spec.partitionColumns.length > 0) options.push(`PARTITION_BY (${spec.partitionColumns.map((p) => quoteIdentifier(p.physicalName)).join(', ')})`);
  else options.push(`FILE_SIZE_BYTES ${spec.targetFileSize ?? DEFAULT_TARGET_FILE_SIZE}`);
  if (spec.rowGroupRows !== undefined) options.push(`ROW_GROUP_SIZE ${spec.rowGroupRows}`);
  const fieldIds = fieldIdsOption(spec.columns);
  if (fieldIds !== undefined) options.push(`FIELD_IDS ${fieldIds}`);
  const kv = Object.entries(spec.keyValueMetadata ?? {});
  if (kv.length > 0) options.push(`KV_METADATA {${kv.map(([k, v]) => `${quoteIdentifier(k)}: ${quoteString(v)}`).join(', ')}}`);
  // DuckDB 1.5's dictionary encoder treats -0.0 and 0.0 as one value (duckdb/duckdb#25781) and
  // silently stores the sign of whichever came first; without dictionaries every value keeps its bits.
  if (spec.columns.some((c) => hasFloatingPoint(c.type))) options.push('DICTIONARY_SIZE_LIMIT 0');
  return `COPY (${select}) TO ${quoteString(outputDir)} (${options.join(', ')})`;
}

/** Creates outputDir when missing; true when this call created it. */
async function ensureDirectory(dir: string): Promise<boolean> {
  try {
    const info = await stat(dir);
    if (!info.isDirectory()) throw new LochError('INVALID_ARGUMENT', `delta write: output directory ${dir} is not a directory`);
    return false;
  } catch (error) {
    if (error instanceof LochError) throw error;
    try {
      await mkdir(dir, { recursive: true });
    } catch (cause) {
      throw new LochError('STORAGE_ERROR', `delta write: cannot create output directory ${dir}: ${String(cause)}`, { cause });
    }
    return true;
  }
}

/** Removes this write's files below `dir` (partition directories too); true when `dir` held any. */
async function sweep(dir: string, pattern: RegExp): Promise<boolean> {
  let removed = false;
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isFile() && pattern.test(entry.name)) {
      removed = (await unlink(path).then(() => true, () => false)) || removed;
    } else if (entry.isDirectory() && entry.name.includes('=') && (await sweep(path, pattern))) {
      removed = true;
      await rmdir(path).catch(() => undefined);
    }
  }
  return removed;
}

async function removeWritten(spec: ParquetWriteSpec, outputDir: string, created: boolean): Promise<void> {
  await sweep(outputDir, fileNamePattern(spec));
  if (created) await rmdir(outputDir).catch(() => undefined);
}

/** DuckDB's message of a failure (the session wraps DuckDB errors in LochErrors). */
function duckDbText(error: unknown): string {
  return formatDuckDbError(error instanceof LochError && error.cause !== undefined ? error.cause : error);
}

/** Runs a query to its end; the error, if any. */
async function probe(session: Session, sql: string): Promise<unknown> {
  try {
    await (await session.query(sql)).all();
    return undefined;
  } catch (error) {
    return error ?? new Error('unknown error');
  }
}

/**
 * Finds the column (or constraint) behind a cast or bind failure by trying each on its own;
 * binding-only probes (LIMIT 0) when the failure happened at bind time.
 */
async function diagnose(session: Session, spec: ParquetWriteSpec, casts: readonly CastColumn[], bindOnly: boolean): Promise<LochError | undefined> {
  // A source that fails on its own is the caller's SQL: its error is the one to report.
  if ((await probe(session, `SELECT * FROM (${spec.sourceSql}\n) AS __src LIMIT 0`)) !== undefined) return undefined;
  const limit = bindOnly ? ' LIMIT 0' : '';
  for (const c of casts) {
    const failed = await probe(session, `SELECT count(${castSql(c, '__src')}) FROM (${spec.sourceSql}\n) AS __src${limit}`);
    if (failed !== undefined) {
      return new LochError('INVALID_ARGUMENT', `delta write: column ${c.label} (${typeToString(c.type)}): cannot cast source column "${c.source}": ${duckDbText(failed)}`, {
        cause: failed,
        context: { column: c.label, source: c.source },
      });
    }
  }
  if (!bindOnly) return undefined;
  for (const constraint of spec.constraints) {
    const failed = await probe(session, `SELECT (${constraint.sql}) FROM (${castSelect(spec, casts)}) AS ${ROW_ALIAS} LIMIT 0`);
    if (failed !== undefined) {
      return new LochError('INVALID_ARGUMENT', `delta write: constraint ${constraint.name} (${constraint.sql}) is not valid SQL over the written columns: ${duckDbText(failed)}`, {
        cause: failed,
      });
    }
  }
  return undefined;
}

async function writeFailure(session: Session, spec: ParquetWriteSpec, casts: readonly CastColumn[], checks: readonly RowCheck[], error: unknown): Promise<LochError> {
  const violated = checkFailure(error, checks);
  if (violated) return violated;
  if (error instanceof LochError && error.cause === undefined) return error;
  const text = duckDbText(error);
  if (/^(Conversion|Binder|Out of Range) Error/.test(text)) {
    const found = await diagnose(session, spec, casts, text.startsWith('Binder'));
    if (found) return found;
  }
  return new LochError('SQL_ERROR', `delta write: ${text}`, { cause: error, context: { outputDir: spec.outputDir } });
}

function column(result: QueryResult, row: Row, name: string): SqlValue {
  const index = result.columns.findIndex((c) => c.name === name);
  return index < 0 ? null : (row[index] ?? null);
}

/** The files COPY reported, minus empty ones (deleted), sorted by path. */
async function writtenFiles(spec: ParquetWriteSpec, outputDir: string, result: QueryResult, rows: readonly Row[]): Promise<WrittenFile[]> {
  const files: WrittenFile[] = [];
  const seen = new Set<string>();
  for (const row of rows) {
    const localPath = resolve(String(column(result, row, 'filename')));
    if (seen.has(localPath)) throw new LochError('INTERNAL', `delta write: DuckDB wrote ${localPath} twice in one write`);
    seen.add(localPath);
    const rowCount = Number(column(result, row, 'count'));
    if (rowCount === 0) {
      await unlink(localPath).catch(() => undefined);
      continue;
    }
    const keys = textMapOf(column(result, row, 'partition_keys'));
    const partitionValues: Record<string, string | null> = {};
    for (const p of spec.partitionColumns) partitionValues[p.physicalName] = keys.get(p.physicalName) ?? null;
    files.push({
      localPath,
      relativePath: relative(outputDir, localPath).split(sep).join('/'),
      partitionValues,
      rowCount,
      sizeBytes: Number(column(result, row, 'file_size_bytes')),
      columnStats: columnStatsOf(spec.columns, statsMapOf(column(result, row, 'column_statistics'))),
    });
  }
  return files.sort((a, b) => a.relativePath.localeCompare(b.relativePath, 'en', { numeric: true }));
}

/**
 * Writes the rows of `spec.sourceSql` as parquet data files under `spec.outputDir` and returns
 * them (see ParquetWriteSpec / WrittenFile for the contract). Zero rows give [] and no file.
 * Failures: a broken constraint → CONSTRAINT_VIOLATION naming it and showing the row; a value
 * that does not cast to its column's type → INVALID_ARGUMENT naming the column; a bad spec →
 * INVALID_ARGUMENT (binary partition column: UNSUPPORTED_FEATURE); anything else DuckDB reports
 * → SQL_ERROR. The session must not be reading another result meanwhile.
 */
export async function writeParquet(session: Session, spec: ParquetWriteSpec): Promise<WrittenFile[]> {
  validate(spec);
  const outputDir = resolve(spec.outputDir);
  const casts = castColumns(spec);
  const checks = rowChecks(spec);
  const sql = copySql(spec, outputDir, casts, checks);
  const created = await ensureDirectory(outputDir);
  let result: QueryResult;
  let rows: Row[];
  try {
    result = await session.query(sql);
    rows = await result.all();
  } catch (error) {
    await removeWritten(spec, outputDir, created);
    throw await writeFailure(session, spec, casts, checks, error);
  }
  try {
    const files = await writtenFiles(spec, outputDir, result, rows);
    if (files.length === 0 && created) await rmdir(outputDir).catch(() => undefined);
    return files;
  } catch (error) {
    await removeWritten(spec, outputDir, created);
    throw error;
  }
}

function hasFloatingPoint(type: DataType): boolean {
  switch (type.kind) {
    case 'primitive':
      return type.name === 'float' || type.name === 'double';
    case 'struct':
      return type.fields.some((f) => hasFloatingPoint(f.type));
    case 'array':
      return hasFloatingPoint(type.element);
    case 'map':
      return hasFloatingPoint(type.key) || hasFloatingPoint(type.value);
    default:
      return false;
  }
}
