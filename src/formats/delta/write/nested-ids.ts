import { LochError } from '../../../core/errors.js';
import type { DataType, StructField, StructType } from '../../../expr/types.js';

/**
 * Column mapping ids of list elements and map keys/values (PROTOCOL.md "IcebergCompatV2":
 * `delta.columnMapping.nested.ids`). Iceberg gives every element, key and value its own field
 * id; Delta keeps them in the metadata of the nearest enclosing struct field, keyed by that
 * field's physical name followed by the path through lists and maps:
 * `{"col-1.element": 7, "col-2.key": 8, "col-2.value": 9, "col-2.value.element": 10}`.
 */

export const NESTED_IDS_KEY = 'delta.columnMapping.nested.ids';

const MAX_FIELD_ID = 2 ** 31 - 1;

/** The nested-id keys a field of `type` needs, outermost first (struct children excluded). */
function nestedKeys(type: DataType, prefix: string): string[] {
  if (type.kind === 'array') return [`${prefix}.element`, ...nestedKeys(type.element, `${prefix}.element`)];
  if (type.kind === 'map') {
    return [`${prefix}.key`, `${prefix}.value`, ...nestedKeys(type.key, `${prefix}.key`), ...nestedKeys(type.value, `${prefix}.value`)];
  }
  return [];
}

function storedIds(field: StructField): Readonly<Record<string, unknown>> {
  const raw = field.metadata?.[NESTED_IDS_KEY];
  return raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
}

function largestId(type: DataType, max: number): number {
  let out = max;
  const visit = (t: DataType): void => {
    if (t.kind === 'struct') {
      for (const f of t.fields) {
        for (const v of Object.values(storedIds(f))) if (typeof v === 'number' && v > out) out = v;
        visit(f.type);
      }
    } else if (t.kind === 'array') visit(t.element);
    else if (t.kind === 'map') {
      visit(t.key);
      visit(t.value);
    }
  };
  visit(type);
  return out;
}

/**
 * Gives every list element and map key/value of `schema` (nested ones too) a nested id where it
 * has none, counting up from max(startId, largest nested id present) + 1, in schema order.
 * Existing ids are kept; keys no longer matching the field's type are dropped. Fields without
 * lists or maps get no metadata entry. `maxColumnId` is the new `delta.columnMapping.maxColumnId`
 * (never below startId). Running out of 32-bit ids throws INVALID_ARGUMENT.
 */
export function assignNestedIds(schema: StructType, startId: number): { schema: StructType; maxColumnId: number } {
  let next = largestId(schema, startId);
  const fresh = (key: string): number => {
    if (next >= MAX_FIELD_ID) throw new LochError('INVALID_ARGUMENT', `delta column mapping: no column id left for nested field ${key} (ids are 32-bit)`);
    return ++next;
  };
  const field = (f: StructField): StructField => {
    const keys = nestedKeys(f.type, f.physicalName);
    const type = inner(f.type);
    const { [NESTED_IDS_KEY]: _old, ...rest } = f.metadata ?? {};
    if (keys.length === 0) return { ...f, type, ...(f.metadata === undefined ? {} : { metadata: rest }) };
    const stored = storedIds(f);
    const ids: Record<string, number> = {};
    for (const key of keys) {
      const known = stored[key];
      ids[key] = typeof known === 'number' && Number.isInteger(known) ? known : fresh(key);
    }
    return { ...f, type, metadata: { ...rest, [NESTED_IDS_KEY]: ids } };
  };
  const inner = (type: DataType): DataType => {
    if (type.kind === 'struct') return { kind: 'struct', fields: type.fields.map(field) };
    if (type.kind === 'array') return { ...type, element: inner(type.element) };
    if (type.kind === 'map') return { ...type, key: inner(type.key), value: inner(type.value) };
    return type;
  };
  const out = inner(schema) as StructType;
  return { schema: out, maxColumnId: next };
}

/**
 * `schema` with the nested ids of its fields' metadata set as ArrayType.elementId and
 * MapType.keyId / valueId (what the parquet writer and the Iceberg schema use). Missing keys
 * leave the id unset.
 */
export function applyNestedIds(schema: StructType): StructType {
  const withIds = (type: DataType, ids: Readonly<Record<string, unknown>>, prefix: string): DataType => {
    const id = (key: string): number | undefined => {
      const value = ids[key];
      return typeof value === 'number' && Number.isInteger(value) ? value : undefined;
    };
    switch (type.kind) {
      case 'struct':
        return { kind: 'struct', fields: type.fields.map((f) => ({ ...f, type: withIds(f.type, storedIds(f), f.physicalName) })) };
      case 'array': {
        const elementId = id(`${prefix}.element`);
        return { ...type, element: withIds(type.element, ids, `${prefix}.element`), ...(elementId === undefined ? {} : { elementId }) };
      }
      case 'map': {
        const keyId = id(`${prefix}.key`);
        const valueId = id(`${prefix}.value`);
        return {
          ...type,
          key: withIds(type.key, ids, `${prefix}.key`),
          value: withIds(type.value, ids, `${prefix}.value`),
          ...(keyId === undefined ? {} : { keyId }),
          ...(valueId === undefined ? {} : { valueId }),
        };
      }
      default:
        return type;
    }
  };
  return withIds(schema, {}, '') as StructType;
}
