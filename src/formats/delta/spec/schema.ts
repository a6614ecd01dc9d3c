import { decimal, primitive, typeToString } from '../../../expr/types.js';
import type { DataType, PrimitiveName, StructField, StructType } from '../../../expr/types.js';
import { logError } from '../errors-context.js';
import type { LogWhere } from '../errors-context.js';
import { isJsonObject } from './json-fields.js';
import type { JsonObject } from './json-fields.js';

export type ColumnMappingMode = 'none' | 'name' | 'id';

export const PHYSICAL_NAME_KEY = 'delta.columnMapping.physicalName';
export const COLUMN_ID_KEY = 'delta.columnMapping.id';

export interface SchemaParseOptions {
  /**
   * The table's column mapping mode. 'none' ignores leftover mapping metadata (the protocol says
   * readers then use display names); 'name'/'id' require it on every field. When undefined the
   * mapping metadata is used wherever present.
   */
  readonly columnMapping?: ColumnMappingMode;
}

const PRIMITIVES: ReadonlySet<string> = new Set<PrimitiveName>([
  'boolean',
  'byte',
  'short',
  'integer',
  'long',
  'float',
  'double',
  'string',
  'binary',
  'date',
  'timestamp',
  'timestamp_ntz',
]);

const DECIMAL = /^decimal\(\s*(\d+)\s*,\s*(\d+)\s*\)$/;

class SchemaParser {
  constructor(
    private readonly where: LogWhere,
    private readonly mode: ColumnMappingMode | undefined,
  ) {}

  corrupt(column: string, detail: string): never {
    const at = column === '' ? 'schema' : `column '${column}'`;
    throw logError('CORRUPT_DATA', 'delta schema', this.where, `${at}: ${detail}`, { context: { column } });
  }

  unsupported(column: string, typeName: string): never {
    throw logError(
      'UNSUPPORTED_FEATURE',
      'delta schema',
      this.where,
      `column '${column}' has type '${typeName}', which Loch does not support`,
      { context: { column, type: typeName } },
    );
  }

  primitiveOrDecimal(name: string, column: string): DataType {
    if (PRIMITIVES.has(name)) return primitive(name as PrimitiveName);
    if (name === 'decimal') return decimal(10, 0);
    const match = DECIMAL.exec(name);
    if (match !== null) {
      const precision = Number(match[1]);
      const scale = Number(match[2]);
      if (precision < 1 || precision > 38 || scale > precision) this.unsupported(column, name);
      return decimal(precision, scale);
    }
    return this.unsupported(column, name);
  }

  type(value: unknown, column: string): DataType {
    if (typeof value === 'string') return this.primitiveOrDecimal(value, column);
    if (!isJsonObject(value)) return this.corrupt(column, 'type must be a string or an object');
    switch (value['type']) {
      case 'struct':
        return this.struct(value, column);
      case 'array':
        return {
          kind: 'array',
          element: this.type(value['elementType'], `${column}.element`),
          containsNull: value['containsNull'] !== false,
        };
      case 'map':
        return {
          kind: 'map',
          key: this.type(value['keyType'], `${column}.key`),
          value: this.type(value['valueType'], `${column}.value`),
          valueContainsNull: value['valueContainsNull'] !== false,
        };
      default:
        return this.unsupported(column, typeof value['type'] === 'string' ? value['type'] : JSON.stringify(value['type']));
    }
  }

  struct(value: JsonObject, path: string): StructType {
    const fields = value['fields'];
    if (!Array.isArray(fields)) return this.corrupt(path, "struct must have a 'fields' array");
    return { kind: 'struct', fields: fields.map((f: unknown) => this.field(f, path)) };
  }

