import { LochError } from '../../core/errors.js';
import type { DataType, StructField, StructType } from '../../expr/types.js';
import { typeToString } from '../../expr/types.js';
import type { Metadata } from '../../formats/delta/spec/actions.js';
import { booleanProperty } from '../../formats/delta/spec/protocol.js';
import { COLUMN_ID_KEY, PHYSICAL_NAME_KEY } from '../../formats/delta/spec/schema.js';
import { parseTableProperties } from '../../formats/delta/write/properties.js';
import { protocolSupports } from '../../formats/delta/write/protocol-for.js';
import {
  ALLOWED_TYPE_CHANGES,
  isAtomicType,
  isIcebergCompatibleTypeChange,
  isWideningTypeChange,
  withTypeChange,
} from '../../formats/delta/write/type-widening.js';
import { clusteringColumnsOf } from '../maintenance/clustering.js';
import { dottedPath, locateColumn, replaceNestedType, updateField } from './column-path.js';
import type { ColumnLocation } from './column-path.js';
import { referencesColumn } from './column-references.js';
import { applyMetadata, currentSchema, requireMetadata } from './schema-change.js';
import { dropStatsColumns, renameStatsColumns } from './stats-columns-rename.js';
import type { DeltaTransaction } from './transaction.js';

/**
 * Column changes of ALTER TABLE with Databricks' rules: RENAME COLUMN and DROP COLUMN[S] only
 * with column mapping (physical names and data files stay; only the schema changes), COMMENT,
 * TYPE (type widening, only with `delta.enableTypeWidening`) and SET/DROP NOT NULL. Each stages
 * one metadata change and names the operation as Spark does; the caller commits.
 */

const CONSTRAINT_PREFIX = 'delta.constraints.';

function invalid(tx: DeltaTransaction, message: string, column?: readonly string[]): LochError {
  return new LochError('INVALID_ARGUMENT', `delta: table ${tx.table.name}: ${message}`, {
    context: { table: tx.table.name, ...(column !== undefined ? { column: dottedPath(column) } : {}) },
  });
}

function mappingMode(tx: DeltaTransaction, metadata: Metadata): 'none' | 'name' | 'id' {
  return parseTableProperties({ ...metadata.configuration }, tx.table.name, { allowUnknownDeltaKeys: true }).columnMappingMode;
}

/** Databricks refuses renames and drops without column mapping: files name columns by their display name. */
function requireColumnMapping(tx: DeltaTransaction, metadata: Metadata, what: string): void {
  if (mappingMode(tx, metadata) !== 'none') return;
  throw new LochError(
    'INVALID_ARGUMENT',
    `delta: table ${tx.table.name}: ${what} needs column mapping; enable it first with ALTER TABLE … SET TBLPROPERTIES ('delta.columnMapping.mode' = 'name')`,
    { context: { table: tx.table.name, property: 'delta.columnMapping.mode' } },
  );
}

function locate(tx: DeltaTransaction, schema: StructType, path: readonly string[]): ColumnLocation {
  const found = locateColumn(schema, path);
  if (found !== undefined) return found;
  throw new LochError('NOT_FOUND', `delta: table ${tx.table.name} has no column ${dottedPath(path)} (columns: ${schema.fields.map((f) => f.name).join(', ')})`, {
    context: { table: tx.table.name, column: dottedPath(path) },
  });
}

/** A column a CHECK constraint uses cannot be renamed, dropped or retyped (Databricks: DELTA_CONSTRAINT_DEPENDENT_COLUMN_CHANGE). */
function refuseConstrained(tx: DeltaTransaction, metadata: Metadata, names: readonly string[], what: string): void {
  for (const [key, expr] of Object.entries(metadata.configuration)) {
    if (!key.toLowerCase().startsWith(CONSTRAINT_PREFIX) || !referencesColumn(expr, names)) continue;
    const name = key.slice(CONSTRAINT_PREFIX.length);
    throw invalid(tx, `cannot ${what}: CHECK constraint ${name} (${expr}) uses column ${dottedPath(names)}; drop the constraint first (ALTER TABLE … DROP CONSTRAINT ${name})`, names);
  }
}

function refuseInsideCollections(tx: DeltaTransaction, loc: ColumnLocation, what: string): void {
  if (loc.fieldDepth === loc.steps.length) return;
  throw invalid(tx, `cannot ${what}: array elements and map keys and values are not named columns`, loc.names);
}

