import { existsSync } from 'node:fs';
import { LochError, isLochError } from '../core/errors.js';
import type { ScanFile, ScanSpec } from '../engine/scan-spec.js';
import type { FileFacts } from '../expr/file-facts.js';
import type { Expr, Literal, LiteralValue } from '../expr/nodes.js';
import { canPrune } from '../expr/prune.js';
import type { DataType, StructField, StructType } from '../expr/types.js';
import { readDeletionVector } from '../formats/delta/deletion-vectors/index.js';
import { parsePartitionValue } from '../formats/delta/partition-values.js';
import type { AddFile } from '../formats/delta/spec/actions.js';
import { parseFileStats } from '../formats/delta/stats.js';
import type { TableContext } from './context.js';
import type { TableLocation } from './location.js';
import { resolveLogPath } from './location.js';
import { mapLimit } from './parallel.js';

export interface ScanRequest {
  readonly filter?: Expr;
  /** Top-level logical column names; all when undefined. */
  readonly columns?: readonly string[];
  /** Apply `filter` in DuckDB too (the TypeScript API); SQL queries keep their own WHERE. */
  readonly applyFilter?: boolean;
}

/** What planning produced: the engine's input plus the pins to release after the query. */
export interface PlannedScan {
  readonly spec: ScanSpec;
  readonly filesTotal: number;
  readonly filesPruned: number;
  release(): void;
}

/** The parts of a Delta snapshot a scan needs (format-specific, kept narrow on purpose). */
export interface DeltaScanSource {
  readonly schema: StructType;
  readonly partitionColumns: readonly string[];
  readonly columnMapping: 'none' | 'name' | 'id';
  readonly files: readonly AddFile[];
  readonly version: number;
}

/**
 * Turns a snapshot into a ScanSpec over exactly the live files that may match: prunes by
 * partition values and file statistics (the same expression the query filters with), loads
 * deletion vectors, and pins a local copy of every remaining file for DuckDB.
 */
export async function planDeltaScan(ctx: TableContext, table: TableLocation, source: DeltaScanSource, request: ScanRequest): Promise<PlannedScan> {
  checkColumns(table, source.schema, request.columns);
  const partitionFields = source.partitionColumns.map((name) => partitionField(table, source.schema, name));
  const candidates = source.files
    .map((add) => ({ add, facts: fileFacts(table, source, partitionFields, add, request.filter !== undefined) }))
    .filter(({ facts }) => request.filter === undefined || !canPrune(request.filter, facts, source.schema));
  const releases: (() => void)[] = [];
  try {
    const files = await mapLimit(candidates, ctx.ioConcurrency, async ({ add, facts }) => {
      const scanFile = await toScanFile(ctx, table, source, partitionFields, add, facts);
      releases.push(scanFile.release);
      return scanFile.file;
    });
    const spec: ScanSpec = {
      columns: source.schema.fields,
      partitionColumns: source.partitionColumns,
      files,
      resolveBy: source.columnMapping === 'id' ? 'field_id' : 'name',
      mixedTypeColumns: widenedColumns(source.schema),
      ...(request.filter !== undefined && request.applyFilter ? { filter: request.filter } : {}),
      ...(request.columns !== undefined ? { projection: request.columns } : {}),
    };
    return { spec, filesTotal: source.files.length, filesPruned: source.files.length - candidates.length, release: () => releases.forEach((r) => r()) };
  } catch (error) {
    releases.forEach((r) => r());
    throw error;
  }
}

/** Columns with a `delta.typeChanges` record anywhere inside: older files hold narrower types. */
export function widenedColumns(schema: StructType): string[] {
  const widened = (type: DataType): boolean => {
    switch (type.kind) {
      case 'struct':
        return type.fields.some((f) => f.metadata?.['delta.typeChanges'] !== undefined || widened(f.type));
      case 'array':
        return widened(type.element);
      case 'map':
        return widened(type.key) || widened(type.value);
      default:
        return false;
    }
  };
  return schema.fields.filter((f) => f.metadata?.['delta.typeChanges'] !== undefined || widened(f.type)).map((f) => f.name);
}

function checkColumns(table: TableLocation, schema: StructType, columns: readonly string[] | undefined): void {
  for (const name of columns ?? []) {
    if (!schema.fields.some((f) => f.name === name)) {
      throw new LochError('INVALID_ARGUMENT', `table ${table.name}: no column '${name}' (columns: ${schema.fields.map((f) => f.name).join(', ')})`);
    }
  }
}

function partitionField(table: TableLocation, schema: StructType, name: string): StructField {
  const found = schema.fields.find((f) => f.name === name);
  if (found === undefined) {
    throw new LochError('PROTOCOL_VIOLATION', `delta: table ${table.name}: partition column '${name}' is not in the schema`, { context: { table: table.name, column: name } });
  }
  return found;
}

