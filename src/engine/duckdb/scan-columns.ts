/**
 * Reading a table column out of what the data files hold: physical names (at every nesting
 * level) become logical names, narrower file types are widened to the table type, fields the
 * files lack become typed NULLs. The result is one SQL expression per column.
 */
import { DuckDBArrayType, DuckDBListType, DuckDBMapType, DuckDBStructType, type DuckDBType } from '@duckdb/node-api';
import { LochError } from '../../core/errors.js';
import { dataTypeToDuckDb, quoteString } from '../../expr/to-sql.js';
import { field, isPrimitive, primitive, typeToString, type DataType, type StructField, type StructType } from '../../expr/types.js';

/** The shape of a column as the files hold it; leaves carry DuckDB's spelling of their type. */
export type SourceType =
  | { readonly kind: 'struct'; readonly fields: readonly SourceField[] }
  | { readonly kind: 'list'; readonly element: SourceType }
  | { readonly kind: 'map'; readonly key: SourceType; readonly value: SourceType }
  | { readonly kind: 'leaf'; readonly text: string };

export interface SourceField {
  readonly name: string;
  readonly type: SourceType;
}

/** The source shape of a column DuckDB found in the files. */
export function sourceTypeOfDuckDb(type: DuckDBType): SourceType {
  if (type instanceof DuckDBStructType) {
    return { kind: 'struct', fields: type.entryNames.map((name, i) => ({ name, type: sourceTypeOfDuckDb(type.entryTypes[i] as DuckDBType) })) };
  }
  if (type instanceof DuckDBListType || type instanceof DuckDBArrayType) return { kind: 'list', element: sourceTypeOfDuckDb(type.valueType) };
  if (type instanceof DuckDBMapType) return { kind: 'map', key: sourceTypeOfDuckDb(type.keyType), value: sourceTypeOfDuckDb(type.valueType) };
  return { kind: 'leaf', text: type.toString() };
}

/** DuckDB's printed spelling of a primitive or decimal table type. */
function leafText(type: DataType): string {
  if (type.kind === 'primitive' && type.name === 'timestamp') return 'TIMESTAMP WITH TIME ZONE';
  return dataTypeToDuckDb(type);
}

/** The table type spelled with physical names in structs: what files are asked to provide. */
export function physicalTypeSql(type: DataType): string {
  return dataTypeToDuckDb(type, (f) => f.physicalName);
}

/** The source shape of `physicalTypeSql(type)`. */
export function physicalSourceType(type: DataType): SourceType {
  switch (type.kind) {
    case 'struct':
      return { kind: 'struct', fields: type.fields.map((f) => ({ name: f.physicalName, type: physicalSourceType(f.type) })) };
    case 'array':
      return { kind: 'list', element: physicalSourceType(type.element) };
    case 'map':
      return { kind: 'map', key: physicalSourceType(type.key), value: physicalSourceType(type.value) };
    default:
      return { kind: 'leaf', text: leafText(type) };
  }
}

/** The file field for a table field: same physical name, or the same up to case. */
export function findSourceField<T extends { readonly name: string }>(fields: readonly T[], physicalName: string): T | undefined {
  const exact = fields.find((f) => f.name === physicalName);
  if (exact) return exact;
  const lower = physicalName.toLowerCase();
  return fields.find((f) => f.name.toLowerCase() === lower);
}

const NAIVE_TIMESTAMPS = new Set(['TIMESTAMP', 'TIMESTAMP_S', 'TIMESTAMP_MS', 'TIMESTAMP_NS', 'DATE']);

