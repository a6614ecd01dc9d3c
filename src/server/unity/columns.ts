/**
 * Columns between Loch's type tree and Unity Catalog's ColumnInfo.
 *
 * Out: `type_text` is Spark's catalog string (int, bigint, decimal(10,2), array<string>,
 * struct<a:int>), `type_json` Spark's StructField JSON (the Delta schema serialisation),
 * `type_name` the ColumnTypeName enum value. Iceberg-only types with no enum value (time, uuid,
 * fixed, nanosecond timestamps) are USER_DEFINED_TYPE with Loch's spelling in `type_text`.
 *
 * In: a column's type is read from `type_text` (any spelling the SQL front end accepts), else
 * from `type_json`, else from `type_name` (+ precision/scale for DECIMAL) for non-nested types.
 */
import type { DataType, StructField, StructType } from '../../expr/types.js';
import { primitive } from '../../expr/types.js';
import { parseDeltaSchema } from '../../formats/delta/spec/schema.js';
import { isLochError } from '../../core/errors.js';
import { parseTypeText } from '../../sql/parse/type-name.js';
import type { JsonObject } from './request.js';
import { optionalBoolean, optionalString } from './request.js';
import { invalidParameter } from './uc-errors.js';

/** UC's ColumnInfo / FunctionParameterInfo type fields. */
export interface UcTypeFields {
  type_text: string;
  type_json: string;
  type_name: string;
  type_precision?: number;
  type_scale?: number;
}

export interface UcColumn extends UcTypeFields {
  name: string;
  position: number;
  nullable: boolean;
  comment?: string;
  partition_index?: number;
}

const PRIMITIVE_TEXT: Readonly<Record<string, readonly [text: string, typeName: string]>> = {
  boolean: ['boolean', 'BOOLEAN'],
  byte: ['tinyint', 'BYTE'],
  short: ['smallint', 'SHORT'],
  integer: ['int', 'INT'],
  long: ['bigint', 'LONG'],
  float: ['float', 'FLOAT'],
  double: ['double', 'DOUBLE'],
  string: ['string', 'STRING'],
  binary: ['binary', 'BINARY'],
  date: ['date', 'DATE'],
  timestamp: ['timestamp', 'TIMESTAMP'],
  timestamp_ntz: ['timestamp_ntz', 'TIMESTAMP_NTZ'],
  variant: ['variant', 'VARIANT'],
  void: ['void', 'NULL'],
};

/** The ColumnInfo list of a table schema; `partitionColumns` give `partition_index`. */
export function columnsOf(schema: StructType, partitionColumns: readonly string[] = []): UcColumn[] {
  return schema.fields.map((f, position) => {
    const partition = partitionColumns.indexOf(f.name);
    const comment = f.metadata?.['comment'];
    return {
      name: f.name,
      ...typeFields(f.type, f),
      position,
      nullable: f.nullable,
      ...(typeof comment === 'string' && comment !== '' ? { comment } : {}),
      ...(partition >= 0 ? { partition_index: partition } : {}),
    };
  });
}

/** type_text, type_json, type_name (+ precision and scale) of a type; `field` names the JSON. */
export function typeFields(type: DataType, field?: StructField): UcTypeFields {
  const json = field === undefined ? typeJson(type) : fieldJson(field);
  return {
    type_text: typeText(type),
    type_json: JSON.stringify(json),
    type_name: typeName(type),
    ...(type.kind === 'decimal' ? { type_precision: type.precision, type_scale: type.scale } : {}),
  };
}

/**
 * Type fields of a type given as text (a view column's DuckDB type, a function parameter's type
 * as written); text no parser knows is reported as USER_DEFINED_TYPE with the text kept.
 */
export function typeFieldsOfText(text: string, name: string): UcTypeFields {
  try {
    const type = parseTypeText(text);
    return typeFields(type, { name, type, nullable: true, physicalName: name });
  } catch {
    const spelled = text.toLowerCase();
    return { type_text: spelled, type_json: JSON.stringify({ name, type: spelled, nullable: true, metadata: {} }), type_name: 'USER_DEFINED_TYPE' };
  }
}

