import { LochError } from '../../../core/errors.js';
import type { DataType, StructField, StructType } from '../../../expr/types.js';
import { COLUMN_ID_KEY, PHYSICAL_NAME_KEY } from '../spec/schema.js';

/**
 * Column mapping for writers (PROTOCOL.md "Writer Requirements for Column Mapping"): every
 * column, nested or leaf, carries a unique physical name and a unique 32-bit id in its
 * metadata; the largest id handed out is kept in `delta.columnMapping.maxColumnId`.
 */

const MAX_FIELD_ID = 2 ** 31 - 1;

export interface ColumnMappingResult {
  readonly schema: StructType;
  /** The new value of `delta.columnMapping.maxColumnId`: never below `startId`. */
  readonly maxColumnId: number;
}

function existingPhysicalName(field: StructField): string | undefined {
  const fromMetadata = field.metadata?.[PHYSICAL_NAME_KEY];
  if (typeof fromMetadata === 'string' && fromMetadata !== '') return fromMetadata;
  return field.physicalName !== field.name ? field.physicalName : undefined;
}

function existingId(field: StructField): number | undefined {
  if (field.fieldId !== undefined) return field.fieldId;
  const fromMetadata = field.metadata?.[COLUMN_ID_KEY];
  return typeof fromMetadata === 'number' && Number.isInteger(fromMetadata) ? fromMetadata : undefined;
}

class Assigner {
  maxId: number;

  constructor(
    startId: number,
    private readonly newPhysicalName: (field: StructField) => string,
  ) {
    this.maxId = startId;
  }

  /** Existing ids raise the counter first, so that new ids never collide with them. */
  observe(type: DataType): void {
    for (const f of childFields(type)) {
      const id = existingId(f);
      if (id !== undefined && id > this.maxId) this.maxId = id;
      this.observe(f.type);
    }
  }

  field(f: StructField, path: string): StructField {
    const physicalName = existingPhysicalName(f) ?? this.fresh(f, path);
    let fieldId = existingId(f);
    if (fieldId === undefined) {
      if (this.maxId >= MAX_FIELD_ID) {
        throw new LochError('INVALID_ARGUMENT', `delta column mapping: no column id left for column ${path} (ids are 32-bit)`, { context: { column: path } });
      }
      fieldId = ++this.maxId;
    }
    const metadata = { ...(f.metadata ?? {}), [COLUMN_ID_KEY]: fieldId, [PHYSICAL_NAME_KEY]: physicalName };
    return { ...f, type: this.type(f.type, path), physicalName, fieldId, metadata };
  }

  private fresh(f: StructField, path: string): string {
    const name = this.newPhysicalName(f);
    if (name === '') throw new LochError('INTERNAL', `delta column mapping: the physical name generator gave an empty name for column ${path}`);
    return name;
  }

  struct(fields: readonly StructField[], parent: string): StructType {
    const mapped = fields.map((f) => this.field(f, parent === '' ? f.name : `${parent}.${f.name}`));
    const seen = new Map<string, string>();
    for (const f of mapped) {
      const other = seen.get(f.physicalName);
      if (other !== undefined) {
        throw new LochError('INVALID_ARGUMENT', `delta column mapping: columns ${other} and ${f.name}${parent === '' ? '' : ` of ${parent}`} share the physical name '${f.physicalName}'`, {
          context: { column: parent === '' ? f.name : `${parent}.${f.name}`, physicalName: f.physicalName },
        });
      }
      seen.set(f.physicalName, f.name);
    }
    return { kind: 'struct', fields: mapped };
  }

  type(type: DataType, path: string): DataType {
    switch (type.kind) {
      case 'struct':
        return this.struct(type.fields, path);
      case 'array':
        return { ...type, element: this.type(type.element, `${path}.element`) };
      case 'map':
        return { ...type, key: this.type(type.key, `${path}.key`), value: this.type(type.value, `${path}.value`) };
      default:
        return type;
    }
  }
}

/** The struct fields directly inside `type`, looking through arrays and maps. */
function childFields(type: DataType): StructField[] {
  switch (type.kind) {
    case 'struct':
      return [...type.fields];
    case 'array':
      return childFields(type.element);
    case 'map':
      return [...childFields(type.key), ...childFields(type.value)];
    default:
      return [];
  }
}

/**
 * Gives every field of `schema` — nested struct fields too, inside arrays and maps — a column
 * mapping id and physical name where it has none, in schema order (parent before children),
 * ids counting up from max(startId, largest existing id) + 1. A field counts as mapped when its
 * metadata has `delta.columnMapping.physicalName` / `.id` or its physicalName / fieldId is set
 * apart from the name; mapped fields keep theirs. New physical names come from
 * `newPhysicalName` (Spark: 'col-<uuid>'; pass `(f) => f.name` when turning mapping on for
 * a table whose files use the display names). Both modes assign ids and names (the protocol
 * requires both); `mode` only documents the caller's intent. The metadata keys are set on
 * every field, so schemaToDeltaJson writes them. Running out of 32-bit ids, or two sibling
 * fields with one physical name, throw INVALID_ARGUMENT; an empty generated name throws INTERNAL.
 */
export function assignColumnMapping(
  schema: StructType,
  mode: 'name' | 'id',
  startId: number,
  newPhysicalName: (field: StructField) => string,
): ColumnMappingResult {
  if (!Number.isSafeInteger(startId) || startId < 0) {
    throw new LochError('INVALID_ARGUMENT', `delta column mapping: maxColumnId ${startId} is not a non-negative integer`);
  }
  const assigner = new Assigner(startId, newPhysicalName);
  assigner.observe(schema);
  return { schema: assigner.struct(schema.fields, ''), maxColumnId: assigner.maxId };
}