  field(value: unknown, parent: string): StructField {
    if (!isJsonObject(value) || typeof value['name'] !== 'string') return this.corrupt(parent, 'a field must be an object with a name');
    const name = value['name'];
    const column = parent === '' ? name : `${parent}.${name}`;
    const rawMeta = value['metadata'];
    const metadata: JsonObject = isJsonObject(rawMeta) ? rawMeta : {};
    const out: StructField = {
      name,
      type: this.type(value['type'], column),
      nullable: value['nullable'] !== false,
      physicalName: this.physicalName(name, metadata, column),
      metadata,
    };
    const fieldId = this.fieldId(metadata, column);
    return fieldId === undefined ? out : { ...out, fieldId };
  }

  physicalName(name: string, metadata: JsonObject, column: string): string {
    if (this.mode === 'none') return name;
    const physical = metadata[PHYSICAL_NAME_KEY];
    if (typeof physical === 'string' && physical.length > 0) return physical;
    if (this.mode !== undefined) {
      throw logError('PROTOCOL_VIOLATION', 'delta schema', this.where, `column '${column}' has no ${PHYSICAL_NAME_KEY} although column mapping mode is '${this.mode}'`, {
        context: { column },
      });
    }
    return name;
  }

  fieldId(metadata: JsonObject, column: string): number | undefined {
    if (this.mode === 'none') return undefined;
    const id = metadata[COLUMN_ID_KEY];
    if (typeof id === 'number' && Number.isInteger(id)) return id;
    if (this.mode === 'id') {
      throw logError('PROTOCOL_VIOLATION', 'delta schema', this.where, `column '${column}' has no ${COLUMN_ID_KEY} although column mapping mode is 'id'`, {
        context: { column },
      });
    }
    return undefined;
  }
}

/**
 * Parses a Delta `schemaString` (Spark's JSON schema, PROTOCOL.md "Schema Serialization Format")
 * into Loch's type tree. Column mapping metadata becomes `physicalName`/`fieldId` on every field,
 * nested ones included; all field metadata is kept. `decimal` alone is decimal(10,0).
 * Unknown types (variant, void, interval, …) throw UNSUPPORTED_FEATURE naming the column; JSON
 * that is not a schema throws CORRUPT_DATA.
 */
export function parseDeltaSchema(schemaString: string, where: LogWhere, options: SchemaParseOptions = {}): StructType {
  const parser = new SchemaParser(where, options.columnMapping);
  if (schemaString.trim() === '') throw logError('CORRUPT_DATA', 'delta schema', where, 'metaData has no schemaString');
  let value: unknown;
  try {
    value = JSON.parse(schemaString);
  } catch (cause) {
    throw logError('CORRUPT_DATA', 'delta schema', where, 'schemaString is not valid JSON', { cause });
  }
  if (!isJsonObject(value) || value['type'] !== 'struct') return parser.corrupt('', 'the top level must be a struct');
  return parser.struct(value, '');
}

function typeToJson(type: DataType): unknown {
  switch (type.kind) {
    case 'primitive':
    case 'decimal':
      // Delta's JSON spells leaf types exactly as typeToString does.
      return typeToString(type);
    case 'array':
      return { type: 'array', elementType: typeToJson(type.element), containsNull: type.containsNull };
    case 'map':
      return { type: 'map', keyType: typeToJson(type.key), valueType: typeToJson(type.value), valueContainsNull: type.valueContainsNull };
    case 'struct':
      return structToJson(type);
  }
}

function fieldToJson(field: StructField): unknown {
  const metadata: Record<string, unknown> = { ...(field.metadata ?? {}) };
  if (field.physicalName !== field.name) metadata[PHYSICAL_NAME_KEY] = field.physicalName;
  if (field.fieldId !== undefined) metadata[COLUMN_ID_KEY] = field.fieldId;
  return { name: field.name, type: typeToJson(field.type), nullable: field.nullable, metadata };
}

function structToJson(type: StructType): unknown {
  return { type: 'struct', fields: type.fields.map(fieldToJson) };
}

/**
 * The inverse of parseDeltaSchema: a `schemaString` for a metaData action. Physical names that
 * differ from the logical name and field ids are written as column mapping metadata.
 */
export function schemaToDeltaJson(schema: StructType): string {
  return JSON.stringify(structToJson(schema));
}
