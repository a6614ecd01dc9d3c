import { LochError } from '../../../core/errors.js';
import { parseJsonExact, stringifyJsonExact } from '../../../core/json-exact.js';
import type {
  IcebergSchema,
  MetadataLogEntry,
  PartitionSpec,
  Snapshot,
  SnapshotLogEntry,
  SnapshotRef,
  SortOrder,
  TableMetadata,
} from '../model.js';
import { asObject, corrupt, optArray, optInt, optLong, optString, reqInt, reqLong, reqString, stringMap, violation, type JsonRecord } from './json-read.js';
import { lastPartitionId, parsePartitionSpec, partitionFieldToJson, partitionSpecToJson } from './partition-spec.js';
import { parseSchema, schemaById, schemaToJson } from './schema.js';
import { parseSortOrder, sortOrderToJson } from './sort-order.js';

/** Table metadata files (spec "Table Metadata", Appendix C): text ⇄ TableMetadata. */

export const MAX_FORMAT_VERSION = 3;
export const MAIN_BRANCH = 'main';

/**
 * Parses one metadata file. Numbers are read exactly (snapshot ids are 64-bit). Normalises the
 * format versions: v1's `schema` / `partition-spec` stand in when `schemas` / `partition-specs`
 * are absent; `current-snapshot-id` -1 or null → undefined; a missing `main` ref is synthesised
 * from the current snapshot; absent optional lists → []; `last-partition-id` absent → highest
 * partition field id (999 when none); `default-sort-order-id` absent → 0.
 * Errors: not JSON or a member of the wrong shape → CORRUPT_DATA; format-version above 3 →
 * UNSUPPORTED_FEATURE; ids that contradict each other (current schema or default spec missing,
 * current-snapshot-id ≠ main ref) → PROTOCOL_VIOLATION. Encryption keys are kept, not refused.
 */
export function parseTableMetadata(text: string, where: string): TableMetadata {
  let json: unknown;
  try {
    json = parseJsonExact(text);
  } catch (error) {
    throw new LochError('CORRUPT_DATA', `iceberg metadata: ${where}: not valid JSON: ${(error as Error).message}`, { cause: error, context: { where } });
  }
  const o = asObject(json, where, 'table metadata');
  const formatVersion = reqInt(o, 'format-version', where);
  if (formatVersion > MAX_FORMAT_VERSION) {
    throw new LochError('UNSUPPORTED_FEATURE', `iceberg metadata: ${where}: format-version ${formatVersion} is newer than ${MAX_FORMAT_VERSION}, the highest Loch reads`, {
      context: { where, formatVersion },
    });
  }
  if (formatVersion < 1) throw corrupt(where, `format-version ${formatVersion} is not a spec version`);
  const { schemas, currentSchemaId } = readSchemas(o, where);
  const { partitionSpecs, defaultSpecId } = readSpecs(o, where);
  const snapshots = (optArray(o, 'snapshots', where) ?? []).map((s, i) => parseSnapshot(s, `${where}: snapshot ${i}`));
  const { currentSnapshotId, refs } = readRefs(o, where);
  const nextRowId = optInt(o, 'next-row-id', where);
  const encryptionKeys = optArray(o, 'encryption-keys', where);
  const tableUuid = optString(o, 'table-uuid', where);
  return {
    formatVersion: formatVersion as 1 | 2 | 3,
    ...(tableUuid !== undefined ? { tableUuid } : {}),
    location: reqString(o, 'location', where),
    lastSequenceNumber: optInt(o, 'last-sequence-number', where) ?? 0,
    lastUpdatedMs: reqInt(o, 'last-updated-ms', where),
    lastColumnId: reqInt(o, 'last-column-id', where),
    schemas,
    currentSchemaId,
    partitionSpecs,
    defaultSpecId,
    lastPartitionId: optInt(o, 'last-partition-id', where) ?? lastPartitionId(partitionSpecs),
    properties: o.properties === undefined || o.properties === null ? {} : stringMap(o.properties, where, '"properties"'),
    ...(currentSnapshotId !== undefined ? { currentSnapshotId } : {}),
    snapshots,
    snapshotLog: (optArray(o, 'snapshot-log', where) ?? []).map((e, i) => parseSnapshotLogEntry(e, `${where}: snapshot-log ${i}`)),
    metadataLog: (optArray(o, 'metadata-log', where) ?? []).map((e, i) => parseMetadataLogEntry(e, `${where}: metadata-log ${i}`)),
    sortOrders: readSortOrders(o, where),
    defaultSortOrderId: optInt(o, 'default-sort-order-id', where) ?? 0,
    refs,
    statistics: optArray(o, 'statistics', where) ?? [],
    partitionStatistics: optArray(o, 'partition-statistics', where) ?? [],
    ...(nextRowId !== undefined ? { nextRowId } : {}),
    ...(encryptionKeys !== undefined ? { encryptionKeys } : {}),
  };
}

