import { LochError } from '../../core/errors.js';
import type { Session } from '../../engine/index.js';
import { dataTypeFromDuckDb } from '../../engine/index.js';
import type { WrittenColumnStats } from '../../expr/file-facts.js';
import type { LiteralValue } from '../../expr/nodes.js';
import { quoteIdentifier, quoteString } from '../../expr/to-sql.js';
import type { DataType, StructField, StructType } from '../../expr/types.js';
import { parsePartitionValue, parseTimestampText } from '../../formats/delta/partition-values.js';
import type { AddFile, Metadata } from '../../formats/delta/spec/actions.js';
import { HIVE_DEFAULT_PARTITION, encodeDataPath, unescapePartitionPathName } from '../../formats/delta/write/data-path.js';
import { serializePartitionValue } from '../../formats/delta/write/partition-serialize.js';
import { buildStatsJson } from '../../formats/delta/write/stats-build.js';
import type { TableContext } from '../context.js';
import type { TableLocation } from '../location.js';
import type { CommitResult } from './commit-loop.js';
import { applyMetadata } from './schema-change.js';
import { DeltaTransaction } from './transaction.js';

export interface ConvertRequest {
  /** Hive-style partition columns (directory `col=value` segments, outermost first). */
  readonly partitionSchema?: readonly StructField[];
  /** Skip collecting min/max/null statistics (numRecords is always recorded). */
  readonly noStatistics?: boolean;
}

export type ConvertOutcome = { readonly kind: 'converted'; readonly commit: CommitResult; readonly files: number } | { readonly kind: 'already_delta'; readonly version: number };

interface ParquetFile {
  readonly key: string;
  readonly size: number;
  readonly lastModified: number;
  readonly partitionValues: Record<string, string | null>;
}

/** Columns with statistics: Delta's default of the first 32 leaf columns, top-level primitives here. */
const STATS_COLUMNS = 32;

/**
 * CONVERT TO DELTA: the parquet files under the root (outside `_`- and `.`-prefixed folders, as
 * Spark skips them) become version 0 of a Delta table in place, without copying. The schema is
 * the union of the files' schemas plus the partition columns; statistics come from one
 * aggregate query per file.
 */
export async function convertToDelta(ctx: TableContext, table: TableLocation, session: Session, existingVersion: number | undefined, request: ConvertRequest): Promise<ConvertOutcome> {
  if (existingVersion !== undefined) return { kind: 'already_delta', version: existingVersion };
  const partitions = request.partitionSchema ?? [];
  const files = await listParquet(table, partitions);
  if (files.length === 0) throw new LochError('NOT_FOUND', `delta convert: no parquet files under ${table.name}`, { context: { table: table.name } });
  const pins = await Promise.all(files.map((f) => ctx.cache.acquire(table.store, f.key)));
  try {
    const dataSchema = await unionSchema(session, table.name, pins.map((p) => p.path));
    const clash = partitions.find((p) => dataSchema.fields.some((f) => f.name.toLowerCase() === p.name.toLowerCase()));
    if (clash !== undefined) throw new LochError('INVALID_ARGUMENT', `delta convert: ${table.name}: partition column ${clash.name} is also stored in the data files`);
    const schema: StructType = { kind: 'struct', fields: [...dataSchema.fields, ...partitions.map((p) => ({ ...p, nullable: true }))] };
    const tx = new DeltaTransaction(ctx, table, undefined);
    const metadata: Metadata = {
      id: ctx.ids.uuid(),
      format: { provider: 'parquet', options: {} },
      schemaString: '',
      partitionColumns: partitions.map((p) => p.name),
      createdTime: ctx.clock.now(),
      configuration: {},
    };
    applyMetadata(tx, metadata, schema);
    const adds: AddFile[] = [];
    for (const [i, file] of files.entries()) {
      const stats = await fileStats(session, dataSchema, (pins[i] as { path: string }).path, request.noStatistics ?? false);
      adds.push({ path: encodeDataPath(file.key), partitionValues: file.partitionValues, size: file.size, modificationTime: file.lastModified, dataChange: true, stats });
    }
    tx.addFiles(adds);
    tx.operation = {
      name: 'CONVERT',
      parameters: { numFiles: String(files.length), partitionedBy: JSON.stringify(partitions.map((p) => p.name)), collectStats: String(!request.noStatistics) },
      metrics: { numConvertedFiles: String(files.length) },
    };
    return { kind: 'converted', commit: await tx.commit(), files: files.length };
  } finally {
    pins.forEach((p) => p.release());
  }
}

