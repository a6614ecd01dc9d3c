import { LochError } from '../../core/errors.js';
import type { DataType, StructField, StructType } from '../../expr/types.js';
import { applyNestedIds } from '../../formats/delta/write/nested-ids.js';
import type { IcebergField, IcebergSchema, IcebergType, PartitionSpec } from '../../formats/iceberg/model.js';
import { PARTITION_DATA_ID_START } from '../../formats/iceberg/spec/partition-spec.js';
import { fromLochSchema, schemaToJson } from '../../formats/iceberg/spec/schema.js';

/**
 * The Iceberg view of a Delta UniForm table's schema: field ids are the column mapping ids
 * (`delta.columnMapping.id`), list/map ids the IcebergCompatV2 nested ids, names the logical
 * names; byte/short become int, timestamp timestamptz, timestamp_ntz timestamp (fromLochType).
 */
export function icebergSchemaOf(schema: StructType, schemaId: number, table: string): IcebergSchema {
  const missing = (): number => {
    throw new LochError('PROTOCOL_VIOLATION', `delta uniform: table ${table}: a column or nested list/map field has no column mapping id; UniForm needs IcebergCompatV2 ids on every field`, {
      context: { table },
    });
  };
  return fromLochSchema(applyNestedIds(schema), schemaId, missing, { keepIds: true });
}

/** Iceberg's identity partition spec for Delta's partition columns (field ids 1000, 1001, …). */
export function identitySpec(schema: IcebergSchema, partitionColumns: readonly string[], specId: number, table: string): PartitionSpec {
  const fields = partitionColumns.map((name, i) => {
    const source = schema.fields.find((f) => f.name === name);
    if (source === undefined) throw new LochError('PROTOCOL_VIOLATION', `delta uniform: table ${table}: partition column ${name} is not a column`, { context: { table, column: name } });
    return { sourceIds: [source.id], fieldId: PARTITION_DATA_ID_START + i, name, transform: 'identity' };
  });
  return { specId, fields };
}

/** Two schemas with the same fields (ids, names, types, optionality): no new schema needed. */
export function sameFields(a: IcebergSchema, b: IcebergSchema): boolean {
  const canonical = (s: IcebergSchema): string => JSON.stringify(schemaToJson({ ...s, schemaId: 0, identifierFieldIds: [] }));
  return canonical(a) === canonical(b);
}

/** Two specs partitioning the same way (ignoring spec and partition field ids). */
export function sameSpec(a: PartitionSpec, b: PartitionSpec): boolean {
  const canonical = (s: PartitionSpec): string => JSON.stringify(s.fields.map((f) => [f.sourceIds, f.name, f.transform]));
  return canonical(a) === canonical(b);
}

/**
 * The name mapping (`schema.name-mapping.default`) of a UniForm table: every field under its
 * physical name (what files written before UniForm call the column) and its logical name, so
 * files without parquet field ids still resolve.
 */
export function nameMappingJson(schema: IcebergSchema, delta: StructType): string {
  const struct = (fields: readonly IcebergField[], deltaType: DataType | undefined): unknown[] =>
    fields.map((f) => {
      const deltaField = deltaType?.kind === 'struct' ? deltaType.fields.find((d) => d.fieldId === f.id) : undefined;
      const names = [...new Set([deltaField?.physicalName ?? f.name, f.name])];
      const nested = nestedMapping(f.type, deltaField?.type);
      return { 'field-id': f.id, names, ...(nested.length > 0 ? { fields: nested } : {}) };
    });
  const nestedMapping = (type: IcebergType, deltaType: DataType | undefined): unknown[] => {
    if (type.kind === 'struct') return struct(type.fields, deltaType);
    if (type.kind === 'list') return [entry(type.elementId, 'element', type.element, deltaType?.kind === 'array' ? deltaType.element : undefined)];
    if (type.kind === 'map') {
      return [
        entry(type.keyId, 'key', type.key, deltaType?.kind === 'map' ? deltaType.key : undefined),
        entry(type.valueId, 'value', type.value, deltaType?.kind === 'map' ? deltaType.value : undefined),
      ];
    }
    return [];
  };
  const entry = (id: number, name: string, type: IcebergType, deltaType: DataType | undefined): unknown => {
    const nested = nestedMapping(type, deltaType);
    return { 'field-id': id, names: [name], ...(nested.length > 0 ? { fields: nested } : {}) };
  };
  return JSON.stringify(struct(schema.fields, delta));
}

/**
 * The `iceberg.schema` footer entry of a data file written to an IcebergCompat Delta table: the
 * file's own columns (physical names, column mapping and nested ids), as Iceberg writers record
 * it. Readers that match columns by name through this entry (icebird) then find them by id.
 * Undefined when some field has no id (nothing trustworthy to record).
 */
export function fileSchemaJson(fields: readonly StructField[]): string | undefined {
  const physical = (type: DataType): DataType => {
    if (type.kind === 'struct') return { kind: 'struct', fields: type.fields.map((f) => ({ ...f, name: f.physicalName, type: physical(f.type) })) };
    if (type.kind === 'array') return { ...type, element: physical(type.element) };
    if (type.kind === 'map') return { ...type, key: physical(type.key), value: physical(type.value) };
    return type;
  };
  try {
    const struct = physical({ kind: 'struct', fields: [...fields] }) as StructType;
    const missing = (): number => {
      throw new LochError('INTERNAL', 'a field has no id');
    };
    return JSON.stringify(schemaToJson(fromLochSchema(struct, 0, missing, { keepIds: true })));
  } catch {
    return undefined;
  }
}
