import { LochError, isLochError } from '../../../core/errors.js';
import type { IcebergSchema, IcebergStruct, IcebergType, PartitionField, PartitionSpec } from '../model.js';
import { parseTransform, transformResultType } from '../transforms/transform.js';
import { asArray, asObject, corrupt, optArray, optInt, reqString, toInt } from './json-read.js';
import { fieldById } from './schema.js';

/** Partition specs: metadata JSON ⇄ PartitionSpec, and the type of a spec's partition tuples. */

/** First partition field id; v1 specs without field ids count up from here in order. */
export const PARTITION_DATA_ID_START = 1000;

/**
 * Parses a partition spec: the object form `{spec-id, fields}` or the v1 `partition-spec`
 * array of fields. `specId` is used when the JSON carries no `spec-id` (the array form); a
 * written `spec-id` wins. Fields without `field-id` (v1) get 1000, 1001, … in order; v3
 * multi-argument transforms list `source-ids` instead of `source-id`.
 */
export function parsePartitionSpec(json: unknown, specId: number | undefined, where: string): PartitionSpec {
  const asSpec = Array.isArray(json) ? undefined : asObject(json, where, 'partition spec');
  const id = (asSpec ? optInt(asSpec, 'spec-id', where) : undefined) ?? specId;
  if (id === undefined) throw corrupt(where, 'partition spec has no "spec-id"');
  const at = `${where}: partition spec ${id}`;
  const fieldsJson = asSpec ? asArray(asSpec.fields, at, '"fields"') : (json as unknown[]);
  const fields = fieldsJson.map((f, i) => parsePartitionField(f, i, `${at}: field ${i}`));
  const seen = new Set<number>();
  for (const f of fields) {
    if (seen.has(f.fieldId)) throw corrupt(at, `partition field id ${f.fieldId} is used twice`);
    seen.add(f.fieldId);
  }
  return { specId: id, fields };
}

function parsePartitionField(json: unknown, index: number, where: string): PartitionField {
  const o = asObject(json, where, 'partition field');
  const many = optArray(o, 'source-ids', where);
  const one = optInt(o, 'source-id', where);
  const sourceIds = many !== undefined ? many.map((v) => toInt(v, where, 'source id')) : one !== undefined ? [one] : undefined;
  if (sourceIds === undefined || sourceIds.length === 0) throw corrupt(where, 'partition field has neither "source-id" nor "source-ids"');
  return {
    sourceIds,
    fieldId: optInt(o, 'field-id', where) ?? PARTITION_DATA_ID_START + index,
    name: reqString(o, 'name', where),
    transform: reqString(o, 'transform', where),
  };
}

/** The metadata JSON of a spec (`source-ids` only for multi-argument fields). */
export function partitionSpecToJson(spec: PartitionSpec): unknown {
  return { 'spec-id': spec.specId, fields: spec.fields.map(partitionFieldToJson) };
}

/** One field's JSON, also what the v1 `partition-spec` array holds. */
export function partitionFieldToJson(f: PartitionField): Record<string, unknown> {
  const source = f.sourceIds.length === 1 ? { 'source-id': f.sourceIds[0] } : { 'source-ids': [...f.sourceIds] };
  return { name: f.name, transform: f.transform, ...source, 'field-id': f.fieldId };
}

const UNKNOWN: IcebergType = { kind: 'primitive', name: 'unknown' };

/**
 * The struct of a spec's partition tuples (the `partition` field of manifest entries): one
 * optional field per partition field, id = partition field id, type = the transform's result
 * type for the source column's type in `schema`. A source column no longer in `schema` is typed
 * `unknown` (transformResultType then gives `unknown`); multi-argument fields use the first
 * source. A transform that cannot apply to its source type → PROTOCOL_VIOLATION naming the field.
 */
export function partitionType(spec: PartitionSpec, schema: IcebergSchema): IcebergStruct {
  const byId = fieldById(schema);
  const fields = spec.fields.map((f) => {
    const source = byId.get(f.sourceIds[0]!)?.field.type ?? UNKNOWN;
    return { id: f.fieldId, name: f.name, required: false, type: resultType(spec, f, source) };
  });
  return { kind: 'struct', fields };
}

function resultType(spec: PartitionSpec, f: PartitionField, source: IcebergType): IcebergType {
  try {
    return transformResultType(parseTransform(f.transform), source);
  } catch (error) {
    if (!isLochError(error)) throw error;
    const message = `iceberg metadata: partition spec ${spec.specId} field ${f.fieldId} (${f.name}): ${error.message}`;
    throw new LochError(error.code, message, { context: { specId: spec.specId, fieldId: f.fieldId, ...error.context }, cause: error });
  }
}

/** True when the spec has no fields or only `void` ones (Java's `isUnpartitioned`). */
export function isUnpartitioned(spec: PartitionSpec): boolean {
  return spec.fields.every((f) => parseTransform(f.transform).kind === 'void');
}

/** The highest partition field id of the specs, or 999 when there is none (for `last-partition-id`). */
export function lastPartitionId(specs: readonly PartitionSpec[]): number {
  let last = PARTITION_DATA_ID_START - 1;
  for (const spec of specs) for (const f of spec.fields) last = Math.max(last, f.fieldId);
  return last;
}
