import { LochError } from '../../core/errors.js';
import type { StructField, StructType } from '../../expr/types.js';
import type { Metadata } from '../../formats/delta/spec/actions.js';
import { parseDeltaSchema, schemaToDeltaJson } from '../../formats/delta/spec/schema.js';
import { assignColumnMapping } from '../../formats/delta/write/column-mapping-assign.js';
import { assignNestedIds } from '../../formats/delta/write/nested-ids.js';
import { icebergCompatVersion, parseTableProperties } from '../../formats/delta/write/properties.js';
import { requiredProtocol } from '../../formats/delta/write/protocol-for.js';
import { isUniformIceberg, uniformConfiguration } from '../uniform/uniform-properties.js';
import type { DeltaTransaction } from './transaction.js';

const MAX_COLUMN_ID_KEY = 'delta.columnMapping.maxColumnId';

/**
 * Sets `tx`'s metadata to `metadata` after giving new fields column-mapping names and ids (when
 * the table maps columns), and raises the protocol to what the new schema and properties need.
 * Returns the schema as the table will see it.
 */
export function applyMetadata(tx: DeltaTransaction, metadata: Metadata, schema: StructType): StructType {
  // UniForm Iceberg brings IcebergCompatV2 and column mapping along (uniform-properties.ts).
  const props = parseTableProperties(uniformConfiguration({ ...metadata.configuration }, tx.table.name), tx.table.name, { allowUnknownDeltaKeys: true });
  let configuration = props.normalized;
  let mapped = schema;
  if (props.columnMappingMode !== 'none') {
    const startId = Number(configuration[MAX_COLUMN_ID_KEY] ?? '0');
    // Columns that exist in files under their own names keep them as physical names (Spark does
    // the same when mapping is turned on for a table with data).
    const unmapped = tx.snapshot !== undefined && tx.snapshot.columnMapping === 'none' ? allNames(tx.snapshot.schema) : new Set<string>();
    // UniForm: fields inside structs keep their names, because Iceberg readers on DuckDB find
    // nested fields by name (only top-level columns by field id); new top-level names are
    // Avro-safe ('col_<hex>'), because Iceberg readers that match parquet columns by name
    // compare against Avro-sanitised names (Java's AvroSchemaUtil.makeCompatibleName).
    const uniform = isUniformIceberg(props.normalized);
    const nested = uniform ? nestedFields(schema) : new Set<StructField>();
    const fresh = (): string => (uniform ? `col_${tx.ctx.ids.uuid().replace(/-/g, '')}` : `col-${tx.ctx.ids.uuid()}`);
    const assigned = assignColumnMapping(schema, props.columnMappingMode, startId, (f) => (unmapped.has(f.name) || nested.has(f) ? f.name : fresh()));
    mapped = assigned.schema;
    configuration = { ...configuration, [MAX_COLUMN_ID_KEY]: String(assigned.maxColumnId) };
    if ((icebergCompatVersion(configuration) ?? 0) >= 2) {
      // IcebergCompatV2: list elements and map keys/values get ids too, written as parquet field ids.
      const nested = assignNestedIds(mapped, assigned.maxColumnId);
      mapped = nested.schema;
      configuration = { ...configuration, [MAX_COLUMN_ID_KEY]: String(nested.maxColumnId) };
    }
  }
  checkPartitionColumns(tx.table.name, mapped, metadata.partitionColumns);
  tx.setMetadata({ ...metadata, schemaString: schemaToDeltaJson(mapped), configuration: storedConfiguration(configuration) });
  const current = tx.currentProtocol;
  tx.setProtocol(
    requiredProtocol({
      properties: configuration,
      schema: mapped,
      hasCheckConstraints: props.constraints.size > 0,
      ...(current !== undefined ? { current } : {}),
    }),
  );
  return mapped;
}

/** Protocol requests (delta.feature.*, delta.min*Version) shape the protocol and are not stored, as in Spark. */
function storedConfiguration(configuration: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(configuration)) {
    if (!k.startsWith('delta.feature.') && k !== 'delta.minReaderVersion' && k !== 'delta.minWriterVersion') out[k] = v;
  }
  return out;
}

