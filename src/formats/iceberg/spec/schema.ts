import type { DataType, PrimitiveName, StructField, StructType } from '../../../expr/types.js';
import type { IcebergField, IcebergPrimitiveName, IcebergSchema, IcebergStruct, IcebergType } from '../model.js';
import { asObject, optArray, optInt, toInt, violation } from './json-read.js';
import { fieldToJson, parseStruct } from './types.js';

/** Iceberg schemas: metadata JSON ⇄ IcebergSchema, and the mapping to and from Loch types. */

/**
 * Parses a schema object (`{type: "struct", schema-id, identifier-field-ids?, fields}`).
 * A v1 schema without `schema-id` gets id 0. Field, element, key and value ids must be unique
 * (PROTOCOL_VIOLATION otherwise).
 */
export function parseSchema(json: unknown, where: string): IcebergSchema {
  const o = asObject(json, where, 'schema');
  const schemaId = optInt(o, 'schema-id', where) ?? 0;
  const at = `${where}: schema ${schemaId}`;
  const identifierFieldIds = (optArray(o, 'identifier-field-ids', at) ?? []).map((v) => toInt(v, at, 'identifier field id'));
  const schema: IcebergSchema = { schemaId, identifierFieldIds, fields: parseStruct(o, at).fields };
  indexFields(schema.fields, at);
  return schema;
}

/** The metadata JSON of a schema (identifier-field-ids only when there are some, as Java writes). */
export function schemaToJson(schema: IcebergSchema): unknown {
  return {
    type: 'struct',
    'schema-id': schema.schemaId,
    ...(schema.identifierFieldIds.length > 0 ? { 'identifier-field-ids': [...schema.identifierFieldIds] } : {}),
    fields: schema.fields.map(fieldToJson),
  };
}

const TO_LOCH: Readonly<Record<IcebergPrimitiveName, PrimitiveName>> = {
  unknown: 'void',
  boolean: 'boolean',
  int: 'integer',
  long: 'long',
  float: 'float',
  double: 'double',
  date: 'date',
  time: 'time',
  timestamp: 'timestamp_ntz',
  timestamptz: 'timestamp',
  timestamp_ns: 'timestamp_ntz_ns',
  timestamptz_ns: 'timestamp_ns',
  string: 'string',
  uuid: 'uuid',
  binary: 'binary',
  variant: 'variant',
};

/**
 * The Loch struct of a schema or struct: names stay, physicalName = name, fieldId/elementId/
 * keyId/valueId carry the Iceberg ids, required → nullable false, element-required →
 * containsNull false, value-required → valueContainsNull false. geometry/geography become
 * binary (their WKB storage) with metadata `{ "iceberg.type": "<type text>" }`; reading their
 * values is refused elsewhere.
 */
export function toLochSchema(schema: IcebergSchema | IcebergStruct): StructType {
  return { kind: 'struct', fields: schema.fields.map(toLochField) };
}

function toLochField(f: IcebergField): StructField {
  const entries: Record<string, unknown> = {};
  if (f.type.kind === 'geometry' || f.type.kind === 'geography') entries['iceberg.type'] = f.type.text;
  // Iceberg's doc is Delta's/Spark's column comment: DESCRIBE shows it either way.
  if (f.doc !== undefined) entries['comment'] = f.doc;
  const metadata = Object.keys(entries).length > 0 ? { metadata: entries } : {};
  return { name: f.name, type: toLochType(f.type), nullable: !f.required, physicalName: f.name, fieldId: f.id, ...metadata };
}

/** One Iceberg type as a Loch DataType (see toLochSchema). */
export function toLochType(type: IcebergType): DataType {
  switch (type.kind) {
    case 'primitive':
      return { kind: 'primitive', name: TO_LOCH[type.name] };
    case 'decimal':
      return { kind: 'decimal', precision: type.precision, scale: type.scale };
    case 'fixed':
      return { kind: 'fixed', length: type.length };
    case 'geometry':
    case 'geography':
      return { kind: 'primitive', name: 'binary' };
    case 'struct':
      return toLochSchema(type);
    case 'list':
      return { kind: 'array', element: toLochType(type.element), containsNull: !type.elementRequired, elementId: type.elementId };
    case 'map':
      return {
        kind: 'map',
        key: toLochType(type.key),
        value: toLochType(type.value),
        valueContainsNull: !type.valueRequired,
        keyId: type.keyId,
        valueId: type.valueId,
      };
  }
}

const FROM_LOCH: Readonly<Record<PrimitiveName, IcebergPrimitiveName>> = {
  boolean: 'boolean',
  // Iceberg has no 8/16-bit integers; Spark widens them to int the same way.
  byte: 'int',
  short: 'int',
  integer: 'int',
  long: 'long',
  float: 'float',
  double: 'double',
  string: 'string',
  binary: 'binary',
  date: 'date',
  timestamp: 'timestamptz',
  timestamp_ntz: 'timestamp',
  time: 'time',
  timestamp_ns: 'timestamptz_ns',
  timestamp_ntz_ns: 'timestamp_ns',
  uuid: 'uuid',
  variant: 'variant',
  void: 'unknown',
};

