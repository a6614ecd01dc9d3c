/**
 * Loch's logical data types: one tree shared by the table formats (Delta and Iceberg schemas map
 * into it), expressions, pruning and the engine (which renders DuckDB types from it).
 * Names follow Delta's primitive type names.
 */
export type PrimitiveName =
  | 'boolean'
  | 'byte'
  | 'short'
  | 'integer'
  | 'long'
  | 'float'
  | 'double'
  | 'string'
  | 'binary'
  | 'date'
  | 'timestamp'
  | 'timestamp_ntz'
  // Types Delta has no name for, needed by Iceberg (spelled here as Loch shows them):
  /** Time of day in microseconds, no zone (Iceberg `time`). */
  | 'time'
  /** UTC instant in nanoseconds (Iceberg `timestamptz_ns`). */
  | 'timestamp_ns'
  /** Wall-clock timestamp in nanoseconds (Iceberg `timestamp_ns`). */
  | 'timestamp_ntz_ns'
  /** 16-byte UUID (Iceberg `uuid`). */
  | 'uuid'
  /** Semi-structured value: a struct of binary `metadata` and `value` (Iceberg/Delta `variant`). */
  | 'variant'
  /** Always NULL (Iceberg v3 `unknown`, Spark's NullType / Delta `void`). */
  | 'void';

export type DataType = PrimitiveType | DecimalType | FixedType | StructType | ArrayType | MapType;

/** Iceberg `fixed[L]`: exactly `length` bytes per value. Literal values are Uint8Array. */
export interface FixedType {
  readonly kind: 'fixed';
  readonly length: number;
}

export interface PrimitiveType {
  readonly kind: 'primitive';
  readonly name: PrimitiveName;
}

export interface DecimalType {
  readonly kind: 'decimal';
  readonly precision: number;
  readonly scale: number;
}

export interface StructField {
  /** The logical name users see. */
  readonly name: string;
  readonly type: DataType;
  readonly nullable: boolean;
  /** The name in data files (column mapping); equals `name` when there is no mapping. */
  readonly physicalName: string;
  /** Parquet field id (column mapping mode id, Iceberg); undefined when not used. */
  readonly fieldId?: number;
  readonly metadata?: Readonly<Record<string, unknown>>;
}

export interface StructType {
  readonly kind: 'struct';
  readonly fields: readonly StructField[];
}

export interface ArrayType {
  readonly kind: 'array';
  readonly element: DataType;
  readonly containsNull: boolean;
  /** Parquet field id of the list element (Iceberg element-id, Delta nested ids). */
  readonly elementId?: number;
}

export interface MapType {
  readonly kind: 'map';
  readonly key: DataType;
  readonly value: DataType;
  readonly valueContainsNull: boolean;
  /** Parquet field ids of the key and value (Iceberg key-id/value-id, Delta nested ids). */
  readonly keyId?: number;
  readonly valueId?: number;
}

export const primitive = (name: PrimitiveName): PrimitiveType => ({ kind: 'primitive', name });
export const decimal = (precision: number, scale: number): DecimalType => ({ kind: 'decimal', precision, scale });

export function field(name: string, type: DataType, nullable = true, extra: Partial<StructField> = {}): StructField {
  return { name, type, nullable, physicalName: name, ...extra };
}

export function isPrimitive(type: DataType, ...names: PrimitiveName[]): type is PrimitiveType {
  return type.kind === 'primitive' && (names.length === 0 || names.includes(type.name));
}

/** Delta's spelling of a type: `integer`, `decimal(10,2)`, `struct<a:integer>`, `array<string>`. */
export function typeToString(type: DataType): string {
  switch (type.kind) {
    case 'primitive':
      return type.name;
    case 'decimal':
      return `decimal(${type.precision},${type.scale})`;
    case 'fixed':
      return `fixed(${type.length})`;
    case 'array':
      return `array<${typeToString(type.element)}>`;
    case 'map':
      return `map<${typeToString(type.key)},${typeToString(type.value)}>`;
    case 'struct':
      return `struct<${type.fields.map((f) => `${f.name}:${typeToString(f.type)}`).join(',')}>`;
  }
}
