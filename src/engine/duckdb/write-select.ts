/**
 * SQL pieces of a parquet write: source columns cast to their table types, values renamed to the
 * files' physical names at every nesting level, partition values as Delta partition text, and
 * the FIELD_IDS option of COPY.
 */
import { LochError } from '../../core/errors.js';
import { dataTypeToDuckDb, quoteIdentifier, quoteString } from '../../expr/to-sql.js';
import type { DataType, StructField } from '../../expr/types.js';
import { typeToString } from '../../expr/types.js';
import type { ParquetWriteSpec, WriteColumn, WritePartitionColumn } from '../write-spec.js';

/** Alias of the relation whose columns are the cast source columns (named by source name). */
export const ROW_ALIAS = '__row';

/** A column of the relation `castSelect` builds. */
export interface CastColumn {
  readonly source: string;
  readonly type: DataType;
  /** For messages: the logical or physical name the caller knows the column by. */
  readonly label: string;
}

/** Every source column the write reads (data columns, then partition columns), each once. */
export function castColumns(spec: ParquetWriteSpec): CastColumn[] {
  const out = new Map<string, CastColumn>();
  const add = (c: CastColumn) => {
    const seen = out.get(c.source);
    if (seen && typeToString(seen.type) !== typeToString(c.type)) {
      throw new LochError('INVALID_ARGUMENT', `delta write: source column "${c.source}" is used as ${typeToString(seen.type)} and as ${typeToString(c.type)}`);
    }
    if (!seen) out.set(c.source, c);
  };
  for (const c of spec.columns) add({ source: c.source, type: c.type, label: c.name });
  for (const p of spec.partitionColumns) add({ source: p.source, type: p.type, label: p.physicalName });
  return [...out.values()];
}

/** `CAST(<source column> AS <type>)`: the one cast of a column, also used to diagnose failures. */
export function castSql(column: CastColumn, relation: string): string {
  return `CAST(${relation}.${quoteIdentifier(column.source)} AS ${dataTypeToDuckDb(column.type)})`;
}

/** The source rows with every column cast to its logical type, named by source name. */
export function castSelect(spec: ParquetWriteSpec, columns: readonly CastColumn[]): string {
  const items = columns.map((c) => `${castSql(c, '__src')} AS ${quoteIdentifier(c.source)}`);
  return `SELECT ${items.join(', ')} FROM (${spec.sourceSql}\n) AS __src`;
}

/** True when some struct field below `type` has a physical name different from its name. */
function needsRename(type: DataType): boolean {
  switch (type.kind) {
    case 'struct':
      return type.fields.some((f) => f.physicalName !== f.name || needsRename(f.type));
    case 'array':
      return needsRename(type.element);
    case 'map':
      return needsRename(type.key) || needsRename(type.value);
    default:
      return false;
  }
}

/** `expr` (of the logical type) rebuilt with physical struct field names at every level. */
function renamed(expr: string, type: DataType, depth: number): string {
  if (!needsRename(type)) return expr;
  switch (type.kind) {
    case 'struct': {
      const fields = type.fields.map(
        (f) => `${quoteIdentifier(f.physicalName)} := ${renamed(`struct_extract(${expr}, ${quoteString(f.name)})`, f.type, depth)}`,
      );
      return `CASE WHEN ${expr} IS NULL THEN NULL ELSE struct_pack(${fields.join(', ')}) END`;
    }
    case 'array': {
      const v = `__e${depth}`;
      return `list_transform(${expr}, lambda ${v}: ${renamed(v, type.element, depth + 1)})`;
    }
    case 'map': {
      const v = `__m${depth}`;
      const key = renamed(`${v}.key`, type.key, depth + 1);
      const value = renamed(`${v}.value`, type.value, depth + 1);
      return `map_from_entries(list_transform(map_entries(${expr}), lambda ${v}: struct_pack(key := ${key}, value := ${value})))`;
    }
    default:
      return expr;
  }
}

const physicalType = (type: DataType): string => dataTypeToDuckDb(type, (f) => f.physicalName);

