import { LochError } from '../../../core/index.js';
import type { IcebergStruct, IcebergType } from '../model.js';

/**
 * Java-compatible Avro writer schemas for manifest lists and manifests (field names, ids, order
 * and record names as Iceberg Java writes them). Every type is inlined: icebird cannot resolve
 * named-type references, and Java accepts either.
 */

export type FormatVersion = 1 | 2 | 3;

type AvroField = Record<string, unknown>;

const optional = (name: string, type: unknown, id: number): AvroField => ({ name, type: ['null', type], default: null, 'field-id': id });
const required = (name: string, type: unknown, id: number): AvroField => ({ name, type, 'field-id': id });

/** Java's k117_v118-style array-of-records encoding of a map with non-string keys. */
function mapType(keyId: number, valueId: number, valueType: string): unknown {
  return {
    type: 'array',
    items: {
      type: 'record',
      name: `k${keyId}_v${valueId}`,
      fields: [required('key', 'int', keyId), required('value', valueType, valueId)],
    },
    logicalType: 'map',
  };
}

const listType = (elementId: number, elementType: string): unknown => ({ type: 'array', items: elementType, 'element-id': elementId });

/** The manifest list record `manifest_file` for a format version. */
export function manifestListSchema(formatVersion: FormatVersion): unknown {
  const summary = {
    type: 'array',
    items: {
      type: 'record',
      name: 'r508',
      fields: [
        required('contains_null', 'boolean', 509),
        optional('contains_nan', 'boolean', 518),
        optional('lower_bound', 'bytes', 510),
        optional('upper_bound', 'bytes', 511),
      ],
    },
    'element-id': 508,
  };
  const head = [required('manifest_path', 'string', 500), required('manifest_length', 'long', 501), required('partition_spec_id', 'int', 502)];
  if (formatVersion === 1) {
    const fields = [
      ...head,
      required('added_snapshot_id', 'long', 503),
      optional('added_files_count', 'int', 504),
      optional('existing_files_count', 'int', 505),
      optional('deleted_files_count', 'int', 506),
      optional('partitions', summary, 507),
      optional('added_rows_count', 'long', 512),
      optional('existing_rows_count', 'long', 513),
      optional('deleted_rows_count', 'long', 514),
      optional('key_metadata', 'bytes', 519),
    ];
    return { type: 'record', name: 'manifest_file', fields };
  }
  const fields = [
    ...head,
    required('content', 'int', 517),
    required('sequence_number', 'long', 515),
    required('min_sequence_number', 'long', 516),
    required('added_snapshot_id', 'long', 503),
    required('added_files_count', 'int', 504),
    required('existing_files_count', 'int', 505),
    required('deleted_files_count', 'int', 506),
    required('added_rows_count', 'long', 512),
    required('existing_rows_count', 'long', 513),
    required('deleted_rows_count', 'long', 514),
    optional('partitions', summary, 507),
    optional('key_metadata', 'bytes', 519),
  ];
  if (formatVersion === 3) fields.push(optional('first_row_id', 'long', 520));
  return { type: 'record', name: 'manifest_file', fields };
}

/** Java's default `block_size_in_bytes` for v1 manifests (the field is required there, and meaningless). */
export const V1_BLOCK_SIZE = 67_108_864;

function dataFileFields(formatVersion: FormatVersion, partition: unknown): AvroField[] {
  const fields: AvroField[] = [];
  if (formatVersion >= 2) fields.push(required('content', 'int', 134));
  fields.push(
    required('file_path', 'string', 100),
    required('file_format', 'string', 101),
    required('partition', partition, 102),
    required('record_count', 'long', 103),
    required('file_size_in_bytes', 'long', 104),
  );
  if (formatVersion === 1) fields.push(required('block_size_in_bytes', 'long', 105));
  fields.push(
    optional('column_sizes', mapType(117, 118, 'long'), 108),
    optional('value_counts', mapType(119, 120, 'long'), 109),
    optional('null_value_counts', mapType(121, 122, 'long'), 110),
    optional('nan_value_counts', mapType(138, 139, 'long'), 137),
    optional('lower_bounds', mapType(126, 127, 'bytes'), 125),
    optional('upper_bounds', mapType(129, 130, 'bytes'), 128),
    optional('key_metadata', 'bytes', 131),
    optional('split_offsets', listType(133, 'long'), 132),
  );
  if (formatVersion >= 2) fields.push(optional('equality_ids', listType(136, 'int'), 135));
  fields.push(optional('sort_order_id', 'int', 140));
  if (formatVersion === 3) fields.push(optional('first_row_id', 'long', 142));
  if (formatVersion >= 2) fields.push(optional('referenced_data_file', 'string', 143));
  if (formatVersion === 3) fields.push(optional('content_offset', 'long', 144), optional('content_size_in_bytes', 'long', 145));
  return fields;
}