/** Spark's catalog string of a type. */
export function typeText(type: DataType): string {
  switch (type.kind) {
    case 'primitive':
      return PRIMITIVE_TEXT[type.name]?.[0] ?? type.name;
    case 'decimal':
      return `decimal(${type.precision},${type.scale})`;
    case 'fixed':
      return `fixed(${type.length})`;
    case 'array':
      return `array<${typeText(type.element)}>`;
    case 'map':
      return `map<${typeText(type.key)},${typeText(type.value)}>`;
    case 'struct':
      return `struct<${type.fields.map((f) => `${fieldName(f.name)}:${typeText(f.type)}`).join(',')}>`;
  }
}

/** The ColumnTypeName enum value of a type. */
export function typeName(type: DataType): string {
  switch (type.kind) {
    case 'primitive':
      return PRIMITIVE_TEXT[type.name]?.[1] ?? 'USER_DEFINED_TYPE';
    case 'decimal':
      return 'DECIMAL';
    case 'fixed':
      return 'USER_DEFINED_TYPE';
    case 'array':
      return 'ARRAY';
    case 'map':
      return 'MAP';
    case 'struct':
      return 'STRUCT';
  }
}

/**
 * A table schema from CreateTable `columns`: ordered by `position` when given (then 0..n-1,
 * each once), names unique case-insensitively; partition columns ordered by `partition_index`.
 */
export function schemaFromColumns(columns: readonly unknown[]): { schema: StructType; partitionColumns: string[] } {
  if (columns.length === 0) throw invalidParameter('columns must not be empty when creating a table');
  if (columns.length > 4096) throw invalidParameter(`a table may have at most 4096 columns (got ${columns.length})`);
  const parsed = columns.map((c, i) => parseColumn(c, i));
  const ordered = orderByPosition(parsed);
  const seen = new Set<string>();
  for (const c of ordered) {
    const key = c.field.name.toLowerCase();
    if (seen.has(key)) throw invalidParameter(`column ${c.field.name} appears twice`);
    seen.add(key);
  }
  const partitioned = ordered.filter((c) => c.partitionIndex !== undefined).sort((a, b) => (a.partitionIndex as number) - (b.partitionIndex as number));
  return { schema: { kind: 'struct', fields: ordered.map((c) => c.field) }, partitionColumns: partitioned.map((c) => c.field.name) };
}

/** A type from UC type fields (`where` names the column or parameter). */
export function typeFromFields(body: JsonObject, where: string): DataType {
  const text = optionalString(body, 'type_text');
  if (text !== undefined && text.trim() !== '') return parseText(text, where);
  const json = optionalString(body, 'type_json');
  if (json !== undefined && json.trim() !== '') return parseJson(json, where);
  const name = optionalString(body, 'type_name');
  if (name !== undefined) return fromTypeName(body, name, where);
  throw invalidParameter(`${where} needs type_text, type_json or type_name`);
}

interface ParsedColumn {
  readonly field: StructField;
  readonly position?: number;
  readonly partitionIndex?: number;
}

function parseColumn(value: unknown, index: number): ParsedColumn {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw invalidParameter(`columns[${index}] must be an object`);
  const body = value as JsonObject;
  const name = optionalString(body, 'name');
  if (name === undefined || name === '' || name.length > 255 || /\p{Cc}/u.test(name)) {
    throw invalidParameter(`columns[${index}] needs a name of 1–255 characters without control characters`);
  }
  const type = typeFromFields(body, `column ${name}`);
  const nullable = optionalBoolean(body, 'nullable') ?? true;
  const comment = optionalString(body, 'comment');
  const position = optionalInt(body, 'position', index);
  const partitionIndex = optionalInt(body, 'partition_index', index);
  const field: StructField = {
    name,
    type,
    nullable,
    physicalName: name,
    ...(comment !== undefined && comment !== '' ? { metadata: { comment } } : {}),
  };
  return { field, ...(position !== undefined ? { position } : {}), ...(partitionIndex !== undefined ? { partitionIndex } : {}) };
}

