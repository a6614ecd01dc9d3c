import { dataTypeFromDuckDb } from '../../engine/index.js';
import type { DataType, PrimitiveName, StructField } from '../../expr/types.js';

/**
 * Types as Databricks prints them. Two spellings, as in Spark: the catalog string (DESCRIBE,
 * information_schema FULL_DATA_TYPE: `bigint`, `decimal(10,2)`, `struct<a:int>`) and the SQL
 * form (SHOW CREATE TABLE: `BIGINT`, `STRUCT<a: INT>`, `MAP<STRING, INT>`).
 */

const SPARK_NAMES: Readonly<Record<PrimitiveName, string>> = {
  boolean: 'boolean',
  byte: 'tinyint',
  short: 'smallint',
  integer: 'int',
  long: 'bigint',
  float: 'float',
  double: 'double',
  string: 'string',
  binary: 'binary',
  date: 'date',
  timestamp: 'timestamp',
  timestamp_ntz: 'timestamp_ntz',
  // Types Spark has no name for (Iceberg tables): Loch's own spelling.
  time: 'time',
  timestamp_ns: 'timestamp_ns',
  timestamp_ntz_ns: 'timestamp_ntz_ns',
  uuid: 'uuid',
  variant: 'variant',
  void: 'void',
};

/** Unity Catalog's ColumnTypeName, which information_schema.columns shows as DATA_TYPE. */
const UC_TYPE_NAMES: Readonly<Record<PrimitiveName, string>> = {
  boolean: 'BOOLEAN',
  byte: 'BYTE',
  short: 'SHORT',
  integer: 'INT',
  long: 'LONG',
  float: 'FLOAT',
  double: 'DOUBLE',
  string: 'STRING',
  binary: 'BINARY',
  date: 'DATE',
  timestamp: 'TIMESTAMP',
  timestamp_ntz: 'TIMESTAMP_NTZ',
  // ColumnTypeName is a closed list: the nearest member for types it lacks.
  time: 'STRING',
  timestamp_ns: 'TIMESTAMP',
  timestamp_ntz_ns: 'TIMESTAMP_NTZ',
  uuid: 'STRING',
  variant: 'VARIANT',
  void: 'NULL',
};

/** Spark's catalogString: lower case, struct field names unquoted. */
export function sparkCatalogString(type: DataType): string {
  switch (type.kind) {
    case 'primitive':
      return SPARK_NAMES[type.name];
    case 'decimal':
      return `decimal(${type.precision},${type.scale})`;
    case 'fixed':
      return 'binary';
    case 'array':
      return `array<${sparkCatalogString(type.element)}>`;
    case 'map':
      return `map<${sparkCatalogString(type.key)},${sparkCatalogString(type.value)}>`;
    case 'struct':
      return `struct<${type.fields.map((f) => `${f.name}:${sparkCatalogString(f.type)}`).join(',')}>`;
  }
}

/** Spark's DataType.sql: upper case, struct fields `name: TYPE [COMMENT '…']` with names quoted when needed. */
export function sparkSqlType(type: DataType): string {
  switch (type.kind) {
    case 'primitive':
      return SPARK_NAMES[type.name].toUpperCase();
    case 'decimal':
      return `DECIMAL(${type.precision},${type.scale})`;
    case 'fixed':
      return 'BINARY';
    case 'array':
      return `ARRAY<${sparkSqlType(type.element)}>`;
    case 'map':
      return `MAP<${sparkSqlType(type.key)}, ${sparkSqlType(type.value)}>`;
    case 'struct':
      return `STRUCT<${type.fields.map((f) => `${quoteIfNeeded(f.name)}: ${sparkSqlType(f.type)}${commentClause(f)}`).join(', ')}>`;
  }
}

/** A top-level column as SHOW CREATE TABLE writes it: name TYPE [NOT NULL] [DEFAULT …] [COMMENT '…']. */
export function columnDdl(f: StructField): string {
  const defaultSql = f.metadata?.['CURRENT_DEFAULT'];
  const defaultClause = typeof defaultSql === 'string' ? ` DEFAULT ${defaultSql}` : '';
  return `${quoteIfNeeded(f.name)} ${sparkSqlType(f.type)}${f.nullable ? '' : ' NOT NULL'}${defaultClause}${commentClause(f)}`;
}

/** The simple type name of information_schema.columns.DATA_TYPE. */
export function ucTypeName(type: DataType): string {
  switch (type.kind) {
    case 'primitive':
      return UC_TYPE_NAMES[type.name];
    case 'decimal':
      return 'DECIMAL';
    case 'fixed':
      return 'BINARY';
    default:
      return type.kind.toUpperCase();
  }
}

/** The comment recorded in a field's metadata, if any. */
export function fieldComment(f: StructField): string | undefined {
  const comment = f.metadata?.['comment'];
  return typeof comment === 'string' ? comment : undefined;
}

/**
 * A view column's recorded DuckDB type as a Spark catalog string; a type no table can hold
 * (INTERVAL, TIME, UNION…) is shown in DuckDB's spelling, lower-cased.
 */
export function duckDbTypeAsSpark(typeText: string, column: string): string {
  const type = duckDbTypeAsDataType(typeText, column);
  return type === undefined ? typeText.toLowerCase() : sparkCatalogString(type);
}

/** The DataType of a DuckDB type text, or undefined for types tables cannot hold. */
export function duckDbTypeAsDataType(typeText: string, column: string): DataType | undefined {
  try {
    return dataTypeFromDuckDb(typeText, column);
  } catch {
    return undefined;
  }
}

/** Spark's quoteIfNeeded: letters, digits and `_` (not all digits) stay bare; others get backticks. */
export function quoteIfNeeded(name: string): string {
  return /^[A-Za-z0-9_]+$/.test(name) && !/^[0-9]+$/.test(name) ? name : `\`${name.replaceAll('`', '``')}\``;
}

/** A string literal that Loch's parser reads back ('' doubles a quote). */
export function quoteLiteral(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

function commentClause(f: StructField): string {
  const comment = fieldComment(f);
  return comment === undefined ? '' : ` COMMENT ${quoteLiteral(comment)}`;
}
