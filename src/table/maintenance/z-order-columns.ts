import { LochError } from '../../core/errors.js';
import type { DataType, StructField, StructType } from '../../expr/types.js';
import { typeToString } from '../../expr/types.js';
import { parseColumnPath, parseTableProperties } from '../../formats/delta/write/properties.js';

/**
 * Checks of the columns of ZORDER BY and CLUSTER BY, with Databricks' rules: top-level data
 * columns that exist (names are case-insensitive), are not partition columns, and have per-file
 * statistics (the first delta.dataSkippingNumIndexedCols leaf columns, or those listed in
 * delta.dataSkippingStatsColumns), since ordering by a column without statistics skips nothing.
 */

export interface ColumnSource {
  readonly table: string;
  readonly schema: StructType;
  readonly partitionColumns: readonly string[];
  readonly configuration: Readonly<Record<string, string>>;
}

/** Databricks' limit on clustering columns. */
export const MAX_CLUSTERING_COLUMNS = 4;

/** Leaf paths of the data columns (partition columns have no file statistics), in schema order. */
function leafPaths(fields: readonly StructField[], prefix: readonly string[] = []): string[][] {
  return fields.flatMap((f) => (f.type.kind === 'struct' ? leafPaths(f.type.fields, [...prefix, f.name]) : [[...prefix, f.name]]));
}

/** Lower-cased names of the top-level columns whose values get min/max statistics. */
export function columnsWithStats(source: ColumnSource): Set<string> {
  const partitions = new Set(source.partitionColumns.map((p) => p.toLowerCase()));
  const data = source.schema.fields.filter((f) => !partitions.has(f.name.toLowerCase()));
  const props = parseTableProperties({ ...source.configuration }, source.table, { allowUnknownDeltaKeys: true });
  const topLevel = new Set(data.filter((f) => f.type.kind !== 'struct').map((f) => f.name.toLowerCase()));
  const out = new Set<string>();
  if (props.dataSkippingStatsColumns !== undefined) {
    for (const entry of props.dataSkippingStatsColumns) {
      const path = parseColumnPath(entry).map((p) => p.toLowerCase());
      if (path.length === 1 && topLevel.has(path[0] as string)) out.add(path[0] as string);
    }
    return out;
  }
  const leaves = leafPaths(data);
  const limit = props.dataSkippingNumIndexedCols < 0 ? leaves.length : props.dataSkippingNumIndexedCols;
  for (const path of leaves.slice(0, limit)) if (path.length === 1) out.add((path[0] as string).toLowerCase());
  return out;
}

function orderable(type: DataType, allowBoolean: boolean): boolean {
  if (type.kind === 'decimal') return true;
  if (type.kind !== 'primitive') return false;
  if (type.name === 'binary') return false;
  return allowBoolean || type.name !== 'boolean';
}

/**
 * Resolves and checks the columns of `what` (ZORDER BY or CLUSTER BY); returns the fields in the
 * order given. Errors are INVALID_ARGUMENT naming the column and the rule.
 */
export function checkOrderingColumns(source: ColumnSource, what: 'ZORDER BY' | 'CLUSTER BY', columns: readonly string[]): StructField[] {
  const fail = (message: string, column?: string) =>
    new LochError('INVALID_ARGUMENT', `delta ${what === 'ZORDER BY' ? 'optimize' : 'clustering'}: table ${source.table}: ${message}`, {
      context: { table: source.table, ...(column !== undefined ? { column } : {}) },
    });
  const seen = new Set<string>();
  const withStats = columnsWithStats(source);
  const partitions = new Set(source.partitionColumns.map((p) => p.toLowerCase()));
  return columns.map((name) => {
    const lower = name.toLowerCase();
    if (name.includes('.')) throw fail(`${what} on nested field ${name} is not supported; use a top-level column`, name);
    if (seen.has(lower)) throw fail(`${what} names column ${name} twice`, name);
    seen.add(lower);
    if (partitions.has(lower)) throw fail(`${name} is a partition column; ${what} can only use data columns`, name);
    const field = source.schema.fields.find((f) => f.name.toLowerCase() === lower);
    if (field === undefined) throw fail(`${what} column ${name} does not exist (columns: ${source.schema.fields.map((f) => f.name).join(', ')})`, name);
    if (!orderable(field.type, what === 'ZORDER BY')) throw fail(`${what} column ${field.name} has type ${typeToString(field.type)}, which has no statistics to skip by`, field.name);
    if (!withStats.has(lower)) {
      throw fail(
        `${what} on ${field.name} would be ineffective: no statistics are collected for it (see delta.dataSkippingNumIndexedCols / delta.dataSkippingStatsColumns)`,
        field.name,
      );
    }
    return field;
  });
}