/** ALTER TABLE t RENAME COLUMN a[.b…] TO c: the field keeps its physical name and id. */
export function stageRenameColumn(tx: DeltaTransaction, path: readonly string[], newName: string): void {
  const metadata = requireMetadata(tx);
  const schema = currentSchema(tx);
  const what = `rename column ${dottedPath(path)}`;
  requireColumnMapping(tx, metadata, `RENAME COLUMN ${dottedPath(path)}`);
  const loc = locate(tx, schema, path);
  refuseInsideCollections(tx, loc, what);
  if (newName.trim() === '') throw invalid(tx, `cannot ${what}: the new name is empty`, loc.names);
  const clash = loc.parent.fields.find((f) => f !== loc.field && f.name.toLowerCase() === newName.toLowerCase());
  if (clash !== undefined) {
    throw new LochError('ALREADY_EXISTS', `delta: table ${tx.table.name}: cannot ${what} to ${newName}: column ${dottedPath([...loc.names.slice(0, -1), clash.name])} already exists`, {
      context: { table: tx.table.name, column: dottedPath(loc.names) },
    });
  }
  refuseConstrained(tx, metadata, loc.names, what);
  const newNames = [...loc.names.slice(0, -1), newName];
  const next = updateField(schema, loc.steps, (f) => ({ ...f, name: newName }));
  const topLevel = loc.steps.length === 1;
  const partitionColumns = topLevel ? metadata.partitionColumns.map((p) => (p === loc.field.name ? newName : p)) : metadata.partitionColumns;
  const configuration = renameStatsColumns(metadata.configuration, loc.names, newNames);
  applyMetadata(tx, { ...metadata, partitionColumns, configuration }, next);
  tx.operation = { name: 'RENAME COLUMN', parameters: { oldColumnPath: dottedPath(loc.names), newColumnPath: dottedPath(newNames) }, metrics: {} };
}

/** ALTER TABLE t DROP COLUMN[S] [IF EXISTS] a, b.c: data files keep the values; the schema forgets them. */
export function stageDropColumns(tx: DeltaTransaction, paths: readonly (readonly string[])[], ifExists: boolean): void {
  const metadata = requireMetadata(tx);
  requireColumnMapping(tx, metadata, `DROP COLUMN ${paths.map(dottedPath).join(', ')}`);
  let schema = currentSchema(tx);
  let configuration: Readonly<Record<string, string>> = metadata.configuration;
  const clustering = tx.snapshot !== undefined ? clusteringColumnsOf(tx.snapshot).map((c) => c.toLowerCase()) : [];
  const dropped: (readonly string[])[] = [];
  for (const path of paths) {
    const what = `drop column ${dottedPath(path)}`;
    if (locateColumn(schema, path) === undefined && ifExists) continue;
    const loc = locate(tx, schema, path);
    refuseInsideCollections(tx, loc, what);
    const top = loc.steps.length === 1;
    if (top && metadata.partitionColumns.includes(loc.field.name)) throw invalid(tx, `cannot ${what}: it is a partition column (partitioned by ${metadata.partitionColumns.join(', ')})`, loc.names);
    if (clustering.includes(dottedPath(loc.names).toLowerCase())) throw invalid(tx, `cannot ${what}: it is a clustering column; change the clustering first (ALTER TABLE … CLUSTER BY)`, loc.names);
    if (loc.parent.fields.length === 1) {
      throw invalid(tx, top ? `cannot ${what}: it is the table's only column` : `cannot ${what}: it is the only field of ${dottedPath(loc.names.slice(0, -1))}`, loc.names);
    }
    refuseConstrained(tx, metadata, loc.names, what);
    schema = updateField(schema, loc.steps, () => undefined);
    configuration = dropStatsColumns(configuration, loc.names);
    dropped.push(loc.names);
  }
  if (dropped.length > 0) applyMetadata(tx, { ...metadata, configuration }, schema);
  tx.operation = { name: 'DROP COLUMNS', parameters: { columns: JSON.stringify(dropped.map(dottedPath)) }, metrics: {} };
}

/** What ALTER|CHANGE COLUMN changes; at least one of them. */
export interface ColumnChange {
  readonly comment?: string;
  readonly type?: DataType;
}

