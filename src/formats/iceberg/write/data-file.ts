import { LochError } from '../../../core/errors.js';
import type { WrittenColumnStats } from '../../../expr/file-facts.js';
import type { LiteralValue } from '../../../expr/nodes.js';
import type { DataFile, DataFileContent, IcebergField, IcebergSchema, IcebergType, PartitionTuple } from '../model.js';
import { encodeBinaryValue } from '../values/binary-value.js';
import { truncateBinaryLower, truncateBinaryUpper, truncateStringLower, truncateStringUpper } from './bound-truncate.js';
import { DEFAULT_METRICS_MODE, type MetricsMode } from './metrics-config.js';

/**
 * Turns what the engine's parquet writer reports into the manifest's data_file: counts and
 * Appendix-D bounds keyed by field id, as Java's ParquetMetrics writes them.
 */

export interface DataFileOptions {
  /** The file_path to record (the file's full URI or path as the table writes it). */
  readonly path: string;
  /** The schema the file was written with; its field names are the file's column names. */
  readonly schema: IcebergSchema;
  /** Partition field id → value of the default spec's result types (empty when unpartitioned). */
  readonly partition: PartitionTuple;
  /** Default 'data'. */
  readonly content?: DataFileContent;
  /** Required for equality deletes: the field ids rows are matched on. */
  readonly equalityIds?: readonly number[];
  /** Position deletes that all reference one data file. */
  readonly referencedDataFile?: string;
  readonly sortOrderId?: number;
  /** Field id → metrics mode (metrics-config.ts metricsModes); missing ids use truncate(16). */
  readonly metrics?: ReadonlyMap<number, MetricsMode>;
}

interface Leaf {
  readonly id: number;
  readonly type: IcebergType;
}

/**
 * The DataFile of one written parquet file. For every primitive leaf outside lists and maps:
 * value_counts = row count, null_value_counts from the writer, and (modes truncate/full) lower /
 * upper bounds encoded with encodeBinaryValue; strings and binary cut to the truncate length
 * (lower = prefix, upper = prefix with its last unit incremented, or none when impossible).
 * No bounds for NaN, for uuid (readers disagree on signed vs unsigned order), variant, geo,
 * unknown, nor for leaves inside lists/maps (their counts are of elements). NaN counts and
 * column sizes are not known and left out. Stats paths that match no schema leaf are ignored.
 * INVALID_ARGUMENT: equality deletes without equalityIds, equalityIds or referencedDataFile on
 * the wrong content.
 */
/**
 * What a parquet writer reports about one file it wrote (the engine's WrittenFile has this
 * shape; format code cannot import the engine, which sits above it).
 */
export interface WrittenFileFacts {
  readonly rowCount: number;
  readonly sizeBytes: number;
  readonly columnStats: readonly WrittenColumnStats[];
}

export function dataFileFromWritten(written: WrittenFileFacts, options: DataFileOptions): DataFile {
  const content = options.content ?? 'data';
  checkContent(content, options);
  const leaves = leafIndex(options.schema.fields);
  const valueCounts = new Map<number, number>();
  const nullCounts = new Map<number, number>();
  const lower = new Map<number, Uint8Array>();
  const upper = new Map<number, Uint8Array>();
  for (const stats of written.columnStats) {
    const leaf = leaves.get(stats.path.join('\u0000'));
    if (leaf === undefined) continue;
    const mode = options.metrics?.get(leaf.id) ?? DEFAULT_METRICS_MODE;
    if (mode.kind === 'none') continue;
    valueCounts.set(leaf.id, written.rowCount);
    if (stats.nullCount !== undefined) nullCounts.set(leaf.id, stats.nullCount);
    if (mode.kind === 'counts') continue;
    const bounds = encodeBounds(stats, leaf.type, mode);
    if (bounds.lower !== undefined) lower.set(leaf.id, bounds.lower);
    if (bounds.upper !== undefined) upper.set(leaf.id, bounds.upper);
  }
  return {
    content,
    filePath: options.path,
    fileFormat: 'parquet',
    partition: options.partition,
    recordCount: written.rowCount,
    fileSizeInBytes: written.sizeBytes,
    valueCounts,
    nullValueCounts: nullCounts,
    lowerBounds: lower,
    upperBounds: upper,
    ...(options.equalityIds === undefined ? {} : { equalityIds: [...options.equalityIds] }),
    ...(options.referencedDataFile === undefined ? {} : { referencedDataFile: options.referencedDataFile }),
    ...(options.sortOrderId === undefined ? {} : { sortOrderId: options.sortOrderId }),
  };
}

function checkContent(content: DataFileContent, options: DataFileOptions): void {
  const where = `iceberg write: data file ${options.path}`;
  if (content === 'equality_deletes' && (options.equalityIds === undefined || options.equalityIds.length === 0)) {
    throw new LochError('INVALID_ARGUMENT', `${where}: an equality delete file needs equality field ids`);
  }
  if (content !== 'equality_deletes' && options.equalityIds !== undefined) {
    throw new LochError('INVALID_ARGUMENT', `${where}: equality field ids are only for equality delete files (content is ${content})`);
  }
  if (content !== 'position_deletes' && options.referencedDataFile !== undefined) {
    throw new LochError('INVALID_ARGUMENT', `${where}: a referenced data file is only for position delete files (content is ${content})`);
  }
}

/** Primitive leaves outside lists and maps, keyed by their name path joined with NUL. */
function leafIndex(fields: readonly IcebergField[], prefix: readonly string[] = [], out = new Map<string, Leaf>()): Map<string, Leaf> {
  for (const f of fields) {
    const path = [...prefix, f.name];
    if (f.type.kind === 'struct') leafIndex(f.type.fields, path, out);
    else if (f.type.kind !== 'list' && f.type.kind !== 'map') out.set(path.join('\u0000'), { id: f.id, type: f.type });
  }
  return out;
}

const NO_BOUNDS = new Set(['uuid', 'variant', 'unknown']);

function encodeBounds(stats: WrittenColumnStats, type: IcebergType, mode: MetricsMode): { lower?: Uint8Array; upper?: Uint8Array } {
  if (type.kind === 'geometry' || type.kind === 'geography') return {};
  if (type.kind === 'primitive' && NO_BOUNDS.has(type.name)) return {};
  const length = mode.kind === 'truncate' ? mode.length : undefined;
  const lowerValue = cut(stats.min, type, length, 'lower');
  const upperValue = cut(stats.max, type, length, 'upper');
  const lower = encode(lowerValue, type);
  const upper = encode(upperValue, type);
  return { ...(lower === undefined ? {} : { lower }), ...(upper === undefined ? {} : { upper }) };
}

function cut(value: LiteralValue | undefined, type: IcebergType, length: number | undefined, side: 'lower' | 'upper'): LiteralValue | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number' && Number.isNaN(value)) return undefined;
  if (length === undefined || type.kind !== 'primitive') return value;
  if (type.name === 'string' && typeof value === 'string') {
    return side === 'lower' ? truncateStringLower(value, length) : truncateStringUpper(value, length);
  }
  if (type.name === 'binary' && value instanceof Uint8Array) {
    return side === 'lower' ? truncateBinaryLower(value, length) : truncateBinaryUpper(value, length);
  }
  return value;
}

/** A bound that does not fit its type is dropped: statistics are optional, a wrong one is not. */
function encode(value: LiteralValue | undefined, type: IcebergType): Uint8Array | undefined {
  if (value === undefined || value === null) return undefined;
  try {
    return encodeBinaryValue(value, type);
  } catch {
    return undefined;
  }
}
