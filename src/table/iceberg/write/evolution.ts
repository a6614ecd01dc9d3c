import { LochError } from '../../../core/errors.js';
import type { DataType, StructField } from '../../../expr/types.js';
import type { IcebergField, IcebergSchema, IcebergType, PartitionField, PartitionSpec, TableMetadata } from '../../../formats/iceberg/model.js';
import { fromLochType } from '../../../formats/iceberg/spec/schema.js';
import type { TableRequirement, TableUpdate } from '../../../formats/iceberg/spec/updates.js';
import type { IcebergCommitOutcome, PartitionTerm } from './contracts.js';
import { partitionField } from './iceberg-writer.js';
import type { IcebergTarget } from './transaction.js';
import { beginIcebergTransaction } from './transaction.js';

/** One metadata-only change of an Iceberg table (ALTER TABLE). */
export type IcebergAlteration =
  | { readonly kind: 'add_columns'; readonly columns: readonly StructField[] }
  | { readonly kind: 'drop_columns'; readonly paths: readonly (readonly string[])[]; readonly ifExists: boolean }
  | { readonly kind: 'rename_column'; readonly path: readonly string[]; readonly newName: string }
  | { readonly kind: 'alter_column'; readonly path: readonly string[]; readonly type?: DataType; readonly comment?: string }
  | { readonly kind: 'set_nullability'; readonly column: string; readonly nullable: boolean }
  | { readonly kind: 'set_properties'; readonly properties: Readonly<Record<string, string>> }
  | { readonly kind: 'unset_properties'; readonly keys: readonly string[]; readonly ifExists: boolean }
  | { readonly kind: 'add_partition_field'; readonly term: PartitionTerm; readonly name?: string }
  | { readonly kind: 'drop_partition_field'; readonly term?: PartitionTerm; readonly name?: string }
  | { readonly kind: 'replace_partition_field'; readonly term?: PartitionTerm; readonly oldName?: string; readonly with: PartitionTerm; readonly name?: string };

/**
 * Applies one alteration as a metadata-only commit. Schema changes add a new schema (new ids
 * for new columns, above last-column-id) resting on assert-current-schema-id; partition
 * evolution adds a new default spec (new partition field ids) resting on assert-default-spec-id;
 * data files are never rewritten. Refused (INVALID_ARGUMENT): required new columns, type
 * changes other than int→long, float→double and widening decimal precision, dropping a column
 * the default spec partitions by, making a column NOT NULL.
 */
export async function alterIceberg(target: IcebergTarget, alteration: IcebergAlteration): Promise<IcebergCommitOutcome> {
  const tx = await beginIcebergTransaction(target);
  const m = tx.metadata;
  const where = `iceberg alter: table ${target.table.name}`;
  const change = changeFor(m, tx.schema, tx.spec, alteration, where);
  if (change === undefined) return { kind: 'noop' };
  tx.addUpdates(change.updates, change.requirements);
  return tx.commit();
}

type Change = { updates: TableUpdate[]; requirements: TableRequirement[] } | undefined;

function changeFor(m: TableMetadata, schema: IcebergSchema, spec: PartitionSpec, a: IcebergAlteration, where: string): Change {
  switch (a.kind) {
    case 'set_properties': {
      const { 'format-version': version, ...rest } = a.properties;
      const updates: TableUpdate[] = [];
      if (version !== undefined) {
        const v = Number(version);
        if (!(v === 1 || v === 2 || v === 3) || v < m.formatVersion) throw new LochError('INVALID_ARGUMENT', `${where}: format-version can only be raised (now ${m.formatVersion}), got ${version}`);
        if (v > m.formatVersion) updates.push({ action: 'upgrade-format-version', formatVersion: v });
      }
      if (Object.keys(rest).length > 0) updates.push({ action: 'set-properties', updates: rest });
      return { updates, requirements: [] };
    }
    case 'unset_properties': {
      const missing = a.keys.filter((k) => !(k in m.properties));
      if (missing.length > 0 && !a.ifExists) throw new LochError('INVALID_ARGUMENT', `${where}: property ${missing[0]} is not set (use IF EXISTS)`);
      const removals = a.keys.filter((k) => k in m.properties);
      return removals.length === 0 ? undefined : { updates: [{ action: 'remove-properties', removals }], requirements: [] };
    }
    case 'add_partition_field':
    case 'drop_partition_field':
    case 'replace_partition_field':
      return specChange(m, schema, spec, a, where);
    default:
      return schemaChange(m, schema, spec, a, where);
  }
}