function readSchemas(o: JsonRecord, where: string): { schemas: IcebergSchema[]; currentSchemaId: number } {
  const list = optArray(o, 'schemas', where);
  if (list !== undefined) {
    const schemas = list.map((s) => parseSchema(s, where));
    const currentSchemaId = optInt(o, 'current-schema-id', where) ?? (o.schema !== undefined ? parseSchema(o.schema, where).schemaId : undefined);
    if (currentSchemaId === undefined) throw corrupt(where, 'required member "current-schema-id" is missing');
    schemaById(schemas, currentSchemaId, where);
    const ids = new Set(schemas.map((s) => s.schemaId));
    if (ids.size !== schemas.length) throw violation(where, 'two schemas have the same schema-id');
    return { schemas, currentSchemaId };
  }
  if (o.schema === undefined || o.schema === null) throw corrupt(where, 'neither "schemas" nor "schema" is present');
  const schema = parseSchema(o.schema, where);
  return { schemas: [schema], currentSchemaId: schema.schemaId };
}

function readSpecs(o: JsonRecord, where: string): { partitionSpecs: PartitionSpec[]; defaultSpecId: number } {
  const list = optArray(o, 'partition-specs', where);
  if (list !== undefined) {
    const partitionSpecs = list.map((s) => parsePartitionSpec(s, undefined, where));
    const defaultSpecId = optInt(o, 'default-spec-id', where) ?? 0;
    if (!partitionSpecs.some((s) => s.specId === defaultSpecId)) {
      throw violation(where, `default-spec-id ${defaultSpecId} names no partition spec (specs: ${partitionSpecs.map((s) => s.specId).join(', ') || 'none'})`);
    }
    return { partitionSpecs, defaultSpecId };
  }
  const legacy = optArray(o, 'partition-spec', where);
  if (legacy === undefined) throw corrupt(where, 'neither "partition-specs" nor "partition-spec" is present');
  return { partitionSpecs: [parsePartitionSpec(legacy, 0, where)], defaultSpecId: 0 };
}

function readSortOrders(o: JsonRecord, where: string): SortOrder[] {
  return (optArray(o, 'sort-orders', where) ?? []).map((s) => parseSortOrder(s, where));
}

function readRefs(o: JsonRecord, where: string): { currentSnapshotId: bigint | undefined; refs: Record<string, SnapshotRef> } {
  const written = optLong(o, 'current-snapshot-id', where);
  let currentSnapshotId = written === -1n ? undefined : written;
  const refs: Record<string, SnapshotRef> = {};
  if (o.refs !== undefined && o.refs !== null) {
    for (const [name, ref] of Object.entries(asObject(o.refs, where, '"refs"'))) refs[name] = parseRef(ref, `${where}: ref "${name}"`);
  }
  const main = refs[MAIN_BRANCH];
  if (main !== undefined && currentSnapshotId !== undefined && main.snapshotId !== currentSnapshotId) {
    throw violation(where, `current-snapshot-id ${currentSnapshotId} differs from the main branch's snapshot ${main.snapshotId}`);
  }
  if (main !== undefined) currentSnapshotId = main.snapshotId;
  else if (currentSnapshotId !== undefined) refs[MAIN_BRANCH] = { snapshotId: currentSnapshotId, type: 'branch' };
  return { currentSnapshotId, refs };
}

function parseRef(json: unknown, where: string): SnapshotRef {
  const o = asObject(json, where, 'snapshot ref');
  const type = reqString(o, 'type', where).toLowerCase();
  if (type !== 'branch' && type !== 'tag') throw corrupt(where, `ref type "${type}" is neither branch nor tag`);
  const minSnapshotsToKeep = optInt(o, 'min-snapshots-to-keep', where);
  const maxSnapshotAgeMs = optInt(o, 'max-snapshot-age-ms', where);
  const maxRefAgeMs = optInt(o, 'max-ref-age-ms', where);
  return {
    snapshotId: reqLong(o, 'snapshot-id', where),
    type,
    ...(minSnapshotsToKeep !== undefined ? { minSnapshotsToKeep } : {}),
    ...(maxSnapshotAgeMs !== undefined ? { maxSnapshotAgeMs } : {}),
    ...(maxRefAgeMs !== undefined ? { maxRefAgeMs } : {}),
  };
}

function parseSnapshot(json: unknown, where: string): Snapshot {
  const o = asObject(json, where, 'snapshot');
  const snapshotId = reqLong(o, 'snapshot-id', where);
  const at = `${where} (id ${snapshotId})`;
  const parentSnapshotId = optLong(o, 'parent-snapshot-id', at);
  const manifestList = optString(o, 'manifest-list', at);
  const manifestsJson = optArray(o, 'manifests', at);
  const manifests = manifestsJson?.map((m) => {
    if (typeof m !== 'string') throw corrupt(at, '"manifests" holds something other than a path');
    return m;
  });
  if (manifestList === undefined && manifests === undefined) throw corrupt(at, 'snapshot has neither "manifest-list" nor "manifests"');
  const optional = {
    schemaId: optInt(o, 'schema-id', at),
    firstRowId: optInt(o, 'first-row-id', at),
    addedRows: optInt(o, 'added-rows', at),
    keyId: optString(o, 'key-id', at),
  };
  return {
    snapshotId,
    ...(parentSnapshotId !== undefined && parentSnapshotId !== -1n ? { parentSnapshotId } : {}),
    sequenceNumber: optInt(o, 'sequence-number', at) ?? 0,
    timestampMs: reqInt(o, 'timestamp-ms', at),
    ...(manifestList !== undefined ? { manifestList } : {}),
    ...(manifests !== undefined ? { manifests } : {}),
    summary: o.summary === undefined || o.summary === null ? {} : stringMap(o.summary, at, '"summary"'),
    ...(Object.fromEntries(Object.entries(optional).filter(([, v]) => v !== undefined)) as Partial<Snapshot>),
  };
}