/** ALTER TABLE t ALTER|CHANGE [COLUMN] c COMMENT '…' | TYPE t. */
export function stageAlterColumn(tx: DeltaTransaction, path: readonly string[], change: ColumnChange): void {
  const metadata = requireMetadata(tx);
  const schema = currentSchema(tx);
  const loc = locate(tx, schema, path);
  let field = loc.field;
  if (change.comment !== undefined) {
    refuseInsideCollections(tx, loc, `comment on ${dottedPath(loc.names)}`);
    field = { ...field, metadata: { ...(field.metadata ?? {}), comment: change.comment } };
  }
  if (change.type !== undefined) field = widened(tx, metadata, loc, field, change.type);
  const next = updateField(schema, loc.steps.slice(0, loc.fieldDepth), () => field);
  applyMetadata(tx, metadata, next);
  const parent = loc.names.slice(0, loc.fieldDepth - 1);
  tx.operation = { name: 'CHANGE COLUMN', parameters: { column: JSON.stringify(fieldToMap(parent, field)) }, metrics: {} };
}

/** The field after changing the type at `loc` to `to`, with the change recorded in `delta.typeChanges`. */
function widened(tx: DeltaTransaction, metadata: Metadata, loc: ColumnLocation, field: StructField, to: DataType): StructField {
  const from = loc.type;
  const column = dottedPath(loc.names);
  if (typeToString(from) === typeToString(to)) return field;
  const what = `change column ${column} from ${typeToString(from)} to ${typeToString(to)}`;
  if (!isAtomicType(from) || !isAtomicType(to)) {
    throw invalid(tx, `cannot ${what}: only primitive types can be widened; change the nested field instead (${column}.<field>, ${column}.element, ${column}.key or ${column}.value)`, loc.names);
  }
  if (!booleanProperty(metadata, 'delta.enableTypeWidening')) {
    throw new LochError('INVALID_ARGUMENT', `delta: table ${tx.table.name}: cannot ${what}: type widening is not enabled; set TBLPROPERTIES ('delta.enableTypeWidening' = 'true') first`, {
      context: { table: tx.table.name, column, property: 'delta.enableTypeWidening' },
    });
  }
  if (!isWideningTypeChange(from, to)) throw invalid(tx, `cannot ${what}: not a supported widening (allowed: ${ALLOWED_TYPE_CHANGES})`, loc.names);
  const iceberg = ['delta.enableIcebergCompatV1', 'delta.enableIcebergCompatV2'].find((k) => booleanProperty(metadata, k));
  if (iceberg !== undefined && !isIcebergCompatibleTypeChange(from, to)) throw invalid(tx, `cannot ${what}: ${iceberg} is on and Iceberg does not allow this change`, loc.names);
  refuseConstrained(tx, metadata, loc.names, what);
  const protocol = tx.currentProtocol;
  // Tables on the preview feature also record the version (clients of the preview read it).
  const preview = protocol !== undefined && protocolSupports(protocol, 'typeWidening-preview') && !protocolSupports(protocol, 'typeWidening');
  const inner = loc.steps.slice(loc.fieldDepth);
  const change = {
    fromType: typeToString(from),
    toType: typeToString(to),
    fieldPath: loc.names.slice(loc.fieldDepth).join('.'),
    ...(preview ? { tableVersion: tx.readVersion + 1 } : {}),
  };
  return { ...field, type: replaceNestedType(field.type, inner, to), metadata: withTypeChange(field.metadata, change) };
}

/** ALTER TABLE t ALTER COLUMN c SET NOT NULL (existing rows checked by the caller) / DROP NOT NULL. */
export function stageNullability(tx: DeltaTransaction, column: string, nullable: boolean): StructField {
  const metadata = requireMetadata(tx);
  const schema = currentSchema(tx);
  const loc = locate(tx, schema, [column]);
  const field = { ...loc.field, nullable };
  applyMetadata(tx, metadata, updateField(schema, loc.steps, () => field));
  tx.operation = { name: 'CHANGE COLUMN', parameters: { column: JSON.stringify(fieldToMap([], field)) }, metrics: {} };
  return field;
}

/** The column as Spark's history shows it: dotted name, type name, nullability and metadata. */
function fieldToMap(parent: readonly string[], field: StructField): Record<string, unknown> {
  const metadata: Record<string, unknown> = { ...(field.metadata ?? {}) };
  if (field.physicalName !== field.name) metadata[PHYSICAL_NAME_KEY] = field.physicalName;
  if (field.fieldId !== undefined) metadata[COLUMN_ID_KEY] = field.fieldId;
  const type = field.type.kind === 'primitive' || field.type.kind === 'decimal' ? typeToString(field.type) : field.type.kind;
  return { name: dottedPath([...parent, field.name]), type, nullable: field.nullable, metadata };
}
