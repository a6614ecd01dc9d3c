import { LochError } from '../../../core/index.js';

/**
 * Reading Avro schemas by Iceberg field id. Writers disagree on field names (older Java writes
 * `added_data_files_count` where newer writes `added_files_count`, both id 504), so manifest
 * readers look a field up by its `field-id` attribute and then read the record property named
 * by that field.
 */

/** A record field found by id: its Avro name, and its type with `["null", T]` unwrapped and named references resolved. */
export interface AvroFieldInfo {
  readonly name: string;
  readonly type: unknown;
  readonly optional: boolean;
}

type JsonObject = Readonly<Record<string, unknown>>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Every named type (record, fixed, enum) of a schema by name and by full name. */
export function namedTypes(schema: unknown): ReadonlyMap<string, JsonObject> {
  const out = new Map<string, JsonObject>();
  const visit = (node: unknown, namespace: string | undefined): void => {
    if (Array.isArray(node)) {
      for (const branch of node) visit(branch, namespace);
      return;
    }
    if (!isObject(node)) return;
    const ns = typeof node.namespace === 'string' ? node.namespace : namespace;
    if (typeof node.name === 'string' && (node.type === 'record' || node.type === 'fixed' || node.type === 'enum')) {
      out.set(node.name, node);
      if (ns !== undefined && !node.name.includes('.')) out.set(`${ns}.${node.name}`, node);
    }
    if (Array.isArray(node.fields)) for (const field of node.fields) if (isObject(field)) visit(field.type, ns);
    if (node.items !== undefined) visit(node.items, ns);
    if (node.values !== undefined) visit(node.values, ns);
    if (isObject(node.type) || Array.isArray(node.type)) visit(node.type, ns);
  };
  visit(schema, undefined);
  return out;
}

const PRIMITIVES = new Set(['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string']);

/** Resolves a reference to a named type; primitives and inline types are returned as they are. */
export function resolveType(type: unknown, names: ReadonlyMap<string, JsonObject>): unknown {
  if (typeof type !== 'string' || PRIMITIVES.has(type)) return type;
  return names.get(type) ?? type;
}

/** `["null", T]` (either order) → T and optional; any other type is returned as it is. */
export function unwrapOptional(type: unknown, names: ReadonlyMap<string, JsonObject>): { type: unknown; optional: boolean } {
  if (Array.isArray(type)) {
    const rest = type.filter((branch) => branch !== 'null');
    if (rest.length === 1 && rest.length < type.length) return { type: resolveType(rest[0], names), optional: true };
  }
  return { type: resolveType(type, names), optional: false };
}

/** The fields of a record schema by `field-id`. A type that is not a record → CORRUPT_DATA naming `what`. */
export function fieldsById(record: unknown, names: ReadonlyMap<string, JsonObject>, where: string, what: string): ReadonlyMap<number, AvroFieldInfo> {
  const resolved = resolveType(record, names);
  if (!isObject(resolved) || resolved.type !== 'record' || !Array.isArray(resolved.fields)) {
    throw new LochError('CORRUPT_DATA', `iceberg avro: ${where}: ${what} is not an Avro record`, { context: { file: where } });
  }
  const out = new Map<number, AvroFieldInfo>();
  for (const field of resolved.fields) {
    if (!isObject(field) || typeof field.name !== 'string') continue;
    const id = field['field-id'];
    if (typeof id !== 'number' || !Number.isInteger(id)) continue;
    const { type, optional } = unwrapOptional(field.type, names);
    out.set(id, { name: field.name, type, optional });
  }
  return out;
}

/** The Avro base type name of a resolved type: "int", "fixed", "record", … */
export function baseTypeName(type: unknown): string {
  if (typeof type === 'string') return type;
  if (isObject(type) && typeof type.type === 'string') return PRIMITIVES.has(type.type) || ['record', 'fixed', 'enum', 'array', 'map'].includes(type.type) ? type.type : baseTypeName(type.type);
  if (Array.isArray(type)) return 'union';
  return 'unknown';
}

/** The `logicalType` attribute of a resolved type, if any. */
export function logicalTypeOf(type: unknown): string | undefined {
  return isObject(type) && typeof type.logicalType === 'string' ? type.logicalType : undefined;
}

/** A numeric attribute of a resolved type (`size`, `precision`, `scale`). */
export function numberAttr(type: unknown, key: string): number | undefined {
  if (!isObject(type)) return undefined;
  const value = type[key];
  return typeof value === 'number' ? value : undefined;
}
