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
  | 'timestamp_ntz';

export type DataType = PrimitiveType | DecimalType | StructType | ArrayType | MapType;

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
}

export interface MapType {
  readonly kind: 'map';
  readonly key: DataType;
  readonly value: DataType;
  readonly valueContainsNull: boolean;
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
    case 'array':
      return `array<${typeToString(type.element)}>`;
    case 'map':
      return `map<${typeToString(type.key)},${typeToString(type.value)}>`;
    case 'struct':
      return `struct<${type.fields.map((f) => `${f.name}:${typeToString(f.type)}`).join(',')}>`;
  }
}
