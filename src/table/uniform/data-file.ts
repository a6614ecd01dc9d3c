import { LochError } from '../../core/errors.js';
import type { LiteralValue } from '../../expr/nodes.js';
import type { StructType } from '../../expr/types.js';
import { parsePartitionValues } from '../../formats/delta/partition-values.js';
import type { AddFile } from '../../formats/delta/spec/actions.js';
import { parseFileStats } from '../../formats/delta/stats.js';
import type { DataFile, IcebergField, IcebergSchema, IcebergType, PartitionSpec } from '../../formats/iceberg/model.js';
import { encodeBinaryValue } from '../../formats/iceberg/values/binary-value.js';
import { truncateStringLower, truncateStringUpper } from '../../formats/iceberg/write/bound-truncate.js';

/** What every file of one conversion shares. */
export interface DataFileContext {
  readonly table: string;
  /** The table's URL without a trailing slash: relative Delta paths resolve against it. */
  readonly tableUrl: string;
  /** The Delta schema (with column mapping) the stats and partition values are read with. */
  readonly deltaSchema: StructType;
  readonly partitionColumns: readonly string[];
  readonly schema: IcebergSchema;
  readonly spec: PartitionSpec;
}

/** Iceberg's default metrics mode truncate(16) for strings: bounds stay short. */
const STRING_BOUND_LENGTH = 16;
const SCHEME = /^[a-zA-Z][a-zA-Z0-9+.-]*:/;

/** The absolute path Iceberg records for a Delta add path (relative ones are URL-encoded keys). */
export function icebergFilePath(tableUrl: string, deltaPath: string): string {
  if (SCHEME.test(deltaPath)) return deltaPath;
  return `${tableUrl}/${decodeURIComponent(deltaPath)}`;
}

/**
 * The Iceberg data_file of a Delta add action, as delta-spark's converter builds it: the file's
 * absolute path, record_count = numRecords minus the deletion vector's cardinality, the size,
 * the identity partition tuple from the partition value strings, and null counts / lower / upper
 * bounds from the Delta statistics (top-level and struct leaves; Appendix-D bytes, strings cut
 * to 16 code points). Identity partition columns get exact bounds and null counts from their
 * value. Statistics without numRecords throw PROTOCOL_VIOLATION (IcebergCompat requires it).
 */
export function dataFileOf(add: AddFile, c: DataFileContext): DataFile {
  const path = icebergFilePath(c.tableUrl, add.path);
  const stats = parseFileStats(add.stats, add.statsParsed, c.deltaSchema, { table: c.table, file: add.path });
  if (stats?.numRecords === undefined) {
    throw new LochError('PROTOCOL_VIOLATION', `delta uniform: table ${c.table}: file ${add.path} has no numRecords statistic; Iceberg needs a record count`, {
      context: { table: c.table, file: add.path },
    });
  }
  const recordCount = stats.numRecords - (add.deletionVector?.cardinality ?? 0);
  const nullCounts = new Map<number, number>();
  const lower = new Map<number, Uint8Array>();
  const upper = new Map<number, Uint8Array>();
  for (const [key, leaf] of leavesByPath(c.schema.fields, '')) {
    const nulls = stats.nullCount.get(key);
    if (nulls !== undefined) nullCounts.set(leaf.id, nulls);
    const min = stats.minValues.get(key);
    const max = stats.maxValues.get(key);
    const lo = min === undefined ? undefined : boundBytes(min, leaf.type, 'lower');
    const hi = max === undefined ? undefined : boundBytes(max, leaf.type, 'upper');
    if (lo !== undefined) lower.set(leaf.id, lo);
    if (hi !== undefined) upper.set(leaf.id, hi);
  }
  const partition = partitionTuple(add, c, recordCount, { nullCounts, lower, upper });
  return {
    content: 'data',
    filePath: path,
    fileFormat: 'parquet',
    partition,
    recordCount,
    fileSizeInBytes: add.size,
    nullValueCounts: nullCounts,
    lowerBounds: lower,
    upperBounds: upper,
  };
}

interface Metrics {
  readonly nullCounts: Map<number, number>;
  readonly lower: Map<number, Uint8Array>;
  readonly upper: Map<number, Uint8Array>;
}

function partitionTuple(add: AddFile, c: DataFileContext, records: number, metrics: Metrics): Map<number, LiteralValue> {
  const values = parsePartitionValues(add.partitionValues, c.deltaSchema, c.partitionColumns, { table: c.table, file: add.path });
  const tuple = new Map<number, LiteralValue>();
  for (const field of c.spec.fields) {
    const value = values.get(field.name) ?? null;
    tuple.set(field.fieldId, value);
    const source = c.schema.fields.find((f) => f.id === field.sourceIds[0]);
    if (source === undefined) continue;
    metrics.nullCounts.set(source.id, value === null ? records : 0);
    if (value === null) continue;
    const bytes = encodeBinaryValue(value, source.type);
    metrics.lower.set(source.id, bytes);
    metrics.upper.set(source.id, bytes);
  }
  return tuple;
}

/** Primitive leaves reachable through structs only, keyed by dotted logical path. */
function leavesByPath(fields: readonly IcebergField[], prefix: string): Map<string, { id: number; type: IcebergType }> {
  const out = new Map<string, { id: number; type: IcebergType }>();
  for (const f of fields) {
    const key = prefix === '' ? f.name : `${prefix}.${f.name}`;
    if (f.type.kind === 'struct') for (const [k, v] of leavesByPath(f.type.fields, key)) out.set(k, v);
    else if (f.type.kind !== 'list' && f.type.kind !== 'map') out.set(key, { id: f.id, type: f.type });
  }
  return out;
}

function boundBytes(value: LiteralValue, type: IcebergType, side: 'lower' | 'upper'): Uint8Array | undefined {
  if (value === null) return undefined;
  if (type.kind === 'primitive' && type.name === 'string' && typeof value === 'string') {
    const cut = side === 'lower' ? truncateStringLower(value, STRING_BOUND_LENGTH) : truncateStringUpper(value, STRING_BOUND_LENGTH);
    return cut === undefined ? undefined : encodeBinaryValue(cut, type);
  }
  if (type.kind === 'primitive' && !['boolean', 'int', 'long', 'float', 'double', 'date', 'timestamp', 'timestamptz'].includes(type.name)) return undefined;
  // Delta keeps byte/short stats as numbers; Iceberg stores them as int.
  return encodeBinaryValue(value, type);
}