/** A data column as the file holds it: physical names, exactly the table's DuckDB type. */
export function dataColumnSql(column: WriteColumn): string {
  const value = `${ROW_ALIAS}.${quoteIdentifier(column.source)}`;
  const sql = needsRename(column.type) ? `CAST(${renamed(value, column.type, 0)} AS ${physicalType(column.type)})` : value;
  return `${sql} AS ${quoteIdentifier(column.physicalName)}`;
}

/** 'YYYY-MM-DD HH:MM:SS[.ffffff]' of a TIMESTAMP and its epoch micros. */
function timestampText(ts: string, micros: string): string {
  return `strftime(${ts}, '%Y-%m-%d %H:%M:%S') || CASE WHEN ${micros} % 1000000 <> 0 THEN strftime(${ts}, '.%f') ELSE '' END`;
}

/**
 * A partition column as Delta partition text (see WrittenFile.partitionValues). Timestamps go
 * through epoch micros, which do not depend on the session TimeZone.
 */
function partitionTextSql(value: string, column: WritePartitionColumn): string {
  const { type } = column;
  if (type.kind === 'decimal') return `CAST(${value} AS VARCHAR)`;
  if (type.kind !== 'primitive') {
    throw new LochError('INVALID_ARGUMENT', `delta write: partition column ${column.physicalName} has type ${typeToString(type)}; only primitive types can partition`);
  }
  switch (type.name) {
    case 'string':
      return `NULLIF(${value}, '')`;
    case 'binary':
      throw new LochError('UNSUPPORTED_FEATURE', `delta write: partition column ${column.physicalName} is binary; binary partition columns are not supported`);
    case 'float':
    case 'double':
      return `CASE WHEN isnan(${value}) THEN 'NaN' WHEN isinf(${value}) AND ${value} > 0 THEN 'Infinity' WHEN isinf(${value}) THEN '-Infinity' ELSE CAST(${value} AS VARCHAR) END`;
    case 'timestamp':
      return timestampText(`make_timestamp(epoch_us(${value}))`, `epoch_us(${value})`);
    case 'timestamp_ntz':
      return timestampText(value, `epoch_us(${value})`);
    default:
      return `CAST(${value} AS VARCHAR)`;
  }
}

/** A partition column as the text DuckDB turns into directory names and partition_keys. */
export function partitionColumnSql(column: WritePartitionColumn): string {
  const value = `${ROW_ALIAS}.${quoteIdentifier(column.source)}`;
  return `${partitionTextSql(value, column)} AS ${quoteIdentifier(column.physicalName)}`;
}

/**
 * The FIELD_IDS entry of one type (and its own id); undefined when nothing in it has an id.
 * List elements and map keys/values take their ids from ArrayType.elementId / MapType.keyId,
 * valueId (Iceberg element/key/value ids, Delta `delta.columnMapping.nested.ids`).
 */
function fieldIdEntry(type: DataType, id: number | undefined): string | undefined {
  const children: [string, DataType, number | undefined][] =
    type.kind === 'struct'
      ? type.fields.map((f: StructField) => [f.physicalName, f.type, f.fieldId])
      : type.kind === 'array'
        ? [['element', type.element, type.elementId]]
        : type.kind === 'map'
          ? [['key', type.key, type.keyId], ['value', type.value, type.valueId]]
          : [];
  const inner = children.flatMap(([name, t, childId]) => {
    const entry = fieldIdEntry(t, childId);
    return entry === undefined ? [] : [`${quoteIdentifier(name)}: ${entry}`];
  });
  if (inner.length === 0) return id === undefined ? undefined : String(id);
  return `{${[...(id === undefined ? [] : [`__duckdb_field_id: ${id}`]), ...inner].join(', ')}}`;
}

/** COPY's FIELD_IDS value for the data columns; undefined when no column or field has an id. */
export function fieldIdsOption(columns: readonly WriteColumn[]): string | undefined {
  const entries = columns.flatMap((c) => {
    const entry = fieldIdEntry(c.type, c.fieldId);
    return entry === undefined ? [] : [`${quoteIdentifier(c.physicalName)}: ${entry}`];
  });
  return entries.length === 0 ? undefined : `{${entries.join(', ')}}`;
}