function orderByPosition(columns: readonly ParsedColumn[]): ParsedColumn[] {
  if (columns.every((c) => c.position === undefined)) return [...columns];
  const sorted = [...columns].sort((a, b) => (a.position ?? -1) - (b.position ?? -1));
  sorted.forEach((c, i) => {
    if (c.position !== i) throw invalidParameter(`column positions must be 0..${columns.length - 1}, each once (column ${c.field.name} has ${c.position ?? 'none'})`);
  });
  return sorted;
}

function optionalInt(body: JsonObject, field: string, index: number): number | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 100_000) {
    throw invalidParameter(`columns[${index}].${field} must be a non-negative integer`);
  }
  return value;
}

function parseText(text: string, where: string): DataType {
  if (text.length > 10_000) throw invalidParameter(`${where}: type_text is too long (${text.length} characters)`);
  try {
    return parseTypeText(text);
  } catch (cause) {
    if (!isLochError(cause)) throw cause;
    throw invalidParameter(`${where}: type_text '${text.slice(0, 100)}' is not a type Loch can store: ${cause.message.replace(/^sql: /, '')}`);
  }
}

function parseJson(json: string, where: string): DataType {
  if (json.length > 100_000) throw invalidParameter(`${where}: type_json is too long (${json.length} characters)`);
  try {
    const value = JSON.parse(json) as unknown;
    // Spark's StructField JSON ({name, type, nullable, metadata}) or a bare type.
    const typeValue = value !== null && typeof value === 'object' && 'type' in value && 'name' in value ? (value as { type: unknown }).type : value;
    const schema = parseDeltaSchema(JSON.stringify({ type: 'struct', fields: [{ name: 'c', type: typeValue, nullable: true, metadata: {} }] }), { table: where, version: 0 });
    return (schema.fields[0] as StructField).type;
  } catch (cause) {
    const message = isLochError(cause) ? cause.message : 'not valid JSON';
    throw invalidParameter(`${where}: type_json is not a Delta/Spark type: ${message}`);
  }
}

function fromTypeName(body: JsonObject, name: string, where: string): DataType {
  const upper = name.toUpperCase();
  if (upper === 'DECIMAL') {
    const precision = body['type_precision'];
    const scale = body['type_scale'] ?? 0;
    if (typeof precision !== 'number' || typeof scale !== 'number') throw invalidParameter(`${where}: DECIMAL needs type_precision and type_scale`);
    return parseText(`decimal(${precision},${scale})`, where);
  }
  for (const [loch, [, enumName]] of Object.entries(PRIMITIVE_TEXT)) {
    if (enumName === upper && loch !== 'void' && loch !== 'variant') return primitive(loch as Parameters<typeof primitive>[0]);
  }
  throw invalidParameter(`${where}: type_name ${name.slice(0, 40)} needs type_text (nested or unsupported type)`);
}

function fieldName(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? name : `\`${name.replaceAll('`', '``')}\``;
}

function fieldJson(field: StructField): unknown {
  const metadata: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(field.metadata ?? {})) if (!k.startsWith('delta.columnMapping.')) metadata[k] = v;
  return { name: field.name, type: typeJson(field.type), nullable: field.nullable, metadata };
}

function typeJson(type: DataType): unknown {
  switch (type.kind) {
    case 'primitive':
      return type.name;
    case 'decimal':
      return `decimal(${type.precision},${type.scale})`;
    case 'fixed':
      return `fixed[${type.length}]`;
    case 'array':
      return { type: 'array', elementType: typeJson(type.element), containsNull: type.containsNull };
    case 'map':
      return { type: 'map', keyType: typeJson(type.key), valueType: typeJson(type.value), valueContainsNull: type.valueContainsNull };
    case 'struct':
      return { type: 'struct', fields: type.fields.map(fieldJson) };
  }
}