function parseSnapshotLogEntry(json: unknown, where: string): SnapshotLogEntry {
  const o = asObject(json, where, 'snapshot-log entry');
  return { timestampMs: reqInt(o, 'timestamp-ms', where), snapshotId: reqLong(o, 'snapshot-id', where) };
}

function parseMetadataLogEntry(json: unknown, where: string): MetadataLogEntry {
  const o = asObject(json, where, 'metadata-log entry');
  return { timestampMs: reqInt(o, 'timestamp-ms', where), metadataFile: reqString(o, 'metadata-file', where) };
}

/**
 * The metadata file text of `m` (compact JSON, members in Java's order, ids written exactly).
 * `parseTableMetadata(serializeTableMetadata(m))` deep-equals `m`. v1 also writes the
 * deprecated `schema` (current schema) and `partition-spec` (default spec's fields) that v1
 * readers need; v1/v2 write a missing current snapshot as -1, v3 as null.
 */
export function serializeTableMetadata(m: TableMetadata): string {
  const v1 = m.formatVersion === 1;
  const json: Record<string, unknown> = {
    'format-version': m.formatVersion,
    'table-uuid': m.tableUuid,
    location: m.location,
    'last-sequence-number': v1 && m.lastSequenceNumber === 0 ? undefined : m.lastSequenceNumber,
    'last-updated-ms': m.lastUpdatedMs,
    'last-column-id': m.lastColumnId,
    schema: v1 ? schemaToJson(schemaById(m.schemas, m.currentSchemaId, 'serialize')) : undefined,
    'current-schema-id': m.currentSchemaId,
    schemas: m.schemas.map(schemaToJson),
    'partition-spec': v1 ? defaultSpecFields(m) : undefined,
    'default-spec-id': m.defaultSpecId,
    'partition-specs': m.partitionSpecs.map(partitionSpecToJson),
    'last-partition-id': m.lastPartitionId,
    'default-sort-order-id': m.defaultSortOrderId,
    'sort-orders': m.sortOrders.map(sortOrderToJson),
    properties: m.properties,
    'current-snapshot-id': m.currentSnapshotId ?? (m.formatVersion >= 3 ? null : -1),
    'next-row-id': m.nextRowId,
    refs: Object.fromEntries(Object.entries(m.refs).map(([name, ref]) => [name, refToJson(ref)])),
    snapshots: m.snapshots.map((s) => snapshotToJson(s, m.formatVersion)),
    statistics: m.statistics,
    'partition-statistics': m.partitionStatistics,
    'snapshot-log': m.snapshotLog.map((e) => ({ 'timestamp-ms': e.timestampMs, 'snapshot-id': e.snapshotId })),
    'metadata-log': m.metadataLog.map((e) => ({ 'timestamp-ms': e.timestampMs, 'metadata-file': e.metadataFile })),
    'encryption-keys': m.encryptionKeys,
  };
  return stringifyJsonExact(json);
}

function defaultSpecFields(m: TableMetadata): unknown[] {
  const spec = m.partitionSpecs.find((s) => s.specId === m.defaultSpecId);
  if (spec === undefined) throw violation('serialize', `default-spec-id ${m.defaultSpecId} names no partition spec`);
  return spec.fields.map(partitionFieldToJson);
}

function refToJson(ref: SnapshotRef): Record<string, unknown> {
  return {
    'snapshot-id': ref.snapshotId,
    type: ref.type,
    'min-snapshots-to-keep': ref.minSnapshotsToKeep,
    'max-snapshot-age-ms': ref.maxSnapshotAgeMs,
    'max-ref-age-ms': ref.maxRefAgeMs,
  };
}

function snapshotToJson(s: Snapshot, formatVersion: number): Record<string, unknown> {
  return {
    'sequence-number': formatVersion === 1 && s.sequenceNumber === 0 ? undefined : s.sequenceNumber,
    'snapshot-id': s.snapshotId,
    'parent-snapshot-id': s.parentSnapshotId,
    'timestamp-ms': s.timestampMs,
    summary: s.summary,
    'manifest-list': s.manifestList,
    manifests: s.manifests,
    'schema-id': s.schemaId,
    'first-row-id': s.firstRowId,
    'added-rows': s.addedRows,
    'key-id': s.keyId,
  };
}