/** Converts a leaf; time zone conversions pin UTC so the session's TimeZone never matters. */
function readLeaf(expr: string, target: DataType, source: string, where: string): string {
  const want = leafText(target);
  if (source === want) return expr;
  if (source === 'VARIANT') {
    // DuckDB reads VARIANT-annotated (possibly shredded) groups as its own VARIANT type, which
    // it cannot turn back into the raw metadata/value encoding.
    throw new LochError('UNSUPPORTED_FEATURE', `scan: column ${where}: the data files hold a VARIANT-annotated (shredded) group, which Loch cannot read`, {
      context: { column: where },
    });
  }
  if (target.kind === 'primitive') {
    if ((target.name === 'timestamp_ns' || target.name === 'timestamp_ntz_ns') && source === 'TIMESTAMP WITH TIME ZONE') {
      return `CAST(timezone('UTC', ${expr}) AS TIMESTAMP_NS)`;
    }
    if (target.name === 'string' && source === 'BLOB') return `decode(${expr})`;
    if (target.name === 'binary' && source === 'VARCHAR') return `encode(${expr})`;
    if (target.name === 'timestamp' && NAIVE_TIMESTAMPS.has(source)) {
      // Spark's INT96 and non-UTC-adjusted timestamps hold UTC wall-clock time.
      return `timezone('UTC', ${source === 'TIMESTAMP' ? expr : `CAST(${expr} AS TIMESTAMP)`})`;
    }
    if (target.name === 'timestamp_ntz' && source === 'TIMESTAMP WITH TIME ZONE') return `timezone('UTC', ${expr})`;
  }
  return `CAST(${expr} AS ${want})`;
}

function describeSource(source: SourceType): string {
  return source.kind === 'leaf' ? source.text : source.kind;
}

function mismatch(where: string, target: DataType, source: SourceType): LochError {
  return new LochError('CORRUPT_DATA', `scan: column ${where}: the data files hold ${describeSource(source)}, which cannot be read as ${typeToString(target)}`, {
    context: { column: where },
  });
}

function readStruct(expr: string, fields: readonly StructField[], source: readonly SourceField[], depth: number, where: string): string {
  let identity = fields.length === source.length;
  const parts = fields.map((f, i) => {
    const src = findSourceField(source, f.physicalName);
    if (!src) {
      identity = false;
      return `${quoteString(f.name)}: CAST(NULL AS ${dataTypeToDuckDb(f.type)})`;
    }
    const inner = `struct_extract(${expr}, ${quoteString(src.name)})`;
    const sql = readAs(inner, f.type, src.type, `${where}.${f.name}`, depth);
    if (sql !== inner || src !== source[i] || src.name !== f.name) identity = false;
    return `${quoteString(f.name)}: ${sql}`;
  });
  // A struct built from the fields of a NULL struct would be a struct of NULLs, not NULL.
  return identity ? expr : `CASE WHEN ${expr} IS NULL THEN NULL ELSE {${parts.join(', ')}} END`;
}

/**
 * SQL reading `expr` (of the file shape `source`) as the table type `target` with logical names
 * at every level. Returns `expr` itself when nothing needs to change. `where` names the column in
 * errors; `depth` keeps lambda parameter names of nested lists and maps apart.
 */
export function readAs(expr: string, target: DataType, source: SourceType, where: string, depth = 0): string {
  const param = `__loch_e${depth}`;
  switch (target.kind) {
    case 'struct':
      if (source.kind !== 'struct') throw mismatch(where, target, source);
      return readStruct(expr, target.fields, source.fields, depth, where);
    case 'array': {
      if (source.kind !== 'list') throw mismatch(where, target, source);
      const element = readAs(param, target.element, source.element, `${where}[]`, depth + 1);
      return element === param ? expr : `list_transform(${expr}, lambda ${param}: ${element})`;
    }
    case 'map': {
      if (source.kind !== 'map') throw mismatch(where, target, source);
      const keyIn = `struct_extract(${param}, 'key')`;
      const valueIn = `struct_extract(${param}, 'value')`;
      const key = readAs(keyIn, target.key, source.key, `${where}.key`, depth + 1);
      const value = readAs(valueIn, target.value, source.value, `${where}.value`, depth + 1);
      if (key === keyIn && value === valueIn) return expr;
      return `map_from_entries(list_transform(map_entries(${expr}), lambda ${param}: {'key': ${key}, 'value': ${value}}))`;
    }
    default:
      // An unshredded variant is a group (metadata, value) matched by name like any struct.
      if (source.kind === 'struct' && isPrimitive(target, 'variant')) return readAs(expr, VARIANT_STRUCT, source, where, depth);
      if (source.kind !== 'leaf') throw mismatch(where, target, source);
      return readLeaf(expr, target, source.text, where);
  }
}

/** The struct a variant is stored as (see dataTypeToDuckDb). */
const VARIANT_STRUCT: StructType = {
  kind: 'struct',
  fields: [field('metadata', primitive('binary'), false), field('value', primitive('binary'), false)],
};
