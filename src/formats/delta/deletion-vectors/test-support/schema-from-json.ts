import type { DataType, PrimitiveName, StructField, StructType } from '../../../../expr/types.js';

/**
 * A minimal reader of Delta `schemaString` JSON for tests of the format codecs (the real schema
 * codec lives in the Delta log code): primitives, decimals, structs, arrays, maps, and the
 * column-mapping physical name and id from field metadata.
 */
export function schemaFromJson(schemaString: string): StructType {
  return toStruct(JSON.parse(schemaString) as JsonStruct);
}

interface JsonField {
  name: string;
  type: JsonType;
  nullable?: boolean;
  metadata?: Record<string, unknown>;
}
interface JsonStruct {
  type: 'struct';
  fields: JsonField[];
}
type JsonType =
  | string
  | JsonStruct
  | { type: 'array'; elementType: JsonType; containsNull?: boolean }
  | { type: 'map'; keyType: JsonType; valueType: JsonType; valueContainsNull?: boolean };

const RENAMES: Record<string, PrimitiveName> = { int: 'integer', timestamp_ntz: 'timestamp_ntz', timestampNtz: 'timestamp_ntz' };

function toType(t: JsonType): DataType {
  if (typeof t === 'string') {
    const decimal = /^decimal\((\d+),\s*(\d+)\)$/.exec(t);
    if (decimal) return { kind: 'decimal', precision: Number(decimal[1]), scale: Number(decimal[2]) };
    return { kind: 'primitive', name: RENAMES[t] ?? (t as PrimitiveName) };
  }
  if (t.type === 'struct') return toStruct(t);
  if (t.type === 'array') return { kind: 'array', element: toType(t.elementType), containsNull: t.containsNull ?? true };
  return { kind: 'map', key: toType(t.keyType), value: toType(t.valueType), valueContainsNull: t.valueContainsNull ?? true };
}

function toStruct(s: JsonStruct): StructType {
  return {
    kind: 'struct',
    fields: s.fields.map((f): StructField => {
      const physical = f.metadata?.['delta.columnMapping.physicalName'];
      const id = f.metadata?.['delta.columnMapping.id'];
      return {
        name: f.name,
        type: toType(f.type),
        nullable: f.nullable ?? true,
        physicalName: typeof physical === 'string' ? physical : f.name,
        ...(typeof id === 'number' ? { fieldId: id } : {}),
      };
    }),
  };
}