/** Adds columns at the end of the schema (ALTER TABLE ADD COLUMNS, mergeSchema). */
export function evolveSchema(tx: DeltaTransaction, extra: readonly StructField[]): StructType {
  const metadata = requireMetadata(tx);
  const schema = currentSchema(tx);
  const known = new Set(schema.fields.map((f) => f.name.toLowerCase()));
  for (const f of extra) {
    if (known.has(f.name.toLowerCase())) {
      throw new LochError('ALREADY_EXISTS', `delta schema: table ${tx.table.name} already has a column ${f.name}`, { context: { table: tx.table.name, column: f.name } });
    }
    if (!f.nullable) {
      throw new LochError('INVALID_ARGUMENT', `delta schema: table ${tx.table.name}: new column ${f.name} must be nullable (existing rows have no value for it)`);
    }
    known.add(f.name.toLowerCase());
  }
  const fresh = extra.map((f) => ({ ...f, physicalName: f.name }) as StructField);
  return applyMetadata(tx, metadata, { kind: 'struct', fields: [...schema.fields, ...fresh] });
}

/** The schema as of the transaction's pending metadata. */
export function currentSchema(tx: DeltaTransaction): StructType {
  const metadata = requireMetadata(tx);
  if (tx.snapshot !== undefined && metadata === tx.snapshot.metadata) return tx.snapshot.schema;
  return parseDeltaSchema(metadata.schemaString, { table: tx.table.name, version: tx.readVersion + 1 }, { columnMapping: parseTableProperties({ ...metadata.configuration }, tx.table.name, { allowUnknownDeltaKeys: true }).columnMappingMode });
}

export function requireMetadata(tx: DeltaTransaction): Metadata {
  const metadata = tx.currentMetadata;
  if (metadata === undefined) throw new LochError('NOT_FOUND', `delta: table ${tx.table.name} does not exist`, { context: { table: tx.table.name } });
  return metadata;
}

function checkPartitionColumns(table: string, schema: StructType, partitionColumns: readonly string[]): void {
  for (const name of partitionColumns) {
    const f = schema.fields.find((x) => x.name === name);
    if (f === undefined) {
      throw new LochError('INVALID_ARGUMENT', `delta schema: table ${table}: partition column ${name} is not a column (columns: ${schema.fields.map((x) => x.name).join(', ')})`);
    }
    if (f.type.kind !== 'primitive' && f.type.kind !== 'decimal') {
      throw new LochError('INVALID_ARGUMENT', `delta schema: table ${table}: partition column ${name} must have a primitive type`);
    }
    if (f.type.kind === 'primitive' && f.type.name === 'binary') {
      throw new LochError('UNSUPPORTED_FEATURE', `delta schema: table ${table}: binary partition column ${name} is not supported`);
    }
  }
  if (partitionColumns.length > 0 && partitionColumns.length === schema.fields.length) {
    throw new LochError('INVALID_ARGUMENT', `delta schema: table ${table}: every column is a partition column; a Delta table needs at least one data column`);
  }
}

function allNames(schema: StructType): Set<string> {
  const out = new Set<string>();
  const walk = (type: StructField['type']): void => {
    if (type.kind === 'struct') for (const f of type.fields) {
      out.add(f.name);
      walk(f.type);
    }
    else if (type.kind === 'array') walk(type.element);
    else if (type.kind === 'map') {
      walk(type.key);
      walk(type.value);
    }
  };
  walk(schema);
  return out;
}

/** Every struct field below the top level (inside structs, lists and maps). */
function nestedFields(schema: StructType): Set<StructField> {
  const out = new Set<StructField>();
  const walk = (type: StructField['type'], top: boolean): void => {
    if (type.kind === 'struct') {
      for (const f of type.fields) {
        if (!top) out.add(f);
        walk(f.type, false);
      }
    } else if (type.kind === 'array') walk(type.element, false);
    else if (type.kind === 'map') {
      walk(type.key, false);
      walk(type.value, false);
    }
  };
  walk(schema, true);
  return out;
}
