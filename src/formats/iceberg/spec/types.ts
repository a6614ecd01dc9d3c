import type { IcebergField, IcebergPrimitiveName, IcebergStruct, IcebergType } from '../model.js';
import { asArray, asObject, corrupt, describe, optString, reqBool, reqInt, reqString, type JsonRecord } from './json-read.js';

/**
 * Iceberg types in metadata JSON (spec "Schemas", Appendix C): primitives are strings
 * ("int", "decimal(9, 2)", "fixed[16]", "geometry(OGC:CRS84)"); struct, list and map are objects
 * carrying the ids of their fields, element, key and value.
 */

const PRIMITIVES: ReadonlySet<string> = new Set<IcebergPrimitiveName>([
  'unknown',
  'boolean',
  'int',
  'long',
  'float',
  'double',
  'date',
  'time',
  'timestamp',
  'timestamptz',
  'timestamp_ns',
  'timestamptz_ns',
  'string',
  'uuid',
  'binary',
  'variant',
]);

const DECIMAL = /^decimal\s*\(\s*(\d+)\s*,\s*(-?\d+)\s*\)$/;
const FIXED = /^fixed\s*\[\s*(\d+)\s*\]$/;
const GEO = /^(geometry|geography)(?:\s*\(.*\))?$/;
const MAX_DECIMAL_PRECISION = 38;

/**
 * Parses one type as written in metadata JSON. Primitive names are matched case-insensitively
 * (Java does the same). `where` names the place for messages ("metadata/v3.metadata.json:
 * schema 0: field 4"). Malformed types and names no spec version defines are CORRUPT_DATA
 * (a newer format version is refused before types are read).
 */
export function parseIcebergType(json: unknown, where: string): IcebergType {
  if (typeof json === 'string') return parsePrimitive(json, where);
  const o = asObject(json, where, 'type');
  const kind = reqString(o, 'type', where);
  switch (kind) {
    case 'struct':
      return parseStruct(o, where);
    case 'list':
      return {
        kind: 'list',
        elementId: reqInt(o, 'element-id', where),
        elementRequired: reqBool(o, 'element-required', where),
        element: parseIcebergType(o.element, `${where}: element`),
      };
    case 'map':
      return {
        kind: 'map',
        keyId: reqInt(o, 'key-id', where),
        key: parseIcebergType(o.key, `${where}: key`),
        valueId: reqInt(o, 'value-id', where),
        valueRequired: reqBool(o, 'value-required', where),
        value: parseIcebergType(o.value, `${where}: value`),
      };
    default:
      throw corrupt(where, `unknown nested type ${describe(kind)}`);
  }
}

function parsePrimitive(text: string, where: string): IcebergType {
  const lower = text.trim().toLowerCase();
  if (PRIMITIVES.has(lower)) return { kind: 'primitive', name: lower as IcebergPrimitiveName };
  const decimal = DECIMAL.exec(lower);
  if (decimal) {
    const precision = Number(decimal[1]);
    const scale = Number(decimal[2]);
    if (precision < 1 || precision > MAX_DECIMAL_PRECISION || scale > precision) {
      throw corrupt(where, `type "${text}": decimal precision must be 1..38 and scale at most the precision`);
    }
    return { kind: 'decimal', precision, scale };
  }
  const fixed = FIXED.exec(lower);
  if (fixed) {
    const length = Number(fixed[1]);
    if (length < 1) throw corrupt(where, `type "${text}": fixed length must be positive`);
    return { kind: 'fixed', length };
  }
  const geo = GEO.exec(lower);
  if (geo) return { kind: geo[1] === 'geometry' ? 'geometry' : 'geography', text: text.trim() };
  throw corrupt(where, `unknown type ${describe(text)}`);
}

/** A struct type object: `{type: "struct", fields: [...]}` (also the body of a schema). */
export function parseStruct(o: JsonRecord, where: string): IcebergStruct {
  const fields = asArray(o.fields, where, '"fields"').map((f, i) => parseField(f, `${where}: field ${i}`));
  return { kind: 'struct', fields };
}

function parseField(json: unknown, where: string): IcebergField {
  const o = asObject(json, where, 'struct field');
  const id = reqInt(o, 'id', where);
  const at = `${where} (id ${id})`;
  const doc = optString(o, 'doc', at);
  // Defaults stay raw JSON (JsonNumber keeps longs exact); null is the same as absent.
  const initialDefault = o['initial-default'];
  const writeDefault = o['write-default'];
  return {
    id,
    name: reqString(o, 'name', at),
    required: reqBool(o, 'required', at),
    type: parseIcebergType(o.type, at),
    ...(doc !== undefined ? { doc } : {}),
    ...(initialDefault !== undefined && initialDefault !== null ? { initialDefault } : {}),
    ...(writeDefault !== undefined && writeDefault !== null ? { writeDefault } : {}),
  };
}

/**
 * The metadata JSON form of a type, as Java writes it: "decimal(9, 2)", "fixed[16]", nested
 * objects with members in Java's order. Defaults are written as held (raw JSON values).
 */
export function icebergTypeToJson(type: IcebergType): unknown {
  switch (type.kind) {
    case 'primitive':
      return type.name;
    case 'decimal':
      return `decimal(${type.precision}, ${type.scale})`;
    case 'fixed':
      return `fixed[${type.length}]`;
    case 'geometry':
    case 'geography':
      return type.text;
    case 'struct':
      return { type: 'struct', fields: type.fields.map(fieldToJson) };
    case 'list':
      return { type: 'list', 'element-id': type.elementId, element: icebergTypeToJson(type.element), 'element-required': type.elementRequired };
    case 'map':
      return {
        type: 'map',
        'key-id': type.keyId,
        key: icebergTypeToJson(type.key),
        'value-id': type.valueId,
        value: icebergTypeToJson(type.value),
        'value-required': type.valueRequired,
      };
  }
}

export function fieldToJson(field: IcebergField): Record<string, unknown> {
  return {
    id: field.id,
    name: field.name,
    required: field.required,
    type: icebergTypeToJson(field.type),
    ...(field.doc !== undefined ? { doc: field.doc } : {}),
    ...(field.initialDefault !== undefined ? { 'initial-default': field.initialDefault } : {}),
    ...(field.writeDefault !== undefined ? { 'write-default': field.writeDefault } : {}),
  };
}

/** The type's text for messages: "int", "decimal(9, 2)", "struct<…>", "list<string>". */
export function icebergTypeToString(type: IcebergType): string {
  switch (type.kind) {
    case 'struct':
      return `struct<${type.fields.map((f) => `${f.id}: ${f.name}: ${icebergTypeToString(f.type)}`).join(', ')}>`;
    case 'list':
      return `list<${icebergTypeToString(type.element)}>`;
    case 'map':
      return `map<${icebergTypeToString(type.key)}, ${icebergTypeToString(type.value)}>`;
    default:
      return icebergTypeToJson(type) as string;
  }
}