function schemaChange(m: TableMetadata, schema: IcebergSchema, spec: PartitionSpec, a: IcebergAlteration, where: string): Change {
  let nextId = m.lastColumnId + 1;
  let fields: readonly IcebergField[] = schema.fields;
  switch (a.kind) {
    case 'add_columns':
      for (const c of a.columns) {
        if (!c.nullable) throw new LochError('INVALID_ARGUMENT', `${where}: new column ${c.name} must be nullable (existing rows have no value for it)`);
        if (fields.some((f) => f.name.toLowerCase() === c.name.toLowerCase())) throw new LochError('ALREADY_EXISTS', `${where}: column ${c.name} already exists`);
        const id = nextId++;
        const type = fromLochType(c.type, () => nextId++);
        fields = [...fields, { id, name: c.name, required: false, type }];
      }
      break;
    case 'drop_columns': {
      const sources = new Set(spec.fields.flatMap((f) => f.sourceIds));
      for (const path of a.paths) {
        const found = findField(fields, path);
        if (found === undefined) {
          if (a.ifExists) continue;
          throw new LochError('NOT_FOUND', `${where}: column ${path.join('.')} does not exist`);
        }
        if (sources.has(found.id)) throw new LochError('INVALID_ARGUMENT', `${where}: column ${path.join('.')} is a partition source; drop the partition field first`);
        fields = editField(fields, path, () => undefined);
      }
      break;
    }
    case 'rename_column':
      requireField(fields, a.path, where);
      fields = editField(fields, a.path, (f) => ({ ...f, name: a.newName }));
      break;
    case 'alter_column': {
      const f = requireField(fields, a.path, where);
      const type = a.type === undefined ? f.type : promote(f.type, fromLochType(a.type, () => nextId++), `${where}: column ${a.path.join('.')}`);
      fields = editField(fields, a.path, (x) => ({ ...x, type, ...(a.comment !== undefined ? { doc: a.comment } : {}) }));
      break;
    }
    case 'set_nullability':
      requireField(fields, [a.column], where);
      if (!a.nullable) throw new LochError('INVALID_ARGUMENT', `${where}: Iceberg cannot make column ${a.column} NOT NULL (existing rows may hold NULLs)`);
      fields = editField(fields, [a.column], (x) => ({ ...x, required: false }));
      break;
    default:
      return undefined;
  }
  const schemaId = Math.max(...m.schemas.map((s) => s.schemaId)) + 1;
  const next: IcebergSchema = { schemaId, identifierFieldIds: schema.identifierFieldIds, fields };
  return {
    updates: [
      { action: 'add-schema', schema: next },
      { action: 'set-current-schema', schemaId: -1 },
    ],
    requirements: [{ type: 'assert-current-schema-id', currentSchemaId: schema.schemaId }],
  };
}

function requireField(fields: readonly IcebergField[], path: readonly string[], where: string): IcebergField {
  const f = findField(fields, path);
  if (f === undefined) throw new LochError('NOT_FOUND', `${where}: column ${path.join('.')} does not exist`);
  return f;
}

function findField(fields: readonly IcebergField[], path: readonly string[]): IcebergField | undefined {
  const [head, ...rest] = path;
  const f = fields.find((x) => x.name.toLowerCase() === head?.toLowerCase());
  if (f === undefined || rest.length === 0) return f;
  return f.type.kind === 'struct' ? findField(f.type.fields, rest) : undefined;
}

function editField(fields: readonly IcebergField[], path: readonly string[], edit: (f: IcebergField) => IcebergField | undefined): IcebergField[] {
  const [head, ...rest] = path;
  return fields.flatMap((f) => {
    if (f.name.toLowerCase() !== head?.toLowerCase()) return [f];
    if (rest.length === 0) {
      const edited = edit(f);
      return edited === undefined ? [] : [edited];
    }
    if (f.type.kind !== 'struct') return [f];
    return [{ ...f, type: { kind: 'struct' as const, fields: editField(f.type.fields, rest, edit) } }];
  });
}

/** Iceberg's legal type promotions (spec "Schema Evolution"). */
function promote(from: IcebergType, to: IcebergType, where: string): IcebergType {
  const name = (t: IcebergType) => (t.kind === 'primitive' ? t.name : t.kind);
  if (from.kind === 'primitive' && to.kind === 'primitive') {
    if (from.name === to.name) return from;
    if ((from.name === 'int' && to.name === 'long') || (from.name === 'float' && to.name === 'double')) return to;
  }
  if (from.kind === 'decimal' && to.kind === 'decimal' && to.scale === from.scale && to.precision >= from.precision) return to;
  throw new LochError('INVALID_ARGUMENT', `${where}: cannot change type ${name(from)} to ${name(to)} (Iceberg allows int→long, float→double and widening decimal precision)`);
}

function specChange(m: TableMetadata, schema: IcebergSchema, spec: PartitionSpec, a: IcebergAlteration, where: string): Change {
  let nextFieldId = m.lastPartitionId + 1;
  let fields: PartitionField[] = [...spec.fields];
  const drop = (term: PartitionTerm | undefined, name: string | undefined) => {
    const byName = name === undefined ? undefined : fields.find((f) => f.name === name);
    const match = byName ?? (term === undefined ? undefined : fields.find((f) => sameTerm(f, partitionField(term, schema, 0, where))));
    if (match === undefined) throw new LochError('NOT_FOUND', `${where}: the default partition spec has no field ${name ?? `${term?.transform}(${term?.column})`}`);
    fields = fields.filter((f) => f !== match);
  };
  const add = (term: PartitionTerm, name: string | undefined) => {
    const field = partitionField(term, schema, nextFieldId++, where);
    const named = name === undefined ? field : { ...field, name };
    if (fields.some((f) => f.name === named.name || sameTerm(f, named))) throw new LochError('ALREADY_EXISTS', `${where}: partition field ${named.name} already exists`);
    fields.push(named);
  };
  if (a.kind === 'add_partition_field') add(a.term, a.name);
  else if (a.kind === 'drop_partition_field') drop(a.term, a.name);
  else if (a.kind === 'replace_partition_field') {
    drop(a.term, a.oldName);
    add(a.with, a.name);
  } else return undefined;
  const specId = Math.max(...m.partitionSpecs.map((s) => s.specId)) + 1;
  return {
    updates: [
      { action: 'add-spec', spec: { specId, fields } },
      { action: 'set-default-spec', specId: -1 },
    ],
    requirements: [{ type: 'assert-default-spec-id', defaultSpecId: spec.specId }],
  };
}

function sameTerm(a: PartitionField, b: PartitionField): boolean {
  return a.transform === b.transform && a.sourceIds.join(',') === b.sourceIds.join(',');
}