async function listParquet(table: TableLocation, partitions: readonly StructField[]): Promise<ParquetFile[]> {
  const out: ParquetFile[] = [];
  for await (const meta of table.store.list('')) {
    const segments = meta.key.split('/');
    if (segments.some((s) => s.startsWith('_') || s.startsWith('.')) || !meta.key.endsWith('.parquet')) continue;
    out.push({ key: meta.key, size: meta.size, lastModified: meta.lastModified, partitionValues: partitionValuesOf(table.name, meta.key, segments.slice(0, -1), partitions) });
  }
  return out;
}

function partitionValuesOf(table: string, key: string, dirs: readonly string[], partitions: readonly StructField[]): Record<string, string | null> {
  if (dirs.length !== partitions.length) {
    throw new LochError('INVALID_ARGUMENT', `delta convert: ${table}: file ${key} is ${dirs.length} folder(s) deep but PARTITIONED BY names ${partitions.length} column(s)`, { context: { table, file: key } });
  }
  const values: Record<string, string | null> = {};
  partitions.forEach((p, i) => {
    const dir = dirs[i] as string;
    const eq = dir.indexOf('=');
    if (eq < 0 || unescapePartitionPathName(dir.slice(0, eq)).toLowerCase() !== p.name.toLowerCase()) {
      throw new LochError('INVALID_ARGUMENT', `delta convert: ${table}: file ${key}: expected folder ${p.name}=<value>, found ${dir}`, { context: { table, file: key } });
    }
    const text = unescapePartitionPathName(dir.slice(eq + 1));
    const value = text === HIVE_DEFAULT_PARTITION ? null : parsePartitionValue(text, p.type, { table, file: key, column: p.name });
    values[p.name] = serializePartitionValue(value, p.type, p.name);
  });
  return values;
}

async function unionSchema(session: Session, table: string, paths: readonly string[]): Promise<StructType> {
  const list = `[${paths.map(quoteString).join(', ')}]`;
  const result = await session.query(`SELECT * FROM read_parquet(${list}, union_by_name = true, hive_partitioning = false) LIMIT 0`);
  await result.all();
  const fields = result.columns.map((c) => ({ name: c.name, type: dataTypeFromDuckDb(c.type, `${c.name} of ${table}`), nullable: true, physicalName: c.name }) satisfies StructField);
  return { kind: 'struct', fields };
}

async function fileStats(session: Session, schema: StructType, path: string, noStatistics: boolean): Promise<string> {
  const columns = noStatistics ? [] : schema.fields.filter((f) => f.type.kind === 'primitive' || f.type.kind === 'decimal').slice(0, STATS_COLUMNS);
  const aggregates = columns.flatMap((f) => {
    const c = quoteIdentifier(f.name);
    return [`min(${c})`, `max(${c})`, `count(*) - count(${c})`];
  });
  const rows = await (await session.query(`SELECT ${['count(*)', ...aggregates].join(', ')} FROM read_parquet(${quoteString(path)}, hive_partitioning = false)`)).all();
  const row = rows[0] ?? [];
  const stats: WrittenColumnStats[] = columns.map((f, i) => {
    const min = literalOf(row[1 + i * 3] ?? null, f.type);
    const max = literalOf(row[2 + i * 3] ?? null, f.type);
    return { path: [f.name], ...(min !== null ? { min } : {}), ...(max !== null ? { max } : {}), nullCount: Number(row[3 + i * 3] ?? 0) };
  });
  return buildStatsJson(schema, Number(row[0] ?? 0), stats, { numIndexedCols: noStatistics ? 0 : STATS_COLUMNS });
}

/** Session row values (engine/duckdb/values.ts) in the Literal representation of the column type. */
function literalOf(value: unknown, type: DataType): LiteralValue {
  if (value === null || value === undefined) return null;
  if (type.kind === 'primitive' && (type.name === 'timestamp' || type.name === 'timestamp_ntz') && typeof value === 'string') {
    return parseTimestampText(value.replace('T', ' ').replace(/Z$/, ''), type.name === 'timestamp' ? 'utc' : 'wall') ?? null;
  }
  if (type.kind === 'primitive' && type.name === 'long' && typeof value === 'number') return BigInt(value);
  if (typeof value === 'object' && !(value instanceof Uint8Array)) return null;
  return value as LiteralValue;
}