export interface FromLochOptions {
  /** Keep fieldId / elementId / keyId / valueId already set on the Loch type; fresh ids only where missing. */
  readonly keepIds?: boolean;
}

/**
 * The Iceberg type of a Loch type, with ids from `nextId` assigned in Java's
 * `TypeUtil.assignFreshIds` order: all fields of a struct first, then each field's nested type
 * in field order; a list's element id before its element's nested ids; a map's key id, value id,
 * then the key's and the value's nested ids.
 */
export function fromLochType(type: DataType, nextId: () => number, options: FromLochOptions = {}): IcebergType {
  switch (type.kind) {
    case 'primitive':
      return { kind: 'primitive', name: FROM_LOCH[type.name] };
    case 'decimal':
      return { kind: 'decimal', precision: type.precision, scale: type.scale };
    case 'fixed':
      return { kind: 'fixed', length: type.length };
    case 'struct':
      return { kind: 'struct', fields: fromLochFields(type, nextId, options) };
    case 'array': {
      const elementId = pickId(type.elementId, nextId, options);
      return { kind: 'list', elementId, elementRequired: !type.containsNull, element: fromLochType(type.element, nextId, options) };
    }
    case 'map': {
      const keyId = pickId(type.keyId, nextId, options);
      const valueId = pickId(type.valueId, nextId, options);
      const key = fromLochType(type.key, nextId, options);
      const value = fromLochType(type.value, nextId, options);
      return { kind: 'map', keyId, key, valueId, valueRequired: !type.valueContainsNull, value };
    }
  }
}

/** A schema from a Loch struct (see fromLochType for the id order). */
export function fromLochSchema(struct: StructType, schemaId: number, nextId: () => number, options: FromLochOptions = {}): IcebergSchema {
  const fields = fromLochFields(struct, nextId, options);
  const schema: IcebergSchema = { schemaId, identifierFieldIds: [], fields };
  indexFields(fields, `schema ${schemaId}`);
  return schema;
}

function fromLochFields(struct: StructType, nextId: () => number, options: FromLochOptions): IcebergField[] {
  const ids = struct.fields.map((f) => pickId(f.fieldId, nextId, options));
  return struct.fields.map((f, i) => {
    const comment = f.metadata?.['comment'];
    return {
      id: ids[i]!,
      name: f.name,
      required: !f.nullable,
      type: fromLochType(f.type, nextId, options),
      ...(typeof comment === 'string' ? { doc: comment } : {}),
    };
  });
}

function pickId(existing: number | undefined, nextId: () => number, options: FromLochOptions): number {
  return options.keepIds === true && existing !== undefined ? existing : nextId();
}

export interface FieldEntry {
  readonly field: IcebergField;
  /** Names from the top level down; list elements are "element", map keys/values "key"/"value". */
  readonly path: readonly string[];
}

const FIELD_INDEX = new WeakMap<object, ReadonlyMap<number, FieldEntry>>();

/**
 * Every field of a schema by id, nested ones included. List elements and map keys/values appear
 * as synthetic fields named "element", "key", "value" (required = element-/value-required; keys
 * are always required). Cached per schema object.
 */
export function fieldById(schema: { readonly fields: readonly IcebergField[] }): ReadonlyMap<number, FieldEntry> {
  let index = FIELD_INDEX.get(schema);
  if (index === undefined) {
    index = indexFields(schema.fields, 'schema');
    FIELD_INDEX.set(schema, index);
  }
  return index;
}

function indexFields(fields: readonly IcebergField[], where: string): ReadonlyMap<number, FieldEntry> {
  const index = new Map<number, FieldEntry>();
  const add = (field: IcebergField, path: readonly string[]): void => {
    const seen = index.get(field.id);
    if (seen !== undefined) {
      throw violation(where, `field id ${field.id} is used twice (${seen.path.join('.')} and ${path.join('.')})`);
    }
    index.set(field.id, { field, path });
    visit(field.type, path);
  };
  const visit = (type: IcebergType, path: readonly string[]): void => {
    if (type.kind === 'struct') for (const f of type.fields) add(f, [...path, f.name]);
    if (type.kind === 'list') {
      add({ id: type.elementId, name: 'element', required: type.elementRequired, type: type.element }, [...path, 'element']);
    }
    if (type.kind === 'map') {
      add({ id: type.keyId, name: 'key', required: true, type: type.key }, [...path, 'key']);
      add({ id: type.valueId, name: 'value', required: type.valueRequired, type: type.value }, [...path, 'value']);
    }
  };
  for (const f of fields) add(f, [f.name]);
  return index;
}

/** The schema with `schemaId` among `schemas`, or a PROTOCOL_VIOLATION naming the known ids. */
export function schemaById(schemas: readonly IcebergSchema[], schemaId: number, where: string): IcebergSchema {
  const found = schemas.find((s) => s.schemaId === schemaId);
  if (found === undefined) {
    throw violation(where, `schema ${schemaId} does not exist (schemas: ${schemas.map((s) => s.schemaId).join(', ') || 'none'})`);
  }
  return found;
}