/** The manifest record `manifest_entry` for a format version and a partition type (partition field ids and result types). */
export function manifestEntrySchema(formatVersion: FormatVersion, partitionType: IcebergStruct): unknown {
  const dataFile = { type: 'record', name: 'r2', fields: dataFileFields(formatVersion, partitionRecordSchema(partitionType)) };
  const fields: AvroField[] = [required('status', 'int', 0)];
  if (formatVersion === 1) {
    fields.push(required('snapshot_id', 'long', 1));
  } else {
    fields.push(optional('snapshot_id', 'long', 1), optional('sequence_number', 'long', 3), optional('file_sequence_number', 'long', 4));
  }
  fields.push(required('data_file', dataFile, 2));
  return { type: 'record', name: 'manifest_entry', fields };
}

/** The partition record `r102`: one optional field per partition field, named after it (sanitised). */
export function partitionRecordSchema(partitionType: IcebergStruct): unknown {
  const usedNames = new Set<string>();
  const fields = partitionType.fields.map((field) => {
    const type = partitionValueAvroType(field.type, field.id, usedNames);
    const name = avroName(field.name);
    return type === 'null' ? required(name, 'null', field.id) : optional(name, type, field.id);
  });
  return { type: 'record', name: 'r102', fields };
}

/** Smallest number of bytes whose two's complement holds every unscaled value of precision P. */
export function decimalBytes(precision: number): number {
  const max = 10n ** BigInt(precision) - 1n;
  let bytes = 1;
  while ((1n << BigInt(8 * bytes - 1)) - 1n < max) bytes++;
  return bytes;
}

function namedFixed(base: string, fieldId: number, usedNames: Set<string>, attrs: Record<string, unknown>): unknown {
  // Avro forbids defining a name twice in one schema; a second decimal(9,2) gets the field id appended.
  const name = usedNames.has(base) ? `${base}_${fieldId}` : base;
  usedNames.add(name);
  return { type: 'fixed', name, ...attrs };
}

const TIMESTAMP = (unit: 'micros' | 'nanos', utc: boolean): unknown => ({ type: 'long', logicalType: `timestamp-${unit}`, 'adjust-to-utc': utc });

/** The Avro type of an Iceberg partition value (Iceberg's Appendix A mapping; only primitive result types occur). */
export function partitionValueAvroType(type: IcebergType, fieldId: number, usedNames: Set<string>): unknown {
  switch (type.kind) {
    case 'decimal':
      return namedFixed(`decimal_${type.precision}_${type.scale}`, fieldId, usedNames, {
        size: decimalBytes(type.precision),
        logicalType: 'decimal',
        precision: type.precision,
        scale: type.scale,
      });
    case 'fixed':
      return namedFixed(`fixed_${type.length}`, fieldId, usedNames, { size: type.length });
    case 'primitive':
      break;
    default:
      throw new LochError('INVALID_ARGUMENT', `iceberg manifest: partition field ${fieldId} has type ${type.kind}, which cannot be a partition value`);
  }
  switch (type.name) {
    case 'unknown':
      return 'null';
    case 'boolean':
    case 'int':
    case 'long':
    case 'float':
    case 'double':
    case 'string':
      return type.name;
    case 'binary':
      return 'bytes';
    case 'date':
      return { type: 'int', logicalType: 'date' };
    case 'time':
      return { type: 'long', logicalType: 'time-micros' };
    case 'timestamp':
      return TIMESTAMP('micros', false);
    case 'timestamptz':
      return TIMESTAMP('micros', true);
    case 'timestamp_ns':
      return TIMESTAMP('nanos', false);
    case 'timestamptz_ns':
      return TIMESTAMP('nanos', true);
    case 'uuid':
      return namedFixed('uuid_fixed', fieldId, usedNames, { size: 16, logicalType: 'uuid' });
    case 'variant':
      throw new LochError('INVALID_ARGUMENT', `iceberg manifest: partition field ${fieldId} has type variant, which cannot be a partition value`);
  }
}

/**
 * A valid Avro name for an Iceberg field name, as Java's AvroSchemaUtil makes it: a leading digit
 * gets "_" in front, any other character outside [A-Za-z0-9_] becomes "_x" + its upper-case hex code.
 */
export function avroName(name: string): string {
  let out = '';
  for (const [index, ch] of [...name].entries()) {
    const valid = /[A-Za-z_]/.test(ch) || (index > 0 && /[0-9]/.test(ch));
    if (valid) out += ch;
    else if (index === 0 && /[0-9]/.test(ch)) out += `_${ch}`;
    else out += `_x${(ch.codePointAt(0) ?? 0).toString(16).toUpperCase()}`;
  }
  return out === '' ? '_' : out;
}