/** Partition values are keyed by physical name when column mapping is on. */
export function partitionLiterals(table: TableLocation, fields: readonly StructField[], raw: Readonly<Record<string, string | null>>, file: string): Map<string, Literal> {
  const out = new Map<string, Literal>();
  for (const f of fields) {
    const value = f.physicalName in raw ? raw[f.physicalName] : raw[f.name];
    out.set(f.name, { kind: 'literal', type: f.type, value: parsePartitionValue(value, f.type, { table: table.name, file, column: f.name }) });
  }
  return out;
}

/**
 * A predicate over add actions: false only when partition values and statistics prove the file
 * holds no row matching `filter`. Writers use it for the files an operation must touch and for
 * the read predicate of conflict checks.
 */
export function fileMayMatch(table: TableLocation, source: DeltaScanSource, filter: Expr): (add: AddFile) => boolean {
  const fields = source.partitionColumns.map((name) => partitionField(table, source.schema, name));
  return (add) => !canPrune(filter, fileFacts(table, source, fields, add, true), source.schema);
}

/** Statistics are parsed only when there is a filter to prune with: they cost more than the rest. */
function fileFacts(table: TableLocation, source: DeltaScanSource, fields: readonly StructField[], add: AddFile, withStats: boolean): FileFacts & { literals: Map<string, Literal> } {
  const literals = partitionLiterals(table, fields, add.partitionValues, add.path);
  const values = new Map<string, LiteralValue>();
  for (const [name, l] of literals) values.set(name, l.value);
  const stats = withStats ? parseFileStats(add.stats, add.statsParsed, source.schema, { table: table.name, file: add.path }) : undefined;
  return { partitionValues: values, literals, ...(stats !== undefined ? { stats } : {}) };
}

async function toScanFile(
  ctx: TableContext,
  table: TableLocation,
  source: DeltaScanSource,
  fields: readonly StructField[],
  add: AddFile,
  facts: { literals: Map<string, Literal> },
): Promise<{ file: ScanFile; release: () => void }> {
  const ref = resolveLogPath(table, add.path);
  const deleted = add.deletionVector
    ? await readDeletionVector(add.deletionVector, {
        store: table.store,
        openAbsolute: (url) => resolveLogPath(table, url),
        table: table.name,
        file: add.path,
      }).catch((error: unknown) => {
        throw isLochError(error, 'DATA_FILE_MISSING') ? vacuumedDeletionVector(table, source.version, add.path, error) : error;
      })
    : undefined;
  const cached = await pinDataFile(ctx, table, source.version, ref, add.path);
  const partitionValues: Record<string, Literal> = {};
  for (const f of fields) partitionValues[f.name] = facts.literals.get(f.name) as Literal;
  return {
    file: { localPath: cached.path, partitionValues, ...(deleted !== undefined && deleted.cardinality > 0 ? { deletedRows: deleted.positions } : {}) },
    release: cached.release,
  };
}

/** A deletion vector file the log references but storage no longer has: VACUUM's doing, as for data files. */
function vacuumedDeletionVector(table: TableLocation, version: number, logPath: string, cause: LochError): LochError {
  const dvPath = typeof cause.context['path'] === 'string' ? cause.context['path'] : 'of it';
  return new LochError(
    'DATA_FILE_MISSING',
    `delta: table ${table.name} version ${version}: deletion vector file ${dvPath} of data file ${logPath} no longer exists (removed by VACUUM? versions older than the retention window cannot be read)`,
    { cause, context: { table: table.name, version, path: logPath, deletionVectorPath: dvPath } },
  );
}

/** A data file the log references but storage no longer has is almost always VACUUM's doing. */
export async function pinDataFile(
  ctx: TableContext,
  table: TableLocation,
  version: number,
  ref: { store: TableLocation['store']; key: string },
  logPath: string,
): Promise<{ path: string; release(): void }> {
  try {
    // A local file is handed to DuckDB by path, so check it exists here, where the table and
    // version are known (one synchronous stat is far cheaper than an async round trip per file).
    const local = ref.store.localPath?.(ref.key);
    if (local !== undefined && !existsSync(local)) {
      throw new LochError('NOT_FOUND', `storage: ${ref.key} does not exist`);
    }
    return await ctx.cache.acquire(ref.store, ref.key);
  } catch (error) {
    if (isLochError(error, 'NOT_FOUND')) {
      throw new LochError(
        'DATA_FILE_MISSING',
        `delta: table ${table.name} version ${version}: data file ${logPath} no longer exists (removed by VACUUM? versions older than the retention window cannot be read)`,
        { cause: error, context: { table: table.name, version, path: logPath } },
      );
    }
    throw error;
  }
}
